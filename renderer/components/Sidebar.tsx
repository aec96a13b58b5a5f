import { useShallow } from 'zustand/react/shallow';
import type { LineDto, PortDto, SessionDto } from '../../native/api/index.js';
import { useAction, useRevtel, useServices } from './context.js';
import { ReplaysSection } from './ReplaysSection.js';

/** Serial ports (hot-plug updates them), the demo router, saved telnet destinations, exposed lines. */
export function Sidebar() {
  const ports = useRevtel((state) => state.ports);
  const lines = useRevtel((state) => state.lines);
  const detached = useRevtel(useShallow((state) => state.order.map((sessionId) => state.sessions[sessionId]?.dto).filter((dto): dto is SessionDto => dto?.detached === true)));
  const destinations = useRevtel((state) => state.destinations);
  const { api, store } = useServices();
  const act = useAction();
  const lineOf = (device: string): LineDto | undefined => lines.find((line) => line.device === device);

  const openDemo = () => act(async () => store.getState().opened(await api.openDemo({})));
  const openTelnet = (host: string, port: number, rfc2217?: string) =>
    act(async () => store.getState().opened(await api.openTelnet({ host, port, ...(rfc2217 ? { rfc2217 } : {}) })));
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
              <span className="name">{destination.host}:{destination.port}{destination.rfc2217 ? ` (${destination.rfc2217})` : ''}</span>
              <span className="actions">
                <button type="button" onClick={() => void openTelnet(destination.host, destination.port, destination.rfc2217)}>Connect</button>
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
                {line.name} <small>{line.bind}:{line.tcpPort} {line.protocol} {line.multi}{line.passwordProtected ? ' 🔒' : ''}</small>
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
      </section>
      <ReplaysSection />
    </nav>
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
