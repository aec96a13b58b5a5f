import { Cmd, FIRST_COMMAND, Opt, optionName, type NegotiationVerb } from './codes.js';
import type { OptionPolicy } from './policy.js';
import { YES, receive as qReceive, request as qRequest, stateOf } from './qMethod.js';
import { TraceRecord, type TraceDirection, type TraceEntry } from './trace.js';
import { commandBytes, negotiationBytes, wrapSubnegotiation } from './wire.js';
import { decodeStatus, encodeStatus, type StatusEntry } from './options/status.js';
import { TerminalTypeCycle, decodeTerminalType, encodeTerminalType } from './options/terminalType.js';
import { encodeWindowSize, type WindowSize } from './options/windowSize.js';
import { encodeTerminalSpeed } from './options/terminalSpeed.js';
import { decodeEnviron, encodeEnviron, type EnvironVariable } from './options/environ.js';
import { LinemodeCommand, ModeBit, SlcTable, decodeSlc, encodeMode, encodeSlc } from './options/linemode.js';

/** `local`: an option we perform (WILL/WONT from us). `remote`: one the peer performs. */
export type Side = 'local' | 'remote';

export type OptionState = 'no' | 'yes' | 'wantno' | 'wantyes';

export type WarningCode =
  /** IAC followed by a byte below 236: both bytes are dropped. */
  | 'unknown-command'
  /** IAC SE outside a subnegotiation: ignored. */
  | 'stray-se'
  /** IAC and a byte other than SE or IAC inside SB: the SB ends there, the command is obeyed. */
  | 'unterminated-subnegotiation'
  /** SB longer than the cap: its buffer is discarded and parsing goes on as data. */
  | 'subnegotiation-too-long'
  /** The peer broke RFC 1143 (answered a disable with an enable). */
  | 'protocol-violation'
  /** The peer keeps renegotiating one option without sending data: we stop answering. */
  | 'negotiation-loop';

export type TelnetEvent =
  /** Bytes for the application; may be a view of the chunk given to `receive`. */
  | { readonly type: 'data'; readonly data: Uint8Array }
  /** Bytes to write to the connection, already escaped. */
  | { readonly type: 'send'; readonly data: Uint8Array }
  /** A command other than negotiation: NOP, DM, BRK, IP, AO, AYT, EC, EL, GA, EOR, EOF, SUSP, ABORT. */
  | { readonly type: 'command'; readonly command: number }
  /** An option became enabled (state YES) or stopped being enabled on one side. */
  | { readonly type: 'option'; readonly option: number; readonly side: Side; readonly enabled: boolean }
  /** A complete subnegotiation, unescaped, without IAC SB <option> and IAC SE. */
  | { readonly type: 'subnegotiation'; readonly option: number; readonly payload: Uint8Array }
  /** LINEMODE (RFC 1184) changed: the server set a MODE, the SLC table or the forward mask. */
  | { readonly type: 'linemode'; readonly mode: number }
  /** The peer answered our DO TIMING-MARK (RFC 860). */
  | { readonly type: 'timing-mark'; readonly willing: boolean }
  | { readonly type: 'warning'; readonly code: WarningCode; readonly message: string }
  | { readonly type: 'trace'; readonly entry: TraceEntry };

export interface TelnetEngineOptions {
  /** Which options to accept when the peer asks (SERVER_POLICY, CLIENT_POLICY or custom). */
  readonly policy: OptionPolicy;
  /** Receives every event, synchronously and in wire order. */
  readonly onEvent: (event: TelnetEvent) => void;
  /** The caller's clock for trace timestamps; the engine never reads a clock itself. */
  readonly now?: () => number;
  /** Our answers to TERMINAL-TYPE SEND, cycled as RFC 1091 says. */
  readonly terminalTypes?: readonly string[];
  /** Cap on one subnegotiation's payload, in bytes. */
  readonly maxSubnegotiationLength?: number;
  /** Our answer to TERMINAL-SPEED SEND (RFC 1079), in bits per second. */
  readonly terminalSpeed?: { readonly transmit: number; readonly receive: number };
  /** The variables we export by NEW-ENVIRON (RFC 1572): USER, DISPLAY and any the user names. */
  readonly environment?: readonly { readonly name: string; readonly value: string }[];
}

