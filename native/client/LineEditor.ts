import { Cmd, Slc } from '../telnet/index.js';

// What the user types, turned into what goes on the wire, the way the BSD client and the
// terminal driver under it do it: local line editing with the SLC characters (erase,
// kill, word erase, reprint, literal next, forwarding characters) in LINEMODE EDIT and
// kludge line mode, signal keys as telnet commands when signals are trapped locally,
// Ctrl-S/Ctrl-Q as local flow control under LFLOW, and the end of line the mode asks for.

const BS = 0x08;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const DEL = 0x7f;
const CRLF_BYTES: readonly number[] = [CR, LF];

export interface KeySettings {
  /** Edit the line locally and send it whole (LINEMODE EDIT, kludge line mode). */
  readonly edit: boolean;
  /** Show what is typed (the server does not echo). */
  readonly echo: boolean;
  /** Signal keys become IAC IP, ABORT, SUSP, AO (and AYT when the server set one). */
  readonly signals: boolean;
  /** Real LINEMODE: EOF is IAC EOF, and SOFT_TAB and LIT_ECHO apply. */
  readonly linemode: boolean;
  readonly softTab: boolean;
  readonly litEcho: boolean;
  /** What ends an edited line on the wire. */
  readonly lineEnd: Uint8Array;
  /** What Enter (CR) sends character at a time. */
  readonly enter: Uint8Array;
  /** The character of an SLC function, undefined when it has none. */
  readonly character: (func: number) => number | undefined;
  /** LINEMODE FORWARDMASK: characters that send the buffer as it stands. */
  readonly forwardMask?: Uint8Array;
  /** Local flow control (LFLOW on): whether any key restarts stopped output. */
  readonly flow?: { readonly restartAny: boolean; readonly stopped: boolean };
}

export type KeyAction =
  | { readonly kind: 'data'; readonly bytes: Uint8Array }
  /** A telnet command; `flush`: discard output until the server's answer to DO TIMING-MARK. */
  | { readonly kind: 'command'; readonly command: number; readonly flush: boolean }
  /** Stop or restart output to the terminal (XOFF/XON under LFLOW). */
  | { readonly kind: 'flow'; readonly stop: boolean };

export interface KeyResult {
  readonly actions: KeyAction[];
  /** What to show locally (empty unless `echo`). */
  readonly echo: Uint8Array;
}

const SIGNALS: readonly (readonly [func: number, command: number, flush: boolean])[] = [
  [Slc.IP, Cmd.IP, true],
  [Slc.ABORT, Cmd.ABORT, true],
  [Slc.SUSP, Cmd.SUSP, true],
  [Slc.AO, Cmd.AO, true],
  [Slc.AYT, Cmd.AYT, false],
];

// What a typed byte does, looked up in a table made once per call: a file piped into a
// line-mode session is millions of bytes.
const PLAIN = 0;
const ENTER = 1;
const ERASE = 2;
const KILL = 3;
const WORD_ERASE = 4;
const REPRINT = 5;
const LITERAL_NEXT = 6;
const END_OF_FILE = 7;
const FORWARD = 8;
const XON = 9;
const XOFF = 10;
/** SIGNAL + i is SIGNALS[i]. */
const SIGNAL = 16;

function roleTable(settings: KeySettings): Uint8Array {
  const roles = new Uint8Array(256);
  const { character: char, edit } = settings;
  const set = (byte: number | undefined, role: number): void => {
    if (byte !== undefined) roles[byte] = role;
  };
  if (edit) {
    for (let byte = 0; byte < 256; byte++) if (inMask(settings.forwardMask, byte)) roles[byte] = FORWARD;
    set(char(Slc.FORW1), FORWARD);
    set(char(Slc.FORW2), FORWARD);
    set(char(Slc.EOF), END_OF_FILE);
    set(char(Slc.LNEXT), LITERAL_NEXT);
    set(char(Slc.RP), REPRINT);
    set(char(Slc.EW), WORD_ERASE);
    set(char(Slc.EL), KILL);
    // BS and DEL both erase: terminals differ in which one the erase key sends.
    const erase = char(Slc.EC);
    if (erase === BS || erase === DEL) roles[BS] = roles[DEL] = ERASE;
    set(erase, ERASE);
    roles[LF] = ENTER;
  } else if (settings.linemode) {
    set(char(Slc.EOF), END_OF_FILE);
  }
  roles[CR] = ENTER;
  if (settings.signals) SIGNALS.forEach(([func], i) => set(char(func), SIGNAL + i));
  if (settings.flow) {
    set(char(Slc.XON), XON);
    set(char(Slc.XOFF), XOFF);
  }
  return roles;
}

export class LineEditor {
  private line: number[] = [];
  private lastWasCr = false;
  private literalNext = false;

