import type { ApiEvents, EventName, OptionStateDto, SessionDto } from '../api/index.js';
import type { SpecialCommand } from '../client/TelnetClientSession.js';

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