/** The client's LINEMODE state (RFC 1184) while LINEMODE is on. */
export interface LinemodeState {
  /** The MODE in force (EDIT, TRAPSIG, SOFT_TAB, LIT_ECHO bits; never ACK). */
  readonly mode: number;
  /** The special characters as agreed with the server. */
  readonly slc: SlcTable;
  /** DO FORWARDMASK from the server: bit n of the mask set means character n ends a buffer. */
  readonly forwardMask: Uint8Array | undefined;
}

// RFC 1572's well-known variables go as VAR; anything else as USERVAR.
const WELL_KNOWN_VARIABLES = new Set(['USER', 'JOB', 'ACCT', 'PRINTER', 'SYSTEMTYPE', 'DISPLAY']);

const NO_BYTES = new Uint8Array(0);
const NUL = 0x00;
const CR = 0x0d;
const LF = 0x0a;
const { IAC, SB, SE, WILL, WONT, DO, DONT } = Cmd;

const DEFAULT_MAX_SUBNEGOTIATION = 8192;
/** Replies we send about one option before the peer must send data again (loop guard). */
const REPLY_BUDGET = 8;
const Q_NAMES: readonly OptionState[] = ['no', 'yes', 'wantno', 'wantyes'];

// Parser states.
const DATA = 0;
const AFTER_IAC = 1;
const AFTER_VERB = 2;
const SB_OPTION = 3;
const SB_DATA = 4;
const SB_AFTER_IAC = 5;

/**
 * One telnet connection's protocol state (RFC 854 NVT, RFC 1143 option negotiation),
 * shaped like libtelnet: bytes go in through `receive`, everything comes out through
 * `onEvent`, including the bytes to send. It does no I/O, so a connection can be replayed
 * from a file and split at any byte with the same events.
 */
export class TelnetEngine {
  private readonly onEvent: (event: TelnetEvent) => void;
  private readonly now: () => number;
  private readonly maxSubnegotiation: number;
  private readonly acceptLocal = new Uint8Array(256);
  private readonly acceptRemote = new Uint8Array(256);
  /** Q-method state bytes per option (see qMethod.ts). */
  private readonly local = new Uint8Array(256);
  private readonly remote = new Uint8Array(256);
  private readonly repliesSinceData = new Uint8Array(256);
  private repliesOutstanding = false;
  private readonly terminalTypes: TerminalTypeCycle;
  private windowSize: WindowSize | undefined;
  private timingMarksAwaited = 0;
  private readonly terminalSpeed: TelnetEngineOptions['terminalSpeed'];
  private readonly environment: NonNullable<TelnetEngineOptions['environment']>;
  private linemodeMode = 0;
  private readonly slc = new SlcTable();
  private forwardMask: Uint8Array | undefined;

  private parserState = DATA;
  private verb: NegotiationVerb = WILL;
  /** The last data byte delivered was CR (in NVT mode a NUL after it is dropped). */
  private crPending = false;
  private sbOption = 0;
  private sbBuffer = new Uint8Array(64);
  private sbLength = 0;
  // Data parsed but not yet handed over: [pendingStart, pendingEnd) of the chunk being
  // parsed, or of `compacted` once bytes had to be cut out of the middle (the second IAC
  // of IAC IAC, the NUL of CR NUL). `compacted` is a private copy of the chunk in which
  // later runs are moved down with copyWithin: one data event per chunk, no allocation
  // per run, and views already handed over are never written again.
  private input: Uint8Array = NO_BYTES;
  private compacted: Uint8Array | undefined;
  private pendingStart = 0;
  private pendingEnd = 0;
  private pendingCompacted = false;

  constructor(options: TelnetEngineOptions) {
    this.onEvent = options.onEvent;
    this.now = options.now ?? (() => 0);
    this.maxSubnegotiation = options.maxSubnegotiationLength ?? DEFAULT_MAX_SUBNEGOTIATION;
    this.terminalTypes = new TerminalTypeCycle(options.terminalTypes ?? ['UNKNOWN']);
    this.terminalSpeed = options.terminalSpeed;
    this.environment = options.environment ?? [];
    for (const { option, local, remote } of options.policy) {
      this.acceptLocal[option] = local ? 1 : 0;
      this.acceptRemote[option] = remote ? 1 : 0;
    }
  }

