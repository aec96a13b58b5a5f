import { randomUUID } from 'node:crypto';
import {
  ApiError,
  type ApiEvents,
  type EventName,
  type LineDto,
  type MethodRequest,
  type MethodResults,
  type PortDto,
  type RevtelHandlers,
  type SessionDto,
} from '../api/index.js';
import { Emitter, type Disposable } from '../events/Emitter.js';
import { parseSerialSettings, formatSerialSettings, SettingsError } from '../serial/serialSettings.js';
import { SerialError } from '../serial/SerialLine.js';
import { serialDeviceProblem } from '../serial/devicePath.js';
import type { PortInfo } from '../serial/portList.js';
import type { DeviceSupervisorOptions } from '../server/DeviceSupervisor.js';
import type { Line } from '../server/Line.js';
import { ConfigError, DEFAULT_BIND, DEMO_DEVICE, makeLineConfig } from '../server/LineConfig.js';
import { hashPassword } from '../server/passwords.js';
import type { TerminalServer } from '../server/TerminalServer.js';
import type { Emit, HubSession } from './HubSession.js';
import { SerialHubSession } from './SerialHubSession.js';
import { TelnetHubSession } from './TelnetHubSession.js';
import { TraceBatcher } from './TraceBatcher.js';

export interface HubOptions {
  readonly server: TerminalServer;
  readonly device: DeviceSupervisorOptions;
  readonly listPorts: () => Promise<PortInfo[]>;
  readonly portPollMs?: number;
}

type Dispatched = { readonly event: EventName; readonly payload: ApiEvents[EventName] };

/**
 * The application service behind RevtelApi: serial consoles, telnet sessions, views of
 * exposed lines, and the lines themselves. Electron's main process and `revtel serve --ui`
 * each hold one; transports call its methods and forward its events.
 */
export class Hub implements RevtelHandlers {
  private readonly _onEvent = new Emitter<Dispatched>();
  readonly onEvent = this._onEvent.event;
  private readonly sessions = new Map<string, HubSession>();
  private readonly watchedLines = new WeakSet<Line>();
  private portsTimer: ReturnType<typeof setInterval> | undefined;
  private lastPorts = '';
  private readonly emit: Emit = (event, payload) => this._onEvent.fire({ event, payload });

  constructor(private readonly options: HubOptions) {}

  /** Starts watching for hot-plugged ports and the lines' clients. */
  start(): Disposable {
    this.portsTimer = setInterval(() => void this.listPorts({}), this.options.portPollMs ?? 2000);
    this.portsTimer.unref();
    this.watchLines();
    return { dispose: () => clearInterval(this.portsTimer) };
  }

  // ---- Ports, lines, sessions -----------------------------------------------------------------

  async listPorts(_request: MethodRequest<'listPorts'>): Promise<PortDto[]> {
    const ports = await this.options.listPorts();
    const key = JSON.stringify(ports);
    if (key !== this.lastPorts) {
      this.lastPorts = key;
      this.emit('ports', { ports });
    }
    return ports;
  }

  async listLines(_request: MethodRequest<'listLines'>): Promise<LineDto[]> {
    return this.lineDtos();
  }

  async listSessions(_request: MethodRequest<'listSessions'>): Promise<SessionDto[]> {
    return [...this.sessions.values()].map((session) => session.dto);
  }

  async openSerial(request: MethodRequest<'openSerial'>): Promise<SessionDto> {
    const settings = userError(() => parseSerialSettings(request.settings));
    const problem = request.path === DEMO_DEVICE ? undefined : serialDeviceProblem(request.path);
    if (problem) throw new ApiError(problem);
    // Each demo console is its own simulated router; a real device has one owner.
    const exposed = this.options.server.lines.find((line) => line.config.device === request.path && request.path !== DEMO_DEVICE);
    if (exposed) {
      throw new ApiError(`${request.path} is exposed as ${exposed.config.name} (TCP port ${exposed.config.tcpPort}): open a view of the line instead`);
    }
    if ([...this.sessions.values()].some((session) => session instanceof SerialHubSession && session.path === request.path && request.path !== DEMO_DEVICE)) {
      throw new ApiError(`${request.path} is already open in another tab`);
    }
    const session = new SerialHubSession(randomUUID(), request.path, settings, this.options.device, this.emit);
    return this.add(session, () => session.open());
  }

