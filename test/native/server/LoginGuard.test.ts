import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOGIN_LIMITS, LoginGuard } from '../../../native/server/LoginGuard.js';

// The limits' arithmetic on an injected clock; hostile.test.ts has them over real sockets.
describe('password limits per source address', () => {
  const make = (): { guard: LoginGuard; log: string[]; advance: (ms: number) => void } => {
    let now = 1_000_000;
    const log: string[] = [];
    const guard = new LoginGuard({ ...LOGIN_LIMITS, firstDelayMs: 1000, maxDelayMs: 8000, lockoutAfter: 6, windowMs: 60_000, lockoutMs: 300_000 }, (line) => log.push(line), () => now);
    return { guard, log, advance: (ms) => (now += ms) };
  };

  it('doubles the wait after each wrong password up to its cap, and turns guesses away meanwhile', () => {
    const { guard, advance } = make();
    const delays: number[] = [];
    for (let n = 0; n < 5; n++) {
      assert.deepEqual(guard.passwordTurn('10.1.2.3'), { kind: 'check' });
      assert.deepEqual(guard.passwordTurn('::ffff:10.1.2.3'), { kind: 'wait', waitMs: 1000 }, 'one check in flight per host, whatever the socket family');
      const { delayMs } = guard.failed('10.1.2.3', 2003);
      delays.push(delayMs);
      assert.deepEqual(guard.passwordTurn('10.1.2.3'), { kind: 'wait', waitMs: delayMs });
      assert.deepEqual(guard.passwordTurn('10.1.2.4'), { kind: 'check' }, 'other addresses are not held back');
      guard.succeeded('10.1.2.4');
      advance(delayMs);
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 8000]);
  });

  it('locks the address out after N wrong passwords within the window, says so once, and lets it back after', () => {
    const { guard, log, advance } = make();
    for (let n = 0; n < 6; n++) {
      assert.equal(guard.passwordTurn('10.1.2.3').kind, 'check');
      const { delayMs, lockedOut } = guard.failed('10.1.2.3', 2003);
      assert.equal(lockedOut, n === 5);
      advance(n === 5 ? 0 : delayMs);
    }
    assert.deepEqual(log, ['6 wrong passwords or keys from 10.1.2.3 on port 2003 in 23 s; refusing it for 5 min']);
    assert.equal(guard.lockedOut('10.1.2.3'), 300_000);
    assert.deepEqual(guard.passwordTurn('10.1.2.3'), { kind: 'locked-out', waitMs: 300_000 });
    advance(300_000);
    assert.equal(guard.lockedOut('10.1.2.3'), 0);
    assert.equal(guard.passwordTurn('10.1.2.3').kind, 'check');
  });

  it('forgets wrong passwords older than the window', () => {
    const { guard, advance } = make();
    for (let n = 0; n < 5; n++) {
      guard.passwordTurn('10.1.2.3');
      advance(guard.failed('10.1.2.3', 2003).delayMs);
    }
    advance(60_000);
    guard.passwordTurn('10.1.2.3');
    assert.deepEqual(guard.failed('10.1.2.3', 2003), { delayMs: 1000, lockedOut: false });
  });

  it('caps the connections at a password prompt per address', () => {
    const { guard } = make();
    const taken = Array.from({ length: LOGIN_LIMITS.maxPendingPerAddress + 1 }, () => guard.enterPending('10.1.2.3'));
    assert.deepEqual(taken, [...Array<boolean>(LOGIN_LIMITS.maxPendingPerAddress).fill(true), false]);
    assert.equal(guard.enterPending('10.1.2.4'), true);
    guard.leavePending('10.1.2.3');
    assert.equal(guard.enterPending('10.1.2.3'), true);
  });
});
