import type { Socket } from 'node:net';
import { Emitter, type Event } from '../events/Emitter.js';
import type { Device } from '../serial/Device.js';
import type { ModemLines } from '../serial/SerialLine.js';
import {
  Cmd,
  Opt,
  SERVER_POLICY,
  TelnetEngine,
  decodeTerminalType,
  decodeWindowSize,
  encodeTerminalType,
  shortOptionName,
  type TelnetEvent,
  type TraceEntry,
} from '../telnet/index.js';
import { showText } from '../api/showText.js';
import type { Peer } from '../net/acceptedPeer.js';
import { endConnection } from '../net/endConnection.js';
import { ComPortServer } from './ComPortServer.js';
import type { LineConfig } from './LineConfig.js';
import { describeDuration, type LoginGuard } from './LoginGuard.js';
import { MAX_PASSWORD_BYTES, verifyPassword } from './passwords.js';
import { may, type Role } from './roles.js';
import { IdleTimer } from './IdleTimer.js';
import { WarningLimiter } from './WarningLimiter.js';

/** What a line needs of a remote attachment: a telnet client (LineClient) or an SSH session (SshLineClient). */
export interface RemoteClient {
  readonly address: string;
  readonly connectedAt: Date;
  /** pending until admitted; the Line sets reader or writer on admission. */
  role: Role;
  /** Admitted and connected. */
  readonly active: boolean;
  /** The name the client logged in with (SSH); telnet clients have none. */
  readonly user?: string;
  /** The client's own protocol negotiation, for the trace pane of an exposed line (telnet). */
  readonly onTrace?: Event<TraceEntry>;
  /** Banner, then admission (after the password where telnet asks for one). */
  start(banner: string | undefined): void;
  deliver(data: Uint8Array): void;
  say(text: string): void;
  disconnect(text: string): void;
  pauseInput(): void;
  resumeInput(): void;
  resetNotices(): void;
  /** For the clients table and the log: "BINARY ECHO SGA NAWS 80x24", "SSH alice, publickey …". */
  describeNegotiation(): string;
  /** RFC 2217's modem-state notifications (telnet); SSH has no such channel. */
  notifyModemLines?(lines: ModemLines): void;
}

/** What a client asks of its line; the Line implements it. */
export interface LinePort {
  readonly config: LineConfig;
  readonly device: Device;
  readonly signature: string;
  /** Password attempts and pending connections, per source address across the process. */
  readonly loginGuard: LoginGuard;
  /** Bytes typed by a client whose role may send data (the line decides whether they reach the device). */
  input(client: RemoteClient, data: Uint8Array): void;
  sendBreak(client: RemoteClient, durationMs?: number): void;
  /** The password was right (or none is needed): decide whether the client may stay, and its role. */
  admit(client: RemoteClient): void;
  /** In spectate mode the writer gives the keyboard to the longest-waiting watcher. */
  handOver(writer: RemoteClient): void;
  /** The client speaks RFC 2217 from now on (modem-state notifications, settings restored when the last leaves). */
  comPortStarted(client: LineClient): void;
  closed(client: RemoteClient): void;
  log(message: string): void;
}

/** Bytes queued for one client before it counts as not reading and is dropped. */
export const SLOW_CLIENT_LIMIT = 1024 * 1024;
const PASSWORD_ATTEMPTS = 3;
const HAND_OVER = 0x14; // Ctrl-T, in spectate mode
/** How long the opening negotiation may hold output back (a client that answers nothing never settles it). */
const DEFAULT_SETTLE_MS = 500;
const TYPED_AHEAD_LIMIT = 4096;

/** The options Revtel offers in its opening burst; output waits until each is answered. */
const OFFERS: readonly (readonly ['local' | 'remote', number])[] = [
  ['local', Opt.ECHO], ['local', Opt.SGA], ['remote', Opt.SGA], ['local', Opt.BINARY], ['remote', Opt.BINARY],
  ['remote', Opt.NAWS], ['remote', Opt.TTYPE], ['remote', Opt.COM_PORT],
];

/**
 * What an admitted client typed, telnet or SSH: to the device if its role may type; in
 * spectate mode Ctrl-T hands the keyboard on (what came before it still goes).
 */
