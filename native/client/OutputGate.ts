// Between the server's output and the terminal, as the BSD client keeps it: after a signal
// key, output is thrown away until the server answers DO TIMING-MARK (the flush); after
// XOFF under LFLOW it is held until XON.

export interface OutputGateOptions {
  /** Output that passes the gate. */
  readonly deliver: (data: Uint8Array) => void;
  /** Stop and resume reading the source: held output has reached `holdLimit`, or XON came. */
  readonly pauseSource: () => void;
  readonly resumeSource: () => void;
  /** How long a flush waits at most for the server's answer. */
  readonly flushTimeoutMs: number;
  /** Output held after XOFF before the source stops being read. */
  readonly holdLimit: number;
}

export class OutputGate {
  /** Flushes whose TIMING-MARK is unanswered, oldest first. */
  private flushes: object[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private held: Uint8Array[] | undefined;
  private heldBytes = 0;

  constructor(private readonly options: OutputGateOptions) {}

  /** Output is held (XOFF). */
  get stopped(): boolean {
    return this.held !== undefined;
  }

  data(data: Uint8Array): void {
    if (this.flushes.length > 0) return;
    if (!this.held) {
      this.options.deliver(data);
      return;
    }
    this.held.push(data.slice());
    this.heldBytes += data.length;
    if (this.heldBytes > this.options.holdLimit) this.options.pauseSource();
  }

  /** A DO TIMING-MARK went out: discard output until its answer, or flushTimeoutMs. */
  flushUntilMark(): void {
    const flush = {};
    this.flushes.push(flush);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.flushes = this.flushes.filter((pending) => pending !== flush);
    }, this.options.flushTimeoutMs);
    this.timers.add(timer);
  }

  /** The server answered a DO TIMING-MARK: the oldest flush ends (a timed-out one has gone already). */
  markAnswered(): void {
    this.flushes.shift();
  }

  /** XOFF (true) or XON (false): held output goes to the terminal on XON. */
  setStopped(stop: boolean): void {
    if (stop) {
      this.held ??= [];
      return;
    }
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    this.heldBytes = 0;
    for (const data of held) this.options.deliver(data);
    this.options.resumeSource();
  }

  /** The connection is gone: nothing held, nothing awaited. */
  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.flushes = [];
    this.held = undefined;
    this.heldBytes = 0;
  }
}