  // ---- Input ----------------------------------------------------------------------------

  /** Parses bytes from the peer. Never throws on any input; state carries across calls. */
  receive(chunk: Uint8Array): void {
    this.input = chunk;
    const end = chunk.length;
    let i = 0;
    // Positions of the next IAC and NUL, found once per chunk and reused until passed,
    // so that the data fast path scans each byte at most twice (once per byte value).
    let nextIac = -2;
    let nextNul = -2;
    // The byte at `i` is the second IAC of an IAC IAC pair cut by the chunk's start or
    // by an overlong SB: data, not a command.
    let literalIac = false;
    while (i < end) {
      switch (this.parserState) {
        case DATA: {
          const nvt = stateOf(this.remote[Opt.BINARY]!) !== YES;
          if (nvt && this.crPending && chunk[i] === NUL && !literalIac) {
            this.crPending = false;
            i++;
            continue;
          }
          let searchFrom = literalIac ? i + 1 : i;
          literalIac = false;
          // One pass per run of data; an IAC IAC pair inside the chunk stays in this loop.
          for (;;) {
            if (nextIac !== -1 && nextIac < searchFrom) nextIac = chunk.indexOf(IAC, searchFrom);
            const runEnd = nextIac === -1 ? end : nextIac;
            let runStart = i;
            if (nvt) {
              // CR NUL is a bare carriage return (RFC 854): deliver the CR, drop the NUL.
              // A NUL at the run's start was settled above, so the search starts after it.
              let scan = i + 1;
              for (;;) {
                if (nextNul !== -1 && nextNul < scan) nextNul = chunk.indexOf(NUL, scan);
                if (nextNul === -1 || nextNul >= runEnd) break;
                if (chunk[nextNul - 1] === CR) {
                  this.pushData(chunk, runStart, nextNul);
                  runStart = nextNul + 1;
                }
                scan = nextNul + 1;
              }
            }
            if (runEnd + 1 < end && chunk[runEnd + 1] === IAC) {
              // IAC IAC: the first is a data byte, the second is dropped.
              this.pushData(chunk, runStart, runEnd + 1);
              this.crPending = false;
              i = searchFrom = runEnd + 2;
              if (i < end) continue;
              break;
            }
            this.pushData(chunk, runStart, runEnd);
            if (runEnd > i) this.crPending = chunk[runEnd - 1] === CR;
            i = runEnd;
            if (i < end) {
              this.parserState = AFTER_IAC;
              i++;
            }
            break;
          }
          break;
        }
        case AFTER_IAC: {
          const byte = chunk[i]!;
          if (byte === IAC) {
            literalIac = true;
            this.parserState = DATA;
            break;
          }
          i++;
          if (byte >= WILL) {
            this.verb = byte as NegotiationVerb;
            this.parserState = AFTER_VERB;
          } else if (byte === SB) {
            this.parserState = SB_OPTION;
          } else {
            this.parserState = DATA;
            this.handleCommand(byte);
          }
          break;
        }
        case AFTER_VERB:
          this.parserState = DATA;
          this.handleNegotiation(this.verb, chunk[i++]!);
          break;
        case SB_OPTION:
          this.sbOption = chunk[i++]!;
          this.sbLength = 0;
          this.parserState = SB_DATA;
          break;
        case SB_DATA: {
          if (nextIac !== -1 && nextIac < i) nextIac = chunk.indexOf(IAC, i);
          const stop = nextIac === -1 ? end : nextIac;
          const room = this.maxSubnegotiation - this.sbLength;
          if (stop - i > room) {
            i += room;
            this.abandonSubnegotiation();
            break;
          }
          this.appendSubnegotiation(chunk, i, stop);
          i = stop;
          if (i < end) {
            this.parserState = SB_AFTER_IAC;
            i++;
          }
          break;
        }
        case SB_AFTER_IAC: {
          const byte = chunk[i]!;
          if (byte === SE) {
            i++;
            this.parserState = DATA;
            this.finishSubnegotiation();
          } else if (byte === IAC) {
            if (this.sbLength === this.maxSubnegotiation) {
              literalIac = true;
              this.abandonSubnegotiation();
              break;
            }
            this.appendSubnegotiation(chunk, i, i + 1);
            i++;
            this.parserState = SB_DATA;
          } else {
            // Leave `i` on the byte: it is parsed again as the command after IAC.
            this.warn('unterminated-subnegotiation',
              `Subnegotiation of ${describeOption(this.sbOption)} ended by IAC ${byte} instead of IAC SE: taken as ended`);
            this.parserState = AFTER_IAC;
            this.finishSubnegotiation();
          }
          break;
        }
      }
    }
    this.flushData();
    this.input = NO_BYTES;
    this.compacted = undefined;
  }