  edit(input: Uint8Array, settings: KeySettings): KeyResult {
    const { edit, signals, flow } = settings;
    // Character at a time with nothing to catch: the bytes go as they are, but for Enter.
    if (!edit && !signals && !flow && !settings.echo && !input.includes(CR)) {
      return { actions: input.length > 0 ? [{ kind: 'data', bytes: input }] : [], echo: new Uint8Array(0) };
    }
    const roles = roleTable(settings);
    const actions: KeyAction[] = [];
    const echo = new ByteBuilder(settings.echo ? input.length : 0);
    const out = new ByteBuilder(input.length);
    const flushData = (): void => {
      if (out.length > 0) actions.push({ kind: 'data', bytes: out.take() });
    };
    const showing = settings.echo;
    const show = (bytes: readonly number[]): void => {
      if (showing) for (const byte of bytes) echo.push(byte);
    };
    let stopped = flow?.stopped ?? false;
    for (const byte of input) {
      const afterCr = this.lastWasCr;
      this.lastWasCr = byte === CR;
      if (this.literalNext) {
        this.literalNext = false;
        this.insert(byte, settings, show);
        continue;
      }
      const role = roles[byte]!;
      if (flow && stopped && flow.restartAny && role !== XOFF) {
        flushData();
        actions.push({ kind: 'flow', stop: false });
        stopped = false;
        if (role === XON) continue;
      }
      if (role === XON || role === XOFF) {
        flushData();
        if (stopped !== (role === XOFF)) actions.push({ kind: 'flow', stop: role === XOFF });
        stopped = role === XOFF;
        continue;
      }
      if (role >= SIGNAL) {
        const [, command, flush] = SIGNALS[role - SIGNAL]!;
        flushData();
        if (edit) this.line = [];
        show(visible(byte, false));
        actions.push({ kind: 'command', command, flush });
        continue;
      }
      if (!edit) {
        if (role === ENTER) {
          for (const end of settings.enter) out.push(end);
          show(CRLF_BYTES);
        } else if (role === END_OF_FILE) {
          flushData();
          actions.push({ kind: 'command', command: Cmd.EOF, flush: false });
        } else {
          out.push(byte);
          if (showing) echo.push(byte);
        }
        continue;
      }
      // CR LF, CR NUL and LF each end one line; the LF of CR LF is not a second one.
      if (afterCr && (byte === LF || byte === 0)) continue;
      if (role === PLAIN && byte !== TAB) {
        this.line.push(byte);
        if (showing) {
          if (byte >= SPACE && byte !== DEL) echo.push(byte);
          else show(visible(byte, settings.litEcho));
        }
        continue;
      }
      switch (role) {
        case ENTER:
          for (const kept of this.line) out.push(kept);
          for (const end of settings.lineEnd) out.push(end);
          this.line = [];
          show(CRLF_BYTES);
          break;
        case ERASE: {
          const erased = this.line.pop();
          if (erased !== undefined) show(rubOut(erased, settings.litEcho));
          break;
        }
        case KILL:
          for (let erased = this.line.pop(); erased !== undefined; erased = this.line.pop()) show(rubOut(erased, settings.litEcho));
          break;
        case WORD_ERASE:
          while (this.line.length > 0 && this.line[this.line.length - 1] === SPACE) show(rubOut(this.line.pop()!, settings.litEcho));
          while (this.line.length > 0 && this.line[this.line.length - 1] !== SPACE) show(rubOut(this.line.pop()!, settings.litEcho));
          break;
        case REPRINT:
          show([...visible(byte, false), CR, LF, ...this.line.flatMap((kept) => visible(kept, settings.litEcho))]);
          break;
        case LITERAL_NEXT:
          this.literalNext = true;
          break;
        case END_OF_FILE:
          // At the start of a line it is end of file; in a line it sends what is there.
          if (this.line.length > 0) {
            for (const kept of this.line) out.push(kept);
            this.line = [];
          } else if (settings.linemode) {
            flushData();
            actions.push({ kind: 'command', command: Cmd.EOF, flush: false });
          } else {
            out.push(byte);
          }
          break;
        case FORWARD:
          this.insert(byte, settings, show);
          for (const kept of this.line) out.push(kept);
          this.line = [];
          break;
        default:
          this.insert(byte, settings, show);
      }
    }
    flushData();
    return { actions, echo: echo.take() };
  }

  /** The unsent part of the line (sent as it is when the session leaves line mode). */
  takePending(): Uint8Array {
    const pending = Uint8Array.from(this.line);
    this.line = [];
    return pending;
  }

  private insert(byte: number, settings: KeySettings, show: (bytes: readonly number[]) => void): void {
    if (byte === TAB && settings.softTab) {
      // SOFT_TAB: the client turns a tab into spaces to the next multiple of eight.
      const spaces = new Array<number>(8 - (this.line.length % 8)).fill(SPACE);
      this.line.push(...spaces);
      show(spaces);
      return;
    }
    this.line.push(byte);
    show(visible(byte, settings.litEcho));
  }
}

/** A control character as ^X (as a terminal driver echoes it), unless LIT_ECHO asks for it as is. */
function visible(byte: number, literal: boolean): number[] {
  if (literal || byte === TAB || (byte >= SPACE && byte !== DEL)) return [byte];
  return [0x5e, byte === DEL ? 0x3f : byte + 0x40];
}

function rubOut(byte: number, literal: boolean): number[] {
  const width = visible(byte, literal).length;
  return new Array<number[]>(width).fill([BS, SPACE, BS]).flat();
}

function inMask(mask: Uint8Array | undefined, byte: number): boolean {
  // RFC 1184: the high bit of the mask's first octet is character 0.
  return mask !== undefined && ((mask[byte >> 3] ?? 0) & (0x80 >> (byte & 7))) !== 0;
}

/** An append-only byte array that grows by doubling, read out once per run. */
class ByteBuilder {
  private bytes: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }

  push(byte: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = byte;
  }

  /** What was pushed since the last take. */
  take(): Uint8Array {
    const taken = this.bytes.slice(0, this.length);
    this.length = 0;
    return taken;
  }
}
