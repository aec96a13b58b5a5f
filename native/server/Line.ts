import { createServer, type Server, type Socket } from 'node:net';
import { DEFAULT_BREAK_MS } from '../api/index.js';
import { Emitter, type Disposable } from '../events/Emitter.js';
import { describeStatus, Device, type DeviceOptions, type DeviceStatus } from '../serial/Device.js';
import type { ControlLines } from '../serial/SerialLine.js';
import { formatSerialSettings, type SerialSettings } from '../serial/serialSettings.js';
import { showText } from '../api/showText.js';
import { acceptedPeer } from '../net/acceptedPeer.js';
import { endConnection } from '../net/endConnection.js';
import { isAllowed } from './accessList.js';
import { ConfigError, isLoopbackBind, type LineConfig } from './LineConfig.js';
import { LineClient, type LinePort, type RemoteClient } from './LineClient.js';
import { listenOn } from './listenOn.js';
import { describeDuration, LoginGuard } from './LoginGuard.js';
import { may } from './roles.js';
import { SessionLog, SessionLogError, sessionLogName } from './SessionLog.js';
import { WarningLimiter } from './WarningLimiter.js';
import type { SshGateway, SshListener } from './SshGateway.js';
import { routeLogin } from './sshRoute.js';

export interface LineOptions {
  readonly device: DeviceOptions;
  /**
   * The SSH server side, for lines with their own SSH port (`ssh: PORT`): asked for when
   * such a line starts, so that the SSH library is loaded only where SSH is used.
   */
  readonly ssh?: () => Promise<SshGateway>;
  /** One line per event for the operator ("line 1: client 10.0.0.7:5123 connected"). */
  readonly log: (message: string) => void;
  readonly version: string;
  /** How long a client's opening negotiation may take before its banner goes out anyway. */
  readonly settleMs?: number;
  /** Shared by every line of the process (TerminalServer makes one); a line of its own otherwise. */
  readonly loginGuard?: LoginGuard;
}

/** Why a connection is refused: the log's words, and what the client is told (nothing for the access list). */
interface Refusal {
  readonly why: string;
  readonly tell?: string;
}

/** What the operator's view shows: the device's output and the line's notices. */
export interface OperatorView {
  deliver(data: Uint8Array): void;
  notice(text: string): void;
  /** The line stopped (removed, reconfigured, shutting down): the attachment is finished. */
  ended(text: string): void;
}

/**
 * A terminal-server line: one Device, its TCP listener and its attachments — Cisco's
 * async line N on TCP port 2000+N. Each attachment has a role (roles.ts): TCP clients are
 * pending until admitted, then writers or readers by the multi-client policy; the local
 * user's view is the operator, in-process, outside every policy and limit. The line owns
 * the policy, the access list, the session log, and the settings restored when the last
 * RFC 2217 client leaves.
 */
export class Line implements LinePort {
  private readonly _onClientConnected = new Emitter<RemoteClient>();
  /** A new client, before anything is sent to it (subscribe to its trace here). */
  readonly onClientConnected = this._onClientConnected.event;
  private readonly _onClientsChanged = new Emitter<readonly RemoteClient[]>();
  readonly onClientsChanged = this._onClientsChanged.event;
  private readonly _onDeviceStatus = new Emitter<DeviceStatus>();
  readonly onDeviceStatus = this._onDeviceStatus.event;

  readonly device: Device;
  private readonly server: Server;
  private sshListener: SshListener | undefined;
  private readonly clients: RemoteClient[] = [];
  private readonly operators = new Set<OperatorAttachment>();
  private readonly sessionLog: SessionLog | undefined;
  private readonly discardNoticeSent = new WeakSet<RemoteClient>();
  private readonly comPortClients = new Set<LineClient>();
  private modemWatch: Disposable | undefined;
  /** Set by stop(): what a connection still waiting to be admitted is told. */
  private stopping: string | undefined;
  /** The operator holding the keyboard, and the writers it made watchers. */
  private keyboard: { holder: OperatorAttachment; demoted: Set<RemoteClient> } | undefined;
  readonly loginGuard: LoginGuard;
  /** What peers can make happen over and over (refusals, BREAK, settings): a few, then counted. */
  private readonly notices = new WarningLimiter((message) => this.log(message));