export function typeOnLine(line: LinePort, client: RemoteClient, data: Uint8Array): 'typed' | 'refused' | 'handed-over' {
  if (!may(client.role, 'data')) return 'refused';
  if (line.config.multi === 'spectate' && data.includes(HAND_OVER)) {
    const before = data.subarray(0, data.indexOf(HAND_OVER));
    if (before.length > 0) line.input(client, before);
    line.handOver(client);
    return 'handed-over';
  }
  line.input(client, data);
  return 'typed';
}

/**
 * One TCP client of a line: its telnet engine, its role (pending until admitted), the
 * password prompt, and its RFC 2217 server side (ComPortServer). What it may do is the
 * role table's (roles.ts), asked at each request.
 */
export class LineClient implements RemoteClient {
  private readonly _onTrace = new Emitter<TraceEntry>();
  /** This client's negotiation with Revtel, for the trace pane of an exposed line. */
  readonly onTrace = this._onTrace.event;

  readonly address: string;
  /** The peer's IP address alone, the key of the password limits. */
  private readonly host: string;
  readonly connectedAt = new Date();
  /** pending until admitted; the Line sets reader or writer on admission. */
  role: Role = 'pending';
  private closed = false;
  /** Gone: closed by either side, and left the line. */
  private finished = false;
  /** The opening negotiation has not settled: nothing but negotiation is sent yet; the rest waits here. */
  private opening = false;
  private heldOpening: Uint8Array[] = [];
  private heldOpeningBytes = 0;
  private readonly engine: TelnetEngine | undefined;
  private comPort: ComPortServer | undefined;
  /** What is typed at the password prompt, as bytes (UTF-8 from today's terminals). */
  private passwordBytes: number[] = [];
  private typedAhead: number[] = [];
  private passwordFailures = 0;
  private checkingPassword = false;
  private suspended = false;
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private readonly idle: IdleTimer;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private loginTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private dropping = false;
  private leftPassword = false;
  private readonly warnings: WarningLimiter;
  private readonlyNoticeSent = false;
  private terminalType: string | undefined;
  private windowSize: string | undefined;

  constructor(
    private readonly socket: Socket,
    peer: Peer,
    private readonly line: LinePort,
    now: () => number = Date.now,
    private readonly settleMs = DEFAULT_SETTLE_MS,
  ) {
    this.host = peer.host;
    this.address = peer.address;
    this.warnings = new WarningLimiter((message) => this.line.log(`client ${this.address}: ${message}`));
    this.idle = new IdleTimer(line, this);
    socket.setNoDelay(true);
    if (line.config.protocol === 'telnet') {
      this.engine = new TelnetEngine({ policy: SERVER_POLICY, now, onEvent: (event) => this.handleEngineEvent(event) });
    }
    socket.on('data', (chunk: Buffer) => {
      if (!this.closed) this.idle.touch();
      if (this.engine) this.engine.receive(chunk);
      else this.fromUser(chunk);
      this.checkSettled();
    });
    // Gone as soon as it closed or reset, not only once the socket is: 'close' comes later
    // (after our side has drained), and until then the client would still hold an exclusive line.
    socket.on('end', () => this.finish());
    socket.on('error', () => this.finish());
    socket.on('close', () => this.finish());
    if (!this.closed) this.idle.touch();
  }

  /** Admitted and connected. */
  get active(): boolean {
    return !this.closed && this.role !== 'pending';
  }

  get speaksComPort(): boolean {
    return this.comPort !== undefined;
  }

  /** What this client negotiated, for the event log: "BINARY ECHO SGA NAWS 80x24 TTYPE XTERM". */
  describeNegotiation(): string {
    const engine = this.engine;
    if (!engine) return 'raw TCP';
    const options = [Opt.BINARY, Opt.ECHO, Opt.SGA, Opt.NAWS, Opt.TTYPE, Opt.COM_PORT]
      .filter((option) => engine.isEnabled('local', option) || engine.isEnabled('remote', option))
      .map((option) => {
        if (option === Opt.NAWS && this.windowSize) return `NAWS ${this.windowSize}`;
        if (option === Opt.TTYPE && this.terminalType) return `TTYPE ${this.terminalType}`;
        return shortOptionName(option)!;
      });
    return options.join(' ') || 'nothing';
  }

