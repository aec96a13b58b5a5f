import type { TraceEntryDto } from '../api/index.js';
import type { TraceEntry } from '../telnet/index.js';

/** Per batch: 50 000 lines a second, more than anyone reads; a peer flooding commands is shown in part. */
const MAX_PER_BATCH = 1000;

/** Trace entries on their way to the UI: collected for a few milliseconds, sent as one list. */
export class TraceBatcher {
  private entries: TraceEntryDto[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (entries: TraceEntryDto[]) => void, private readonly delayMs = 20) {}

  push(entry: TraceEntry): void {
    // Past the cap the entry is not even described: that is where a flood's cost would be.
    if (this.entries.length >= MAX_PER_BATCH) return;
    // Read the lazy fields now: the DTO crosses a transport as plain data.
    this.entries.push({ time: entry.time, direction: entry.direction, text: entry.text, short: entry.short, bytes: entry.bytes });
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.entries.length === 0) return;
    const entries = this.entries;
    this.entries = [];
    this.send(entries);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
