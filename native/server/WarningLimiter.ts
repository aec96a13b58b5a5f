// A peer can make a warning per byte it sends (a stray IAC SE, an unknown command): one
// log line each would let an unauthenticated client fill the disk. Per connection, each
// kind of warning is written a few times, then counted, and the count is written once a
// period has passed or the connection ends: "… and 18,204 more like it".

export interface WarningLimits {
  /** Warnings of one kind written as they come, per period. */
  readonly burst: number;
  readonly periodMs: number;
}

export const WARNING_LIMITS: WarningLimits = { burst: 3, periodMs: 60_000 };

interface Kind {
  periodStart: number;
  written: number;
  held: number;
  /** The first words of the warning, for the count line. */
  sample: string;
}

export class WarningLimiter {
  private readonly kinds = new Map<string, Kind>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly limits: WarningLimits = WARNING_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes the warning, or counts it if its kind has had its share of this period. */
  report(kind: string, message: string): void {
    const time = this.now();
    let state = this.kinds.get(kind);
    if (!state) {
      state = { periodStart: time, written: 0, held: 0, sample: message };
      this.kinds.set(kind, state);
    }
    if (time - state.periodStart >= this.limits.periodMs) {
      this.writeHeld(state);
      state.periodStart = time;
      state.written = 0;
    }
    if (state.written < this.limits.burst) {
      state.written++;
      this.write(message);
    } else {
      state.held++;
    }
  }

  /** Writes what was counted but not yet said (the connection ends). */
  flush(): void {
    for (const state of this.kinds.values()) this.writeHeld(state);
  }

  private writeHeld(state: Kind): void {
    if (state.held === 0) return;
    this.write(`${state.sample} … and ${state.held.toLocaleString('en-US')} more like it`);
    state.held = 0;
  }
}
