import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WarningLimiter } from '../../../native/server/WarningLimiter.js';

describe('warnings from one connection', () => {
  it('writes a few of each kind, then one count per period and one at the end', () => {
    const lines: string[] = [];
    let now = 0;
    const limiter = new WarningLimiter((line) => lines.push(line), { burst: 2, periodMs: 1000 }, () => now);
    for (let n = 0; n < 10; n++) limiter.report('stray-se', 'IAC SE outside a subnegotiation: ignored');
    limiter.report('unknown-command', 'Unknown command IAC 65: ignored');
    assert.deepEqual(lines, [
      'IAC SE outside a subnegotiation: ignored',
      'IAC SE outside a subnegotiation: ignored',
      'Unknown command IAC 65: ignored',
    ]);
    now = 1000;
    for (let n = 0; n < 20_000; n++) limiter.report('stray-se', 'IAC SE outside a subnegotiation: ignored');
    assert.equal(lines[3], 'IAC SE outside a subnegotiation: ignored … and 8 more like it');
    limiter.flush();
    assert.equal(lines.at(-1), 'IAC SE outside a subnegotiation: ignored … and 19,998 more like it');
    assert.equal(lines.length, 7);
    limiter.flush();
    assert.equal(lines.length, 7, 'a count is written once');
  });
});
