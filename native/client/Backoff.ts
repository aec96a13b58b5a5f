// How long a console session waits before trying again: 0.5 s, doubling up to 30 s, and
// from the start again once a connection opens (telnet and SSH sessions alike).
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;

export class Backoff {
  private delayMs = FIRST_RETRY_MS;

  /** The wait before the next try; the one after it will be twice as long. */
  next(): number {
    const delayMs = this.delayMs;
    this.delayMs = Math.min(LAST_RETRY_MS, delayMs * 2);
    return delayMs;
  }

  reset(): void {
    this.delayMs = FIRST_RETRY_MS;
  }
}