  /**
   * The opening: our offers (DO COM-PORT-OPTION among them), the banner, then the password
   * prompt or admission. Until the offers are answered (or settleMs passed) nothing but
   * negotiation goes out — a gensio-based RFC 2217 client waits for that — and the banner
   * and the device's output wait, in order, so a client admitted at once loses nothing.
   */
  start(banner: string | undefined): void {
    const engine = this.engine;
    if (engine) {
      this.opening = true;
      for (const [side, option] of OFFERS) {
        if (side === 'local') engine.enableLocal(option);
        else engine.enableRemote(option);
      }
      this.settleTimer = setTimeout(() => this.finishOpening(), this.settleMs);
      this.settleTimer.unref();
    }
    // A raw line's stream is the device's: a banner there is only the text the config gives.
    if (banner !== undefined && engine) this.say(banner);
    else if (banner !== undefined) this.write(Buffer.from(`${banner}\r\n`));
    if (this.line.config.passwordHash) {
      this.write(Buffer.from('Password: '));
      const timeoutMs = this.line.loginGuard.limits.loginTimeoutMs;
      this.loginTimer = setTimeout(() => {
        this.line.log(`client ${this.address} gave no right password within ${describeDuration(timeoutMs)}: disconnected`);
        this.disconnect('% Login timed out');
      }, timeoutMs);
    } else {
      this.line.admit(this);
    }
    this.checkSettled();
  }

  /** Device output for this client: queued while it has suspended output, bounded always. */
  deliver(data: Uint8Array): void {
    if (!this.active) return;
    if (this.suspended) {
      this.held.push(data);
      this.heldBytes += data.length;
      if (this.heldBytes > SLOW_CLIENT_LIMIT) this.dropSlow();
      return;
    }
    this.write(data, true);
  }

  /** Stops reading this client (the device is behind); TCP holds the typist back. */
  pauseInput(): void {
    this.socket.pause();
  }

  resumeInput(): void {
    this.socket.resume();
  }

  /**
   * A line of Revtel's own, on a line of its own: "[revtel] line 1: device unplugged".
   * Never on a raw line: its byte stream is the device's.
   */
  say(text: string): void {
    if (this.closed || !this.engine) return;
    this.write(Buffer.from(`\r\n${text}\r\n`));
  }

  /** Ends the session after a last message. */
  disconnect(text: string): void {
    if (this.closed) return;
    this.finishOpening();
    this.say(text);
    this.leavePassword();
    this.closed = true;
    endConnection(this.socket);
  }


  /** Tells an RFC 2217 client how the modem lines stand, as far as its mask asks. */
  notifyModemLines(lines: ModemLines): void {
    this.comPort?.notifyModemState(lines);
  }

  /** Output resumes for a client that had its role changed (see roles.ts): told by the Line. */
  resetNotices(): void {
    this.readonlyNoticeSent = false;
  }

  private write(data: Uint8Array, deviceData = false): void {
    if (this.opening) {
      this.heldOpening.push(data);
      this.heldOpeningBytes += data.length;
      // A flood before the client answers: stop waiting for it rather than hold more.
      if (this.heldOpeningBytes > SLOW_CLIENT_LIMIT) this.finishOpening();
      return;
    }
    if (this.engine) this.engine.sendData(data);
    else this.socket.write(data);
    if (deviceData && this.socket.writableLength > SLOW_CLIENT_LIMIT) this.dropSlow();
  }

  private dropSlow(): void {
    // Its own farewell goes through write() too, and may find the buffer still full.
    if (this.dropping) return;
    this.dropping = true;
    this.line.log(`client ${this.address} fell more than ${SLOW_CLIENT_LIMIT / 1024} KiB behind: dropped`);
    this.held = [];
    this.heldBytes = 0;
    this.disconnect(`[revtel] ${this.line.config.name}: your connection fell more than ${SLOW_CLIENT_LIMIT / 1024} KiB behind the line; disconnected`);
  }

