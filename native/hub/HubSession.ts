import type { ApiEvents, EventName, OptionStateDto, SessionDto } from '../api/index.js';
import type { SpecialCommand } from '../client/TelnetClientSession.js';
import { OutputChannel } from './OutputChannel.js';
import { TraceBatcher } from './TraceBatcher.js';

/** What the hub needs of any session it shows in a tab: telnet, serial or a line view. */
export interface HubSession {
  readonly dto: SessionDto;
  write(data: Uint8Array): void;
  resize(cols: number, rows: number): void;
  /** A refusal is thrown as an ApiError (an SSH server may answer a break request with no). */
  sendBreak(durationMs: number): void | Promise<void>;
  sendCommand(command: SpecialCommand): void;
  setControlLines(lines: { dtr?: boolean; rts?: boolean }): Promise<void>;
  optionStates(): OptionStateDto[];
  /** The terminal has parsed this many more bytes (see OutputChannel). */
  acknowledge(bytes: number): void;
  close(): Promise<void>;
}

/** How sessions report: straight into the API's events. */
export type Emit = <E extends EventName>(event: E, payload: ApiEvents[E]) => void;

/** A session's output to its tabs, holding back `source` while the terminals are behind. */
export function sessionOutput(sessionId: string, emit: Emit, source: { pause(): void; resume(): void }): OutputChannel {
  return new OutputChannel({ send: (data) => emit('sessionData', { sessionId, data }), pause: () => source.pause(), resume: () => source.resume() });
}

/** A session's trace lines, batched for its tabs. */
export function sessionTrace(sessionId: string, emit: Emit): TraceBatcher {
  return new TraceBatcher((entries) => emit('sessionTrace', { sessionId, entries }));
}
