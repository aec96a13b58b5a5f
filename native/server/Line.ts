import { createServer, type Server, type Socket } from 'node:net';
import { Emitter } from '../events/Emitter.js';
import { sendBreak, SerialError, type ControlLines } from '../serial/SerialLine.js';
import { formatSerialSettings, type SerialSettings } from '../serial/serialSettings.js';
import { ModemState } from '../telnet/index.js';
import { showText } from '../api/showText.js';
import { endConnection } from '../net/endConnection.js';
import { isAllowed } from './accessList.js';
import { DeviceSupervisor, type DeviceSupervisorOptions, type DeviceStatus } from './DeviceSupervisor.js';
import { ConfigError, DEFAULT_BIND, type LineConfig } from './LineConfig.js';
import { LineClient, type LinePort } from './LineClient.js';
import { describeDuration, LoginGuard } from './LoginGuard.js';
import { SessionLog, SessionLogError, sessionLogName } from './SessionLog.js';
import { WarningLimiter } from './WarningLimiter.js';

export interface LineOptions {
  readonly device: DeviceSupervisorOptions;
  /** One line per event for the operator ("line 1: client 10.0.0.7:5123 connected"). */
  readonly log: (message: string) => void;
  readonly version: string;
  readonly modemPollMs?: number;
  /** Shared by every line of the process (TerminalServer makes one); a line of its own otherwise. */
  readonly loginGuard?: LoginGuard;
}

/**
 * A terminal-server line: one serial device, its TCP listener and its clients — Cisco's
 * async line N on TCP port 2000+N. It owns the multi-client policy, the access list, the
 * session log, BREAK and the device end of RFC 2217.
 */
export class Line implements LinePort {
  private readonly _onClientConnected = new Emitter<LineClient>();
  /** A new client, before anything is sent to it (subscribe to its trace here). */
  readonly onClientConnected = this._onClientConnected.event;
  private readonly _onClientsChanged = new Emitter<readonly LineClient[]>();
  readonly onClientsChanged = this._onClientsChanged.event;
  private readonly _onDeviceStatus = new Emitter<DeviceStatus>();
  readonly onDeviceStatus = this._onDeviceStatus.event;

  private readonly server: Server;
  private readonly supervisor: DeviceSupervisor;
  private readonly clients: LineClient[] = [];
  private readonly sessionLog: SessionLog | undefined;
  private readonly suspendedBy = new Set<LineClient>();
  private readonly discardNoticeSent = new WeakSet<LineClient>();
  private modemTimer: ReturnType<typeof setInterval> | undefined;
  private modemLinesReadable = true;
  private present = false;
  readonly loginGuard: LoginGuard;
  /** What peers can make happen over and over (refusals, BREAK, settings): a few, then counted. */
  private readonly notices = new WarningLimiter((message) => this.log(message));

  constructor(readonly config: LineConfig, private readonly options: LineOptions) {
    this.loginGuard = options.loginGuard ?? new LoginGuard(undefined, (message) => this.log(message));
    this.supervisor = new DeviceSupervisor(config.device, config.settings, options.device);
    this.sessionLog = config.logDir ? this.openSessionLog(config.logDir) : undefined;
    this.supervisor.onData((data) => {
      this.sessionLog?.write(data);
      for (const client of this.clients) client.deliver(data);
    });
    this.supervisor.onStatus((status) => this.onStatus(status));
    this.server = createServer((socket) => this.accept(socket));
  }

  private openSessionLog(dir: string): SessionLog {
    try {
      return new SessionLog({
        dir,
        name: sessionLogName(this.config.name),
        report: (message) => this.log(`session log: ${message}`),
      });
    } catch (error) {
      if (error instanceof SessionLogError) throw new ConfigError(`${this.config.name}: ${error.message}`);
      throw error;
    }
  }

  get settings(): SerialSettings {
    return this.supervisor.settings;
  }

  get controlLines(): ControlLines | undefined {
    return this.supervisor.controlLines;
  }

  get signature(): string {
    return `Revtel ${this.options.version} ${this.config.name} ${this.config.device}`;
  }

  get connectedClients(): readonly LineClient[] {
    return this.clients;
  }

  get devicePresent(): boolean {
    return this.present;
  }