  private handleEngineEvent(event: TelnetEvent): void {
    switch (event.type) {
      case 'send':
        if (this.socket.destroyed) break;
        this.socket.write(event.data);
        // Answers too (AYT, negotiation) pile up for a peer that sends and never reads.
        if (this.socket.writableLength > SLOW_CLIENT_LIMIT && !this.closed) this.dropSlow();
        break;
      case 'data':
        this.fromUser(event.data);
        break;
      case 'command':
        if (event.command === Cmd.BRK) {
          if (may(this.role, 'break')) this.line.sendBreak(this);
          else this.line.log(`client ${this.address}: BREAK ignored (a ${this.role} may not send it)`);
        }
        if (event.command === Cmd.AYT && !this.opening) this.write(Buffer.from('\r\n[Yes]\r\n'));
        break;
      case 'option':
        if (event.option === Opt.TTYPE && event.side === 'remote' && event.enabled) {
          this.engine!.subnegotiate(Opt.TTYPE, encodeTerminalType({ kind: 'send' }));
        }
        if (event.option === Opt.COM_PORT && event.side === 'remote' && event.enabled && !this.comPort) this.startComPort();
        break;
      case 'subnegotiation':
        this.handleSubnegotiation(event.option, event.payload);
        break;
      case 'trace':
        this._onTrace.fire(event.entry);
        break;
      case 'warning':
        this.warnings.report(event.code, event.message);
        break;
      case 'timing-mark':
        break;
    }
  }

  private startComPort(): void {
    const engine = this.engine!;
    this.comPort = new ComPortServer({
      device: this.line.device,
      signature: this.line.signature,
      role: () => this.role,
      send: (payload) => engine.subnegotiate(Opt.COM_PORT, payload),
      suspendOutput: (suspended) => this.setSuspended(suspended),
      log: (message) => this.warnings.report(message.split(':')[0]!, message),
    });
    this.line.comPortStarted(this);
  }

  private handleSubnegotiation(option: number, payload: Uint8Array): void {
    if (option === Opt.NAWS) {
      const size = decodeWindowSize(payload);
      if (size) this.windowSize = `${size.cols}x${size.rows}`;
    } else if (option === Opt.TTYPE) {
      const message = decodeTerminalType(payload);
      if (message?.kind === 'is') this.terminalType = showText(message.name.slice(0, 64));
    } else if (option === Opt.COM_PORT) {
      // pyserial takes our DO COM-PORT-OPTION, if it arrives before it sent its own WILL, as
      // its request granted and never sends the WILL: its first command is its answer.
      if (!this.comPort && this.engine!.optionState('remote', Opt.COM_PORT) === 'wantyes') this.startComPort();
      this.comPort?.receive(payload);
    }
  }

  private checkSettled(): void {
    if (!this.opening || !this.engine) return;
    const settled = OFFERS.every(([side, option]) => !this.engine!.optionState(side, option).startsWith('want'));
    if (settled) this.finishOpening();
  }

  private finishOpening(): void {
    if (!this.opening) return;
    this.opening = false;
    clearTimeout(this.settleTimer);
    const held = this.heldOpening;
    this.heldOpening = [];
    this.heldOpeningBytes = 0;
    for (const data of held) this.write(data);
  }

  private admitted(): void {
    this.line.admit(this);
    // Typed while the password was checked: the device's, if the role allows.
    const typed = Uint8Array.from(this.typedAhead);
    this.typedAhead = [];
    if (typed.length > 0 && this.active) this.fromUser(typed);
  }

  private fromUser(data: Uint8Array): void {
    if (this.closed) return;
    if (this.role === 'pending') {
      if (this.line.config.passwordHash) this.typePassword(data);
      return;
    }
    const typed = typeOnLine(this.line, this, data);
    if (typed === 'refused' && !this.readonlyNoticeSent) {
      this.say(`[revtel] ${this.line.config.name}: you are watching; the keyboard is someone else's`);
      this.readonlyNoticeSent = true;
    }
    if (typed === 'handed-over') this.readonlyNoticeSent = false;
  }

