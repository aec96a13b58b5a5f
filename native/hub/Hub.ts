import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  ApiError,
  BUILT_IN_REPLAYS,
  type ApiEvents,
  type EventName,
  type LineDto,
  type MethodRequest,
  type MethodResults,
  type PortDto,
  type TelnetNegotiation,
  type RevtelHandlers,
  type SessionDto,
  type SshServerDto,
} from '../api/index.js';
import { Emitter, type Disposable } from '../events/Emitter.js';
import { parseSerialSettings, formatSerialSettings, SettingsError } from '../serial/serialSettings.js';
import { SerialError } from '../serial/SerialLine.js';
import { serialDeviceProblem } from '../serial/devicePath.js';
import type { PortInfo } from '../serial/portList.js';
import type { DeviceOptions } from '../serial/Device.js';
import type { Line } from '../server/Line.js';
import { ConfigError, DEMO_DEVICE, isLoopbackBind, makeLineConfig } from '../server/LineConfig.js';
import { hashPassword, passwordProblem } from '../server/passwords.js';
import type { TerminalServer } from '../server/TerminalServer.js';
import type { SshGateway } from '../server/SshGateway.js';
import { fingerprint, keyTypeName } from '../ssh/publicKeys.js';
import type { Emit, HubSession } from './HubSession.js';
import { LineViewHubSession } from './LineViewHubSession.js';
import { SerialHubSession } from './SerialHubSession.js';
import { TelnetHubSession } from './TelnetHubSession.js';
import type { TelnetClientOptions } from '../client/TelnetClientSession.js';
import { SshHubSession } from './SshHubSession.js';
import { defaultKnownHostsPath, KnownHosts } from '../client/KnownHosts.js';
import { SshOptionsError } from '../client/SshClientSession.js';
import { DEFAULT_SCROLLBACK, type ScrollbackLimits } from './Scrollback.js';
import { BULK_WINDOW } from './OutputChannel.js';
import { SessionLogError } from '../server/SessionLog.js';
import { DEFAULT_LOG_TEMPLATE, logName } from './logName.js';
import { SettingsFile } from './SettingsFile.js';
import { SessionRecord, type SessionFactory } from './SessionRecord.js';
import { ReplayHubSession } from './ReplayHubSession.js';
import { CaptureError, parseHexCapture, replay } from '../replay/Recording.js';
import { BUILT_IN_RECORDINGS } from '../replay/builtInRecordings.js';
import { TraceBatcher } from './TraceBatcher.js';

export interface HubOptions {
  readonly server: TerminalServer;
  readonly device: DeviceOptions;
  readonly listPorts: () => Promise<PortInfo[]>;
  readonly portPollMs?: number;
  /** How much output each session keeps for pages that connect later. */
  readonly scrollback?: ScrollbackLimits;
  /** Where session logs are written (beside the settings file by default). */
  readonly logDir?: string;
  /** The settings file; the user's own (defaultSettingsPath) unless a test gives another. */
  readonly settings?: SettingsFile;
  /** Revtel's own known_hosts for SSH tabs (defaultKnownHostsPath unless a test gives another). */
  readonly knownHostsPath?: string;
  /** The SSH agent to offer ('' for none); by default SSH_AUTH_SOCK, or Pageant on Windows. */
  readonly sshAgent?: string;
  /**
   * Revtel's SSH server, when the program runs one: the shared listener (`serve --ssh`), if
   * any, and the gateway that holds the host keys (also behind the lines' own SSH ports).
   */
  readonly sshServer?: { readonly listener?: { readonly bind: string; readonly port: number }; readonly gateway: () => Promise<SshGateway> };
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
  /** Every session, in the order of their tabs (the order they were opened in). */
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly watchedLines = new WeakSet<Line>();
  private portsTimer: ReturnType<typeof setInterval> | undefined;
  private lastPorts = '';
  private readonly emit: Emit = (event, payload) => this._onEvent.fire({ event, payload });

  readonly settings: SettingsFile;

  constructor(private readonly options: HubOptions) {
    this.settings = options.settings ?? new SettingsFile();
  }

