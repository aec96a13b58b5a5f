import { connect, type Socket } from 'node:net';
import { Emitter } from '../events/Emitter.js';
import {
  CLIENT_POLICY,
  Cmd,
  Control,
  ModeBit,
  Opt,
  SlcTable,
  TelnetEngine,
  decodeComPort,
  encodeComPort,
  shortOptionName,
  withOption,
  type ComPortMessage,
  type OptionState,
  type TelnetEvent,
  type TraceEntry,
  type WindowSize,
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
import { ConnectionLifecycle, type ClientState, type CloseReason } from './ConnectionLifecycle.js';
import { LineEditor, type KeySettings } from './LineEditor.js';
import { OutputGate } from './OutputGate.js';
import { describeSocketError } from './socketErrors.js';
import { DEFAULT_BREAK_MS } from '../api/index.js';

/** How the terminal should treat what the user types (BSD telnet's modes). */
export interface TerminalMode {
  /** Show typed characters locally: the server does not echo. */
  readonly localEcho: boolean;
  /** Edit the line locally and send it on Enter: LINEMODE EDIT, or kludge line mode. */
  readonly lineEditing: boolean;
  /** Real LINEMODE (RFC 1184) is on: the server sets the mode and the special characters. */
  readonly linemode: boolean;
  /** Interrupt, quit, suspend and abort-output keys are sent as telnet commands. */
  readonly localSignals: boolean;
}

/** The remote serial port as an RFC 2217 server reports it. */
export interface RemoteSerialState {
  readonly settings: Partial<SerialSettings>;
  readonly dtr?: boolean;
  readonly rts?: boolean;
  readonly modemState?: number;
  readonly lineState?: number;
  readonly signature?: string;
}

export type SpecialCommand = 'brk' | 'ip' | 'ao' | 'ayt' | 'ec' | 'el' | 'nop' | 'synch' | 'eof' | 'susp' | 'abort' | 'ga';

/** Local flow control as an LFLOW server (RFC 1372) has set it. */
export interface LocalFlow {
  readonly on: boolean;
  /** Any key restarts stopped output, not only XON. */
  readonly restartAny: boolean;
}

const SPECIAL_COMMANDS: Record<SpecialCommand, number> = {
  brk: Cmd.BRK,
  ip: Cmd.IP,
  ao: Cmd.AO,
  ayt: Cmd.AYT,
  ec: Cmd.EC,
  el: Cmd.EL,
  nop: Cmd.NOP,
  // Synch is DM sent as TCP urgent data; Node has no API for urgent data, so DM goes in band.
  synch: Cmd.DM,
  eof: Cmd.EOF,
  susp: Cmd.SUSP,
  abort: Cmd.ABORT,
  ga: Cmd.GA,
};

export interface TelnetClientOptions {
  readonly host: string;
  readonly port: number;
  /**
   * auto: start negotiating on port 23, elsewhere once the server starts (the BSD rule);
   * always: at once; passive: once the server starts, on any port; never: only answer.
   */
  readonly negotiate?: 'auto' | 'always' | 'passive' | 'never';
  /** A plain TCP byte pipe: no telnet at all (for "raw" terminal-server lines). */
  readonly raw?: boolean;
  /** Answers to TERMINAL-TYPE SEND, in order. */
  readonly terminalTypes?: readonly string[];
  /** Ask for COM-PORT-OPTION and set the remote serial port to these settings. */
  readonly rfc2217?: SerialSettings;
  /** Sent by NAWS; without a terminal, this size (80×24 by default) still goes after DO NAWS. */
  readonly windowSize?: WindowSize;
  /** Sent by TERMINAL-SPEED (38400,38400 by default, what a pty reports). */
  readonly terminalSpeed?: { readonly transmit: number; readonly receive: number };
  /** NEW-ENVIRON's USER (the BSD client's `-l USER`). */
  readonly user?: string;
  /** NEW-ENVIRON's DISPLAY. */
  readonly display?: string;
  /** More variables to export by NEW-ENVIRON. */
  readonly environment?: readonly { readonly name: string; readonly value: string }[];
  /** Enter as CR LF in every mode (the BSD client's `toggle crlf`). */
  readonly crlf?: boolean;
  readonly connectTimeoutMs?: number;
  /** How long output is discarded at most after a signal key, waiting for the TIMING-MARK answer. */
  readonly flushTimeoutMs?: number;
  /** Reconnect with back-off when the connection fails or is lost (console sessions). */
  readonly reconnect?: boolean;
  readonly now?: () => number;
}

export const DEFAULT_TERMINAL_TYPES = ['XTERM-256COLOR', 'XTERM', 'VT100'];
export const DEFAULT_WINDOW_SIZE: WindowSize = { cols: 80, rows: 24 };
const DEFAULT_TERMINAL_SPEED = { transmit: 38400, receive: 38400 };
/** The terminal's own special characters, used outside LINEMODE. */
const TERMINAL_CHARACTERS = new SlcTable();
const CR_LF = Uint8Array.of(0x0d, 0x0a);
const FLUSH_TIMEOUT_MS = 5000;
/** Output held after XOFF before the socket stops being read. */
const STOPPED_OUTPUT_LIMIT = 64 * 1024;
const CR_ONLY = Uint8Array.of(0x0d);
const LF_ONLY = Uint8Array.of(0x0a);
const TABLE_OPTIONS = [Opt.BINARY, Opt.ECHO, Opt.SGA, Opt.STATUS, Opt.TTYPE, Opt.NAWS, Opt.TSPEED, Opt.LFLOW, Opt.LINEMODE, Opt.NEW_ENVIRON, Opt.COM_PORT];
const TELNET_PORT = 23;

/**
 * One outbound telnet session (the telnet client's role): the socket, the engine and
 * the user's side of the terminal. The CLI and the UI both drive it; it never touches
 * stdin or a screen itself.
 */
export class TelnetClientSession {
  private readonly _onData = new Emitter<Uint8Array>();
  /** Bytes from the server for the terminal. */
  readonly onData = this._onData.event;
  private readonly _onEcho = new Emitter<Uint8Array>();
  /** Local echo of what the user typed, when the server does not echo. */
  readonly onEcho = this._onEcho.event;
  private readonly _onTrace = new Emitter<TraceEntry>();
  readonly onTrace = this._onTrace.event;
  private readonly _onWarning = new Emitter<string>();
  /** The server broke the protocol; the session goes on. */
  readonly onWarning = this._onWarning.event;
  private readonly lifecycle: ConnectionLifecycle;
  readonly onState: ConnectionLifecycle['onState'];
  private readonly _onMode = new Emitter<TerminalMode>();
  readonly onMode = this._onMode.event;
  private readonly _onRemoteSerial = new Emitter<RemoteSerialState>();
  readonly onRemoteSerial = this._onRemoteSerial.event;
  private readonly _onDrain = new Emitter<void>();
  /** write() returned false, and the session takes input again. */
  readonly onDrain = this._onDrain.event;
  private readonly _onWire = new Emitter<{ readonly direction: 'SENT' | 'RCVD'; readonly bytes: Uint8Array }>();
  /** Every byte on the connection (the BSD client's `toggle netdata`). */
  readonly onWire = this._onWire.event;

  private socket: Socket | undefined;
  private engine: TelnetEngine | undefined;
  private readonly lineEditor = new LineEditor();
  private currentMode: TerminalMode;
  private remoteSerial: RemoteSerialState = { settings: {} };
  private windowSize: WindowSize;
  private crlf: boolean;
  /** `toggle localchars` outside LINEMODE; undefined: as the mode has it (on in kludge line mode). */
  private localChars: boolean | undefined;
  private flow: LocalFlow | undefined;
  private pausedByReader = false;
  /** The flush after a signal key, and output held after XOFF. */
  private readonly outputGate: OutputGate;
  private readonly breakTimers = new Set<ReturnType<typeof setTimeout>>();
  /** Negotiation started (by us or the server) on this connection. */
  private negotiating = false;
  private dataReceived = false;
  /** Keystrokes held while an RFC 2217 server has asked us to stop sending. */
  private heldInput: Uint8Array[] | undefined;
  /** endInput() came while input was held. */
  private inputEnded = false;

  constructor(private readonly options: TelnetClientOptions) {
    this.lifecycle = new ConnectionLifecycle({ connect: () => this.connect(), reconnect: options.reconnect });
    this.onState = this.lifecycle.onState;
    this.windowSize = options.windowSize ?? DEFAULT_WINDOW_SIZE;
    this.crlf = options.crlf ?? false;
    // With telnet, the BSD default until the server says otherwise: local echo, line editing.
    this.outputGate = new OutputGate({
      deliver: (data) => this._onData.fire(data),
      pauseSource: () => this.socket?.pause(),
      resumeSource: () => {
        if (!this.pausedByReader) this.socket?.resume();
      },
      flushTimeoutMs: options.flushTimeoutMs ?? FLUSH_TIMEOUT_MS,
      holdLimit: STOPPED_OUTPUT_LIMIT,
    });
    this.currentMode = options.raw
      ? { localEcho: false, lineEditing: false, linemode: false, localSignals: false }
      : { localEcho: true, lineEditing: true, linemode: false, localSignals: true };
  }

  get state(): ClientState {
    return this.lifecycle.state;
  }

  get mode(): TerminalMode {
    return this.currentMode;
  }

  get remoteSerialState(): RemoteSerialState {
    return this.remoteSerial;
  }

  /** Opens the connection; progress and failure arrive as state changes. */
  open(): void {
    this.lifecycle.open();
  }

  /**
   * What the user typed: edited and echoed locally or sent at once, as the mode says.
   * False when the source should wait for onDrain (the connection has a backlog, or an
   * RFC 2217 server has suspended our sending): a piped file then stays in its pipe.
   */
  write(input: Uint8Array): boolean {
    if (this.lifecycle.state !== 'open') return true;
    if (this.heldInput) {
      this.heldInput.push(input);
    } else if (!this.engine) {
      this.socket?.write(input);
    } else {
      this.type(input, this.engine);
    }
    return this.takesInput();
  }

  private type(input: Uint8Array, engine: TelnetEngine): void {
    const { actions, echo } = this.lineEditor.edit(input, this.keySettings(engine));
    if (echo.length > 0) this._onEcho.fire(echo);
    for (const action of actions) {
      if (action.kind === 'data') {
        engine.sendData(action.bytes);
      } else if (action.kind === 'flow') {
        this.outputGate.setStopped(action.stop);
      } else {
        engine.sendCommand(action.command);
        // The BSD client's flush: throw away what the server sends until it answers this;
        // not with a peer that has never spoken telnet (it would never answer), and never
        // for longer than flushTimeoutMs.
        if (action.flush && this.negotiating) {
          engine.requestTimingMark();
          this.outputGate.flushUntilMark();
        }
      }
    }
  }

  private keySettings(engine: TelnetEngine): KeySettings {
    const mode = this.currentMode;
    const linemode = engine.linemode;
    const binary = engine.isEnabled('local', Opt.BINARY);
    const slc = linemode?.slc ?? TERMINAL_CHARACTERS;
    const flow = this.flow?.on ? { restartAny: this.flow.restartAny, stopped: this.outputGate.stopped } : undefined;
    return {
      edit: mode.lineEditing,
      echo: mode.localEcho,
      signals: mode.localSignals,
      linemode: linemode !== undefined,
      softTab: ((linemode?.mode ?? 0) & ModeBit.SOFT_TAB) !== 0,
      litEcho: ((linemode?.mode ?? 0) & ModeBit.LIT_ECHO) !== 0,
      // RFC 854 and the BSD client: an edited line ends CR LF, in BINARY as the terminal's
      // LF; Enter at a time is CR (CR NUL in NVT text); `crlf` makes both CR LF.
      lineEnd: this.crlf || !binary ? CR_LF : LF_ONLY,
      enter: this.crlf ? CR_LF : CR_ONLY,
      character: (func) => slc.character(func),
      ...(linemode?.forwardMask ? { forwardMask: linemode.forwardMask } : {}),
      ...(flow ? { flow } : {}),
    };
  }

  /** The input has ended (a piped file): a line still being edited goes out as it stands. */
  endInput(): void {
    if (this.lifecycle.state !== 'open') return;
    if (this.heldInput) {
      // After what is held, in order, once the server lets us send again.
      this.inputEnded = true;
      return;
    }
    const pending = this.lineEditor.takePending();
    if (pending.length > 0) this.sendData(pending);
  }

  /** Bytes written to the session that have not yet been handed to the operating system. */
  get unsentBytes(): number {
    return (this.socket?.writableLength ?? 0) + (this.heldInput ?? []).reduce((sum, input) => sum + input.length, 0);
  }

  /** Enter as CR LF in every mode (true) or as the BSD client sends it (false). */
  setCrlf(crlf: boolean): void {
    this.crlf = crlf;
  }

  get sendsCrlf(): boolean {
    return this.crlf;
  }

  /** Outside LINEMODE, whether signal keys become telnet commands (`toggle localchars`). */
  setLocalChars(on: boolean): void {
    this.localChars = on;
    if (this.engine) this.updateMode(this.engine);
  }

  /**
   * The BSD client's `mode line` and `mode character`: LINEMODE on or off, or, where the
   * server does not do LINEMODE, kludge line mode (go-ahead and echo back to us) or not.
   */
  setLineMode(line: boolean): void {
    const engine = this.engine;
    if (!engine) return;
    if (line) {
      engine.disableRemote(Opt.SGA);
      engine.enableLocal(Opt.LINEMODE);
      engine.disableRemote(Opt.ECHO);
    } else {
      engine.enableRemote(Opt.SGA);
      engine.disableLocal(Opt.LINEMODE);
      engine.enableRemote(Opt.ECHO);
    }
  }

  /** `toggle binary`: BINARY off both ways if it is on both ways, else asked for both ways. */
  toggleBinary(): 'on' | 'off' | undefined {
    const engine = this.engine;
    if (!engine) return undefined;
    const on = engine.isEnabled('local', Opt.BINARY) && engine.isEnabled('remote', Opt.BINARY);
    if (on) {
      engine.disableLocal(Opt.BINARY);
      engine.disableRemote(Opt.BINARY);
    } else {
      engine.enableLocal(Opt.BINARY);
      engine.enableRemote(Opt.BINARY);
    }
    return on ? 'off' : 'on';
  }

  /** `send getstatus`: asks a server that does STATUS for its view; false when it does not. */
  requestStatus(): boolean {
    if (!this.engine?.isEnabled('remote', Opt.STATUS)) return false;
    this.engine.subnegotiate(Opt.STATUS, Uint8Array.of(1));
    return true;
  }

  /** The terminal's size: sent when the server has asked for NAWS, and on every change. */
  resize(size: WindowSize): void {
    this.windowSize = size;
    this.engine?.setWindowSize(size);
  }

  sendCommand(command: SpecialCommand): void {
    if (command === 'brk') {
      this.sendBreak();
      return;
    }
    this.engine?.sendCommand(SPECIAL_COMMANDS[command]);
  }

  /**
   * BREAK: with COM-PORT-OPTION on, the remote port holds a real break for `durationMs`
   * (SET-CONTROL break on, then off); otherwise IAC BRK.
   */
  sendBreak(durationMs = DEFAULT_BREAK_MS): void {
    const engine = this.engine;
    if (!engine) return;
    if (!engine.isEnabled('local', Opt.COM_PORT)) {
      engine.sendCommand(Cmd.BRK);
      return;
    }
    this.sendComPort({ fromServer: false, command: 'SET-CONTROL', value: Control.BREAK_ON });
    const timer = setTimeout(() => {
      this.breakTimers.delete(timer);
      if (this.engine === engine) this.sendComPort({ fromServer: false, command: 'SET-CONTROL', value: Control.BREAK_OFF });
    }, durationMs);
    this.breakTimers.add(timer);
  }

  /** DTR and RTS of the remote port (RFC 2217); false when COM-PORT-OPTION is not on. */
  setModemControl(lines: { readonly dtr?: boolean; readonly rts?: boolean }): boolean {
    if (!this.engine?.isEnabled('local', Opt.COM_PORT)) return false;
    if (lines.dtr !== undefined) {
      this.sendComPort({ fromServer: false, command: 'SET-CONTROL', value: lines.dtr ? Control.DTR_ON : Control.DTR_OFF });
    }
    if (lines.rts !== undefined) {
      this.sendComPort({ fromServer: false, command: 'SET-CONTROL', value: lines.rts ? Control.RTS_ON : Control.RTS_OFF });
    }
    return true;
  }

  /** Stops reading the socket (the terminal is behind); TCP carries the pause to the server. */
  pause(): void {
    this.pausedByReader = true;
    this.socket?.pause();
  }

  resume(): void {
    this.pausedByReader = false;
    if (!this.outputGate.stopped) this.socket?.resume();
  }



  close(): void {
    this.lifecycle.close();
    if (this.socket) {
      this.socket.destroy();
    } else if (this.lifecycle.state !== 'closed') {
      this.lifecycle.ended('user', 'Connection closed.');
    }
  }

  /** Both sides of the options a trainer watches, for the UI's option table. */
  optionStates(): { option: number; name: string; local: OptionState; remote: OptionState }[] {
    const engine = this.engine;
    if (!engine) return [];
    return TABLE_OPTIONS.map((option) => ({
      option,
      name: shortOptionName(option) ?? String(option),
      local: engine.optionState('local', option),
      remote: engine.optionState('remote', option),
    }));
  }

  /** A few lines for the escape prompt's "status", as the BSD client gives them. */
  status(): string[] {
    const { host, port } = this.options;
    if (this.lifecycle.state !== 'open' || !this.engine) return [`Not connected (${this.lifecycle.state}).`];
    const engine = this.engine;
    const options = [Opt.BINARY, Opt.ECHO, Opt.SGA, Opt.TTYPE, Opt.NAWS, Opt.TSPEED, Opt.LFLOW, Opt.LINEMODE, Opt.NEW_ENVIRON, Opt.STATUS, Opt.COM_PORT];
    const on = (side: 'local' | 'remote', option: number): string[] => (engine.isEnabled(side, option) ? [shortOptionName(option)!] : []);
    const mode = this.currentMode;
    // The BSD client's status lines, then the options in force.
    const lines = [`Connected to ${host} port ${port}.`];
    if (mode.linemode) {
      lines.push('Operating with LINEMODE option', `${mode.lineEditing ? 'Local' : 'No'} line editing`, `${mode.localSignals ? 'Local' : 'No'} catching of signals`);
    } else if (mode.lineEditing || !engine.isEnabled('remote', Opt.SGA)) {
      lines.push('Operating in obsolete linemode');
    } else {
      lines.push('Operating in single character mode');
      if (mode.localSignals) lines.push('Catching signals locally');
    }
    lines.push(`${mode.localEcho ? 'Local' : 'Remote'} character echo`);
    if (engine.isEnabled('local', Opt.LFLOW)) lines.push(`${this.flow?.on ? 'Local' : 'No'} flow control`);
    lines.push(
      `Options we perform: ${options.flatMap((option) => on('local', option)).join(' ') || 'none'}.`,
      `Options the server performs: ${options.flatMap((option) => on('remote', option)).join(' ') || 'none'}.`,
    );
    return lines;
  }

  // ---- Connection -----------------------------------------------------------------------

  private connect(): void {
    const { host, port } = this.options;
    this.lifecycle.set({ state: 'connecting' });
    this.negotiating = false;
    this.dataReceived = false;
    const socket = connect({ host, port });
    this.socket = socket;
    // A reconnection while the terminal is behind: the new connection waits for it too.
    if (this.pausedByReader) socket.pause();
    socket.setNoDelay(true);
    socket.setTimeout(this.options.connectTimeoutMs ?? 10_000);
    let failure: Error | undefined;
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      socket.setTimeout(0);
      this.lifecycle.connected();
      this.engine = this.options.raw ? undefined : this.createEngine(socket);
      this.lifecycle.set({ state: 'open' });
      if (this.engine && this.shouldInitiate()) this.initiate();
    });
    socket.on('timeout', () => {
      failure = Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' });
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      this._onWire.fire({ direction: 'RCVD', bytes: chunk });
      if (this.engine) {
        this.engine.receive(chunk);
      } else {
        this.dataReceived = true;
        this._onData.fire(chunk);
      }
    });
    socket.on('drain', () => {
      if (this.takesInput()) this._onDrain.fire();
    });
    socket.on('error', (error) => {
      // EPIPE: a write met a socket the server has closed. It closed the connection (a server
      // that answers and hangs up, as this one's own refusals do), not a failure of the network.
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') failure = error;
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.engine = undefined;
      this.heldInput = undefined;
      this.outputGate.reset();
      this.flow = undefined;
      for (const timer of this.breakTimers) clearTimeout(timer);
      this.breakTimers.clear();
      this.afterClose(connected, failure);
    });
  }

  private afterClose(connected: boolean, failure: Error | undefined): void {
    const { host, port } = this.options;
    const reason: CloseReason = !connected ? 'connect-failed' : failure ? 'lost' : 'peer';
    let message: string;
    if (failure) {
      message = describeSocketError(failure, host, port, this.options.connectTimeoutMs ?? 10_000);
    } else if (this.negotiating && !this.dataReceived) {
      message = `${host} port ${port} closed the connection during option negotiation.`;
    } else {
      message = `Connection closed by ${host} port ${port}.`;
    }
    this.lifecycle.ended(reason, message);
  }

  // ---- Telnet ---------------------------------------------------------------------------

  private createEngine(socket: Socket): TelnetEngine {
    let policy = CLIENT_POLICY;
    if (this.options.rfc2217) policy = withOption(policy, { option: Opt.COM_PORT, local: true, remote: false });
    const { user, display, environment = [] } = this.options;
    const engine = new TelnetEngine({
      policy,
      terminalTypes: this.options.terminalTypes ?? DEFAULT_TERMINAL_TYPES,
      terminalSpeed: this.options.terminalSpeed ?? DEFAULT_TERMINAL_SPEED,
      environment: [
        ...(user !== undefined ? [{ name: 'USER', value: user }] : []),
        ...(display !== undefined ? [{ name: 'DISPLAY', value: display }] : []),
        ...environment,
      ],
      onEvent: (event) => this.onEngineEvent(event, socket),
      ...(this.options.now ? { now: this.options.now } : {}),
    });
    engine.setWindowSize(this.windowSize);
    this.updateMode(engine);
    return engine;
  }

  private shouldInitiate(): boolean {
    const negotiate = this.options.negotiate ?? 'auto';
    return negotiate === 'always' || (negotiate === 'auto' && this.options.port === TELNET_PORT);
  }

  /** Our opening requests, as the BSD client makes them on port 23. */
  private initiate(): void {
    const engine = this.engine!;
    this.negotiating = true;
    engine.enableRemote(Opt.SGA);
    engine.enableLocal(Opt.TTYPE);
    engine.enableLocal(Opt.NAWS);
    engine.enableLocal(Opt.TSPEED);
    engine.enableLocal(Opt.LFLOW);
    engine.enableLocal(Opt.LINEMODE);
    engine.enableLocal(Opt.NEW_ENVIRON);
    engine.enableRemote(Opt.STATUS);
    if (this.options.rfc2217) engine.enableLocal(Opt.COM_PORT);
  }

  private onEngineEvent(event: TelnetEvent, socket: Socket): void {
    switch (event.type) {
      case 'send':
        this._onWire.fire({ direction: 'SENT', bytes: event.data });
        socket.write(event.data);
        break;
      case 'data':
        this.dataReceived = true;
        this.outputGate.data(event.data);
        break;
      case 'trace':
        if (event.entry.direction === 'RCVD' && !this.negotiating) {
          // The server started: from here on we negotiate as on port 23 (auto and passive).
          this.negotiating = true;
          const negotiate = this.options.negotiate ?? 'auto';
          if (negotiate === 'auto' || negotiate === 'passive') queueMicrotask(() => this.engine && this.initiate());
        }
        this._onTrace.fire(event.entry);
        break;
      case 'option':
        if (event.option === Opt.LFLOW && event.side === 'local') {
          // RFC 1372: flow control is on locally until the server says otherwise.
          this.flow = event.enabled ? { on: true, restartAny: false } : undefined;
          if (!event.enabled) this.outputGate.setStopped(false);
        }
        if (this.engine) this.updateMode(this.engine);
        if (event.option === Opt.COM_PORT && event.side === 'local' && event.enabled) this.sendRfc2217Settings();
        break;
      case 'linemode':
        if (this.engine) this.updateMode(this.engine);
        break;
      case 'subnegotiation':
        if (event.option === Opt.COM_PORT) this.onComPort(event.payload);
        if (event.option === Opt.LFLOW && this.engine?.isEnabled('local', Opt.LFLOW)) this.onFlowControl(event.payload);
        break;
      case 'timing-mark':
        this.outputGate.markAnswered();
        break;
      case 'warning':
        this._onWarning.fire(event.message);
        break;
      case 'command':
        break;
    }
  }

  private sendData(bytes: Uint8Array): void {
    if (this.engine) this.engine.sendData(bytes);
    else this.socket?.write(bytes);
  }

  // RFC 1372: OFF, ON, RESTART-ANY, RESTART-XON.
  private onFlowControl(payload: Uint8Array): void {
    const flow = this.flow ?? { on: true, restartAny: false };
    switch (payload[0]) {
      case 0: this.flow = { ...flow, on: false }; this.outputGate.setStopped(false); break;
      case 1: this.flow = { ...flow, on: true }; break;
      case 2: this.flow = { ...flow, restartAny: true }; break;
      case 3: this.flow = { ...flow, restartAny: false }; break;
    }
  }

  private updateMode(engine: TelnetEngine): void {
    const localEcho = !engine.isEnabled('remote', Opt.ECHO);
    const linemode = engine.linemode;
    const suppressGoAhead = engine.isEnabled('remote', Opt.SGA);
    // In LINEMODE the server's MODE says it all. Without it, kludge line mode (the server
    // does not suppress go-ahead) edits locally when we echo; with the server echoing,
    // keys go at once so that typing is seen as it happens.
    const mode: TerminalMode = linemode
      ? { localEcho, lineEditing: (linemode.mode & ModeBit.EDIT) !== 0, linemode: true, localSignals: (linemode.mode & ModeBit.TRAPSIG) !== 0 }
      : { localEcho, lineEditing: !suppressGoAhead && localEcho, linemode: false, localSignals: this.localChars ?? !suppressGoAhead };
    const current = this.currentMode;
    if (mode.localEcho === current.localEcho && mode.lineEditing === current.lineEditing
      && mode.linemode === current.linemode && mode.localSignals === current.localSignals) return;
    const leavingLineMode = this.currentMode.lineEditing && !mode.lineEditing;
    this.currentMode = mode;
    if (leavingLineMode) {
      const pending = this.lineEditor.takePending();
      if (pending.length > 0) engine.sendData(pending);
    }
    this._onMode.fire(mode);
  }

  // ---- RFC 2217 -------------------------------------------------------------------------

  private sendRfc2217Settings(): void {
    const settings = this.options.rfc2217;
    if (!settings) return;
    this.sendComPort({ fromServer: false, command: 'SIGNATURE', text: '' });
    this.sendComPort({ fromServer: false, command: 'SET-BAUDRATE', value: settings.baudRate });
    this.sendComPort({ fromServer: false, command: 'SET-DATASIZE', value: settings.dataBits });
    this.sendComPort({ fromServer: false, command: 'SET-PARITY', value: parityCode(settings.parity) });
    this.sendComPort({ fromServer: false, command: 'SET-STOPSIZE', value: stopBitsCode(settings.stopBits) });
    this.sendComPort({ fromServer: false, command: 'SET-CONTROL', value: flowControlCode(settings.flowControl) });
    this.sendComPort({ fromServer: false, command: 'SET-MODEMSTATE-MASK', value: 0xff });
  }

  private sendComPort(message: ComPortMessage): void {
    this.engine?.subnegotiate(Opt.COM_PORT, encodeComPort(message));
  }

  private onComPort(payload: Uint8Array): void {
    const message = decodeComPort(payload);
    if (!message || !message.fromServer) return;
    const previous = this.remoteSerial;
    const settings = { ...previous.settings };
    let next: RemoteSerialState = previous;
    if ('text' in message) {
      next = { ...previous, signature: message.text };
    } else if (!('value' in message)) {
      // The server asks us to stop sending (its buffer is full), then to go on.
      if (message.command === 'FLOWCONTROL-SUSPEND') this.heldInput ??= [];
      else this.releaseHeldInput();
      return;
    } else {
      const { value } = message;
      switch (message.command) {
        case 'SET-BAUDRATE': next = { ...previous, settings: { ...settings, baudRate: value } }; break;
        case 'SET-DATASIZE': if (isDataBits(value)) next = { ...previous, settings: { ...settings, dataBits: value } }; break;
        case 'SET-PARITY': next = withSetting(previous, 'parity', parityFromCode(value)); break;
        case 'SET-STOPSIZE': next = withSetting(previous, 'stopBits', stopBitsFromCode(value)); break;
        case 'SET-CONTROL': next = withControl(previous, value); break;
        case 'NOTIFY-MODEMSTATE': next = { ...previous, modemState: value }; break;
        case 'NOTIFY-LINESTATE': next = { ...previous, lineState: value }; break;
        default: return;
      }
    }
    if (next === previous) return;
    this.remoteSerial = next;
    this._onRemoteSerial.fire(next);
  }

  private releaseHeldInput(): void {
    const held = this.heldInput;
    this.heldInput = undefined;
    for (const input of held ?? []) this.write(input);
    if (this.inputEnded) {
      this.inputEnded = false;
      this.endInput();
    }
    if (held && this.takesInput()) this._onDrain.fire();
  }

  private takesInput(): boolean {
    return this.heldInput === undefined && !(this.socket?.writableNeedDrain ?? false);
  }
}

function withSetting<K extends keyof SerialSettings>(state: RemoteSerialState, key: K, value: SerialSettings[K] | undefined): RemoteSerialState {
  return value === undefined ? state : { ...state, settings: { ...state.settings, [key]: value } };
}

function withControl(state: RemoteSerialState, value: number): RemoteSerialState {
  switch (value) {
    case Control.DTR_ON: return { ...state, dtr: true };
    case Control.DTR_OFF: return { ...state, dtr: false };
    case Control.RTS_ON: return { ...state, rts: true };
    case Control.RTS_OFF: return { ...state, rts: false };
    default: return withSetting(state, 'flowControl', flowControlFromCode(value));
  }
}
