import { Emitter } from '../events/Emitter.js';
import { Backoff } from './Backoff.js';

export type ClientState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Why a session ended: the user closed it, the peer did, the connection failed or broke. */
export type CloseReason = 'user' | 'peer' | 'connect-failed' | 'lost';

export type StateChange =
  | { readonly state: 'connecting' | 'open' }
  | { readonly state: 'reconnecting'; readonly message: string; readonly delayMs: number }
  | { readonly state: 'closed'; readonly reason: CloseReason; readonly message: string };

/**
 * The life of an outbound session's connection, the same for telnet and SSH: its state and
 * the event that reports it, the user's close, and what follows a connection's end —
 * closed, or with `reconnect` another try after a growing delay (Backoff).
 */
export class ConnectionLifecycle {
  private readonly _onState = new Emitter<StateChange>();
  readonly onState = this._onState.event;
  private current: ClientState = 'closed';
  private readonly backoff = new Backoff();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private closedByUser = false;

  constructor(private readonly options: { readonly connect: () => void; readonly reconnect?: boolean | undefined }) {}

  get state(): ClientState {
    return this.current;
  }

  /** The user closed the session: its end is not a loss, and nothing is tried again. */
  get userClosed(): boolean {
    return this.closedByUser;
  }

  open(): void {
    this.closedByUser = false;
    this.options.connect();
  }

  set(change: StateChange): void {
    this.current = change.state;
    this._onState.fire(change);
  }

  /** A connection opened: after its loss, the delays start from the shortest again. */
  connected(): void {
    this.backoff.reset();
  }

  /** The user closes: a pending retry is cancelled; the session reports its end through `ended`. */
  close(): void {
    this.closedByUser = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** The connection ended (or never opened): closed — by the user, for good — or tried again later. */
  ended(reason: CloseReason, message: string): void {
    if (this.closedByUser) {
      this.set({ state: 'closed', reason: 'user', message: 'Connection closed.' });
      return;
    }
    if (!this.options.reconnect) {
      this.set({ state: 'closed', reason, message });
      return;
    }
    const delayMs = this.backoff.next();
    this.set({ state: 'reconnecting', message, delayMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.options.connect();
    }, delayMs);
  }
}