  constructor(readonly config: LineConfig, private readonly options: LineOptions) {
    this.loginGuard = options.loginGuard ?? new LoginGuard(undefined, (message) => this.log(message));
    this.device = new Device(config.device, config.settings, options.device, config.lowLatency ?? true);
    this.sessionLog = config.logDir ? this.openSessionLog(config.logDir) : undefined;
    this.device.onData((data) => {
      this.sessionLog?.write(data);
      for (const client of this.clients) client.deliver(data);
      for (const operator of this.operators) operator.view.deliver(data);
    });
    this.device.onStatus((status) => this.handleStatus(status));
    // Settings and BREAK are a peer's to repeat: a few lines of each, then counted.
    this.device.onNote((message) => this.notices.report(noteKind(message), message));
    this.device.onModemLines((lines) => {
      for (const client of this.comPortClients) client.notifyModemLines(lines);
    });
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
    return this.device.settings;
  }

  get controlLines(): ControlLines {
    return this.device.controlLines;
  }

  get signature(): string {
    return `Revtel ${this.options.version} ${this.config.name} ${this.config.device}`;
  }

  get connectedClients(): readonly RemoteClient[] {
    return this.clients;
  }

  /**
   * The operator's view, as the clients table shows it: none open, or whether its typing
   * reaches the device — taken (takeKeyboard), free (no remote writer), or held by a remote writer.
   */
  get operatorKeyboard(): 'taken' | 'free' | 'remote' | undefined {
    if (this.operators.size === 0) return undefined;
    if (this.keyboard) return 'taken';
    return this.clients.some((client) => client.active && may(client.role, 'data')) ? 'remote' : 'free';
  }

  get devicePresent(): boolean {
    return this.device.present;
  }

  /** The operator ends a client's session (the UI's clients table). */
  kick(address: string): boolean {
    const client = this.clients.find((candidate) => candidate.address === address);
    if (!client) return false;
    this.log(`client ${address} disconnected by the operator`);
    client.disconnect(`[revtel] ${this.config.name}: disconnected by the operator`);
    return true;
  }

  /**
   * The local user's view of the line: in-process, never counted, refused or kicked by a
   * policy, never asked for the password. It watches always; it types when no remote
   * client has the keyboard, or after takeKeyboard().
   */
  attachOperator(view: OperatorView): OperatorAttachment {
    const operator = new OperatorAttachment(this, view);
    this.operators.add(operator);
    this.log('the operator is watching');
    this._onClientsChanged.fire(this.clients);
    return operator;
  }

  /** Listens and starts opening the device; rejects with a sentence if the port is taken. */
  async start(): Promise<void> {
    const { tcpPort, bind, name } = this.config;
    await listenOn(this.server, tcpPort, bind, name);
    const exposure = isLoopbackBind(bind) ? 'this machine only' : 'THE NETWORK';
    const { sshPort } = this.config;
    if (sshPort !== undefined) {
      if (!this.options.ssh) throw new ConfigError(`${name}: ssh: ${sshPort} needs Revtel's SSH server, which this program does not run`);
      try {
        this.sshListener = await (await this.options.ssh()).listen(bind, sshPort, (username) => routeLogin(username, [this], this), name);
      } catch (error) {
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
        throw error;
      }
    }
    const ssh = sshPort !== undefined ? ` and SSH on ${bind}:${sshPort}` : '';
    this.log(`listening on ${bind}:${tcpPort} (${this.config.protocol}, ${this.config.multi})${ssh} for ${exposure}; device ${this.config.device} ${formatSerialSettings(this.config.settings)}`);
    this.device.start();
  }

  /** The port the line's own SSH listener listens on (`ssh: PORT`), while it does. */
  get sshPort(): number | undefined {
    return this.sshListener?.port;
  }

  async stop(message = `[revtel] ${this.config.name} is shutting down`): Promise<void> {
    this.stopping = message;
    this.modemWatch?.dispose();
    for (const client of [...this.clients]) client.disconnect(message);
    for (const operator of [...this.operators]) {
      operator.close();
      operator.view.ended(message.replace(/^\[revtel\] /, ''));
    }
    await Promise.all([new Promise<void>((resolve) => this.server.close(() => resolve())), this.sshListener?.close()]);
    await this.device.close();
    this.sessionLog?.close();
    this.notices.flush();
  }

