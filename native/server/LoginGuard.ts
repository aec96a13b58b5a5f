// Password guessing is limited per source address, across every connection and every line
// of the process: one guess per connection from many parallel connections gains nothing.
// While an address waits after a wrong password, or has a guess being checked, its other
// guesses are not evaluated; after `lockoutAfter` wrong passwords within `windowMs` it is
// refused outright for `lockoutMs`. Connections still at the password prompt ("pending")
// have a login timeout and caps of their own, so they never take an admitted client's slot.

export interface LoginLimits {
  /** The wait after a first wrong password; each further one doubles it, up to `maxDelayMs`. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Wrong passwords from one address within `windowMs` that lock it out for `lockoutMs`. */
  readonly lockoutAfter: number;
  readonly windowMs: number;
  readonly lockoutMs: number;
  /** A connection that has not given the right password by then is closed. */
  readonly loginTimeoutMs: number;
  /** Connections at the password prompt, from one address across all lines, and on one line. */
  readonly maxPendingPerAddress: number;
  readonly maxPendingPerLine: number;
  /** SSH keys refused on one connection before it is let go (sshd's MaxAuthTries is 6). */
  readonly maxRefusedKeys: number;
}

export const LOGIN_LIMITS: LoginLimits = {
  firstDelayMs: 1000,
  maxDelayMs: 30_000,
  lockoutAfter: 10,
  windowMs: 10 * 60_000,
  lockoutMs: 5 * 60_000,
  loginTimeoutMs: 30_000,
  maxPendingPerAddress: 4,
  maxPendingPerLine: 16,
  maxRefusedKeys: 10,
};

/**
 * REVTEL_LOGIN_DELAY_MS sets the wait after a first wrong password (`firstDelayMs`) of the
 * process's one guard, so that tests cross the back-off instead of waiting out a second.
 */
export function loginLimitsFromEnvironment(): LoginLimits {
  const text = process.env['REVTEL_LOGIN_DELAY_MS'];
  const value = text === undefined ? NaN : Number(text);
  return Number.isInteger(value) && value > 0 && value <= LOGIN_LIMITS.maxDelayMs ? { ...LOGIN_LIMITS, firstDelayMs: value } : LOGIN_LIMITS;
}

/** Whether a typed password may be checked now. */
export type PasswordTurn =
  | { readonly kind: 'check' }
  | { readonly kind: 'wait'; readonly waitMs: number }
  | { readonly kind: 'locked-out'; readonly waitMs: number };

interface AddressState {
  failures: number[];
  nextTryAt: number;
  checking: boolean;
  lockedUntil: number;
  pending: number;
}

/** Entries beyond this many trigger a sweep of the idle ones (many addresses, one each). */
const SWEEP_AT = 4096;

export class LoginGuard {
  private readonly addresses = new Map<string, AddressState>();

  constructor(
    readonly limits: LoginLimits = LOGIN_LIMITS,
    private readonly log: (message: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /** Why a new connection from `address` is refused before anything else, if it is. */
  lockedOut(address: string): number {
    const state = this.addresses.get(hostOf(address));
    const left = state ? state.lockedUntil - this.now() : 0;
    return left > 0 ? left : 0;
  }

  /** Takes a pending slot for a connection about to be asked for a password; false if the address has its share. */
  enterPending(address: string): boolean {
    const state = this.state(hostOf(address));
    if (state.pending >= this.limits.maxPendingPerAddress) return false;
    state.pending++;
    return true;
  }

  leavePending(address: string): void {
    const host = hostOf(address);
    const state = this.addresses.get(host);
    if (!state) return;
    state.pending = Math.max(0, state.pending - 1);
    this.forgetIfIdle(host, state);
  }

  /** Asked before a typed password is checked; 'check' reserves the address's one check in flight. */
  passwordTurn(address: string): PasswordTurn {
    const state = this.state(hostOf(address));
    const time = this.now();
    if (state.lockedUntil > time) return { kind: 'locked-out', waitMs: state.lockedUntil - time };
    if (state.checking) return { kind: 'wait', waitMs: Math.max(this.limits.firstDelayMs, state.nextTryAt - time) };
    if (state.nextTryAt > time) return { kind: 'wait', waitMs: state.nextTryAt - time };
    state.checking = true;
    return { kind: 'check' };
  }

  /** The right password: the address's check is over (its earlier failures still count). */
  succeeded(address: string): void {
    const state = this.state(hostOf(address));
    state.checking = false;
  }

  /** A wrong password (or a failed SSH key login): how long this connection waits before it may try again, and whether the address is now locked out. */
  failed(address: string, tcpPort: number): { delayMs: number; lockedOut: boolean } {
    const host = hostOf(address);
    const state = this.state(host);
    const time = this.now();
    state.checking = false;
    state.failures = state.failures.filter((at) => time - at < this.limits.windowMs);
    state.failures.push(time);
    const count = state.failures.length;
    const delayMs = Math.min(this.limits.firstDelayMs * 2 ** (count - 1), this.limits.maxDelayMs);
    state.nextTryAt = time + delayMs;
    if (count < this.limits.lockoutAfter) return { delayMs, lockedOut: false };
    state.lockedUntil = time + this.limits.lockoutMs;
    const seconds = Math.max(1, Math.round((time - state.failures[0]!) / 1000));
    this.log(`${count} wrong passwords or keys from ${host} on port ${tcpPort} in ${seconds} s; refusing it for ${describeDuration(this.limits.lockoutMs)}`);
    state.failures = [];
    return { delayMs, lockedOut: true };
  }

  private state(host: string): AddressState {
    let state = this.addresses.get(host);
    if (!state) {
      if (this.addresses.size >= SWEEP_AT) this.sweep();
      state = { failures: [], nextTryAt: 0, checking: false, lockedUntil: 0, pending: 0 };
      this.addresses.set(host, state);
    }
    return state;
  }

  private forgetIfIdle(host: string, state: AddressState): void {
    const time = this.now();
    const idle = state.pending === 0 && !state.checking && state.lockedUntil <= time && state.nextTryAt <= time
      && state.failures.every((at) => time - at >= this.limits.windowMs);
    if (idle) this.addresses.delete(host);
  }

  private sweep(): void {
    for (const [host, state] of this.addresses) this.forgetIfIdle(host, state);
  }
}

/** One key per host: an IPv4 client of a dual-stack listener is the same host as over IPv4. */
function hostOf(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}

export function describeDuration(ms: number): string {
  if (ms >= 60_000) return `${Math.ceil(ms / 60_000)} min`;
  return `${Math.ceil(ms / 1000)} s`;
}
