import { useShallow } from 'zustand/react/shallow';
import type { LineDto, PortDto, SessionDto, SshServerDto, TabPrefsDto } from '../../native/api/index.js';
import { serialPathOf } from '../state/saved.js';
import { useAction, useRevtel, useServices } from './context.js';
import { ReplaysSection } from './ReplaysSection.js';

/** Serial ports (hot-plug updates them), the demo router, saved telnet destinations, exposed lines. */
export function Sidebar() {
  const ports = useRevtel((state) => state.ports);
  const lines = useRevtel((state) => state.lines);
  const sshServer = useRevtel((state) => state.sshServer);
  const detached = useRevtel(useShallow((state) => state.order.map((sessionId) => state.sessions[sessionId]?.dto).filter((dto): dto is SessionDto => dto?.detached === true)));
  const destinations = useRevtel((state) => state.destinations);
  const serialSessions = useRevtel((state) => state.serialSessions);
  const { api, store } = useServices();
  const act = useAction();
  const lineOf = (device: string): LineDto | undefined => lines.find((line) => line.device === device);

  const openDemo = () => act(async () => store.getState().opened(await api.openDemo({})));
  /** Opens a saved session as it was saved: its tab's choices, and its log when it is always logged. */
  const openSaved = (open: () => Promise<SessionDto>, saved: { readonly prefs?: TabPrefsDto; readonly alwaysLog?: boolean }) => act(async () => {
    const dto = await open();
    const { sessionId } = dto;
    store.getState().opened(dto);
    if (saved.prefs) {
      store.getState().setPrefs(sessionId, saved.prefs);
      await api.setSessionPrefs({ sessionId, prefs: saved.prefs });
    }
    if (saved.alwaysLog) await api.startLog({ sessionId, stripped: false });
  });
  const view = (tcpPort: number) => act(async () => store.getState().opened(await api.openLineView({ tcpPort })));

  return (
    <nav className="sidebar" aria-label="Lines">
      {detached.length > 0 && (
        <section>
          <h2>Detached sessions</h2>
          <ul>
            {detached.map((dto) => (
              <li key={dto.sessionId} className="item">
                <span className="name">{dto.title} <small>{dto.state}</small></span>
                <span className="actions">
                  <button type="button" onClick={() => void act(async () => {
                    store.getState().opened(await api.detachSession({ sessionId: dto.sessionId, detached: false }));
                  })}>Attach</button>
                  <button type="button" aria-label={`Close ${dto.title}`} onClick={() => {
                    store.getState().closeTab(dto.sessionId);
                    void act(() => api.closeSession({ sessionId: dto.sessionId }));
                  }}>×</button>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h2>Serial ports</h2>
        {ports.length === 0 && <p className="hint">No serial ports found. Plug in an adapter, or use the demo router.</p>}
        <ul>
          {ports.map((port: PortDto) => (
            <PortItem key={port.path} port={port} line={lineOf(port.path)} onView={view} />
          ))}
        </ul>
        {serialSessions.length > 0 && (
          <ul aria-label="Saved serial sessions">
            {serialSessions.map((saved) => (
              <li key={saved.path} className="item">
                <span className="name" title={saved.serialNumber ? `USB serial number ${saved.serialNumber}` : saved.path}>{saved.path} <small>saved · {saved.settings}</small></span>
                <span className="actions">
                  <AlwaysLog name={saved.path} checked={saved.alwaysLog === true} onChange={(alwaysLog) => store.getState().saveSerial({ ...saved, alwaysLog })} />
                  <button type="button" aria-label={`Open ${saved.path}`} onClick={() => void openSaved(() => api.openSerial({ path: serialPathOf(saved, store.getState().ports), settings: saved.settings }), saved)}>Open</button>
                  <button type="button" aria-label={`Forget ${saved.path}`} onClick={() => store.getState().forgetSerial(saved)}>×</button>
                </span>
              </li>
            ))}
          </ul>
        )}
        <button type="button" onClick={() => store.getState().openDialog({ kind: 'serial' })}>New serial session…</button>
      </section>
      <section>
        <h2>Demo router</h2>
        <ul>
          <li className="item">
            <span className="name">Simulated Cisco console</span>
            <span className="actions">
              <button type="button" onClick={() => void openDemo()}>Open</button>
              <button type="button" onClick={() => store.getState().openDialog({ kind: 'expose', device: 'demo' })}>Expose…</button>
            </span>
          </li>
        </ul>
      </section>
      <section>
        <h2>Telnet</h2>
        <ul>
          {destinations.filter((destination) => !destination.ssh).map((destination) => (
            <li key={`${destination.host}:${destination.port}`} className="item">
              <span className="name">{destination.host}:{destination.port}{destination.rfc2217 ? ` (${destination.rfc2217})` : ''}{destination.negotiation && destination.negotiation !== 'auto' ? ` ${destination.negotiation}` : ''}</span>
              <span className="actions">
                <AlwaysLog name={`${destination.host}:${destination.port}`} checked={destination.alwaysLog === true} onChange={(alwaysLog) => store.getState().saveDestination({ ...destination, alwaysLog })} />
                <button type="button" aria-label={`Connect ${destination.host}:${destination.port}`} onClick={() => void openSaved(() => api.openTelnet({
                  host: destination.host,
                  port: destination.port,
                  ...(destination.rfc2217 ? { rfc2217: destination.rfc2217 } : {}),
                  ...(destination.terminalType ? { terminalType: destination.terminalType } : {}),
                  ...(destination.negotiation ? { negotiation: destination.negotiation } : {}),
                }), destination)}>Connect</button>
                <button type="button" aria-label={`Forget ${destination.host}:${destination.port}`} onClick={() => store.getState().forgetDestination(destination)}>×</button>
              </span>
            </li>
          ))}
        </ul>
        <button type="button" onClick={() => store.getState().openDialog({ kind: 'telnet' })}>New telnet session…</button>
      </section>
      <section>
        <h2>SSH</h2>
        <ul>
          {destinations.filter((destination) => destination.ssh).map((destination) => (
            <li key={`${destination.host}:${destination.port}`} className="item">
              <span className="name">{destination.ssh!.user}@{destination.host}:{destination.port}</span>
              <span className="actions">
                <button type="button" onClick={() => store.getState().openDialog({ kind: 'ssh', destination })}>Connect…</button>
                <button type="button" aria-label={`Forget ${destination.ssh!.user}@${destination.host}:${destination.port}`} onClick={() => store.getState().forgetDestination(destination)}>×</button>
              </span>
            </li>
          ))}
        </ul>
        <button type="button" onClick={() => store.getState().openDialog({ kind: 'ssh' })}>New SSH session…</button>
      </section>
      <section>
        <h2>Exposed lines</h2>
        {lines.length === 0 && <p className="hint">No line is exposed. Expose a port to reach it as telnet on TCP 2000+N.</p>}
        <ul>
          {lines.map((line) => (
            <li key={line.tcpPort} className={`item line ${line.devicePresent ? '' : 'absent'}`}>
              <span className="name" title={`${line.device} ${line.settings}`}>
                {line.name} <small>{line.bind}:{line.tcpPort} {line.protocol} {line.multi}{line.sshPort !== undefined ? `, ssh ${line.sshPort}` : ''}{line.passwordProtected ? ' 🔒' : ''}</small>
                {line.exposed && <small className="warning"> network</small>}
                {!line.devicePresent && <small className="warning"> device absent</small>}
              </span>
              <span className="actions">
                <button type="button" onClick={() => void view(line.tcpPort)}>View</button>
                <button type="button" onClick={() => store.getState().openDialog({ kind: 'clients', tcpPort: line.tcpPort })}>
                  {line.clients.length} client{line.clients.length === 1 ? '' : 's'}
                </button>
                <button type="button" onClick={() => void act(() => api.unexposeLine({ tcpPort: line.tcpPort }))}>Stop</button>
              </span>
            </li>
          ))}
        </ul>
        <SshServerInfo sshServer={sshServer} />
      </section>
      <ReplaysSection />
    </nav>
  );
}

/** Where Revtel's SSH server listens and its host keys, to compare with what `ssh` asks on first connection; nothing without an SSH port. */
function SshServerInfo({ sshServer: { listener, hostKeys } }: { sshServer: SshServerDto }) {
  if (hostKeys.length === 0) return null;
  return (
    <div className="ssh-server" role="group" aria-label="SSH server">
      {listener && (
        <p>
          SSH on {listener.bind}:{listener.port} <small>ssh -p {listener.port} USER:LINE@host</small>
          {listener.exposed && <small className="warning"> network</small>}
        </p>
      )}
      <p className="hint">Host keys (as ssh shows them on first connection):</p>
      <ul aria-label="SSH host keys">
        {hostKeys.map((key) => (
          <li key={key.fingerprint}>{key.algorithm} <code className="fingerprint">{key.fingerprint}</code></li>
        ))}
      </ul>
    </div>
  );
}

/** A saved session's "log it whenever it opens" choice. */
function AlwaysLog({ name, checked, onChange }: { name: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label title="Log to a file whenever it opens">
      <input type="checkbox" aria-label={`Always log ${name}`} checked={checked} onChange={(event) => onChange(event.target.checked)} /> log
    </label>
  );
}

function PortItem({ port, line, onView }: { port: PortDto; line: LineDto | undefined; onView: (tcpPort: number) => void }) {
  const { store } = useServices();
  const details = [port.chip, port.vendorId && port.productId ? `${port.vendorId}:${port.productId}` : undefined, port.serialNumber].filter(Boolean).join(' · ');
  return (
    <li className="item">
      <span className="name" title={port.path}>
        {port.friendlyName === port.path ? port.path : `${port.friendlyName}`}
        <small>{port.friendlyName === port.path ? '' : `${port.path} `}{details}</small>
        {line && <small> exposed as {line.name} on {line.bind}:{line.tcpPort}, {line.clients.length} client{line.clients.length === 1 ? '' : 's'}</small>}
      </span>
      <span className="actions">
        {line
          ? <button type="button" onClick={() => onView(line.tcpPort)}>View</button>
          : <>
              <button type="button" onClick={() => store.getState().openDialog({ kind: 'serial', path: port.path })}>Open…</button>
              <button type="button" onClick={() => store.getState().openDialog({ kind: 'expose', device: port.path })}>Expose…</button>
            </>}
      </span>
    </li>
  );
}
