import type { LinePort, RemoteClient } from './LineClient.js';

/**
 * A line's idle-timeout for one remote client (telnet or SSH): each touch re-arms it (not
 * re-made: it runs for every chunk a client sends); when it runs out, the client is told and
 * disconnected. A line without an idle-timeout never arms it. It counts the client's silence
 * only while the client has the turn: held while the server checks its password or makes it
 * wait after a wrong one, it starts afresh when the client is asked again.
 */
export class IdleTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private held = false;

  constructor(private readonly line: LinePort, private readonly client: Pick<RemoteClient, 'address' | 'disconnect'>) {}

  touch(): void {
    const seconds = this.line.config.idleTimeoutSeconds;
    if (!seconds || this.stopped || this.held) return;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.line.log(`client ${this.client.address} idle for ${seconds} s: disconnected`);
      this.client.disconnect(`[revtel] ${this.line.config.name}: idle for ${seconds} seconds; disconnected`);
    }, seconds * 1000);
  }

  /** The server has the turn: the client is not idle, whatever it sends meanwhile. */
  hold(): void {
    this.held = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The client has the turn again: its silence counts from now. */
  release(): void {
    this.held = false;
    this.touch();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
