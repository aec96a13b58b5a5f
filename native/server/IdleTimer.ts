import type { LinePort, RemoteClient } from './LineClient.js';

/**
 * A line's idle-timeout for one remote client (telnet or SSH): each touch re-arms it (not
 * re-made: it runs for every chunk a client sends); when it runs out, the client is told and
 * disconnected. A line without an idle-timeout never arms it.
 */
export class IdleTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly line: LinePort, private readonly client: Pick<RemoteClient, 'address' | 'disconnect'>) {}

  touch(): void {
    const seconds = this.line.config.idleTimeoutSeconds;
    if (!seconds || this.stopped) return;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.line.log(`client ${this.client.address} idle for ${seconds} s: disconnected`);
      this.client.disconnect(`[revtel] ${this.line.config.name}: idle for ${seconds} seconds; disconnected`);
    }, seconds * 1000);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
