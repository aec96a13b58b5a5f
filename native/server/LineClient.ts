import type { Socket } from 'node:net';
import { Emitter } from '../events/Emitter.js';
import {
  Cmd,
  Control,
  Opt,
  SERVER_POLICY,
  TelnetEngine,
  decodeComPort,
  decodeTerminalType,
  decodeWindowSize,
  encodeComPort,
  encodeTerminalType,
  shortOptionName,
  type ComPortMessage,
  type TelnetEvent,
  type TraceEntry,
} from '../telnet/index.js';
import {
  flowControlCode,
  flowControlFromCode,
  isDataBits,
  parityCode,
  parityFromCode,
  stopBitsCode,
  stopBitsFromCode,
} from '../serial/rfc2217Values.js';
import type { SerialSettings } from '../serial/serialSettings.js';
import type { ControlLines } from '../serial/SerialLine.js';
import { showText } from '../api/showText.js';
import { endConnection } from '../net/endConnection.js';
import type { LineConfig } from './LineConfig.js';
import { describeDuration, type LoginGuard } from './LoginGuard.js';
import { verifyPassword } from './passwords.js';
import { WarningLimiter } from './WarningLimiter.js';

/** What a client asks of its line; the Line implements it. */
export interface LinePort {
  readonly config: LineConfig;
  readonly settings: SerialSettings;
  readonly controlLines: ControlLines | undefined;
  readonly signature: string;
  /** Password attempts and pending connections, per source address across the process. */
  readonly loginGuard: LoginGuard;
  /** Bytes typed by an admitted client (the line decides whether they reach the device). */
  input(client: LineClient, data: Uint8Array): void;
  sendBreak(client: LineClient, durationMs?: number): void;
  setBreak(on: boolean): Promise<void>;
  applySettings(change: Partial<SerialSettings>): Promise<SerialSettings>;
  setControlLines(lines: Partial<ControlLines>): Promise<void>;
  purge(): Promise<void>;
  /** CTS/DSR/DCD/RI as NOTIFY-MODEMSTATE bits; rejects where the device has no modem lines. */
  readModemState(): Promise<number>;
  /** The password was right (or none is needed): decide whether the client may stay. */
  admit(client: LineClient): void;
  /** In spectate mode the writer gives the keyboard to the longest-waiting watcher. */
  handOver(writer: LineClient): void;
  suspendOutput(client: LineClient, suspended: boolean): void;
  closed(client: LineClient): void;
  log(message: string): void;
}

/** Bytes queued for one client before it counts as not reading and is dropped. */
const SLOW_CLIENT_LIMIT = 1024 * 1024;
const PASSWORD_ATTEMPTS = 3;
const HAND_OVER = 0x14; // Ctrl-T, in spectate mode

/** One TCP client of a line: its telnet engine, password prompt and RFC 2217 server side. */
export class LineClient {
  private readonly _onTrace = new Emitter<TraceEntry>();
  /** This client's negotiation with Revtel, for the trace pane of an exposed line. */
  readonly onTrace = this._onTrace.event;

