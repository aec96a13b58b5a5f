// authorized_keys in OpenSSH's format, with keys made by ssh-keygen.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { keyRefusal, parseAuthorizedKeys, readAuthorizedKeys } from '../../../native/server/authorizedKeys.js';
import { fingerprint } from '../../../native/ssh/publicKeys.js';
import { makeSshKey, scratchDir } from '../../support/peers.js';

describe('authorized_keys', () => {
  const dir = scratchDir();
  const ed = makeSshKey(join(dir, 'ed'));
  const rsa = makeSshKey(join(dir, 'rsa'), 'rsa');
  const now = new Date('2026-06-01T12:00:00Z');

  it('reads keys with comments, blank lines and options, quoted values holding commas and spaces', () => {
    const keys = parseAuthorizedKeys([
      '# the lab',
      '',
      ed.publicLine,
      `from="10.0.0.0/8,!10.6.6.6,192.168.1.*",no-agent-forwarding,expiry-time="20260701Z" ${rsa.publicLine} with spaces`,
      `command="echo a, b",no-pty ${ed.publicLine}`,
      `cert-authority ${rsa.publicLine}`,
    ].join('\n'), 'keys');
    assert.equal(keys.length, 3, 'the certificate authority is skipped: Revtel takes no certificates');
    assert.equal(fingerprint(keys[0]!.key), ed.fingerprint);
    assert.equal(keys[0]!.line, 3);
    assert.equal(keys[1]!.comment, 'revtel-test with spaces');
    assert.deepEqual(keys[1]!.from, ['10.0.0.0/8', '!10.6.6.6', '192.168.1.*']);
    assert.equal(keys[2]!.command, 'echo a, b');
    assert.equal(keys[2]!.noPty, true);
  });

  it('applies from=, expiry-time= and command= at login', () => {
    const [limited, forced] = parseAuthorizedKeys(`from="10.0.0.0/8,!10.6.6.6,192.168.1.*",expiry-time="20260701Z" ${rsa.publicLine}\ncommand="reboot" ${ed.publicLine}\n`, 'keys');
    assert.equal(keyRefusal(limited!, '10.1.2.3', now), undefined);
    assert.equal(keyRefusal(limited!, '::ffff:192.168.1.40', now), undefined, 'IPv4 clients of a dual-stack listener');
    assert.match(keyRefusal(limited!, '10.6.6.6', now)!, /may only come from/);
    assert.match(keyRefusal(limited!, '172.16.0.1', now)!, /may only come from/);
    assert.match(keyRefusal(limited!, '10.1.2.3', new Date('2026-07-02T00:00:00Z'))!, /expired on 2026-07-01T00:00:00\.000Z/);
    assert.match(keyRefusal(forced!, '127.0.0.1', now)!, /command="reboot", and Revtel runs no commands/);
  });

  it('refuses a file it cannot read whole, naming the line', () => {
    assert.throws(() => parseAuthorizedKeys(`${ed.publicLine}\nsome-option ${ed.publicLine}\n`, 'keys'), /keys line 2: the option some-option is not one Revtel knows/);
    assert.throws(() => parseAuthorizedKeys('from="10.0.0.0/8 ssh-ed25519 AAAA\n', 'keys'), /keys line 1: an option's quote is never closed/);
    assert.throws(() => parseAuthorizedKeys(`ssh-ed25519 ${rsa.publicLine.split(' ')[1]}\n`, 'keys'), /keys line 1: the ssh-ed25519 key is damaged/);
    assert.throws(() => parseAuthorizedKeys('expiry-time="tomorrow" ' + ed.publicLine, 'keys'), /expiry-time="tomorrow" is not YYYYMMDD/);
    assert.throws(() => readAuthorizedKeys(join(dir, 'absent')), /The authorized-keys file .*absent cannot be read \(ENOENT\)/);
  });
});
