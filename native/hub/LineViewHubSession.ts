import type { OptionStateDto, SessionDto } from '../api/index.js';
import type { Line, OperatorAttachment } from '../server/Line.js';
import { sessionOutput, type Emit, type HubSession } from './HubSession.js';
import type { OutputChannel } from './OutputChannel.js';

/**
 * The operator's view of an exposed line, in a tab: an in-process attachment with the
 * operator role (roles.ts), not a client of the line's listener — so no client limit,
 * policy or password applies to it. It types when no remote client has the keyboard, or
 * after taking it; otherwise what its terminal sends (answers to queries too) is dropped.
 */
export class LineViewHubSession implements HubSession {
  private readonly base: Omit<SessionDto, 'state' | 'message'>;
  private current: SessionDto;
  private readonly output: OutputChannel;
  private readonly attachment: OperatorAttachment;
  private droppedNoticeSent = false;

  constructor(sessionId: string, private readonly line: Line, private readonly emit: Emit) {
    const { config } = line;
    this.base = { sessionId, kind: 'line-view', title: `${config.name} (${config.device})`, tcpPort: config.tcpPort, path: config.device };
    this.current = { ...this.base, state: 'connecting' };
    // The local user's terminal is behind: the device waits for it, as for a serial tab.
    this.output = sessionOutput(sessionId, emit, { pause: () => line.device.pause(this), resume: () => line.device.resume(this) });
    this.attachment = line.attachOperator({
      deliver: (data) => this.output.push(data),
      notice: (text) => this.setState(this.current.state, text),
      ended: (text) => {
        this.line.device.resume(this);
        this.output.flush();
        this.setState('closed', text);
      },
    });
  }

  get dto(): SessionDto {
    return this.current;
  }

  open(): void {
    this.setState('open', this.line.devicePresent ? undefined : `${this.line.config.device} is not there yet; waiting for it`);
  }

  write(data: Uint8Array): void {
    if (this.attachment.write(data)) {
      this.output.typed();
      this.droppedNoticeSent = false;
      return;
    }
    if (this.droppedNoticeSent) return;
    this.droppedNoticeSent = true;
    this.setState(this.current.state, this.line.devicePresent
      ? 'A remote client has the keyboard: take it to type'
      : 'The device is not there; typing is discarded');
  }

  resize(): void {
    // The line's device has no window size to tell.
  }

  sendBreak(durationMs: number): void {
    this.attachment.sendBreak(durationMs);
  }

  sendCommand(): void {
    throw new Error('Telnet commands do not apply to the operator\'s view of a line; use BREAK');
  }

  async setControlLines(lines: { dtr?: boolean; rts?: boolean }): Promise<void> {
    await this.attachment.setControlLines(lines);
  }

  /** Takes the keyboard from the remote writers (they are told), or gives it back. */
  setKeyboard(take: boolean): void {
    if (take) this.attachment.takeKeyboard();
    else this.attachment.giveBackKeyboard();
  }

  optionStates(): OptionStateDto[] {
    return [];
  }

  acknowledge(bytes: number): void {
    this.output.acknowledge(bytes);
  }

  async close(): Promise<void> {
    this.attachment.close();
    this.line.device.resume(this);
    this.output.flush();
    this.output.dispose();
    this.setState('closed', 'Closed.');
  }

  private setState(state: SessionDto['state'], message?: string): void {
    this.current = { ...this.base, state, ...(message ? { message } : {}) };
    this.emit('sessionState', this.current);
  }
}