  /** The operator ends a client's session (the UI's clients table). */
  kick(address: string): boolean {
    const client = this.clients.find((candidate) => candidate.address === address);
    if (!client) return false;
    this.log(`client ${address} disconnected by the operator`);
    client.disconnect(`[revtel] ${this.config.name}: disconnected by the operator`);
    return true;
  }

  /** Listens and starts opening the device; rejects with a sentence if the port is taken. */
  async start(): Promise<void> {
    const { tcpPort, bind, name } = this.config;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        const where = `TCP port ${tcpPort} on ${bind}`;
        if (error.code === 'EADDRINUSE') reject(new ConfigError(`${name}: ${where} is already in use by another program — pick another port`));
        else if (error.code === 'EACCES') reject(new ConfigError(`${name}: ${where} needs privileges — use a port above 1023`));
        else if (error.code === 'EADDRNOTAVAIL') reject(new ConfigError(`${name}: ${bind} is not an address of this machine`));
        else reject(new ConfigError(`${name}: cannot listen on ${where}: ${error.message}`));
      };
      this.server.once('error', onError);
      this.server.listen(tcpPort, bind, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    const exposure = bind === DEFAULT_BIND || bind === '::1' || bind === 'localhost' ? 'this machine only' : 'THE NETWORK';
    this.log(`listening on ${bind}:${tcpPort} (${this.config.protocol}, ${this.config.multi}) for ${exposure}; device ${this.config.device} ${formatSerialSettings(this.config.settings)}`);
    this.supervisor.start();
  }

  async stop(message = `[revtel] ${this.config.name} is shutting down`): Promise<void> {
    clearInterval(this.modemTimer);
    for (const client of [...this.clients]) client.disconnect(message);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.supervisor.close();
    this.sessionLog?.close();
    this.notices.flush();
  }

  // ---- LinePort: what clients ask for ---------------------------------------------------

  input(client: LineClient, data: Uint8Array): void {
    if (!this.present) {
      if (!this.discardNoticeSent.has(client)) client.say(`[revtel] ${this.config.name}: the device is not there; typing is discarded`);
      this.discardNoticeSent.add(client);
      return;
    }
    if (!this.supervisor.write(data)) {
      // The device is slower than the typist (a paste at 9600 baud): hold the client back.
      client.pauseInput();
      const resume = this.supervisor.onDrain(() => {
        resume.dispose();
        client.resumeInput();
      });
    }
  }

  sendBreak(client: LineClient, durationMs = 300): void {
    const line = this.supervisor.line;
    if (!line) return;
    this.notices.report('break', `client ${client.address} sent BREAK (${durationMs} ms)`);
    sendBreak(line, durationMs).catch((error: Error) => this.notices.report('break-failed', `BREAK failed: ${error.message}`));
  }

  async setBreak(on: boolean): Promise<void> {
    await this.supervisor.setBreak(on);
  }

  async applySettings(change: Partial<SerialSettings>): Promise<SerialSettings> {
    const before = formatSerialSettings(this.supervisor.settings);
    const settings = { ...this.supervisor.settings, ...change };
    await this.supervisor.applySettings(settings);
    if (formatSerialSettings(settings) !== before) this.notices.report('settings', `settings changed to ${formatSerialSettings(settings)}`);
    return settings;
  }

  async setControlLines(lines: Partial<ControlLines>): Promise<void> {
    try {
      await this.supervisor.setControlLines(lines);
    } catch (error) {
      // A pty has no modem lines: keep our copy, say so, and answer as asked.
      if (!(error instanceof SerialError)) throw error;
      this.notices.report('control-lines', `cannot set ${Object.keys(lines).join('/').toUpperCase()}: ${error.message}`);
    }
  }

  async purge(): Promise<void> {
    await this.supervisor.purge();
  }

  async readModemState(): Promise<number> {
    const lines = await this.supervisor.readModemLines();
    return (lines.cts ? ModemState.CTS : 0) | (lines.dsr ? ModemState.DSR : 0) | (lines.dcd ? ModemState.DCD : 0) | (lines.ri ? ModemState.RI : 0);
  }

