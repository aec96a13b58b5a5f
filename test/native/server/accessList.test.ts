import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAllowed, parseCidr } from '../../../native/server/accessList.js';

describe('--allow access lists', () => {
  const lan = ['192.168.1.0/24', '10.0.0.7', 'fd00::/8'].map(parseCidr);

  it('matches IPv4 ranges and single hosts, and IPv4 clients of a dual-stack listener', () => {
    assert.equal(isAllowed('192.168.1.200', lan), true);
    assert.equal(isAllowed('192.168.2.1', lan), false);
    assert.equal(isAllowed('10.0.0.7', lan), true);
    assert.equal(isAllowed('10.0.0.8', lan), false);
    assert.equal(isAllowed('::ffff:192.168.1.9', lan), true);
  });

  it('matches IPv6 ranges, compressed or not', () => {
    assert.equal(isAllowed('fd12:3456::1', lan), true);
    assert.equal(isAllowed('fe80::1', lan), false);
    assert.equal(isAllowed('::1', [parseCidr('::1')]), true);
    assert.equal(isAllowed('0:0:0:0:0:0:0:1', [parseCidr('::1/128')]), true);
  });

  it('allows everyone when empty, and nobody with an address it cannot read', () => {
    assert.equal(isAllowed('203.0.113.9', []), true);
    assert.equal(isAllowed('not-an-address', lan), false);
  });

  it('names a bad entry', () => {
    assert.throws(() => parseCidr('192.168.1.0/33'), /"192\.168\.1\.0\/33": the prefix length must be 0–32/);
    assert.throws(() => parseCidr('lab-network'), /"lab-network" is not an address or CIDR range/);
  });
});