  // ---- LinePort: what clients ask for ---------------------------------------------------

  input(client: RemoteClient, data: Uint8Array): void {
    if (!this.device.present) {
      if (!this.discardNoticeSent.has(client)) client.say(`[revtel] ${this.config.name}: the device is not there; typing is discarded`);
      this.discardNoticeSent.add(client);
      return;
    }
    if (!this.device.write(data)) {
      // The device is slower than the typist (a paste at 9600 baud): hold the client back.
      client.pauseInput();
      const resume = this.device.onDrain(() => {
        resume.dispose();
        client.resumeInput();
      });
    }
  }

  sendBreak(client: RemoteClient | OperatorAttachment, durationMs = DEFAULT_BREAK_MS): void {
    const who = client instanceof OperatorAttachment ? 'the operator' : `client ${client.address}`;
    if (!this.device.present) return;
    this.notices.report('break', `${who} sent BREAK (${durationMs} ms)`);
    void this.device.sendBreak(durationMs);
  }

  comPortStarted(client: LineClient): void {
    this.comPortClients.add(client);
    this.modemWatch ??= this.device.watchModemLines();
    const known = this.device.modemLines;
    if (known) client.notifyModemLines(known);
  }

  admit(client: RemoteClient): void {
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
    let role: 'writer' | 'reader' = 'writer';
    if (client.user !== undefined && this.config.readers?.includes(client.user)) {
      role = 'reader';
      client.say(`[revtel] ${name}: you are watching (${client.user} is a reader of this line)`);
    } else if (multi === 'spectate') {
      const writer = others.find((other) => other.role === 'writer' || this.keyboard?.demoted.has(other));
      role = writer ? 'reader' : 'writer';
      client.say(writer
        ? `[revtel] ${name}: you are watching; ${writer.address} has the keyboard`
        : `[revtel] ${name}: you have the keyboard (Ctrl-T gives it to the next watcher)`);
    }
    if (role === 'writer' && this.keyboard) {
      this.keyboard.demoted.add(client);
      role = 'reader';
      client.say(`[revtel] ${name}: the operator has the keyboard; you are watching until it is given back`);
    }
    client.role = role;
    const known = this.device.modemLines;
    if (known) client.notifyModemLines?.(known);
    this.log(`client ${client.address} on the line as ${client.role}`);
    // By then the opening negotiation has settled.
    setTimeout(() => client.active && this.log(`client ${client.address} negotiated ${client.describeNegotiation()}`), 1000).unref();
    this._onClientsChanged.fire(this.clients);
  }

  handOver(writer: RemoteClient): void {
    const next = this.clients.find((client) => client !== writer && client.active && client.role === 'reader' && !this.keyboard?.demoted.has(client));
    if (!next) {
      writer.say(`[revtel] ${this.config.name}: nobody is watching; you keep the keyboard`);
      return;
    }
    writer.role = 'reader';
    next.role = 'writer';
    writer.say(`[revtel] ${this.config.name}: the keyboard is now ${next.address}'s`);
    next.say(`[revtel] ${this.config.name}: you have the keyboard (Ctrl-T gives it on)`);
    next.resetNotices();
    this.log(`keyboard handed from ${writer.address} to ${next.address}`);
    this._onClientsChanged.fire(this.clients);
  }

  closed(client: RemoteClient): void {
    const index = this.clients.indexOf(client);
    if (index === -1) return;
    this.clients.splice(index, 1);
    const wasWriter = client.role === 'writer' || this.keyboard?.demoted.delete(client) === true;
    this.log(`client ${client.address} disconnected`);
    if (this.config.multi === 'spectate' && wasWriter) {
      const next = this.clients.find((other) => other.active);
      if (next && this.keyboard) {
        this.keyboard.demoted.add(next);
      } else if (next) {
        next.role = 'writer';
        next.resetNotices();
        next.say(`[revtel] ${this.config.name}: you have the keyboard now`);
      }
    }
    if (client instanceof LineClient && this.comPortClients.delete(client) && this.comPortClients.size === 0) this.lastComPortClientLeft();
    this._onClientsChanged.fire(this.clients);
  }

  // ---- The operator ---------------------------------------------------------------------

  /** Whether the operator's typing reaches the device: no remote writer, or the keyboard taken. */
  operatorMayType(operator: OperatorAttachment): boolean {
    if (this.keyboard) return this.keyboard.holder === operator;
    return !this.clients.some((client) => client.active && may(client.role, 'data'));
  }

