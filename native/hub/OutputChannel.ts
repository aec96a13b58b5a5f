// A session's output on its way to a terminal, held back by watermarks so that a terminal
// that parses slower than the device sends makes the source pause instead of growing
// memory (xterm.js parses 5–35 MB/s and drops input past 50 MB). Like Nagle's algorithm:
// output goes at once (at the end of the I/O turn that read it) while the terminal has
// nothing left to parse — a keystroke's echo waits for no timer — and is gathered into
// larger messages while earlier ones are still on their way.
//
// How much may be on its way depends on whether someone is at the keyboard — the line
// OpenSSH's IPQoS draws between interactive and bulk traffic: a flood nobody types into
// gets a window deep enough that the terminal always has the next batch while its
// acknowledgements travel back; input from the terminal (keys, a paste, mouse reports,
// its answers to the device's queries) shrinks it for a while, so that what answers it,
// which the device sends behind everything already on its way, waits behind little.

/**
 * How much output may be unacknowledged before the source is paused (high), how little
 * before it goes on (low), and how long output is gathered while earlier output is
 * unacknowledged (batchMs): fewer, larger messages cost the page less per byte.
 */
export interface OutputWindow {
  readonly high: number;
  readonly low: number;
  readonly batchMs: number;
}

/** For output nobody is typing into: measured by `npm run bench:ui` (the flood rate). */
export const BULK_WINDOW: OutputWindow = { high: 1024 * 1024, low: 512 * 1024, batchMs: 20 };
/** While someone types: measured by `npm run bench:ui` (keystroke to screen during a flood). */
export const INTERACTIVE_WINDOW: OutputWindow = { high: 32 * 1024, low: 8 * 1024, batchMs: 5 };
/** How long after a keystroke the session keeps the interactive window: the pauses of a person typing a command. */
export const INTERACTIVE_MS = 2000;

export interface OutputChannelOptions {
  /** Delivers one batch. */
  readonly send: (data: Uint8Array) => void;
  /** Stop / go on reading the source (the socket or the serial port). */
  readonly pause: () => void;
  readonly resume: () => void;
  readonly maxBatch?: number;
  readonly bulk?: OutputWindow;
  readonly interactive?: OutputWindow;
  readonly interactiveMs?: number;
  /** A monotonic clock in ms (performance.now()): a wall clock set back would keep the small window for as long. */
  readonly now?: () => number;
}

export class OutputChannel {
  private chunks: Uint8Array[] = [];
  private queued = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  /** Sent or queued, and not yet acknowledged by the terminal. */
  private unacknowledged = 0;
  private paused = false;
  /** When the user last typed into the session (by `now`). */
  private typedAt = -Infinity;
  private readonly maxBatch: number;
  private readonly bulk: OutputWindow;
  private readonly interactive: OutputWindow;
  private readonly interactiveMs: number;
  private readonly now: () => number;

  constructor(private readonly options: OutputChannelOptions) {
    this.maxBatch = options.maxBatch ?? 256 * 1024;
    this.bulk = options.bulk ?? BULK_WINDOW;
    this.interactive = options.interactive ?? INTERACTIVE_WINDOW;
    this.interactiveMs = options.interactiveMs ?? INTERACTIVE_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /** The terminal sent the session input: its output takes the interactive window for a while. */
  typed(): void {
    this.typedAt = this.now();
  }

  private get window(): OutputWindow {
    return this.now() - this.typedAt < this.interactiveMs ? this.interactive : this.bulk;
  }

  push(data: Uint8Array): void {
    this.chunks.push(data);
    this.queued += data.length;
    this.unacknowledged += data.length;
    if (!this.paused && this.unacknowledged > this.window.high) {
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
      this.timer ??= setTimeout(() => this.flush(), this.window.batchMs);
    }
  }

  /** The terminal has parsed `bytes` more bytes. */
  acknowledge(bytes: number): void {
    this.unacknowledged = Math.max(0, this.unacknowledged - bytes);
    if (this.paused && this.unacknowledged < this.window.low) {
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
