import { ApiError, type OptionStateDto, type SessionDto } from '../api/index.js';
import { screenAfter, type Replay } from '../replay/Recording.js';
import type { Emit, HubSession } from './HubSession.js';

/** As many trace entries per event as a live session's batch holds at most. */
const ENTRIES_PER_EVENT = 1000;

const READ_ONLY = 'This tab is a replay: nothing can be sent from it';

/**
 * A recorded negotiation in a read-only tab: its trace, and what the server sent to the
 * screen, reported as it opens (its SessionRecord keeps them for the pages that show it).
 */
export class ReplayHubSession implements HubSession {
  readonly dto: SessionDto;

  constructor(sessionId: string, title: string, message: string, private readonly content: Replay, private readonly emit: Emit) {
    this.dto = { sessionId, kind: 'replay', title, state: 'closed', message };
  }

  /** Reports the whole recording at once. */
  open(): void {
    const { sessionId } = this.dto;
    const { trace, output } = this.content;
    for (let start = 0; start < trace.length; start += ENTRIES_PER_EVENT) {
      this.emit('sessionTrace', { sessionId, entries: trace.slice(start, start + ENTRIES_PER_EVENT) });
    }
    if (output.length > 0) this.emit('sessionData', { sessionId, data: output });
  }

  screenAfter(step: number): Uint8Array {
    if (step >= this.content.trace.length) throw new ApiError(`${this.dto.title} has ${this.content.trace.length} trace lines: there is no line ${step + 1}`);
    return screenAfter(this.content, step);
  }

  write(): void {
    throw new ApiError(READ_ONLY);
  }

  /** The terminal fits itself to the window: nothing to tell anyone. */
  resize(): void {}

  sendBreak(): void {
    throw new ApiError(READ_ONLY);
  }

  sendCommand(): void {
    throw new ApiError(READ_ONLY);
  }

  async setControlLines(): Promise<void> {
    throw new ApiError(READ_ONLY);
  }

  optionStates(): OptionStateDto[] {
    return [];
  }

  acknowledge(): void {}

  async close(): Promise<void> {}
}