  /** The remote writers become watchers, and are told, until the operator gives the keyboard back. */
  takeKeyboard(operator: OperatorAttachment): void {
    if (this.keyboard) {
      this.keyboard.holder = operator;
      return;
    }
    const demoted = new Set(this.clients.filter((client) => client.active && client.role === 'writer'));
    this.keyboard = { holder: operator, demoted };
    for (const client of demoted) {
      client.role = 'reader';
      client.say(`[revtel] ${this.config.name}: the operator has taken the keyboard; you are watching`);
    }
    this.log('the operator took the keyboard');
    this._onClientsChanged.fire(this.clients);
  }

  giveBackKeyboard(operator: OperatorAttachment): void {
    if (this.keyboard?.holder !== operator) return;
    const { demoted } = this.keyboard;
    this.keyboard = undefined;
    for (const client of demoted) {
      if (!client.active) continue;
      client.role = 'writer';
      client.resetNotices();
      client.say(`[revtel] ${this.config.name}: the operator gave the keyboard back; you have it`);
    }
    this.log('the operator gave the keyboard back');
    this._onClientsChanged.fire(this.clients);
  }

  detachOperator(operator: OperatorAttachment): void {
    this.giveBackKeyboard(operator);
    this.operators.delete(operator);
    this.log('the operator stopped watching');
    this._onClientsChanged.fire(this.clients);
  }

  log(message: string): void {
    this.options.log(showText(`${this.config.name}: ${message}`));
  }

  // ---- Connections and the device -------------------------------------------------------

  private accept(socket: Socket): void {
    const peer = acceptedPeer(socket);
    if (!peer) {
      socket.destroy();
      return;
    }
    const refuse = (refusal: Refusal): void => {
      this.notices.report(`refused${refusal.why}`, `client ${peer.address} refused${refusal.why}`);
      endConnection(socket, refusal.tell === undefined ? undefined : `\r\n[revtel] ${refusal.tell}\r\n`);
    };
    const barred = this.addressRefusal(peer.host);
    if (barred) {
      refuse(barred);
      return;
    }
    const join = (): void => this.join(new LineClient(socket, peer, this, Date.now, this.options.settleMs));
    if (!this.reserveRoom(peer.host)) {
      join();
      return;
    }
    // No room: asked again once the rest of this turn's I/O is read. A client whose FIN or
    // reset came in the same instant, read after this accept, has left by then (a reconnect
    // is not refused for its own old connection). A reset of this one meanwhile destroys it.
    const meanwhile = (): void => {};
    socket.on('error', meanwhile);
    setImmediate(() => {
      socket.off('error', meanwhile);
      if (socket.destroyed) return;
      // The line stopped meanwhile: its listener waits for this connection to end.
      if (this.stopping !== undefined) {
        endConnection(socket, `\r\n${this.stopping}\r\n`);
        return;
      }
      const full = this.reserveRoom(peer.host);
      if (full) refuse(full);
      else join();
    });
  }

  /** An authenticated SSH session: on the line as a telnet client would be, unless the line is full. */
  attachSsh(client: RemoteClient): void {
    if (this.clients.filter((other) => other.active).length >= this.config.maxClients) {
      this.notices.report('refused: full', `client ${client.address} refused: ${this.describeMaxClients()} already`);
      client.disconnect(`[revtel] ${this.config.name} already has ${this.describeMaxClients()}; try again later`);
      return;
    }
    this.join(client);
  }

  private join(client: RemoteClient): void {
    this.clients.push(client);
    this.log(`client ${client.address} connected${client.user !== undefined ? ` over SSH as ${client.user}` : ''}`);
    this._onClientConnected.fire(client);
    client.start(this.banner());
    if (!this.device.present) client.say(`[revtel] ${this.config.name}: the device is not there yet; waiting for it`);
  }

  /** Why a connection from `host` is refused whatever the line holds (the access list says nothing at all). */
  private addressRefusal(host: string): Refusal | undefined {
    if (!isAllowed(host, this.config.allow)) return { why: ' by the access list' };
    const lockedMs = this.loginGuard.lockedOut(host);
    if (lockedMs > 0) return { why: ': too many wrong passwords', tell: `${this.config.name}: too many wrong passwords from your address; try again in ${describeDuration(lockedMs)}` };
    return undefined;
  }