  private pushData(chunk: Uint8Array, start: number, end: number): void {
    if (end <= start) return;
    if (this.repliesOutstanding) {
      this.repliesSinceData.fill(0);
      this.repliesOutstanding = false;
    }
    if (this.pendingEnd === this.pendingStart) {
      this.pendingStart = start;
      this.pendingEnd = end;
      this.pendingCompacted = false;
    } else if (!this.pendingCompacted && start === this.pendingEnd) {
      this.pendingEnd = end;
    } else {
      // Not chunk.slice(): on a Node Buffer that is a view, and the input is the caller's.
      const copy = (this.compacted ??= new Uint8Array(chunk));
      copy.copyWithin(this.pendingEnd, start, end);
      this.pendingEnd += end - start;
      this.pendingCompacted = true;
    }
  }

  private flushData(): void {
    if (this.pendingEnd === this.pendingStart) return;
    const source = this.pendingCompacted ? this.compacted! : this.input;
    // A plain view: subarray() of a Node Buffer takes Buffer's slower path.
    const data = new Uint8Array(source.buffer, source.byteOffset + this.pendingStart, this.pendingEnd - this.pendingStart);
    this.pendingStart = this.pendingEnd = 0;
    this.pendingCompacted = false;
    this.onEvent({ type: 'data', data });
  }

  // The policy for an SB longer than the cap: the byte past the cap and everything after
  // it is read as data, whatever the chunking; what was buffered is dropped.
  private abandonSubnegotiation(): void {
    this.sbLength = 0;
    this.sbBuffer = new Uint8Array(64);
    this.parserState = DATA;
    this.warn('subnegotiation-too-long',
      `Subnegotiation of ${describeOption(this.sbOption)} is longer than ${this.maxSubnegotiation} bytes: discarded, reading on as data`);
  }

  /** Appends to the SB buffer; the caller keeps the total within the cap. */
  private appendSubnegotiation(chunk: Uint8Array, start: number, end: number): void {
    const length = this.sbLength + (end - start);
    if (length > this.sbBuffer.length) {
      const grown = new Uint8Array(Math.min(this.maxSubnegotiation, Math.max(length, this.sbBuffer.length * 2)));
      grown.set(this.sbBuffer.subarray(0, this.sbLength));
      this.sbBuffer = grown;
    }
    // Byte by byte: subnegotiations are short, and a view per call would cost more.
    const buffer = this.sbBuffer;
    let at = this.sbLength;
    for (let i = start; i < end; i++) buffer[at++] = chunk[i]!;
    this.sbLength = length;
  }

  private handleCommand(command: number): void {
    this.trace('RCVD', commandBytes(command));
    if (command < FIRST_COMMAND) {
      this.warn('unknown-command', `Unknown command IAC ${command}: ignored`);
    } else if (command === SE) {
      this.warn('stray-se', 'IAC SE outside a subnegotiation: ignored');
    } else {
      this.emit({ type: 'command', command });
    }
  }