  private typePassword(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      const byte = data[i]!;
      if (this.checkingPassword) {
        // Typed ahead while the password is checked: kept for the line if it is right.
        if (this.typedAhead.length < TYPED_AHEAD_LIMIT) this.typedAhead.push(byte);
        continue;
      }
      if (byte === 0x0d || byte === 0x0a || byte === 0x00) {
        if (this.passwordBytes.length === 0 && byte !== 0x0d) continue;
        // As UTF-8, which `revtel hash-password` hashed (a byte that is not becomes U+FFFD).
        const attempt = Buffer.from(this.passwordBytes).toString('utf8');
        this.passwordBytes = [];
        this.typedAhead = [];
        void this.checkPassword(attempt);
      } else if (byte === 0x08 || byte === 0x7f) {
        // One character back: its UTF-8 continuation bytes, then the byte that began it.
        while (((this.passwordBytes.at(-1) ?? 0) & 0xc0) === 0x80) this.passwordBytes.pop();
        this.passwordBytes.pop();
      } else if (byte >= 0x20 && this.passwordBytes.length <= MAX_PASSWORD_BYTES) {
        // One past the longest: a password that long is checked, and is wrong.
        this.passwordBytes.push(byte);
      }
    }
  }

  private async checkPassword(attempt: string): Promise<void> {
    const guard = this.line.loginGuard;
    const turn = guard.passwordTurn(this.host);
    if (turn.kind === 'locked-out') {
      this.disconnect('% Access denied');
      return;
    }
    if (turn.kind === 'wait') {
      // Not checked, and not counted: this address has a guess in flight or waits after a wrong one.
      this.write(Buffer.from(`\r\n% Too many wrong passwords from your address: wait ${describeDuration(turn.waitMs)}\r\nPassword: `));
      return;
    }
    this.checkingPassword = true;
    this.idle.hold();
    const right = await verifyPassword(attempt, this.line.config.passwordHash!).catch(() => false);
    if (right) guard.succeeded(this.host);
    const { delayMs, lockedOut } = right ? { delayMs: 0, lockedOut: false } : guard.failed(this.host, this.line.config.tcpPort);
    if (this.closed || this.role !== 'pending') return;
    if (right) {
      this.checkingPassword = false;
      this.idle.release();
      this.leavePassword();
      this.write(Buffer.from('\r\n'));
      // What followed the password's own line end (its LF or NUL) belongs to the device.
      if (this.typedAhead[0] === 0x0a || this.typedAhead[0] === 0x00) this.typedAhead.shift();
      this.admitted();
      return;
    }
    this.passwordFailures++;
    this.line.log(`client ${this.address}: wrong password (${this.passwordFailures} of ${PASSWORD_ATTEMPTS} on this connection)`);
    if (lockedOut) {
      this.disconnect('% Access denied');
      return;
    }
    // The wait doubles with each wrong password from this address, on any connection.
    this.retryTimer = setTimeout(() => {
      this.checkingPassword = false;
      if (this.passwordFailures >= PASSWORD_ATTEMPTS) {
        this.disconnect('% Access denied');
        return;
      }
      this.write(Buffer.from('\r\n% Wrong password\r\nPassword: '));
      this.idle.release();
    }, delayMs);
  }

  /** Leaves the password prompt (admitted or gone): its timers and its pending slot go with it. */
  private leavePassword(): void {
    if (this.role === 'pending' && !this.closed && this.line.config.passwordHash && !this.leftPassword) {
      this.leftPassword = true;
      clearTimeout(this.loginTimer);
      clearTimeout(this.retryTimer);
      this.line.loginGuard.leavePending(this.host);
    }
  }


  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.idle.stop();
    clearTimeout(this.settleTimer);
    this.leavePassword();
    // Our side too, within endConnection's deadline: off the line, nobody else would end it.
    if (!this.closed) endConnection(this.socket);
    this.closed = true;
    this.warnings.flush();
    this.line.closed(this);
  }

  /** FLOWCONTROL-SUSPEND: nothing more is written to this client until RESUME (bounded); the device reads on. */
  private setSuspended(suspended: boolean): void {
    if (this.suspended === suspended) return;
    this.suspended = suspended;
    if (!suspended) {
      const held = this.held;
      this.held = [];
      this.heldBytes = 0;
      for (const data of held) this.write(data, true);
    }
  }
}
