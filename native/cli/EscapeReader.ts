// The telnet client's escape key (Ctrl-] by default): it splits what the user types into
// bytes for the session and command lines for the "telnet>" prompt, as the BSD client does.

export type EscapeAction =
  | { readonly kind: 'session'; readonly bytes: Uint8Array }
  /** The escape key was typed: show the prompt. */
  | { readonly kind: 'prompt' }
  /** Echo of what is typed at the prompt (the terminal is in raw mode). */
  | { readonly kind: 'echo'; readonly bytes: Uint8Array }
  /** A complete command line; an empty one means "back to the session". */
  | { readonly kind: 'command'; readonly line: string };

const BS = 0x08;
const DEL = 0x7f;
const CR = 0x0d;
const LF = 0x0a;

export class EscapeReader {
  private inPrompt = false;
  private line: number[] = [];
  /** The last command ended with CR: an LF right after it belongs to that CR. */
  private swallowLf = false;

  /** The escape key (`set escape`); undefined: none, everything goes to the session. */
  constructor(public escapeByte: number | undefined = 0x1d) {}

  feed(input: Uint8Array): EscapeAction[] {
    const actions: EscapeAction[] = [];
    let sessionStart = 0;
    for (let i = 0; i < input.length; i++) {
      const byte = input[i]!;
      if (this.swallowLf) {
        this.swallowLf = false;
        if (byte === LF) {
          if (!this.inPrompt) sessionStart = i + 1;
          continue;
        }
      }
      if (!this.inPrompt) {
        if (byte !== this.escapeByte) continue;
        if (i > sessionStart) actions.push({ kind: 'session', bytes: input.subarray(sessionStart, i) });
        this.inPrompt = true;
        this.line = [];
        actions.push({ kind: 'prompt' });
      } else if (byte === CR || byte === LF) {
        actions.push({ kind: 'echo', bytes: Uint8Array.of(CR, LF) });
        actions.push({ kind: 'command', line: String.fromCharCode(...this.line).trim() });
        this.inPrompt = false;
        this.swallowLf = byte === CR;
        sessionStart = i + 1;
      } else if (byte === BS || byte === DEL) {
        if (this.line.pop() !== undefined) actions.push({ kind: 'echo', bytes: Uint8Array.of(BS, 0x20, BS) });
      } else if (byte >= 0x20 && byte < 0x7f) {
        this.line.push(byte);
        actions.push({ kind: 'echo', bytes: Uint8Array.of(byte) });
      }
    }
    if (!this.inPrompt && sessionStart < input.length) actions.push({ kind: 'session', bytes: input.subarray(sessionStart) });
    return actions;
  }
}
