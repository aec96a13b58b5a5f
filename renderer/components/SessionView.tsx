import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { DEFAULT_BREAK_MS, SPECIAL_COMMANDS, describeTerminalMode, type SessionDto } from '../../native/api/index.js';
import { TRACE_SIZE, keptPrefs, type SessionPrefs, type SessionView as View } from '../state/store.js';
import { useAction, useRevtel, useServices } from './context.js';
import { sentence } from '../state/sentences.js';
import { Menu } from './Menu.js';
import { canSave, saveTab } from '../state/saved.js';
import { TracePane } from './TracePane.js';
import { PRESENTER_SCALE, usePresenting } from '../presenter/presenter.js';

/** One tab: one toolbar (state, menus), the terminal, and for telnet the negotiation trace beside or below it. */
export function SessionView({ view }: { view: View }) {
  const host = useRef<HTMLDivElement>(null);
  const { terminals } = useServices();
  const theme = useRevtel((state) => state.theme);
  const fontSize = useRevtel((state) => state.fontSize);
  const renderer = useRevtel((state) => state.renderer);
  const layout = useRevtel((state) => state.layout);
  const sessionId = view.dto.sessionId;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    terminals.attach(sessionId, element);
    // Whatever changes the terminal's room (the window, the sidebar, the trace pane) refits it.
    const observer = new ResizeObserver(() => terminals.fit(sessionId));
    observer.observe(element);
    return () => observer.disconnect();
  }, [sessionId, terminals]);
  const presenting = usePresenting();
  useEffect(() => terminals.applyLook(theme, presenting ? Math.round(fontSize * PRESENTER_SCALE) : fontSize, renderer), [theme, fontSize, presenting, renderer, terminals]);

  const hasTrace = view.dto.kind !== 'serial';
  const traceShown = hasTrace && layout.trace !== 'hidden';
  return (
    <div className="session">
      <Toolbar view={view} />
      {view.dto.message && view.dto.state !== 'open' && view.dto.kind !== 'replay' && (
        // A message of several lines (OpenSSH's changed-key warning) is laid out in columns, as a terminal shows it.
        <div className={`session-notice ${view.dto.state}${view.dto.message.includes('\n') ? ' preformatted' : ''}`} role="alert" aria-label={`State of ${view.dto.title}`}>{sentence(view.dto.message)}</div>
      )}
      {view.dto.hostKey && <HostKeyQuestion dto={view.dto} hostKey={view.dto.hostKey} />}
      {view.dto.passwordPrompt && <PasswordQuestion dto={view.dto} prompt={view.dto.passwordPrompt} />}
      <div className={`terminal-and-trace ${layout.trace === 'below' ? 'below' : 'beside'}`}>
        <div className="terminal-area" ref={host} aria-label={`Terminal of ${view.dto.title}`} />
        {traceShown && <Splitter />}
        {traceShown && <TracePane view={view} />}
      </div>
    </div>
  );
}

/** An SSH server's key not yet known: shown as OpenSSH shows it, accepted (and recorded) once or refused. */
function HostKeyQuestion({ dto, hostKey }: { dto: SessionDto; hostKey: NonNullable<SessionDto['hostKey']> }) {
  const { api } = useServices();
  const act = useAction();
  const answer = (accept: boolean) => void act(() => api.answerHostKey({ sessionId: dto.sessionId, accept }));
  return (
    <div className="session-notice host-key" role="alertdialog" aria-label={`Host key of ${dto.host}`}>
      <p>The authenticity of {dto.host} port {dto.port} cannot be established: Revtel has not seen its key before.</p>
      <p>{hostKey.algorithm} key fingerprint: <code>{hostKey.fingerprint}</code></p>
      <p>Accept it only if it is the server's key; it is then recorded and checked on every connection.</p>
      <button type="button" className="primary" onClick={() => answer(true)}>Accept and connect</button>
      <button type="button" onClick={() => answer(false)}>Refuse</button>
    </div>
  );
}

