// Revtel's known-hosts file read in OpenSSH's format; lines hashed by OpenSSH's own
// ssh-keygen -H must match as they do for ssh.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultKnownHostsPath, KnownHosts, KnownHostsError } from '../../../native/client/KnownHosts.js';
import { parsePublicKeyField, type PublicKey } from '../../../native/ssh/publicKeys.js';
import { makeSshKey, scratchDir } from '../../support/peers.js';

function publicKey(line: string): PublicKey {
  const [type, base64] = line.split(' ');
  return parsePublicKeyField(type!, base64!)!;
}

describe('known hosts', () => {
  const dir = scratchDir();
  const ed = makeSshKey(join(dir, 'ed'));
  const ed2 = makeSshKey(join(dir, 'ed2'));
  const rsa = makeSshKey(join(dir, 'rsa'), 'rsa');
  const keyOf = (made: { publicLine: string }): string => made.publicLine.split(' ').slice(0, 2).join(' ');

  it('matches names hashed by ssh-keygen -H, on port 22 and on other ports', () => {
    const path = join(dir, 'hashed');
    writeFileSync(path, `router.lab ${keyOf(ed)}\n[10.0.0.5]:2222 ${keyOf(rsa)}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', path]);
    assert.doesNotMatch(readFileSync(path, 'utf8'), /router\.lab|10\.0\.0\.5/, 'ssh-keygen hashed the names');
    const hosts = new KnownHosts(path);
    assert.deepEqual(hosts.check('router.lab', 22, publicKey(ed.publicLine)), { status: 'known', line: 1 });
    assert.deepEqual(hosts.check('ROUTER.lab', 22, publicKey(ed.publicLine)), { status: 'known', line: 1 }, 'host names are not case-sensitive');
    assert.deepEqual(hosts.check('10.0.0.5', 2222, publicKey(rsa.publicLine)), { status: 'known', line: 2 });
    assert.deepEqual(hosts.check('router.lab', 2222, publicKey(ed.publicLine)), { status: 'unknown', recordedTypes: [] }, 'another port is another host');
  });

  it('follows wildcards and negation, skips certificate authorities, and obeys @revoked', () => {
    const path = join(dir, 'patterns');
    writeFileSync(path, [
      `@cert-authority *.lab ${keyOf(ed2)}`,
      `*.lab,!bad.lab ${keyOf(ed)}`,
      `@revoked * ${keyOf(ed2)}`,
      '',
    ].join('\n'));
    const hosts = new KnownHosts(path);
    assert.deepEqual(hosts.check('sw1.lab', 22, publicKey(ed.publicLine)), { status: 'known', line: 2 });
    assert.deepEqual(hosts.check('bad.lab', 22, publicKey(ed.publicLine)), { status: 'unknown', recordedTypes: [] });
    assert.deepEqual(hosts.check('sw1.lab', 22, publicKey(ed2.publicLine)), { status: 'revoked', line: 3 });
  });

  it('tells a changed key of the same type from a key of a new type', () => {
    const path = join(dir, 'changed');
    writeFileSync(path, `sw1 ${keyOf(ed)}\n`);
    const hosts = new KnownHosts(path);
    const changed = hosts.check('sw1', 22, publicKey(ed2.publicLine));
    assert.equal(changed.status, 'changed');
    assert.equal(changed.status === 'changed' && changed.line, 1);
    assert.deepEqual(hosts.check('sw1', 22, publicKey(rsa.publicLine)), { status: 'unknown', recordedTypes: ['ssh-ed25519'] });
  });

  it('appends what is accepted, after a last line without a newline, in a format ssh-keygen reads', () => {
    const path = join(dir, 'appended');
    writeFileSync(path, `sw1 ${keyOf(ed)}`);
    const hosts = new KnownHosts(path);
    hosts.add('Sw2', 2002, publicKey(rsa.publicLine));
    assert.equal(readFileSync(path, 'utf8'), `sw1 ${keyOf(ed)}\n[sw2]:2002 ${keyOf(rsa)}\n`);
    // ssh-keygen -F finds a host in a known_hosts file, as ssh would.
    assert.match(execFileSync('ssh-keygen', ['-F', '[sw2]:2002', '-f', path], { encoding: 'utf8' }), /ssh-rsa/);
  });

  it('refuses a file it cannot read with a sentence naming the line', () => {
    const path = join(dir, 'bad');
    writeFileSync(path, `# comment\n\nsw1 ${keyOf(ed)}\n@marker sw1 ${keyOf(ed)}\n`);
    assert.throws(() => new KnownHosts(path).check('sw1', 22, publicKey(ed.publicLine)), (error: Error) => error instanceof KnownHostsError && /bad line 4: unknown marker "@marker"/.test(error.message));
    writeFileSync(path, `sw1 ssh-ed25519 ${Buffer.from('\0\0\0\x07ssh-rsa').toString('base64')}\n`);
    assert.throws(() => new KnownHosts(path).check('sw1', 22, publicKey(ed.publicLine)), /bad line 1 is not "host key-type base64-key"/);
    assert.throws(() => new KnownHosts(dir).check('sw1', 22, publicKey(ed.publicLine)), /Cannot read the known-hosts file/);
  });

  it('lives in the user\'s config folder', () => {
    assert.equal(defaultKnownHostsPath({ XDG_CONFIG_HOME: '/home/u/.cfg' }, 'linux'), '/home/u/.cfg/revtel/known_hosts');
    assert.equal(defaultKnownHostsPath({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32'), join('C:\\Users\\u\\AppData\\Roaming', 'revtel', 'known_hosts'));
  });
});
