// A session's output on its way to a terminal, held back by watermarks so that a terminal
// that parses slower than the device sends makes the source pause instead of growing
// memory (xterm.js parses 5–35 MB/s and drops input past 50 MB). Like Nagle's algorithm:
// output goes at once (at the end of the I/O turn that read it) while the terminal has
// nothing left to parse — a keystroke's echo waits for no timer — and is gathered into
// larger messages while earlier ones are still on their way.

export interface OutputChannelOptions {
  /** Delivers one batch. */
  readonly send: (data: Uint8Array) => void;
  /** Stop / go on reading the source (the socket or the serial port). */
  readonly pause: () => void;
  readonly resume: () => void;
  /** How long output waits to be gathered while earlier output is unacknowledged. */
  readonly batchMs?: number;
  readonly maxBatch?: number;
  readonly highWater?: number;
  readonly lowWater?: number;
}

/** Unacknowledged output past which the source is paused (by default). */
export const OUTPUT_HIGH_WATER = 100 * 1024;

export class OutputChannel {
  private chunks: Uint8Array[] = [];
  private queued = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  /** Sent or queued, and not yet acknowledged by the terminal. */
  private unacknowledged = 0;
  private paused = false;
  private readonly batchMs: number;
  private readonly maxBatch: number;
  private readonly highWater: number;
  private readonly lowWater: number;

  constructor(private readonly options: OutputChannelOptions) {
    this.batchMs = options.batchMs ?? 5;
    this.maxBatch = options.maxBatch ?? 256 * 1024;
    this.highWater = options.highWater ?? OUTPUT_HIGH_WATER;
    this.lowWater = options.lowWater ?? 10 * 1024;
  }

  push(data: Uint8Array): void {
    this.chunks.push(data);
    this.queued += data.length;
    this.unacknowledged += data.length;
    if (!this.paused && this.unacknowledged > this.highWater) {
      this.paused = true;
      this.options.pause();
      // Nothing more comes until the terminal catches up: no reason to wait.
      this.flush();
    } else if (this.queued >= this.maxBatch) {
      this.flush();
    } else if (this.unacknowledged === this.queued) {
      // The terminal has parsed all it was sent: this goes once the I/O turn has been read.
      this.immediate ??= setImmediate(() => this.flush());
    } else {
      this.timer ??= setTimeout(() => this.flush(), this.batchMs);
    }
  }

  /** The terminal has parsed `bytes` more bytes. */
  acknowledge(bytes: number): void {
    this.unacknowledged = Math.max(0, this.unacknowledged - bytes);
    if (this.paused && this.unacknowledged < this.lowWater) {
      this.paused = false;
      this.options.resume();
    }
    // All that was sent is parsed: what was being gathered goes now.
    if (this.queued > 0 && this.unacknowledged <= this.queued) this.flush();
  }

  flush(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.queued === 0) return;
    const batch = this.chunks.length === 1 ? this.chunks[0]! : concat(this.chunks, this.queued);
    this.chunks = [];
    this.queued = 0;
    this.options.send(batch);
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.chunks = [];
  }
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