  admit(client: LineClient): void {
    const others = this.clients.filter((other) => other !== client && other.active);
    const { multi, name } = this.config;
    if (multi === 'exclusive' && others.length > 0) {
      const holder = others[0]!;
      this.log(`client ${client.address} refused: the line is held by ${holder.address}`);
      client.disconnect(`[revtel] ${name} is in use by ${holder.address} since ${holder.connectedAt.toISOString().slice(11, 19)} UTC (${describeAge(holder.connectedAt)}); try again later`);
      return;
    }
    // Clients at the password prompt hold no slot: the count is checked once they are through.
    if (multi !== 'kick' && others.length >= this.config.maxClients) {
      this.log(`client ${client.address} refused: ${this.describeMaxClients()} already`);
      client.disconnect(`[revtel] ${name} already has ${this.describeMaxClients()}; try again later`);
      return;
    }
    if (multi === 'kick') {
      for (const other of others) {
        this.log(`client ${other.address} kicked by ${client.address}`);
        other.disconnect(`[revtel] ${name} was taken over by ${client.address}`);
      }
    }
    if (multi === 'spectate') {
      const writer = others.find((other) => other.role === 'writer');
      client.role = writer ? 'reader' : 'writer';
      client.say(writer
        ? `[revtel] ${name}: you are watching; ${writer.address} has the keyboard`
        : `[revtel] ${name}: you have the keyboard (Ctrl-T gives it to the next watcher)`);
    }
    this.log(`client ${client.address} on the line${multi === 'spectate' ? ` as ${client.role}` : ''}`);
    // By then the opening negotiation has settled.
    setTimeout(() => client.active && this.log(`client ${client.address} negotiated ${client.describeNegotiation()}`), 1000).unref();
    this._onClientsChanged.fire(this.clients);
  }

  handOver(writer: LineClient): void {
    const next = this.clients.find((client) => client !== writer && client.active && client.role === 'reader');
    if (!next) {
      writer.say(`[revtel] ${this.config.name}: nobody is watching; you keep the keyboard`);
      return;
    }
    writer.role = 'reader';
    next.role = 'writer';
    writer.say(`[revtel] ${this.config.name}: the keyboard is now ${next.address}'s`);
    next.say(`[revtel] ${this.config.name}: you have the keyboard (Ctrl-T gives it on)`);
    this.log(`keyboard handed from ${writer.address} to ${next.address}`);
    this._onClientsChanged.fire(this.clients);
  }

  suspendOutput(client: LineClient, suspended: boolean): void {
    if (suspended) this.suspendedBy.add(client);
    else this.suspendedBy.delete(client);
    // A sole client's FLOWCONTROL-SUSPEND stops the device itself; with others on the
    // line, only that client's output waits (bounded), so that nobody else stalls.
    const pause = this.suspendedBy.size > 0 && this.clients.filter((other) => other.active).every((other) => this.suspendedBy.has(other));
    if (pause) this.supervisor.pause();
    else this.supervisor.resume();
  }

  closed(client: LineClient): void {
    const index = this.clients.indexOf(client);
    if (index === -1) return;
    this.clients.splice(index, 1);
    this.suspendedBy.delete(client);
    this.log(`client ${client.address} disconnected`);
    if (this.config.multi === 'spectate' && client.role === 'writer') {
      const next = this.clients.find((other) => other.active);
      if (next) {
        next.role = 'writer';
        next.say(`[revtel] ${this.config.name}: you have the keyboard now`);
      }
    }
    this.suspendOutput(client, false);
    this._onClientsChanged.fire(this.clients);
  }

  log(message: string): void {
    this.options.log(showText(`${this.config.name}: ${message}`));
  }

  // ---- Connections and the device -------------------------------------------------------

  private accept(socket: Socket): void {
    const address = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const refusal = this.refusal(socket.remoteAddress ?? '');
    if (refusal) {
      this.notices.report(`refused${refusal.why}`, `client ${address} refused${refusal.why}`);
      endConnection(socket, refusal.tell === undefined ? undefined : `\r\n[revtel] ${refusal.tell}\r\n`);
      return;
    }
    const client = new LineClient(socket, this);
    this.clients.push(client);
    this.log(`client ${address} connected`);
    this._onClientConnected.fire(client);
    client.start(this.banner());
    if (!this.present && client.active) client.say(`[revtel] ${this.config.name}: the device is not there yet; waiting for it`);
    this.watchModemLines();
  }

