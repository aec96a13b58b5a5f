// BSD telnet's "kludge line mode": when the server does not suppress go-ahead, the user's
// line is edited locally and sent whole on Enter. Erase (BS, DEL) and kill (^U) work on
// the line; what the user sees is returned as echo bytes for the terminal.

const BS = 0x08;
const DEL = 0x7f;
const KILL = 0x15;
const CR = 0x0d;
const LF = 0x0a;
const CRLF = Uint8Array.of(CR, LF);
const ERASE_ONE = Uint8Array.of(BS, 0x20, BS);

export interface LineEdit {
  /** Complete lines to send, each ending CR LF (the NVT newline). */
  readonly lines: Uint8Array[];
  /** What to show locally: the typed characters and the effect of erase and kill. */
  readonly echo: Uint8Array;
}

export class LineEditor {
  private line: number[] = [];
  private lastWasCr = false;

  edit(input: Uint8Array): LineEdit {
    const lines: Uint8Array[] = [];
    const echo: number[] = [];
    for (const byte of input) {
      // CR LF, CR NUL and LF each end one line; the LF of CR LF is not a second one.
      const afterCr = this.lastWasCr;
      this.lastWasCr = byte === CR;
      if (afterCr && (byte === LF || byte === 0)) continue;
      if (byte === CR || byte === LF) {
        lines.push(Uint8Array.from([...this.line, CR, LF]));
        this.line = [];
        echo.push(...CRLF);
      } else if (byte === BS || byte === DEL) {
        if (this.line.pop() !== undefined) echo.push(...ERASE_ONE);
      } else if (byte === KILL) {
        for (; this.line.length > 0; this.line.pop()) echo.push(...ERASE_ONE);
      } else {
        this.line.push(byte);
        echo.push(byte);
      }
    }
    return { lines, echo: Uint8Array.from(echo) };
  }

  /** The unsent part of the line (sent as it is when the session leaves line mode). */
  takePending(): Uint8Array {
    const pending = Uint8Array.from(this.line);
    this.line = [];
    return pending;
  }
}
