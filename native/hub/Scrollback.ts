// A session's recent output, kept by the hub so that a page that connects later (a reload,
// a second window) can replay it: bounded by lines and by bytes, whichever is reached
// first, dropping the oldest. It is cut after a line feed where it can be, so a replay
// starts at the beginning of a line rather than inside an escape sequence.

export interface ScrollbackLimits {
  readonly maxLines: number;
  readonly maxBytes: number;
}

export const DEFAULT_SCROLLBACK: ScrollbackLimits = { maxLines: 10_000, maxBytes: 4 * 1024 * 1024 };

const LF = 0x0a;

interface Chunk {
  bytes: Uint8Array;
  lines: number;
}

export class Scrollback {
  private chunks: Chunk[] = [];
  private bytes = 0;
  private lines = 0;
  /** Bytes ever appended: the position, in the session's output, of the end of what is kept. */
  private total = 0;

  constructor(private readonly limits: ScrollbackLimits = DEFAULT_SCROLLBACK) {}

  /** Where the next byte appended will be, counted from the session's first byte. */
  get end(): number {
    return this.total;
  }

  append(data: Uint8Array): void {
    if (data.length === 0) return;
    // Copied (a Buffer's slice() would be a view): a session may hand out views of a buffer it reuses.
    const chunk = { bytes: new Uint8Array(data), lines: countLines(data) };
    this.chunks.push(chunk);
    this.bytes += chunk.bytes.length;
    this.lines += chunk.lines;
    this.total += data.length;
    this.trim();
  }

  /** Everything kept, as one array. */
  contents(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk.bytes, offset);
      offset += chunk.bytes.length;
    }
    return out;
  }

  private trim(): void {
    for (;;) {
      const excessBytes = this.bytes - this.limits.maxBytes;
      const excessLines = this.lines - this.limits.maxLines;
      if (excessBytes <= 0 && excessLines <= 0) return;
      const first = this.chunks[0]!;
      // The first line start past both excesses; failing that, the whole chunk or a cut mid-line.
      let cut = -1;
      let seen = 0;
      for (let index = first.bytes.indexOf(LF); index !== -1; index = first.bytes.indexOf(LF, index + 1)) {
        seen++;
        if (seen >= excessLines && index + 1 >= excessBytes) {
          cut = index + 1;
          break;
        }
      }
      if (cut === -1) cut = seen < excessLines || excessBytes >= first.bytes.length ? first.bytes.length : excessBytes;
      const dropped = countLines(first.bytes.subarray(0, cut));
      first.bytes = first.bytes.subarray(cut);
      first.lines -= dropped;
      this.bytes -= cut;
      this.lines -= dropped;
      if (first.bytes.length === 0) this.chunks.shift();
    }
  }
}

function countLines(data: Uint8Array): number {
  let count = 0;
  for (let index = data.indexOf(LF); index !== -1; index = data.indexOf(LF, index + 1)) count++;
  return count;
}