  /** Starts watching for hot-plugged ports and the lines' clients. */
  start(): Disposable {
    this.portsTimer = setInterval(() => void this.listPorts({}), this.options.portPollMs ?? 2000);
    this.portsTimer.unref();
    this.watchLines();
    // A reload or the UI started or stopped lines: the page lists what runs.
    const linesChanged = this.options.server.onLinesChanged(() => {
      this.watchLines();
      this.emitLines();
    });
    return {
      dispose: () => {
        clearInterval(this.portsTimer);
        linesChanged.dispose();
      },
    };
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
    return [...this.sessions.values()].map((record) => record.dto);
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
    if (request.path !== DEMO_DEVICE && this.serialSession(request.path)) {
      throw new ApiError(`${request.path} is already open in another tab`);
    }
    return this.add((sessionId, emit) => new SerialHubSession(sessionId, request.path, settings, this.options.device, emit));
  }

  async openDemo(_request: MethodRequest<'openDemo'>): Promise<SessionDto> {
    return this.openSerial({ path: DEMO_DEVICE, settings: '9600,8N1' });
  }

  async openTelnet(request: MethodRequest<'openTelnet'>): Promise<SessionDto> {
    const rfc2217 = request.rfc2217 === undefined ? undefined : userError(() => parseSerialSettings(request.rfc2217!));
    const negotiation = request.negotiation ?? 'auto';
    if (rfc2217 && negotiation === 'raw') throw new ApiError('RFC 2217 needs telnet: choose a negotiation other than raw, or leave the RFC 2217 settings empty.');
    return this.add((sessionId, emit) => new TelnetHubSession(sessionId, 'telnet', `${request.host}:${request.port}`, {
      host: request.host,
      port: request.port,
      ...(negotiation === 'raw' ? { raw: true } : { negotiate: CLIENT_NEGOTIATE[negotiation] }),
      ...(request.terminalType ? { terminalTypes: [request.terminalType.toUpperCase()] } : {}),
      ...(rfc2217 ? { rfc2217 } : {}),
    }, emit), { ...(rfc2217 ? { rfc2217: formatSerialSettings(rfc2217) } : {}), ...(negotiation !== 'auto' ? { negotiation } : {}) });
  }

  async openSsh(request: MethodRequest<'openSsh'>): Promise<SessionDto> {
    const privateKey = request.keyFile === undefined ? undefined : await readKeyFile(request.keyFile);
    const agent = request.agent ? this.sshAgentSocket() : undefined;
    if (request.agent && !agent) throw new ApiError('There is no SSH agent here (SSH_AUTH_SOCK is not set where Revtel runs): give a password or a key file.');
    if (request.password === undefined && privateKey === undefined && agent === undefined) {
      throw new ApiError('Give a password, a key file or the SSH agent to log in with.');
    }
    const knownHosts = new KnownHosts(this.options.knownHostsPath ?? defaultKnownHostsPath());
    return this.add((sessionId, emit) => new SshHubSession(sessionId, {
      host: request.host,
      port: request.port,
      username: request.user,
      knownHosts,
      ...(request.password !== undefined ? { password: request.password } : {}),
      ...(privateKey !== undefined ? { privateKey } : {}),
      ...(request.passphrase !== undefined ? { passphrase: request.passphrase } : {}),
      ...(agent ? { agent } : {}),
    }, emit));
  }

  async sshAgent(_request: MethodRequest<'sshAgent'>): Promise<boolean> {
    return this.sshAgentSocket() !== undefined;
  }

  async answerHostKey(request: MethodRequest<'answerHostKey'>): Promise<void> {
    const session = this.record(request.sessionId).session;
    if (!(session instanceof SshHubSession) || !session.answerHostKey(request.accept)) {
      throw new ApiError('That session is not asking about a host key');
    }
  }

  async answerPassword(request: MethodRequest<'answerPassword'>): Promise<void> {
    const session = this.record(request.sessionId).session;
    if (!(session instanceof SshHubSession) || !session.answerPassword(request.password)) {
      throw new ApiError('That session is not asking for a password');
    }
  }

  /** Revtel's own SSH server as the sidebar shows it: its shared listener, if any, and the host keys' fingerprints. */
  async sshServer(_request: MethodRequest<'sshServer'>): Promise<SshServerDto> {
    const { sshServer } = this.options;
    const listener = sshServer?.listener && { ...sshServer.listener, exposed: !isLoopbackBind(sshServer.listener.bind) };
    const open = listener !== undefined || this.options.server.lines.some((line) => line.sshPort !== undefined);
    // No SSH port open: the keys are neither made nor read (nor ssh2 loaded) for the page.
    if (!sshServer || !open) return { hostKeys: [] };
    // The same key, fingerprint and name as the start-up log and `ssh-keygen -lf`.
    const hostKeys = (await sshServer.gateway()).keys().map(({ publicKey }) => ({ algorithm: keyTypeName(publicKey.type), fingerprint: fingerprint(publicKey) }));
    return { ...(listener ? { listener } : {}), hostKeys };
  }