  /**
   * Why a new connection is refused, checked before a byte is sent (the access list says
   * nothing at all). A connection that will be asked for a password takes a pending slot;
   * one admitted at once needs a client slot.
   */
  private refusal(host: string): { why: string; tell?: string } | undefined {
    const { name, maxClients, passwordHash, allow } = this.config;
    if (!isAllowed(host, allow)) return { why: ' by the access list' };
    const lockedMs = this.loginGuard.lockedOut(host);
    if (lockedMs > 0) return { why: ': too many wrong passwords', tell: `${name}: too many wrong passwords from your address; try again in ${describeDuration(lockedMs)}` };
    if (!passwordHash) {
      if (this.clients.filter((client) => client.active).length >= maxClients) return { why: `: ${this.describeMaxClients()} already`, tell: `${name} already has ${this.describeMaxClients()}; try again later` };
      return undefined;
    }
    const limits = this.loginGuard.limits;
    if (this.clients.filter((client) => !client.active).length >= limits.maxPendingPerLine) {
      return { why: `: ${limits.maxPendingPerLine} connections already at the password prompt`, tell: `${name} has too many connections logging in; try again later` };
    }
    if (!this.loginGuard.enterPending(host)) {
      return { why: `: ${limits.maxPendingPerAddress} connections from it already at a password prompt`, tell: `${name}: too many connections logging in from your address; try again later` };
    }
    return undefined;
  }

  private describeMaxClients(): string {
    const count = this.config.maxClients;
    return `${count} client${count === 1 ? '' : 's'}`;
  }

  // Plain ASCII: a client's terminal may not be UTF-8.
  private banner(): string {
    const { name, device, banner } = this.config;
    const head = `[revtel] ${name}: ${device} ${formatSerialSettings(this.supervisor.settings)}`;
    return banner ? `${head}\r\n${banner}` : head;
  }

  private onStatus(status: DeviceStatus): void {
    const name = this.config.name;
    switch (status.kind) {
      case 'open':
        this.present = true;
        this.log(`device ${status.path} open`);
        for (const client of this.clients) client.say(`[revtel] ${name}: device ready, opened with ${formatSerialSettings(this.supervisor.settings)}`);
        break;
      case 'waiting':
        this.log(`${status.message}; waiting for it`);
        break;
      case 'unplugged':
        this.present = false;
        // A client held back by the old device's backlog would wait for a drain that never comes.
        for (const client of this.clients) client.resumeInput();
        this.log(`device unplugged (${status.message}); waiting for it`);
        this.sessionLog?.note('device unplugged');
        for (const client of this.clients) client.say(`[revtel] ${name}: device unplugged, waiting for it`);
        break;
      case 'replugged':
        this.present = true;
        this.modemLinesReadable = true;
        this.log(`device back at ${status.path}; reopened with ${formatSerialSettings(this.supervisor.settings)}`);
        this.sessionLog?.note(`device back at ${status.path}`);
        for (const client of this.clients) client.say(`[revtel] ${name}: device back, reopened with ${formatSerialSettings(this.supervisor.settings)}`);
        break;
    }
    this._onDeviceStatus.fire(status);
  }

  /** Polls CTS/DSR/DCD while an RFC 2217 client wants modem-state notifications. */
  private watchModemLines(): void {
    if (this.modemTimer) return;
    this.modemTimer = setInterval(() => {
      const listeners = this.clients.filter((client) => client.wantsModemState);
      if (listeners.length === 0 || !this.present || !this.modemLinesReadable) return;
      this.readModemState().then((state) => {
        for (const client of listeners) client.notifyModemState(state);
      }, (error: Error) => {
        this.modemLinesReadable = false;
        this.log(`modem lines cannot be read (${error.message}); no modem-state notifications`);
      });
    }, this.options.modemPollMs ?? 1000);
    this.modemTimer.unref();
  }
}

function describeAge(since: Date): string {
  const minutes = Math.floor((Date.now() - since.getTime()) / 60000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `${Math.floor(minutes / 60)} hours`;
}
