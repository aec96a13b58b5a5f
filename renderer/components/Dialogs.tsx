import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { TelnetNegotiation } from '../../native/api/index.js';
import { pasteLineCount } from '../state/keyboard.js';
import { sentence } from '../state/sentences.js';
import type { Dialog } from '../state/store.js';
import { useAction, useRevtel, useServices } from './context.js';
import { OperatorKeyboard } from './SessionView.js';

const BAUD_PRESETS = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600];
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function Dialogs() {
  const dialog = useRevtel((state) => state.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'serial': return <SerialDialog dialog={dialog} />;
    case 'telnet': return <TelnetDialog dialog={dialog} />;
    case 'ssh': return <SshDialog dialog={dialog} />;
    case 'expose': return <ExposeDialog dialog={dialog} />;
    case 'clients': return <ClientsDialog tcpPort={dialog.tcpPort} />;
    case 'paste': return <PasteDialog dialog={dialog} />;
  }
}

function Frame({ title, onSubmit, children, submit }: { title: string; onSubmit?: () => Promise<boolean>; children: ReactNode; submit?: string }) {
  const { store } = useServices();
  const close = () => store.getState().openDialog(undefined);
  const form = useRef<HTMLFormElement>(null);
  // Focus moves into the dialog, so typing fills its first field and Escape closes it.
  useEffect(() => {
    if (!form.current?.contains(document.activeElement)) form.current?.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
  }, []);
  const handle = async (event: FormEvent) => {
    event.preventDefault();
    if (!onSubmit || await onSubmit()) close();
  };
  return (
    <div className="dialog-backdrop" onKeyDown={(event) => event.key === 'Escape' && close()}>
      <form className="dialog" role="dialog" aria-label={title} ref={form} onSubmit={(event) => void handle(event)}>
        <h2>{title}</h2>
        {children}
        <div className="dialog-buttons">
          <button type="button" onClick={close}>{submit ? 'Cancel' : 'Close'}</button>
          {submit && <button type="submit" className="primary">{submit}</button>}
        </div>
      </form>
    </div>
  );
}

/** A paste of several lines: what it is and how it will be paced, before anything is sent. */
function PasteDialog({ dialog }: { dialog: Extract<Dialog, { kind: 'paste' }> }) {
  const { terminals } = useServices();
  const prefs = useRevtel((state) => state.sessions[dialog.sessionId]?.prefs);
  const title = useRevtel((state) => state.sessions[dialog.sessionId]?.dto.title ?? 'the tab');
  const lines = pasteLineCount(dialog.text);
  const pacing = !prefs ? '' : prefs.pasteWaitForEcho ? 'each line after the device echoes the one before'
    : prefs.pasteLineDelayMs > 0 || prefs.pasteCharDelayMs > 0 ? `${prefs.pasteCharDelayMs} ms per character, ${prefs.pasteLineDelayMs} ms per line`
      : 'all at once (set pacing in the Paste menu)';
  return (
    <Frame title={`Paste ${lines} lines?`} submit={`Send ${lines} lines`} onSubmit={async () => {
      void terminals.sendPaste(dialog.sessionId, dialog.text);
      return true;
    }}>
      <p>{lines} lines to {title}, {pacing}.</p>
      <pre className="paste-preview">{dialog.text.split(/\r?\n/).slice(0, 8).join('\n')}{lines > 8 ? '\n…' : ''}</pre>
    </Frame>
  );
}

function SettingsFields({ settings, onChange }: { settings: string; onChange: (settings: string) => void }) {
  const [baud, frame = '8N1', flow] = settings.split(',');
  const preset = BAUD_PRESETS.includes(Number(baud));
  const set = (next: { baud?: string; frame?: string; flow?: string }) => {
    const parts = [next.baud ?? baud, next.frame ?? frame];
    const nextFlow = next.flow ?? flow;
    onChange(nextFlow && nextFlow !== 'none' ? [...parts, nextFlow].join(',') : parts.join(','));
  };
  return (
    <>
      <label>Baud rate
        <select value={preset ? baud : 'custom'} onChange={(event) => set({ baud: event.target.value === 'custom' ? '250000' : event.target.value })}>
          {BAUD_PRESETS.map((rate) => <option key={rate} value={rate}>{rate}</option>)}
          <option value="custom">custom…</option>
        </select>
      </label>
      {!preset && <label>Custom baud rate <input inputMode="numeric" value={baud} onChange={(event) => set({ baud: event.target.value })} /></label>}
      <label>Data, parity, stop <input value={frame} onChange={(event) => set({ frame: event.target.value })} placeholder="8N1" /></label>
      <label>Flow control
        <select value={flow ?? 'none'} onChange={(event) => set({ flow: event.target.value })}>
          <option value="none">none</option>
          <option value="rtscts">RTS/CTS</option>
          <option value="xonxoff">XON/XOFF</option>
        </select>
      </label>
    </>
  );
}