  /** The agent's socket (or 'pageant'); only the back end knows it, the page learns whether there is one. */
  private sshAgentSocket(): string | undefined {
    const { sshAgent } = this.options;
    if (sshAgent !== undefined) return sshAgent || undefined;
    if (process.platform === 'win32') return 'pageant';
    return process.env.SSH_AUTH_SOCK || undefined;
  }

  async openLineView(request: MethodRequest<'openLineView'>): Promise<SessionDto> {
    const line = this.line(request.tcpPort);
    // One view of a line: asked again (another window, the sidebar), it is that view's tab, attached.
    for (const record of this.sessions.values()) {
      if (record.session instanceof LineViewHubSession && record.dto.tcpPort === request.tcpPort && record.dto.state !== 'closed') {
        return this.detachSession({ sessionId: record.sessionId, detached: false });
      }
    }
    return this.add((sessionId, emit) => new LineViewHubSession(sessionId, line, emit));
  }

  async openReplay(request: MethodRequest<'openReplay'>): Promise<SessionDto> {
    const recording = BUILT_IN_RECORDINGS[request.replay];
    const { title } = BUILT_IN_REPLAYS.find((candidate) => candidate.id === request.replay)!;
    const content = replay(recording.chunks, Date.now());
    return this.add((sessionId, emit) => new ReplayHubSession(sessionId, title, `replay: ${recording.description}`, content, emit));
  }

  async openCapture(request: MethodRequest<'openCapture'>): Promise<SessionDto> {
    let bytes: Uint8Array;
    try {
      bytes = request.hex ? parseHexCapture(new TextDecoder('latin1').decode(request.data)) : request.data;
    } catch (error) {
      if (error instanceof CaptureError) throw new ApiError(`${request.name}: ${error.message}`);
      throw error;
    }
    const content = replay([{ from: 'server', bytes }], Date.now());
    if (content.trace.length === 0) throw new ApiError(`${request.name} holds no telnet command (no IAC): is it a capture of a telnet server?`);
    const shown = content.omitted > 0 ? ` The first ${content.trace.length} of ${content.trace.length + content.omitted} commands are shown.` : '';
    const message = `replay of a capture: what the server sent, as \`revtel decode\` reads it (the client's side was not captured).${shown}`;
    return this.add((sessionId, emit) => new ReplayHubSession(sessionId, request.name, message, content, emit));
  }

  async replayScreen(request: MethodRequest<'replayScreen'>): Promise<Uint8Array> {
    const { session, dto } = this.record(request.sessionId);
    if (!(session instanceof ReplayHubSession)) throw new ApiError(`${dto.title} is not a replay: only a replay can be stepped through`);
    return session.screenAfter(request.step);
  }

  async exposeLine(request: MethodRequest<'exposeLine'>): Promise<LineDto> {
    const server = this.options.server;
    if (server.lines.some((line) => line.config.tcpPort === request.tcpPort)) {
      throw new ApiError(`TCP port ${request.tcpPort} already serves ${this.line(request.tcpPort).config.name}`);
    }
    if (server.lines.some((line) => line.config.device === request.device && request.device !== DEMO_DEVICE)) {
      throw new ApiError(`${request.device} is already exposed`);
    }
    if (request.device !== DEMO_DEVICE && this.serialSession(request.device)) throw new ApiError(`${request.device} is open in a tab: close that tab first, then expose the line`);
    const problem = request.password ? passwordProblem(request.password) : undefined;
    if (problem) throw new ApiError(problem);
    const passwordHash = request.password ? await hashPassword(request.password) : undefined;
    const config = userError(() => makeLineConfig(request.tcpPort, request.device, {
      settings: request.settings,
      bind: request.bind,
      protocol: request.protocol,
      multi: request.multi,
      allow: request.allow,
    }, `port ${request.tcpPort}`, passwordHash));
    await userErrorAsync(() => server.expose(config));
    return this.lineDtos().find((line) => line.tcpPort === request.tcpPort)!;
  }

