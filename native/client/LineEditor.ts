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
const CRLF = Uint8Array.of(CR, LF);

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
    const actions: KeyAction[] = [];
    const echo: number[] = [];
    const out: number[] = [];
    const flushData = (): void => {
      if (out.length > 0) actions.push({ kind: 'data', bytes: Uint8Array.from(out) });
      out.length = 0;
    };
    const show = (...bytes: number[]): void => {
      if (settings.echo) echo.push(...bytes);
    };
    const char = settings.character;
    let stopped = flow?.stopped ?? false;
    for (const byte of input) {
      const afterCr = this.lastWasCr;
      this.lastWasCr = byte === CR;
      if (this.literalNext) {
        this.literalNext = false;
        this.insert(byte, settings, show);
        continue;
      }
      if (flow) {
        if (byte === (char(Slc.XOFF) ?? -1)) {
          stopped = true;
          flushData();
          actions.push({ kind: 'flow', stop: true });
          continue;
        }
        if (byte === (char(Slc.XON) ?? -1) || (stopped && flow.restartAny)) {
          flushData();
          if (stopped) actions.push({ kind: 'flow', stop: false });
          stopped = false;
          if (byte === char(Slc.XON)) continue;
        }
      }
      if (signals) {
        const signal = SIGNALS.find(([func]) => char(func) === byte);
        if (signal) {
          flushData();
          if (edit) this.line = [];
          show(...visible(byte, false));
          actions.push({ kind: 'command', command: signal[1], flush: signal[2] });
          continue;
        }
      }
      if (!edit) {
        if (byte === CR) {
          out.push(...settings.enter);
          show(CR, LF);
        } else if (byte === char(Slc.EOF) && settings.linemode) {
          flushData();
          actions.push({ kind: 'command', command: Cmd.EOF, flush: false });
        } else {
          out.push(byte);
          show(byte);
        }
        continue;
      }
      // CR LF, CR NUL and LF each end one line; the LF of CR LF is not a second one.
      if (afterCr && (byte === LF || byte === 0)) continue;
      if (byte === CR || byte === LF) {
        out.push(...this.line, ...settings.lineEnd);
        this.line = [];
        show(...CRLF);
      } else if (byte === char(Slc.EC) || (byte === BS && char(Slc.EC) === DEL) || (byte === DEL && char(Slc.EC) === BS)) {
        // BS and DEL both erase: terminals differ in which one the erase key sends.
        const erased = this.line.pop();
        if (erased !== undefined) show(...rubOut(erased, settings.litEcho));
      } else if (byte === char(Slc.EL)) {
        for (let erased = this.line.pop(); erased !== undefined; erased = this.line.pop()) show(...rubOut(erased, settings.litEcho));
      } else if (byte === char(Slc.EW)) {
        while (this.line.length > 0 && this.line[this.line.length - 1] === SPACE) show(...rubOut(this.line.pop()!, settings.litEcho));
        while (this.line.length > 0 && this.line[this.line.length - 1] !== SPACE) show(...rubOut(this.line.pop()!, settings.litEcho));
      } else if (byte === char(Slc.RP)) {
        show(...visible(byte, false), CR, LF, ...this.line.flatMap((kept) => visible(kept, settings.litEcho)));
      } else if (byte === char(Slc.LNEXT)) {
        this.literalNext = true;
      } else if (byte === char(Slc.EOF)) {
        // At the start of a line it is end of file; in a line it sends what is there.
        if (this.line.length > 0) {
          out.push(...this.line);
          this.line = [];
        } else if (settings.linemode) {
          flushData();
          actions.push({ kind: 'command', command: Cmd.EOF, flush: false });
        } else {
          out.push(byte);
        }
      } else if (byte === char(Slc.FORW1) || byte === char(Slc.FORW2) || inMask(settings.forwardMask, byte)) {
        this.insert(byte, settings, show);
        out.push(...this.line);
        this.line = [];
      } else {
        this.insert(byte, settings, show);
      }
    }
    flushData();
    return { actions, echo: Uint8Array.from(echo) };
  }

  /** The unsent part of the line (sent as it is when the session leaves line mode). */
  takePending(): Uint8Array {
    const pending = Uint8Array.from(this.line);
    this.line = [];
    return pending;
  }

  private insert(byte: number, settings: KeySettings, show: (...bytes: number[]) => void): void {
    if (byte === TAB && settings.softTab) {
      // SOFT_TAB: the client turns a tab into spaces to the next multiple of eight.
      const spaces = 8 - (this.line.length % 8);
      for (let i = 0; i < spaces; i++) this.line.push(SPACE);
      show(...new Array<number>(spaces).fill(SPACE));
      return;
    }
    this.line.push(byte);
    show(...visible(byte, settings.litEcho));
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