  async openDemo(_request: MethodRequest<'openDemo'>): Promise<SessionDto> {
    return this.openSerial({ path: DEMO_DEVICE, settings: '9600,8N1' });
  }

  async openTelnet(request: MethodRequest<'openTelnet'>): Promise<SessionDto> {
    const rfc2217 = request.rfc2217 === undefined ? undefined : userError(() => parseSerialSettings(request.rfc2217!));
    const session = new TelnetHubSession(randomUUID(), 'telnet', `${request.host}:${request.port}`, {
      host: request.host,
      port: request.port,
      ...(request.terminalType ? { terminalTypes: [request.terminalType.toUpperCase()] } : {}),
      ...(rfc2217 ? { rfc2217 } : {}),
    }, this.emit);
    return this.add(session, () => session.open());
  }

  async openLineView(request: MethodRequest<'openLineView'>): Promise<SessionDto> {
    const line = this.line(request.tcpPort);
    const host = line.config.bind === '0.0.0.0' || line.config.bind === '::' ? '127.0.0.1' : line.config.bind;
    const session = new TelnetHubSession(randomUUID(), 'line-view', `${line.config.name} (${line.config.device})`, {
      host,
      port: line.config.tcpPort,
      ...(line.config.protocol === 'raw' ? { raw: true } : { negotiate: 'always' as const }),
    }, this.emit, line.config.tcpPort);
    return this.add(session, () => session.open());
  }

  async exposeLine(request: MethodRequest<'exposeLine'>): Promise<LineDto> {
    const server = this.options.server;
    if (server.lines.some((line) => line.config.tcpPort === request.tcpPort)) {
      throw new ApiError(`TCP port ${request.tcpPort} already serves ${this.line(request.tcpPort).config.name}`);
    }
    if (server.lines.some((line) => line.config.device === request.device && request.device !== DEMO_DEVICE)) {
      throw new ApiError(`${request.device} is already exposed`);
    }
    const open = [...this.sessions.values()].find((session) => session instanceof SerialHubSession && session.path === request.device && request.device !== DEMO_DEVICE);
    if (open) throw new ApiError(`${request.device} is open in a tab: close that tab first, then expose the line`);
    const passwordHash = request.password ? await hashPassword(request.password) : undefined;
    const config = userError(() => makeLineConfig(request.tcpPort, request.device, {
      settings: request.settings,
      bind: request.bind,
      protocol: request.protocol,
      multi: request.multi,
      allow: request.allow,
    }, `port ${request.tcpPort}`, passwordHash));
    await userErrorAsync(() => server.apply([...server.lines.map((line) => line.config), config]));
    this.watchLines();
    this.emitLines();
    return this.lineDtos().find((line) => line.tcpPort === request.tcpPort)!;
  }

  async unexposeLine(request: MethodRequest<'unexposeLine'>): Promise<void> {
    this.line(request.tcpPort);
    const server = this.options.server;
    await server.apply(server.lines.map((line) => line.config).filter((config) => config.tcpPort !== request.tcpPort));
    this.emitLines();
  }

  async kickClient(request: MethodRequest<'kickClient'>): Promise<void> {
    if (!this.line(request.tcpPort).kick(request.address)) throw new ApiError(`No client ${request.address} on TCP port ${request.tcpPort}`);
  }

  // ---- Session operations ---------------------------------------------------------------------

  async write(request: MethodRequest<'write'>): Promise<void> {
    this.session(request.sessionId).write(request.data);
  }