  /**
   * Takes room on the line for a new connection, before a byte is sent, or says why there is
   * none: a connection that will be asked for a password takes a pending slot (given back
   * when it leaves the prompt); one admitted at once needs a client slot.
   */
  private reserveRoom(host: string): Refusal | undefined {
    const { name, maxClients, passwordHash } = this.config;
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

  /**
   * Plain ASCII: a client's terminal may not be UTF-8. `banner: none` sends nothing; a raw
   * line's byte stream is the device's, so it gets only a banner text the config gives.
   */
  private banner(): string | undefined {
    const { name, device, banner, protocol } = this.config;
    if (banner === 'none') return undefined;
    if (protocol === 'raw') return banner;
    const head = `[revtel] ${name}: ${device} ${formatSerialSettings(this.device.settings)}`;
    return banner ? `${head}\r\n${banner}` : head;
  }

  /** The configured settings and DTR/RTS come back, unless the line keeps remote changes. */
  private lastComPortClientLeft(): void {
    this.modemWatch?.dispose();
    this.modemWatch = undefined;
    if (this.config.keepRemoteSettings) return;
    const configured = this.config.settings;
    const changed = formatSerialSettings(this.device.settings) !== formatSerialSettings(configured)
      || !this.device.controlLines.dtr || !this.device.controlLines.rts || this.device.breakCondition;
    if (!changed) return;
    void Promise.all([
      this.device.applySettings(configured),
      this.device.setControlLines({ dtr: true, rts: true }),
      this.device.setBreak(false),
    ]).then(([settings]) => this.log(`the last RFC 2217 client left: settings back to ${formatSerialSettings(settings)}, DTR and RTS on`));
  }

  private handleStatus(status: DeviceStatus): void {
    const name = this.config.name;
    const sentence = describeStatus(status, this.device.settings);
    this.log(sentence);
    const notice = (text: string): void => {
      for (const client of this.clients) client.say(`[revtel] ${name}: ${text}`);
      for (const operator of this.operators) operator.view.notice(text);
    };
    switch (status.kind) {
      case 'open':
        notice(`device ready, opened with ${formatSerialSettings(this.device.settings)}`);
        break;
      case 'waiting':
        break;
      case 'unplugged':
        // A client held back by the old device's backlog would wait for a drain that never comes.
        for (const client of this.clients) client.resumeInput();
        this.sessionLog?.note('device unplugged');
        notice(sentence);
        break;
      case 'replugged':
        this.sessionLog?.note(`device back at ${status.path}`);
        notice(sentence);
        break;
    }
    this._onDeviceStatus.fire(status);
  }
}

/** The operator's attachment to a line (see Line.attachOperator); its role is 'operator'. */
export class OperatorAttachment {
  readonly role = 'operator' as const;
  private closed = false;

  constructor(private readonly line: Line, readonly view: OperatorView) {}

  get hasKeyboard(): boolean {
    return !this.closed && this.line.operatorMayType(this);
  }

  /** False when a remote client has the keyboard: the bytes (a terminal's answer to a query, say) are dropped. */
  write(data: Uint8Array): boolean {
    if (!this.hasKeyboard || !this.line.device.present) return false;
    this.line.device.write(data);
    return true;
  }

  sendBreak(durationMs?: number): void {
    if (!this.closed) this.line.sendBreak(this, durationMs);
  }

  async setControlLines(lines: Partial<ControlLines>): Promise<ControlLines> {
    return this.line.device.setControlLines(lines);
  }

  takeKeyboard(): void {
    if (!this.closed) this.line.takeKeyboard(this);
  }

  giveBackKeyboard(): void {
    this.line.giveBackKeyboard(this);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.line.detachOperator(this);
  }
}

/** The limiter's kind for a Device note: the same sort of line repeated is counted, not written. */
function noteKind(message: string): string {
  return /settings changed|cannot use/.test(message) ? 'settings' : /DTR|RTS/.test(message) ? 'control-lines' : /BREAK/.test(message) ? 'break' : message;
}

function describeAge(since: Date): string {
  const minutes = Math.floor((Date.now() - since.getTime()) / 60000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `${Math.floor(minutes / 60)} hours`;
}