  private handleNegotiation(verb: NegotiationVerb, option: number): void {
    this.trace('RCVD', negotiationBytes(verb, option));
    if (option === Opt.TM) {
      this.handleTimingMark(verb);
      return;
    }
    const isLocal = verb === DO || verb === DONT;
    const table = isLocal ? this.local : this.remote;
    const accept = (isLocal ? this.acceptLocal : this.acceptRemote)[option] === 1;
    const before = table[option]!;
    const transition = qReceive(before, verb === WILL || verb === DO, accept);
    if (transition.send !== undefined && !this.spendReply(option)) return;
    if (transition.complaint) {
      this.warn('protocol-violation', `The peer ${transition.complaint} for ${describeOption(option)}`);
    }
    table[option] = transition.q;
    if (transition.send !== undefined) this.sendNegotiation(isLocal, transition.send, option);
    this.afterStateChange(isLocal, option, before);
  }

  // RFC 860: TIMING-MARK is a question, not a mode. A DO is answered WILL at once (all
  // data before it has been delivered); a WILL or WONT answers our own DO.
  private handleTimingMark(verb: NegotiationVerb): void {
    if (verb === DO) {
      if (this.spendReply(Opt.TM)) this.sendRaw(WILL, Opt.TM);
    } else if ((verb === WILL || verb === WONT) && this.timingMarksAwaited > 0) {
      this.timingMarksAwaited--;
      this.emit({ type: 'timing-mark', willing: verb === WILL });
    } else if (verb === WILL && this.spendReply(Opt.TM)) {
      this.sendRaw(DONT, Opt.TM);
    }
  }

  private spendReply(option: number): boolean {
    const spent = this.repliesSinceData[option]!;
    if (spent >= REPLY_BUDGET) {
      if (spent === REPLY_BUDGET) {
        this.repliesSinceData[option] = spent + 1;
        this.warn('negotiation-loop',
          `The peer keeps renegotiating ${describeOption(option)} without sending data: no longer answering it until data arrives`);
      }
      return false;
    }
    this.repliesSinceData[option] = spent + 1;
    this.repliesOutstanding = true;
    return true;
  }

  private finishSubnegotiation(): void {
    const option = this.sbOption;
    const payload = this.sbBuffer.slice(0, this.sbLength);
    this.sbLength = 0;
    this.emit({ type: 'trace', entry: new TraceRecord(this.now(), 'RCVD', payload, option) });
    this.emit({ type: 'subnegotiation', option, payload });
    this.answerSubnegotiation(option, payload);
  }

  /** The subnegotiations the engine answers itself, on options enabled on our side. */
  private answerSubnegotiation(option: number, payload: Uint8Array): void {
    if (!this.isEnabled('local', option)) return;
    if (option === Opt.TTYPE && decodeTerminalType(payload)?.kind === 'send') {
      this.subnegotiate(Opt.TTYPE, encodeTerminalType({ kind: 'is', name: this.terminalTypes.answer() }));
    } else if (option === Opt.STATUS && decodeStatus(payload)?.kind === 'send') {
      this.subnegotiate(Opt.STATUS, encodeStatus({ kind: 'is', options: this.enabledOptions(), subnegotiations: [] }));
    } else if (option === Opt.TSPEED && payload.length === 1 && payload[0] === 1 && this.terminalSpeed) {
      this.subnegotiate(Opt.TSPEED, encodeTerminalSpeed({ kind: 'is', ...this.terminalSpeed }));
    } else if (option === Opt.NEW_ENVIRON) {
      this.answerEnviron(payload);
    } else if (option === Opt.LINEMODE) {
      this.handleLinemode(payload);
    }
  }

  // RFC 1572 SEND: the variables asked for (those we do not have go without a value), or,
  // when none is named, all of ours: user variables first, then the well-known ones, as
  // the BSD client orders them.
  private answerEnviron(payload: Uint8Array): void {
    const request = decodeEnviron(payload);
    if (request?.kind !== 'send') return;
    const ours = new Map(this.environment.map(({ name, value }) => [name, value]));
    const names = request.variables.length > 0
      ? request.variables.map((variable) => variable.name)
      : [...this.environment.filter(({ name }) => !WELL_KNOWN_VARIABLES.has(name)), ...this.environment.filter(({ name }) => WELL_KNOWN_VARIABLES.has(name))]
        .map(({ name }) => name);
    const variables: EnvironVariable[] = names.map((name) => {
      const value = ours.get(name);
      const type = WELL_KNOWN_VARIABLES.has(name) ? 'var' : 'uservar';
      return value === undefined ? { type, name } : { type, name, value };
    });
    this.subnegotiate(Opt.NEW_ENVIRON, encodeEnviron({ kind: 'is', variables }));
  }