function SerialDialog({ dialog }: { dialog: Extract<Dialog, { kind: 'serial' }> }) {
  const ports = useRevtel((state) => state.ports);
  const { api, store } = useServices();
  const act = useAction();
  const [path, setPath] = useState(dialog.path ?? ports[0]?.path ?? '');
  const [settings, setSettings] = useState('9600,8N1');
  return (
    <Frame title="New serial session" submit="Open" onSubmit={async () => {
      const dto = await act(() => api.openSerial({ path, settings }));
      if (dto) store.getState().opened(dto);
      return dto !== undefined;
    }}>
      <label>Port
        <select value={path} onChange={(event) => setPath(event.target.value)}>
          {ports.map((port) => <option key={port.path} value={port.path}>{port.friendlyName === port.path ? port.path : `${port.friendlyName} — ${port.path}`}</option>)}
          {!ports.some((port) => port.path === path) && path && <option value={path}>{path}</option>}
        </select>
      </label>
      <label>Or a device path <input value={path} onChange={(event) => setPath(event.target.value)} placeholder="/dev/ttyUSB0 or COM7" /></label>
      <SettingsFields settings={settings} onChange={setSettings} />
    </Frame>
  );
}

/** An SSH shell: the password and passphrase go to the back end for this session only, never to settings. */
function SshDialog({ dialog }: { dialog: Extract<Dialog, { kind: 'ssh' }> }) {
  const { api, store } = useServices();
  const saved = dialog.destination;
  const [host, setHost] = useState(saved?.host ?? '');
  const [port, setPort] = useState(String(saved?.port ?? 22));
  const [user, setUser] = useState(saved?.ssh?.user ?? '');
  const [login, setLogin] = useState<'password' | 'key' | 'agent'>(saved?.ssh?.agent ? 'agent' : saved?.ssh?.keyFile ? 'key' : 'password');
  // The back end knows whether it has an agent (and where); the page only learns whether.
  const [hasAgent, setHasAgent] = useState<boolean>();
  useEffect(() => {
    let current = true;
    void api.sshAgent({}).then((available) => current && setHasAgent(available), () => current && setHasAgent(false));
    return () => {
      current = false;
    };
  }, [api]);
  const [password, setPassword] = useState('');
  const [keyFile, setKeyFile] = useState(saved?.ssh?.keyFile ?? '');
  const [passphrase, setPassphrase] = useState('');
  const [save, setSave] = useState(true);
  // Said in the dialog, beside the fields to correct (a passphrase, a key file), not in a toast behind it.
  const [problem, setProblem] = useState<string>();
  return (
    <Frame title="New SSH session" submit="Connect" onSubmit={async () => {
      let dto;
      try {
        dto = await api.openSsh({
          host, port: Number(port), user,
          ...(login === 'password' ? { password } : {}),
          ...(login === 'key' ? { keyFile, ...(passphrase ? { passphrase } : {}) } : {}),
          ...(login === 'agent' ? { agent: true } : {}),
        });
      } catch (error) {
        setProblem(sentence((error as Error).message));
        return false;
      }
      setProblem(undefined);
      store.getState().opened(dto);
      if (save) {
        const ssh = { user, ...(login === 'key' ? { keyFile } : {}), ...(login === 'agent' ? { agent: true } : {}) };
        store.getState().saveDestination({ host, port: Number(port), ssh });
      }
      return true;
    }}>
      <label>Host <input value={host} onChange={(event) => setHost(event.target.value)} placeholder="router.lab or 10.0.0.5" required /></label>
      <label>Port <input inputMode="numeric" value={port} onChange={(event) => setPort(event.target.value)} /></label>
      <label>User <input value={user} onChange={(event) => setUser(event.target.value)} autoComplete="username" required /></label>
      <label>Log in with
        <select value={login} onChange={(event) => setLogin(event.target.value as typeof login)}>
          <option value="password">a password</option>
          <option value="key">a key file</option>
          {(hasAgent || login === 'agent') && <option value="agent">the SSH agent</option>}
        </select>
      </label>
      {login === 'agent' && hasAgent === false && <p className="warning" role="alert">There is no SSH agent where Revtel runs: choose a password or a key file.</p>}
      {login === 'password' && <label>Password <input type="password" value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="current-password" /></label>}
      {login === 'key' && <label>Key file <input value={keyFile} onChange={(event) => setKeyFile(event.target.value)} placeholder="/home/me/.ssh/id_ed25519" required /></label>}
      {login === 'key' && <label>Key passphrase (if the key has one) <input type="password" value={passphrase} onChange={(event) => setPassphrase(event.target.value)} autoComplete="off" /></label>}
      <label><input type="checkbox" checked={save} onChange={(event) => setSave(event.target.checked)} /> Save in the sidebar{login === 'password' ? ' (without the password)' : login === 'key' ? ' (without the passphrase)' : ''}</label>
      {problem && <p className="warning" role="alert">{problem}</p>}
    </Frame>
  );
}