/** An SSH server wants a password (again): asked in the tab, as PuTTY asks in its window; never kept anywhere but the session. */
function PasswordQuestion({ dto, prompt }: { dto: SessionDto; prompt: string }) {
  const { api } = useServices();
  const act = useAction(dto.sessionId);
  const [password, setPassword] = useState('');
  const answer = (given: string | undefined) => void act(() => api.answerPassword({ sessionId: dto.sessionId, ...(given !== undefined ? { password: given } : {}) }));
  return (
    <form className="session-notice host-key" role="alertdialog" aria-label={`Password for ${dto.user ?? ''}@${dto.host ?? ''}`} onSubmit={(event) => {
      event.preventDefault();
      answer(password);
    }}>
      <p>{sentence(prompt)}</p>
      <label>Password <input type="password" value={password} autoFocus autoComplete="current-password" onChange={(event) => setPassword(event.target.value)} /></label>
      {' '}<button type="submit" className="primary">Log in</button>
      <button type="button" onClick={() => answer(undefined)}>Cancel</button>
    </form>
  );
}

/** The edge between the terminal and the trace: drag it, or use the arrow keys on it. */
function Splitter() {
  const { store } = useServices();
  const layout = useRevtel((state) => state.layout);
  const below = layout.trace === 'below';
  const drag = (event: PointerEvent<HTMLDivElement>) => {
    const start = below ? event.clientY : event.clientX;
    const size = layout.traceSize;
    const target = event.currentTarget;
    target.setPointerCapture(event.pointerId);
    const move = (moved: globalThis.PointerEvent) => store.getState().setLayout({ traceSize: size - ((below ? moved.clientY : moved.clientX) - start) });
    const stop = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', stop);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', stop);
  };
  const keys = (event: KeyboardEvent<HTMLDivElement>) => {
    const grow = below ? { ArrowUp: 20, ArrowDown: -20 } : { ArrowLeft: 20, ArrowRight: -20 };
    const step = (grow as Record<string, number>)[event.key];
    if (step) store.getState().setLayout({ traceSize: layout.traceSize + step });
  };
  return (
    <div className="splitter" role="separator" tabIndex={0} aria-label="Trace pane size" aria-orientation={below ? 'horizontal' : 'vertical'}
      aria-valuemin={TRACE_SIZE.min} aria-valuemax={TRACE_SIZE.max} aria-valuenow={layout.traceSize} onPointerDown={drag} onKeyDown={keys} />
  );
}

const STATE_TEXT: Record<SessionDto['state'], string> = {
  connecting: 'connecting',
  open: 'open',
  reconnecting: 'reconnecting',
  unplugged: 'device unplugged',
  closed: 'closed',
};

function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  return `${(count / 1048576).toFixed(1)} MiB`;
}

/** Short in the toolbar, the whole sentence on hover. */
const KEYBOARD_TEXT = {
  taken: ['keyboard: yours', 'you have the keyboard; remote writers watch'],
  free: ['keyboard: free', 'you type: no remote writer is connected'],
  remote: ['keyboard: remote', 'a remote client has the keyboard: your typing is dropped'],
} as const;

/** The operator's view of a line: whose typing reaches the device, and the keyboard taken or given back. */
export function OperatorKeyboard({ sessionId, tcpPort }: { sessionId: string; tcpPort: number }) {
  const { api } = useServices();
  const act = useAction(sessionId);
  const keyboard = useRevtel((state) => state.lines.find((line) => line.tcpPort === tcpPort)?.operatorKeyboard);
  if (!keyboard) return null;
  const take = keyboard !== 'taken';
  return (
    <span className="keyboard" role="status" aria-label="Keyboard" title={KEYBOARD_TEXT[keyboard][1]}>
      {KEYBOARD_TEXT[keyboard][0]}
      <button type="button" onClick={() => void act(() => api.takeKeyboard({ sessionId, take }))}>{take ? 'Take the keyboard' : 'Give the keyboard back'}</button>
    </span>
  );
}