  // The client side of RFC 1184, as the BSD client answers: a new MODE is acknowledged
  // (one with ACK, or the mode already in force, is not answered); SLC triplets go through
  // the table; FORWARDMASK is accepted.
  private handleLinemode(payload: Uint8Array): void {
    const [command, argument] = payload;
    if (command === LinemodeCommand.MODE && payload.length === 2) {
      const mode = argument! & ~ModeBit.ACK & 0x1f;
      if (mode === this.linemodeMode || argument! & ModeBit.ACK) return;
      this.linemodeMode = mode;
      this.subnegotiate(Opt.LINEMODE, encodeMode(mode | ModeBit.ACK));
      this.emit({ type: 'linemode', mode });
    } else if (command === LinemodeCommand.SLC) {
      const replies = this.slc.receive(decodeSlc(payload));
      if (replies.length > 0) this.subnegotiate(Opt.LINEMODE, encodeSlc(replies));
      this.emit({ type: 'linemode', mode: this.linemodeMode });
    } else if ((command === DO || command === DONT) && argument === LinemodeCommand.FORWARDMASK) {
      this.forwardMask = command === DO ? payload.slice(2) : undefined;
      this.subnegotiate(Opt.LINEMODE, Uint8Array.of(command === DO ? WILL : WONT, LinemodeCommand.FORWARDMASK));
      this.emit({ type: 'linemode', mode: this.linemodeMode });
    }
  }

  /** LINEMODE as agreed, or undefined while it is off. */
  get linemode(): LinemodeState | undefined {
    if (!this.isEnabled('local', Opt.LINEMODE)) return undefined;
    return { mode: this.linemodeMode, slc: this.slc, forwardMask: this.forwardMask };
  }

  private enabledOptions(): StatusEntry[] {
    const entries: StatusEntry[] = [];
    for (let option = 0; option < 256; option++) {
      if (stateOf(this.local[option]!) === YES) entries.push({ verb: WILL, option });
      if (stateOf(this.remote[option]!) === YES) entries.push({ verb: DO, option });
    }
    return entries;
  }

  // ---- Output ---------------------------------------------------------------------------

  /**
   * Sends application data: IAC is doubled, and unless we have BINARY on, a CR not
   * followed by LF goes out as CR NUL (RFC 854).
   */
  sendData(data: Uint8Array): void {
    const nvt = stateOf(this.local[Opt.BINARY]!) !== YES;
    let nextIac = data.indexOf(IAC);
    let nextCr = nvt ? data.indexOf(CR) : -1;
    if (nextIac === -1 && nextCr === -1) {
      if (data.length > 0) this.emit({ type: 'send', data });
      return;
    }
    const out = new Uint8Array(data.length * 2);
    let written = 0;
    let copied = 0;
    for (;;) {
      const special = nextIac === -1 ? nextCr : nextCr === -1 ? nextIac : Math.min(nextIac, nextCr);
      if (special === -1) break;
      out.set(data.subarray(copied, special + 1), written);
      written += special + 1 - copied;
      copied = special + 1;
      if (special === nextIac) {
        out[written++] = IAC;
        nextIac = data.indexOf(IAC, copied);
      } else {
        if (data[copied] !== LF) out[written++] = NUL;
        nextCr = data.indexOf(CR, copied);
      }
    }
    out.set(data.subarray(copied), written);
    written += data.length - copied;
    this.emit({ type: 'send', data: out.subarray(0, written) });
  }

  /** Sends IAC and a command: NOP, DM, BRK, IP, AO, AYT, EC, EL, GA, EOR, EOF, SUSP, ABORT. */
  sendCommand(command: number): void {
    if (command < FIRST_COMMAND || command === SE || command >= SB) {
      throw new RangeError(`IAC ${command} is not a command that can be sent on its own`);
    }
    this.sendTraced(commandBytes(command));
  }