  async resize(request: MethodRequest<'resize'>): Promise<void> {
    this.session(request.sessionId).resize(request.cols, request.rows);
  }

  async sendBreak(request: MethodRequest<'sendBreak'>): Promise<void> {
    this.session(request.sessionId).sendBreak(request.durationMs);
  }

  async sendCommand(request: MethodRequest<'sendCommand'>): Promise<void> {
    const session = this.session(request.sessionId);
    try {
      session.sendCommand(request.command);
    } catch (error) {
      throw new ApiError((error as Error).message);
    }
  }

  async setControlLines(request: MethodRequest<'setControlLines'>): Promise<void> {
    const { sessionId, ...lines } = request;
    try {
      await this.session(sessionId).setControlLines(lines);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError((error as Error).message);
    }
  }

  async optionStates(request: MethodRequest<'optionStates'>): Promise<MethodResults['optionStates']> {
    return this.session(request.sessionId).optionStates();
  }

  async acknowledgeOutput(request: MethodRequest<'acknowledgeOutput'>): Promise<void> {
    this.sessions.get(request.sessionId)?.acknowledge(request.bytes);
  }

  async closeSession(request: MethodRequest<'closeSession'>): Promise<void> {
    const session = this.sessions.get(request.sessionId);
    if (!session) return;
    this.sessions.delete(request.sessionId);
    await session.close();
  }

  async dispose(): Promise<void> {
    clearInterval(this.portsTimer);
    await Promise.all([...this.sessions.values()].map((session) => session.close()));
    this.sessions.clear();
  }

  // ---- Helpers --------------------------------------------------------------------------------

  private add(session: HubSession, open: () => void): SessionDto {
    this.sessions.set(session.dto.sessionId, session);
    open();
    return session.dto;
  }

  private session(sessionId: string): HubSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new ApiError('That session is closed');
    return session;
  }

  private line(tcpPort: number): Line {
    const line = this.options.server.lines.find((candidate) => candidate.config.tcpPort === tcpPort);
    if (!line) throw new ApiError(`No line is served on TCP port ${tcpPort}`);
    return line;
  }

  private lineDtos(): LineDto[] {
    return this.options.server.lines.map((line) => {
      const { config } = line;
      return {
        tcpPort: config.tcpPort,
        name: config.name,
        device: config.device,
        settings: formatSerialSettings(line.settings),
        bind: config.bind,
        protocol: config.protocol,
        multi: config.multi,
        exposed: config.bind !== DEFAULT_BIND && config.bind !== '::1' && config.bind !== 'localhost',
        devicePresent: line.devicePresent,
        passwordProtected: config.passwordHash !== undefined,
        clients: line.connectedClients.filter((client) => client.active).map((client) => ({
          address: client.address,
          since: client.connectedAt.getTime(),
          role: client.role,
          negotiated: client.describeNegotiation(),
        })),
      };
    });
  }

  private emitLines(): void {
    this.emit('lines', { lines: this.lineDtos() });
  }

  /** Each line's client changes and each client's negotiation, for the UI. */
  private watchLines(): void {
    for (const line of this.options.server.lines) {
      if (this.watchedLines.has(line)) continue;
      this.watchedLines.add(line);
      line.onClientsChanged(() => this.emitLines());
      line.onDeviceStatus(() => this.emitLines());
      line.onClientConnected((client) => {
        const batcher = new TraceBatcher((entries) => this.emit('lineTrace', { tcpPort: line.config.tcpPort, client: client.address, entries }));
        client.onTrace((entry) => batcher.push(entry));
      });
    }
  }
}

const USER_ERRORS = [SettingsError, ConfigError, SerialError];

/** The back end's own user-facing errors become ApiErrors: sentences for the UI. */
function asApiError(error: unknown): unknown {
  return USER_ERRORS.some((kind) => error instanceof kind) ? new ApiError((error as Error).message) : error;
}

function userError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw asApiError(error);
  }
}

async function userErrorAsync<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asApiError(error);
  }
}