function Toolbar({ view }: { view: View }) {
  const { api, store, terminals } = useServices();
  const act = useAction(view.dto.sessionId);
  const layout = useRevtel((state) => state.layout);
  const pasting = useRevtel((state) => state.pasting[view.dto.sessionId]);
  const { dto, prefs, modem } = view;
  const sessionId = dto.sessionId;
  const [breakMs, setBreakMs] = useState(DEFAULT_BREAK_MS);
  const [dtr, setDtr] = useState(true);
  const [rts, setRts] = useState(true);
  const [search, setSearch] = useState('');
  const [logStripped, setLogStripped] = useState(false);
  const [logTemplate, setLogTemplate] = useState('{title}-{date}-{time}');
  // Kept by the hub too, so that a reload or another window opens the tab with the same choices.
  const setPrefs = (change: Partial<SessionPrefs>) => {
    store.getState().setPrefs(sessionId, change);
    const now = store.getState().sessions[sessionId]?.prefs;
    if (now) void act(() => api.setSessionPrefs({ sessionId, prefs: keptPrefs(now) }));
  };
  const hasTrace = dto.kind !== 'serial';
  // The operator's view of a line refuses telnet commands (it is no telnet client): BREAK only.
  const hasTelnetCommands = dto.kind === 'telnet';
  // An SSH session sends BREAK as RFC 4335's request, once its shell is open; it has no DTR/RTS nor telnet commands.
  const hasLineMenu = dto.kind !== 'replay' && (dto.kind !== 'ssh' || dto.state === 'open');
  // DTR and RTS reach a port only on a serial tab or over RFC 2217.
  const hasControlLines = dto.kind === 'serial' || dto.rfc2217 !== undefined;

  const toggleLine = (line: 'dtr' | 'rts', value: boolean) => act(async () => {
    await api.setControlLines({ sessionId, [line]: value });
    if (line === 'dtr') setDtr(value);
    else setRts(value);
  });
  const toggleLog = () => act(() => (dto.logFile
    ? api.stopLog({ sessionId })
    : api.startLog({ sessionId, stripped: logStripped, ...(logTemplate.trim() ? { template: logTemplate.trim() } : {}) })));

  return (
    <div className="toolbar" role="toolbar" aria-label={`Controls of ${dto.title}`}>
      <span className="status-bar" role="status">
        <span className={`state ${dto.state}`} data-state={dto.state}>{STATE_TEXT[dto.state]}</span>
        {dto.message && (dto.state === 'open' || dto.kind === 'replay') && <span className="message" title={sentence(dto.message)}>{sentence(dto.message)}</span>}
        {dto.settings && <span className="settings">{dto.settings}</span>}
        {view.mode && <span className="mode">{describeTerminalMode(view.mode)}</span>}
        <span className="counters">in {bytes(view.bytesIn)} · out {bytes(view.bytesOut)}</span>
        {dto.logFile && <span className="logging" title={`Logging to ${dto.logFile}`} aria-label="Logging to">● log {dto.logFile.split(/[\\/]/).pop()}</span>}
      </span>
      {modem && (
        <span className="lamps" aria-label="Modem lines">
          {(['cts', 'dsr', 'dcd', 'ri'] as const).map((name) => (
            <span key={name} className={`lamp ${modem[name] ? 'on' : 'off'}`} title={modem[name] === undefined ? `${name.toUpperCase()} not reported` : `${name.toUpperCase()} ${modem[name] ? 'on' : 'off'}`}>{name.toUpperCase()}</span>
          ))}
        </span>
      )}
      {dto.kind === 'line-view' && dto.tcpPort !== undefined && <OperatorKeyboard sessionId={sessionId} tcpPort={dto.tcpPort} />}
      <span className="spacer" />
      {pasting && (
        <span className="paste-progress" role="status" aria-label="Paste progress">
          <progress max={pasting.total} value={pasting.sent} /> pasting line {pasting.sent} of {pasting.total}
          {prefs.pasteWaitForEcho ? ', each after its echo' : prefs.pasteLineDelayMs > 0 ? `, ${prefs.pasteLineDelayMs} ms apart` : ''}
          <button type="button" onClick={() => terminals.cancelPaste(sessionId)}>Stop</button>
        </span>
      )}
      {dto.state === 'closed' && dto.kind !== 'replay' && <button type="button" onClick={() => void act(() => api.reconnectSession({ sessionId }))}>Reconnect</button>}
      {/* A replay is read-only: nothing to send on its line. */}
      {hasLineMenu && <Menu label="Line">
        {canSave(view) && <button type="button" onClick={() => saveTab(store.getState(), view)}>Save session</button>}
        <label>BREAK <input type="number" min={10} max={10000} step={50} value={breakMs} aria-label="BREAK duration in ms" onChange={(event) => setBreakMs(Number(event.target.value))} /> ms</label>
        <button type="button" onClick={() => void act(() => api.sendBreak({ sessionId, durationMs: breakMs }))}>Send BREAK</button>
        {hasControlLines && <button type="button" aria-pressed={dtr} onClick={() => void toggleLine('dtr', !dtr)}>DTR</button>}
        {hasControlLines && <button type="button" aria-pressed={rts} onClick={() => void toggleLine('rts', !rts)}>RTS</button>}
        {hasTelnetCommands && (
          <select aria-label="Telnet command" value="" onChange={(event) => {
            const command = event.target.value as (typeof SPECIAL_COMMANDS)[number];
            if (command) void act(() => api.sendCommand({ sessionId, command }));
          }}>
            <option value="">Send command…</option>
            {SPECIAL_COMMANDS.map((command) => <option key={command} value={command}>{command.toUpperCase()}</option>)}
          </select>
        )}
      </Menu>}
      <Menu label="Terminal">
        <select aria-label="Encoding" value={prefs.encoding} onChange={(event) => setPrefs({ encoding: event.target.value as SessionPrefs['encoding'] })}>
          <option value="utf-8">UTF-8</option>
          <option value="latin1">Latin-1</option>
        </select>
        <select aria-label="Enter sends" value={prefs.enterSends} onChange={(event) => setPrefs({ enterSends: event.target.value as SessionPrefs['enterSends'] })}>
          <option value="CR">Enter → CR</option>
          <option value="LF">Enter → LF</option>
          <option value="CRLF">Enter → CR LF</option>
        </select>
        <label><input type="checkbox" checked={prefs.lfToCrlf} onChange={(event) => setPrefs({ lfToCrlf: event.target.checked })} /> LF → CR LF</label>
        <label><input type="checkbox" checked={prefs.localEcho === 'on'} onChange={(event) => setPrefs({ localEcho: event.target.checked ? 'on' : 'auto' })} /> local echo</label>
        <label><input type="checkbox" checked={prefs.hexView} onChange={(event) => setPrefs({ hexView: event.target.checked })} /> hex</label>
        <fieldset className="log-options" disabled={dto.logFile !== undefined}>
          <label>Log file name <input aria-label="Log file name" value={logTemplate} onChange={(event) => setLogTemplate(event.target.value)} title="{title} {host} {port} {path} {date} {time}" /></label>
          <label><input type="checkbox" checked={logStripped} onChange={(event) => setLogStripped(event.target.checked)} /> without escape sequences</label>
        </fieldset>
        <button type="button" aria-pressed={dto.logFile !== undefined} onClick={() => void toggleLog()}>{dto.logFile ? 'Stop log' : 'Log to file'}</button>
      </Menu>
      <Menu label="Paste">
        <label><input type="number" min={0} max={1000} value={prefs.pasteCharDelayMs} aria-label="Delay per character in ms" onChange={(event) => setPrefs({ pasteCharDelayMs: Number(event.target.value) })} /> ms/char</label>
        <label><input type="number" min={0} max={10000} value={prefs.pasteLineDelayMs} aria-label="Delay per line in ms" onChange={(event) => setPrefs({ pasteLineDelayMs: Number(event.target.value) })} /> ms/line</label>
        <label><input type="checkbox" checked={prefs.pasteWaitForEcho} onChange={(event) => setPrefs({ pasteWaitForEcho: event.target.checked })} /> wait for echo</label>
        <button type="button" onClick={() => terminals.cancelPaste(sessionId)}>Stop paste</button>
      </Menu>
      {hasTrace && (
        <select aria-label="Trace pane" value={layout.trace} onChange={(event) => store.getState().setLayout({ trace: event.target.value as 'right' | 'below' | 'hidden' })}>
          <option value="right">Trace: right</option>
          <option value="below">Trace: below</option>
          <option value="hidden">Trace: hidden</option>
        </select>
      )}
      <input className="search" aria-label="Search the scrollback" placeholder="search" value={search} onChange={(event) => setSearch(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !terminals.find(sessionId, search, event.shiftKey)) store.getState().showError(`"${search}" is not in the scrollback`, sessionId);
        }} />
      <button type="button" title="Keep the session running without a tab; it is listed under Detached sessions" onClick={() => void act(() => api.detachSession({ sessionId, detached: true }))}>Detach</button>
    </div>
  );
}