  async unexposeLine(request: MethodRequest<'unexposeLine'>): Promise<void> {
    this.line(request.tcpPort);
    const server = this.options.server;
    await server.unexpose(request.tcpPort);
  }

  async kickClient(request: MethodRequest<'kickClient'>): Promise<void> {
    if (!this.line(request.tcpPort).kick(request.address)) throw new ApiError(`No client ${request.address} on TCP port ${request.tcpPort}`);
  }

  // ---- Session operations ---------------------------------------------------------------------

  async write(request: MethodRequest<'write'>): Promise<void> {
    this.record(request.sessionId).write(request.data);
  }

  async resize(request: MethodRequest<'resize'>): Promise<void> {
    const record = this.record(request.sessionId);
    const { cols, rows } = request;
    if (record.size?.cols === cols && record.size.rows === rows) return;
    record.session.resize(cols, rows);
    record.size = { cols, rows };
    this.emit('sessionState', record.dto);
  }

  async sendBreak(request: MethodRequest<'sendBreak'>): Promise<void> {
    await this.session(request.sessionId).sendBreak(request.durationMs);
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

  async takeKeyboard(request: MethodRequest<'takeKeyboard'>): Promise<void> {
    const session = this.session(request.sessionId);
    if (!(session instanceof LineViewHubSession)) throw new ApiError('Only the view of a line has a keyboard to take');
    session.setKeyboard(request.take);
  }

  async optionStates(request: MethodRequest<'optionStates'>): Promise<MethodResults['optionStates']> {
    return this.session(request.sessionId).optionStates();
  }

  async acknowledgeOutput(request: MethodRequest<'acknowledgeOutput'>): Promise<void> {
    this.sessions.get(request.sessionId)?.acknowledge(request.upTo);
  }

  async closeSession(request: MethodRequest<'closeSession'>): Promise<void> {
    const record = this.sessions.get(request.sessionId);
    if (!record) return;
    const { title } = record.dto;
    this.sessions.delete(request.sessionId);
    this.emit('sessionRemoved', { sessionId: request.sessionId, title });
    await record.close();
  }

  async detachSession(request: MethodRequest<'detachSession'>): Promise<SessionDto> {
    const record = this.record(request.sessionId);
    record.detached = request.detached;
    this.emit('sessionState', record.dto);
    return record.dto;
  }

  async reconnectSession(request: MethodRequest<'reconnectSession'>): Promise<SessionDto> {
    const record = this.record(request.sessionId);
    if (record.dto.kind === 'replay') throw new ApiError(`${record.dto.title} is a replay: there is nothing to reconnect to`);
    if (record.dto.state !== 'closed') throw new ApiError(`${record.dto.title} is still ${record.dto.state}: close it before reconnecting`);
    await userErrorAsync(() => record.open());
    this.emit('sessionState', record.dto);
    return record.dto;
  }

  async subscribeSession(request: MethodRequest<'subscribeSession'>): Promise<MethodResults['subscribeSession']> {
    const record = this.record(request.sessionId);
    record.subscribe();
    return record.snapshot();
  }

  async unsubscribeSession(request: MethodRequest<'unsubscribeSession'>): Promise<void> {
    this.sessions.get(request.sessionId)?.unsubscribe();
  }

  async startLog(request: MethodRequest<'startLog'>): Promise<SessionDto> {
    const record = this.record(request.sessionId);
    const name = logName(request.template || DEFAULT_LOG_TEMPLATE, record.dto, new Date());
    try {
      record.startLog(this.logDir, name, request.stripped, (message) => this.emit('sessionState', { ...record.dto, message }));
    } catch (error) {
      if (error instanceof SessionLogError) throw new ApiError(`The session log cannot be started: ${error.message}`);
      throw error;
    }
    this.emit('sessionState', record.dto);
    return record.dto;
  }

  async stopLog(request: MethodRequest<'stopLog'>): Promise<SessionDto> {
    const record = this.record(request.sessionId);
    record.stopLog();
    this.emit('sessionState', record.dto);
    return record.dto;
  }

  async setSessionPrefs(request: MethodRequest<'setSessionPrefs'>): Promise<void> {
    this.record(request.sessionId).prefs = request.prefs;
    this.emit('sessionPrefs', { sessionId: request.sessionId, prefs: request.prefs });
  }

  /** Session logs go beside the settings file unless told otherwise. */
  private get logDir(): string {
    return this.options.logDir ?? join(dirname(this.settings.path), 'logs');
  }

  async getSettings(_request: MethodRequest<'getSettings'>): Promise<MethodResults['getSettings']> {
    return this.settings.dto;
  }

  async saveSettings(request: MethodRequest<'saveSettings'>): Promise<void> {
    try {
      this.settings.save(request.settings);
    } catch (error) {
      throw new ApiError(`The settings could not be saved: ${(error as Error).message}`);
    }
    this.emit('settings', { settings: request.settings });
  }

  /**
   * What a page may be owed, in bytes, for one session it shows: the session's scrollback,
   * in the snapshot it asked for when it subscribed, and the output window its
   * acknowledgements hold output to. A transport that bounds what a page leaves unread
   * allows this much more for each session the page shows; the snapshot's trace and
   * details, bounded too, fit in its own margin.
   */
  get owedPerShownSession(): number {
    return (this.options.scrollback ?? DEFAULT_SCROLLBACK).maxBytes + BULK_WINDOW.high;
  }

  async dispose(): Promise<void> {
    clearInterval(this.portsTimer);
    await Promise.all([...this.sessions.values()].map((record) => record.close()));
    this.sessions.clear();
  }

  // ---- Helpers --------------------------------------------------------------------------------

  private async add(factory: SessionFactory, extra: Partial<SessionDto> = {}): Promise<SessionDto> {
    const record = new SessionRecord(randomUUID(), factory, this.emit, this.options.scrollback ?? DEFAULT_SCROLLBACK, extra);
    await userErrorAsync(() => record.open());
    const dto = record.announce(this.freeNumber(record.destination));
    this.sessions.set(record.sessionId, record);
    this.emit('sessionAdded', dto);
    return dto;
  }

  /** The lowest number no session to `destination` has: a closed session's number is given again. */
  private freeNumber(destination: string): number {
    const taken = new Set([...this.sessions.values()].filter((record) => record.destination === destination).map((record) => record.number));
    let number = 1;
    while (taken.has(number)) number++;
    return number;
  }

  private record(sessionId: string): SessionRecord {
    const record = this.sessions.get(sessionId);
    if (!record) throw new ApiError('That session is closed');
    return record;
  }

  private session(sessionId: string): HubSession {
    return this.record(sessionId).session;
  }

  /** The open serial session on a device, if any: a device has one owner. */
  private serialSession(path: string): SerialHubSession | undefined {
    for (const { session } of this.sessions.values()) {
      if (session instanceof SerialHubSession && session.path === path) return session;
    }
    return undefined;
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
        exposed: !isLoopbackBind(config.bind),
        devicePresent: line.devicePresent,
        passwordProtected: config.passwordHash !== undefined,
        ...(line.sshPort !== undefined ? { sshPort: line.sshPort } : {}),
        // Remote connections only: the operator's own views are not clients of the line.
        clients: line.connectedClients.filter((client) => client.active).map((client) => ({
          address: client.address,
          since: client.connectedAt.getTime(),
          role: client.role,
          negotiated: client.describeNegotiation(),
        })),
        ...(line.operatorKeyboard ? { operatorKeyboard: line.operatorKeyboard } : {}),
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
        if (!client.onTrace) return;
        const batcher = new TraceBatcher((entries) => {
          this.emit('lineTrace', { tcpPort: line.config.tcpPort, client: client.address, entries });
          // What the client has negotiated changed: the clients list says so as it happens.
          this.emitLines();
        });
        client.onTrace((entry) => batcher.push(entry));
      });
    }
  }
}

/** The UI's negotiation choices (PuTTY's words) as the telnet client takes them; raw is no telnet at all. */
const CLIENT_NEGOTIATE: Record<Exclude<TelnetNegotiation, 'raw'>, NonNullable<TelnetClientOptions['negotiate']>> = {
  auto: 'auto',
  active: 'always',
  passive: 'passive',
  never: 'never',
};

const USER_ERRORS = [SettingsError, ConfigError, SerialError, SshOptionsError];

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

async function readKeyFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new ApiError(`The key file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

async function userErrorAsync<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asApiError(error);
  }
}