  /** Sends IAC SB <option> <payload, IAC doubled> IAC SE. */
  subnegotiate(option: number, payload: Uint8Array): void {
    this.emit({ type: 'trace', entry: new TraceRecord(this.now(), 'SENT', payload, option) });
    this.emit({ type: 'send', data: wrapSubnegotiation(option, payload) });
  }

  /** Asks to perform an option ourselves (sends WILL unless already on or under way). */
  enableLocal(option: number): void {
    this.requestOption(true, option, true);
  }

  disableLocal(option: number): void {
    this.requestOption(true, option, false);
  }

  /** Asks the peer to perform an option (sends DO unless already on or under way). */
  enableRemote(option: number): void {
    this.requestOption(false, option, true);
  }

  disableRemote(option: number): void {
    this.requestOption(false, option, false);
  }

  /** Sends DO TIMING-MARK; the answer arrives as a 'timing-mark' event. */
  requestTimingMark(): void {
    this.timingMarksAwaited++;
    this.sendRaw(DO, Opt.TM);
  }

  /** Our window size: sent at once if NAWS is on, and whenever NAWS comes on later. */
  setWindowSize(size: WindowSize): void {
    this.windowSize = size;
    if (this.isEnabled('local', Opt.NAWS)) this.subnegotiate(Opt.NAWS, encodeWindowSize(size));
  }

  isEnabled(side: Side, option: number): boolean {
    return stateOf((side === 'local' ? this.local : this.remote)[option]!) === YES;
  }

  /** The RFC 1143 state of one side of an option, for status displays. */
  optionState(side: Side, option: number): OptionState {
    return Q_NAMES[stateOf((side === 'local' ? this.local : this.remote)[option]!)]!;
  }

  private requestOption(isLocal: boolean, option: number, enable: boolean): void {
    if (option === Opt.TM) throw new RangeError('TIMING-MARK is not a mode: use requestTimingMark()');
    const table = isLocal ? this.local : this.remote;
    const before = table[option]!;
    const transition = qRequest(before, enable);
    table[option] = transition.q;
    if (transition.send !== undefined) this.sendNegotiation(isLocal, transition.send, option);
    this.afterStateChange(isLocal, option, before);
  }

  private sendNegotiation(isLocal: boolean, positive: boolean, option: number): void {
    const verb = isLocal ? (positive ? WILL : WONT) : (positive ? DO : DONT);
    this.sendRaw(verb, option);
  }

  private sendRaw(verb: NegotiationVerb, option: number): void {
    this.sendTraced(negotiationBytes(verb, option));
  }

  private afterStateChange(isLocal: boolean, option: number, before: number): void {
    const table = isLocal ? this.local : this.remote;
    const wasEnabled = stateOf(before) === YES;
    const enabled = stateOf(table[option]!) === YES;
    if (wasEnabled === enabled) return;
    this.emit({ type: 'option', option, side: isLocal ? 'local' : 'remote', enabled });
    if (enabled && isLocal && option === Opt.NAWS && this.windowSize) {
      this.subnegotiate(Opt.NAWS, encodeWindowSize(this.windowSize));
    }
    if (enabled && isLocal && option === Opt.LINEMODE) {
      // The BSD client's slc_init(): a fresh start, our characters offered at once.
      this.linemodeMode = 0;
      this.forwardMask = undefined;
      this.slc.reset();
      this.subnegotiate(Opt.LINEMODE, encodeSlc(this.slc.exported()));
    }
  }

  // ---- Events ---------------------------------------------------------------------------

  private sendTraced(bytes: Uint8Array): void {
    this.trace('SENT', bytes);
    this.emit({ type: 'send', data: bytes });
  }

  private trace(direction: TraceDirection, bytes: Uint8Array): void {
    this.emit({ type: 'trace', entry: new TraceRecord(this.now(), direction, bytes) });
  }

  private warn(code: WarningCode, message: string): void {
    this.emit({ type: 'warning', code, message });
  }

  /** Every event but data goes through here, after the data that preceded it on the wire. */
  private emit(event: TelnetEvent): void {
    this.flushData();
    this.onEvent(event);
  }
}

function describeOption(option: number): string {
  return optionName(option) ?? `option ${option}`;
}
