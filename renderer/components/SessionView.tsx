import { useEffect, useRef, useState } from 'react';
import { SPECIAL_COMMANDS, describeTerminalMode, type SessionDto } from '../../native/api/index.js';
import type { SessionPrefs, SessionView as View } from '../state/store.js';
import { useAction, useRevtel, useServices } from './context.js';
import { TracePane } from './TracePane.js';

/** One tab: the terminal, its controls, and (for telnet) the negotiation trace beside it. */
export function SessionView({ view }: { view: View }) {
  const host = useRef<HTMLDivElement>(null);
  const { terminals } = useServices();
  const theme = useRevtel((state) => state.theme);
  const fontSize = useRevtel((state) => state.fontSize);
  const sessionId = view.dto.sessionId;

  useEffect(() => {
    if (host.current) terminals.attach(sessionId, host.current);
    const refit = () => terminals.fit(sessionId);
    window.addEventListener('resize', refit);
    return () => window.removeEventListener('resize', refit);
  }, [sessionId, terminals]);
  useEffect(() => terminals.applyLook(theme, fontSize), [theme, fontSize, terminals]);

  const hasTrace = view.dto.kind !== 'serial';
  return (
    <div className={`session ${hasTrace ? 'with-trace' : ''}`}>
      <StatusBar view={view} />
      <Controls view={view} />
      <div className="terminal-and-trace">
        <div className="terminal-area" ref={host} aria-label={`Terminal of ${view.dto.title}`} />
        {hasTrace && <TracePane view={view} />}
      </div>
    </div>
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

function StatusBar({ view }: { view: View }) {
  const { api, store } = useServices();
  const act = useAction();
  const { dto } = view;
  const reopen = () => act(async () => {
    const next = await reopenSession(api, dto);
    store.getState().closeTab(dto.sessionId);
    store.getState().opened(next);
  });
  return (
    <div className="status-bar" role="status">
      <span className={`state ${dto.state}`} data-state={dto.state}>{STATE_TEXT[dto.state]}</span>
      {dto.message && <span className="message">{dto.message}</span>}
      {dto.settings && <span className="settings">{dto.settings}</span>}
      {view.mode && <span className="mode">{describeTerminalMode(view.mode)}</span>}
      <span className="counters">in {bytes(view.bytesIn)} · out {bytes(view.bytesOut)}</span>
      {dto.state === 'closed' && <button type="button" onClick={() => void reopen()}>Reconnect</button>}
    </div>
  );
}

async function reopenSession(api: ReturnType<typeof useServices>['api'], dto: SessionDto): Promise<SessionDto> {
  if (dto.kind === 'line-view' && dto.tcpPort) return api.openLineView({ tcpPort: dto.tcpPort });
  if (dto.kind === 'telnet' && dto.host && dto.port) return api.openTelnet({ host: dto.host, port: dto.port });
  return api.openSerial({ path: dto.path ?? dto.title, settings: dto.settings ?? '9600,8N1' });
}

function Controls({ view }: { view: View }) {
  const { api, store, terminals } = useServices();
  const act = useAction();
  const { dto, prefs, modem } = view;
  const sessionId = dto.sessionId;
  const [breakMs, setBreakMs] = useState(300);
  const [dtr, setDtr] = useState(true);
  const [rts, setRts] = useState(true);
  const [search, setSearch] = useState('');
  const [logging, setLogging] = useState(false);
  const setPrefs = (change: Partial<SessionPrefs>) => store.getState().setPrefs(sessionId, change);
  const isTelnet = dto.kind !== 'serial';

  const toggleLine = (line: 'dtr' | 'rts', value: boolean) => act(async () => {
    await api.setControlLines({ sessionId, [line]: value });
    if (line === 'dtr') setDtr(value);
    else setRts(value);
  });
  const toggleLog = () => {
    if (!logging) {
      terminals.startLog(sessionId);
      setLogging(true);
      return;
    }
    const log = terminals.stopLog(sessionId) ?? '';
    setLogging(false);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([log], { type: 'text/plain' }));
    link.download = `${dto.title.replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`;
    link.click();
  };

  return (
    <div className="controls">
      <fieldset>
        <legend>Line</legend>
        <label>BREAK <input type="number" min={10} max={10000} step={50} value={breakMs} aria-label="BREAK duration in ms" onChange={(event) => setBreakMs(Number(event.target.value))} /> ms</label>
        <button type="button" onClick={() => void act(() => api.sendBreak({ sessionId, durationMs: breakMs }))}>Send BREAK</button>
        <button type="button" aria-pressed={dtr} onClick={() => void toggleLine('dtr', !dtr)}>DTR</button>
        <button type="button" aria-pressed={rts} onClick={() => void toggleLine('rts', !rts)}>RTS</button>
        {modem && (
          <span className="lamps" aria-label="Modem lines">
            {(['cts', 'dsr', 'dcd', 'ri'] as const).map((name) => (
              <span key={name} className={`lamp ${modem[name] ? 'on' : 'off'}`} title={modem[name] === undefined ? `${name.toUpperCase()} not reported` : `${name.toUpperCase()} ${modem[name] ? 'on' : 'off'}`}>{name.toUpperCase()}</span>
            ))}
          </span>
        )}
        {isTelnet && (
          <select aria-label="Telnet command" value="" onChange={(event) => {
            const command = event.target.value as (typeof SPECIAL_COMMANDS)[number];
            if (command) void act(() => api.sendCommand({ sessionId, command }));
          }}>
            <option value="">Send command…</option>
            {SPECIAL_COMMANDS.map((command) => <option key={command} value={command}>{command.toUpperCase()}</option>)}
          </select>
        )}
      </fieldset>
      <fieldset>
        <legend>Terminal</legend>
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
        <input aria-label="Search the scrollback" placeholder="search" value={search} onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !terminals.find(sessionId, search, event.shiftKey)) store.getState().showError(`"${search}" is not in the scrollback`);
          }} />
        <button type="button" aria-pressed={logging} onClick={toggleLog}>{logging ? 'Stop log & save' : 'Log to file'}</button>
      </fieldset>
      <fieldset>
        <legend>Paste pacing</legend>
        <label><input type="number" min={0} max={1000} value={prefs.pasteCharDelayMs} aria-label="Delay per character in ms" onChange={(event) => setPrefs({ pasteCharDelayMs: Number(event.target.value) })} /> ms/char</label>
        <label><input type="number" min={0} max={10000} value={prefs.pasteLineDelayMs} aria-label="Delay per line in ms" onChange={(event) => setPrefs({ pasteLineDelayMs: Number(event.target.value) })} /> ms/line</label>
        <label><input type="checkbox" checked={prefs.pasteWaitForEcho} onChange={(event) => setPrefs({ pasteWaitForEcho: event.target.checked })} /> wait for echo</label>
        <button type="button" onClick={() => terminals.cancelPaste(sessionId)}>Stop paste</button>
      </fieldset>
    </div>
  );
}