function TelnetDialog({ dialog }: { dialog: Extract<Dialog, { kind: 'telnet' }> }) {
  const { api, store } = useServices();
  const act = useAction();
  const [host, setHost] = useState(dialog.host ?? '');
  const [port, setPort] = useState(String(dialog.port ?? 23));
  const [rfc2217, setRfc2217] = useState('');
  const [terminalType, setTerminalType] = useState('');
  const [negotiation, setNegotiation] = useState<TelnetNegotiation>('auto');
  const [save, setSave] = useState(true);
  return (
    <Frame title="New telnet session" submit="Connect" onSubmit={async () => {
      const reach = {
        host, port: Number(port), ...(rfc2217 ? { rfc2217 } : {}), ...(terminalType.trim() ? { terminalType: terminalType.trim() } : {}),
        ...(negotiation !== 'auto' ? { negotiation } : {}),
      };
      const dto = await act(() => api.openTelnet(reach));
      if (!dto) return false;
      store.getState().opened(dto);
      if (save) store.getState().saveDestination(reach);
      return true;
    }}>
      <label>Host <input value={host} onChange={(event) => setHost(event.target.value)} placeholder="router.lab or 10.0.0.5" required /></label>
      <label>Port <input inputMode="numeric" value={port} onChange={(event) => setPort(event.target.value)} /></label>
      <label>RFC 2217 settings (a remote serial port) <input value={rfc2217} onChange={(event) => setRfc2217(event.target.value)} placeholder="9600,8N1 — empty for plain telnet" /></label>
      <label>Terminal type <input value={terminalType} onChange={(event) => setTerminalType(event.target.value)} placeholder="sent in TTYPE; empty for the default" /></label>
      <label>Negotiation
        <select value={negotiation} onChange={(event) => setNegotiation(event.target.value as TelnetNegotiation)}>
          <option value="auto">Automatic: at once on port 23, elsewhere after the server (BSD telnet)</option>
          <option value="active">Active: at once (PuTTY's default)</option>
          <option value="passive">Passive: nothing until the server negotiates (PuTTY)</option>
          <option value="never">Answer only: never ask for an option</option>
          <option value="raw">Raw: no telnet, plain TCP</option>
        </select>
      </label>
      <label><input type="checkbox" checked={save} onChange={(event) => setSave(event.target.checked)} /> Save in the sidebar</label>
    </Frame>
  );
}

function ExposeDialog({ dialog }: { dialog: Extract<Dialog, { kind: 'expose' }> }) {
  const lines = useRevtel((state) => state.lines);
  const { api } = useServices();
  const act = useAction();
  const firstFree = (): number => {
    for (let n = 1; ; n++) if (!lines.some((line) => line.tcpPort === 2000 + n)) return 2000 + n;
  };
  const [tcpPort, setTcpPort] = useState(String(firstFree()));
  const [settings, setSettings] = useState('9600,8N1');
  const [bind, setBind] = useState('127.0.0.1');
  const [protocol, setProtocol] = useState<'telnet' | 'raw'>('telnet');
  const [multi, setMulti] = useState<'exclusive' | 'kick' | 'shared' | 'spectate'>('exclusive');
  const [allow, setAllow] = useState('');
  const [password, setPassword] = useState('');
  return (
    <Frame title={`Expose ${dialog.device === 'demo' ? 'the demo router' : dialog.device}`} submit="Expose" onSubmit={async () => {
      const line = await act(() => api.exposeLine({
        device: dialog.device,
        settings,
        tcpPort: Number(tcpPort),
        bind,
        protocol,
        multi,
        allow: allow.split(/[\s,]+/).filter(Boolean),
        ...(password ? { password } : {}),
      }));
      return line !== undefined;
    }}>
      <label>TCP port <input inputMode="numeric" value={tcpPort} onChange={(event) => setTcpPort(event.target.value)} /></label>
      {dialog.device !== 'demo' && <SettingsFields settings={settings} onChange={setSettings} />}
      <label>Listen on
        <select value={bind} onChange={(event) => setBind(event.target.value)}>
          <option value="127.0.0.1">this machine only (127.0.0.1)</option>
          <option value="0.0.0.0">the network (every address)</option>
        </select>
      </label>
      {!LOOPBACK.has(bind) && <p className="warning" role="alert">Anyone who can reach this machine can use this console. Limit it with an allow list and a password.</p>}
      <label>Protocol
        <select value={protocol} onChange={(event) => setProtocol(event.target.value as 'telnet' | 'raw')}>
          <option value="telnet">telnet (negotiates, RFC 2217)</option>
          <option value="raw">raw TCP</option>
        </select>
      </label>
      <label>When a second client connects
        <select value={multi} onChange={(event) => setMulti(event.target.value as typeof multi)}>
          <option value="exclusive">refuse it (exclusive)</option>
          <option value="kick">let it take over (kick)</option>
          <option value="shared">let everyone type (shared)</option>
          <option value="spectate">let it watch (spectate)</option>
        </select>
      </label>
      <label>Allow only (CIDR, comma-separated) <input value={allow} onChange={(event) => setAllow(event.target.value)} placeholder="10.0.0.0/8, 192.168.1.0/24" /></label>
      <label>Password <input type="password" value={password} onChange={(event) => setPassword(event.target.value)} placeholder="none" autoComplete="new-password" /></label>
    </Frame>
  );
}

function ClientsDialog({ tcpPort }: { tcpPort: number }) {
  const line = useRevtel((state) => state.lines.find((candidate) => candidate.tcpPort === tcpPort));
  const operatorView = useRevtel((state) => Object.values(state.sessions).find((view) => view.dto.kind === 'line-view' && view.dto.tcpPort === tcpPort)?.dto.sessionId);
  const { api } = useServices();
  const act = useAction();
  return (
    <Frame title={`Clients of ${line?.name ?? `TCP port ${tcpPort}`}`}>
      {!line || (line.clients.length === 0 && !line.operatorKeyboard)
        ? <p className="hint">No client is connected.</p>
        : (
          <table className="clients" aria-label="Clients">
            <thead><tr><th>Address</th><th>Since</th><th>Role</th><th>Negotiated</th><th /></tr></thead>
            <tbody>
              {line.operatorKeyboard && (
                <tr className="operator">
                  <td>you: the operator's view (this app's tab of the line, in every window)</td>
                  <td />
                  <td>operator</td>
                  <td>in-process, no telnet</td>
                  <td>{operatorView && <OperatorKeyboard sessionId={operatorView} tcpPort={tcpPort} />}</td>
                </tr>
              )}
              {line.clients.map((client) => (
                <tr key={client.address}>
                  <td>{client.address}</td>
                  <td>{new Date(client.since).toLocaleTimeString()}</td>
                  <td>{client.role}</td>
                  <td>{client.negotiated}</td>
                  <td><button type="button" onClick={() => void act(() => api.kickClient({ tcpPort, address: client.address }))}>Kick</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </Frame>
  );
}