  readonly address: string;
  /** The peer's IP address alone, the key of the password limits. */
  private readonly host: string;
  readonly connectedAt = new Date();
  role: 'writer' | 'reader' = 'writer';
  private phase: 'password' | 'active' | 'closed' = 'password';
  private readonly engine: TelnetEngine | undefined;
  private passwordBuffer = '';
  private typedAhead: number[] = [];
  private passwordFailures = 0;
  private checkingPassword = false;
  private suspended = false;
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private loginTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private dropping = false;
  private readonly warnings: WarningLimiter;
  private readonlyNoticeSent = false;
  private terminalType: string | undefined;
  private windowSize: string | undefined;
  private modemMask = 0xff;
  private lastModemState: number | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly line: LinePort,
    now: () => number = Date.now,
  ) {
    this.host = socket.remoteAddress ?? '?';
    this.address = `${this.host}:${socket.remotePort ?? '?'}`;
    this.warnings = new WarningLimiter((message) => this.line.log(`client ${this.address}: ${message}`));
    socket.setNoDelay(true);
    if (line.config.protocol === 'telnet') {
      this.engine = new TelnetEngine({ policy: SERVER_POLICY, now, onEvent: (event) => this.onEngineEvent(event) });
    }
    socket.on('data', (chunk: Buffer) => {
      this.touch();
      if (this.engine) this.engine.receive(chunk);
      else this.fromUser(chunk);
    });
    socket.on('error', () => {
      // 'close' follows; a reset client is simply gone.
    });
    socket.on('close', () => this.finish());
    this.touch();
  }

  get active(): boolean {
    return this.phase === 'active';
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

  /** The opening: our offers, the banner, then the password prompt or admission. */
  start(banner: string): void {
    const engine = this.engine;
    if (engine) {
      engine.enableLocal(Opt.ECHO);
      engine.enableLocal(Opt.SGA);
      engine.enableRemote(Opt.SGA);
      engine.enableLocal(Opt.BINARY);
      engine.enableRemote(Opt.BINARY);
      engine.enableRemote(Opt.NAWS);
      engine.enableRemote(Opt.TTYPE);
    }
    this.say(banner);
    if (this.line.config.passwordHash) {
      this.write(Buffer.from('Password: '));
      const timeoutMs = this.line.loginGuard.limits.loginTimeoutMs;
      this.loginTimer = setTimeout(() => {
        this.line.log(`client ${this.address} gave no right password within ${describeDuration(timeoutMs)}: disconnected`);
        this.disconnect('% Login timed out');
      }, timeoutMs);
    } else {
      this.phase = 'active';
      this.line.admit(this);
    }
  }

  /** Device output for this client: queued while it has suspended output, bounded always. */
  deliver(data: Uint8Array): void {
    if (this.phase !== 'active') return;
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

  /** A line of Revtel's own, on a line of its own: "[revtel] line 1: device unplugged". */
  say(text: string): void {
    if (this.phase === 'closed') return;
    this.write(Buffer.from(`\r\n${text}\r\n`));
  }

  /** Ends the session after a last message. */
  disconnect(text: string): void {
    if (this.phase === 'closed') return;
    this.say(text);
    this.leavePassword('closed');
    endConnection(this.socket);
  }

  /** Tells an RFC 2217 client how the modem lines stand, as far as its mask asks. */
  notifyModemState(state: number): void {
    if (!this.engine?.isEnabled('remote', Opt.COM_PORT)) return;
    const previous = this.lastModemState;
    this.lastModemState = state;
    if (previous === state) return;
    const deltas = previous === undefined ? 0 : ((previous ^ state) >> 4) & 0x0f;
    const value = (state | deltas) & this.modemMask;
    this.sendComPort({ fromServer: true, command: 'NOTIFY-MODEMSTATE', value });
  }

  get wantsModemState(): boolean {
    return this.engine?.isEnabled('remote', Opt.COM_PORT) === true && this.modemMask !== 0;
  }

  private write(data: Uint8Array, deviceData = false): void {
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

  private onEngineEvent(event: TelnetEvent): void {
    switch (event.type) {
      case 'send':
        if (this.socket.destroyed) break;
        this.socket.write(event.data);
        // Answers too (AYT, negotiation) pile up for a peer that sends and never reads.
        if (this.socket.writableLength > SLOW_CLIENT_LIMIT && this.phase !== 'closed') this.dropSlow();
        break;
      case 'data':
        this.fromUser(event.data);
        break;
      case 'command':
        if (event.command === Cmd.BRK && this.phase === 'active') this.line.sendBreak(this);
        if (event.command === Cmd.AYT) this.write(Buffer.from('\r\n[Yes]\r\n'));
        break;
      case 'option':
        if (event.option === Opt.TTYPE && event.side === 'remote' && event.enabled) {
          this.engine!.subnegotiate(Opt.TTYPE, encodeTerminalType({ kind: 'send' }));
        }
        break;
      case 'subnegotiation':
        this.onSubnegotiation(event.option, event.payload);
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

  private onSubnegotiation(option: number, payload: Uint8Array): void {
    if (option === Opt.NAWS) {
      const size = decodeWindowSize(payload);
      if (size) this.windowSize = `${size.cols}x${size.rows}`;
    } else if (option === Opt.TTYPE) {
      const message = decodeTerminalType(payload);
      if (message?.kind === 'is') this.terminalType = showText(message.name.slice(0, 64));
    } else if (option === Opt.COM_PORT && this.engine?.isEnabled('remote', Opt.COM_PORT)) {
      const message = decodeComPort(payload);
      if (message && !message.fromServer) void this.onComPort(message);
    }
  }

  private fromUser(data: Uint8Array): void {
    if (this.phase === 'password') {
      this.typePassword(data);
    } else if (this.phase === 'active') {
      if (this.line.config.multi === 'spectate' && this.role === 'reader') {
        if (!this.readonlyNoticeSent) this.say(`[revtel] ${this.line.config.name}: you are watching; the keyboard is someone else's`);
        this.readonlyNoticeSent = true;
        return;
      }
      if (this.line.config.multi === 'spectate' && data.includes(HAND_OVER)) {
        const before = data.subarray(0, data.indexOf(HAND_OVER));
        if (before.length > 0) this.line.input(this, before);
        this.readonlyNoticeSent = false;
        this.line.handOver(this);
        return;
      }
      this.line.input(this, data);
    }
  }

  private typePassword(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      const byte = data[i]!;
      if (this.checkingPassword) {
        // Typed ahead while the password is checked: kept for the line if it is right.
        if (this.typedAhead.length < 4096) this.typedAhead.push(byte);
        continue;
      }
      if (byte === 0x0d || byte === 0x0a || byte === 0x00) {
        if (this.passwordBuffer === '' && byte !== 0x0d) continue;
        const attempt = this.passwordBuffer;
        this.passwordBuffer = '';
        this.typedAhead = [];
        void this.checkPassword(attempt);
      } else if (byte === 0x08 || byte === 0x7f) {
        this.passwordBuffer = this.passwordBuffer.slice(0, -1);
      } else if (byte >= 0x20) {
        this.passwordBuffer += String.fromCharCode(byte);
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
    const right = await verifyPassword(attempt, this.line.config.passwordHash!).catch(() => false);
    if (right) guard.succeeded(this.host);
    const { delayMs, lockedOut } = right ? { delayMs: 0, lockedOut: false } : guard.failed(this.host, this.line.config.tcpPort);
    if (this.phase !== 'password') return;
    if (right) {
      this.checkingPassword = false;
      this.leavePassword('active');
      this.write(Buffer.from('\r\n'));
      this.line.admit(this);
      // What followed the password's own line end (its LF or NUL) belongs to the device.
      const typed = Uint8Array.from(this.typedAhead);
      this.typedAhead = [];
      const start = typed[0] === 0x0a || typed[0] === 0x00 ? 1 : 0;
      if (typed.length > start && this.active) this.fromUser(typed.subarray(start));
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
      if (this.passwordFailures >= PASSWORD_ATTEMPTS) this.disconnect('% Access denied');
      else this.write(Buffer.from('\r\n% Wrong password\r\nPassword: '));
    }, delayMs);
  }

  /** Leaves the password prompt: its timer and its pending slot go with it. */
  private leavePassword(next: 'active' | 'closed'): void {
    if (this.phase === 'password' && this.line.config.passwordHash) {
      clearTimeout(this.loginTimer);
      clearTimeout(this.retryTimer);
      this.line.loginGuard.leavePending(this.host);
    }
    this.phase = next;
  }

  private touch(): void {
    const seconds = this.line.config.idleTimeoutSeconds;
    if (!seconds || this.phase === 'closed') return;
    // Re-armed, not re-made: this runs for every chunk a client sends.
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => {
      this.line.log(`client ${this.address} idle for ${seconds} s: disconnected`);
      this.disconnect(`[revtel] ${this.line.config.name}: idle for ${seconds} seconds; disconnected`);
    }, seconds * 1000);
  }

  private finish(): void {
    clearTimeout(this.idleTimer);
    const wasActive = this.phase === 'active';
    this.leavePassword('closed');
    this.warnings.flush();
    if (wasActive && this.suspended) this.line.suspendOutput(this, false);
    this.line.closed(this);
  }

  // ---- RFC 2217, server side ------------------------------------------------------------

  private async onComPort(message: ComPortMessage): Promise<void> {
    const reply = (value: number): void => this.sendComPort({ fromServer: true, command: message.command, value } as ComPortMessage);
    try {
      switch (message.command) {
        case 'SIGNATURE':
          if (message.text === '') this.sendComPort({ fromServer: true, command: 'SIGNATURE', text: this.line.signature });
          return;
        case 'SET-BAUDRATE': {
          const settings = message.value === 0 ? this.line.settings : await this.change({ baudRate: message.value });
          reply(settings.baudRate);
          return;
        }
        case 'SET-DATASIZE': {
          const settings = isDataBits(message.value) ? await this.change({ dataBits: message.value }) : this.line.settings;
          reply(settings.dataBits);
          return;
        }
        case 'SET-PARITY': {
          const parity = parityFromCode(message.value);
          reply(parityCode((parity ? await this.change({ parity }) : this.line.settings).parity));
          return;
        }
        case 'SET-STOPSIZE': {
          const stopBits = stopBitsFromCode(message.value);
          reply(stopBitsCode((stopBits ? await this.change({ stopBits }) : this.line.settings).stopBits));
          return;
        }
        case 'SET-CONTROL':
          reply(await this.control(message.value));
          return;
        case 'FLOWCONTROL-SUSPEND':
        case 'FLOWCONTROL-RESUME':
          this.setSuspended(message.command === 'FLOWCONTROL-SUSPEND');
          return;
        case 'NOTIFY-MODEMSTATE':
          // A client asking for the modem state (pyserial polls this way): answer it now.
          this.lastModemState = undefined;
          this.notifyModemState(await this.line.readModemState());
          return;
        case 'SET-MODEMSTATE-MASK':
          this.modemMask = message.value;
          reply(message.value);
          return;
        case 'SET-LINESTATE-MASK':
          reply(message.value);
          return;
        case 'PURGE-DATA':
          await this.line.purge();
          reply(message.value);
          return;
        default:
          return;
      }
    } catch (error) {
      this.warnings.report(`${message.command} failed`, `${message.command} failed: ${(error as Error).message}`);
    }
  }

  private async change(change: Partial<SerialSettings>): Promise<SerialSettings> {
    try {
      return await this.line.applySettings(change);
    } catch (error) {
      this.warnings.report('settings refused', `cannot change the settings: ${(error as Error).message}`);
      return this.line.settings;
    }
  }

  /** SET-CONTROL: returns the value to answer with (the state after the change). */
  private async control(value: number): Promise<number> {
    const lines = this.line.controlLines;
    switch (value) {
      case Control.FLOW_REQUEST:
        return flowControlCode(this.line.settings.flowControl);
      case Control.FLOW_NONE:
      case Control.FLOW_XONXOFF:
      case Control.FLOW_HARDWARE:
        return flowControlCode((await this.change({ flowControl: flowControlFromCode(value)! })).flowControl);
      case Control.BREAK_REQUEST:
        return Control.BREAK_OFF;
      case Control.BREAK_ON:
      case Control.BREAK_OFF:
        await this.line.setBreak(value === Control.BREAK_ON);
        return value;
      case Control.DTR_REQUEST:
        return lines?.dtr === false ? Control.DTR_OFF : Control.DTR_ON;
      case Control.DTR_ON:
      case Control.DTR_OFF:
        await this.line.setControlLines({ dtr: value === Control.DTR_ON });
        return value;
      case Control.RTS_REQUEST:
        return lines?.rts === false ? Control.RTS_OFF : Control.RTS_ON;
      case Control.RTS_ON:
      case Control.RTS_OFF:
        await this.line.setControlLines({ rts: value === Control.RTS_ON });
        return value;
      default:
        // Inbound flow control and DCD/DSR flow: not supported; answer "none".
        return Control.INBOUND_FLOW_NONE;
    }
  }

  /** FLOWCONTROL-SUSPEND: nothing more is written to this client until RESUME. */
  private setSuspended(suspended: boolean): void {
    if (this.suspended === suspended) return;
    this.suspended = suspended;
    this.line.suspendOutput(this, suspended);
    if (!suspended) {
      const held = this.held;
      this.held = [];
      this.heldBytes = 0;
      for (const data of held) this.write(data, true);
    }
  }

  private sendComPort(message: ComPortMessage): void {
    this.engine?.subnegotiate(Opt.COM_PORT, encodeComPort(message));
  }
}
