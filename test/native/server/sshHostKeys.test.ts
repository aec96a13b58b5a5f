// The SSH server's host keys: made once, on the first start of `revtel serve --ssh`, kept
// private, the same across restarts as an OpenSSH client sees them, and never made again
// behind the user's back. One first start serves the whole file: making the 3072-bit RSA key
// takes from a tenth of a CPU-second to seconds.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadHostKeys } from '../../../native/server/SshHostKeys.js';
import { freePort, makeSshKey, scratchDir } from '../../support/peers.js';
import { startServe, type Served } from '../../support/revtel.js';
import { runSsh, sshOptions } from '../../support/ssh.js';

describe('revtel serve --ssh: host keys and listener', () => {
  let dir: string;
  /** The data folder of the first start. */
  let made: string;
  let served: Served | undefined;
  let args: string[];
  let login: (strict: 'accept-new' | 'yes') => Promise<string>;
  /** What the first start printed of the keys it made, "ED25519 SHA256:…". */
  let printed: string[];

  before(async () => {
    dir = scratchDir();
    made = join(dir, 'data');
    const key = makeSshKey(join(dir, 'id'));
    writeFileSync(join(dir, 'authorized_keys'), `${key.publicLine}\n`);
    const [sshPort, linePort] = [await freePort(), await freePort()];
    args = ['--line', `${linePort}:demo`, '--ssh', String(sshPort), '--authorized-keys', join(dir, 'authorized_keys'), '--data-dir', made];
    login = async (strict) => {
      const run = runSsh('ssh', [...sshOptions(join(dir, 'known_hosts')), '-o', `StrictHostKeyChecking=${strict}`, '-o', 'BatchMode=yes', '-i', key.path, '-p', String(sshPort), '-tt', `me:${linePort}@127.0.0.1`]);
      await run.expect(`[revtel] port ${linePort}: demo`);
      await run.stop();
      return run.output();
    };
    served = await startServe(args);
    // Making a 3072-bit RSA key takes seconds on a busy machine.
    await served.waitForLog(/SSH listening on 127\.0\.0\.1:\d+ for this machine only/, 'the SSH listener', 60_000);
    printed = [...served.log().matchAll(/SSH host key (ED25519|RSA) (SHA256:\S+) made now in /g)].map((match) => `${match[1]} ${match[2]}`);
  });
  after(() => served?.stop());

  it('makes the host keys on first start, Ed25519 and RSA, private to the user, with fingerprints as ssh-keygen prints them', () => {
    assert.equal(printed.length, 2, 'the first start says it made both');
    const { keys, made: madeAgain } = loadHostKeys(made);
    assert.equal(madeAgain, false, 'a later load reads what the first start made');
    assert.deepEqual(keys.map((key) => key.publicKey.type), ['ssh-ed25519', 'ssh-rsa']);
    assert.deepEqual(keys.map((key) => key.description), printed);
    for (const key of keys) {
      assert.equal(statSync(key.path).mode & 0o777, 0o600);
      const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', key.path], { encoding: 'utf8' }).split(' ')[1];
      assert.equal(key.description.split(' ')[1], fingerprint);
    }
  });

  it('refuses to start, with a sentence, when a key is missing, readable by others or damaged', () => {
    const copy = (name: string): string => {
      const to = join(dir, name);
      cpSync(made, to, { recursive: true });
      return to;
    };
    const missing = copy('missing');
    rmSync(join(missing, 'ssh_host_rsa_key'));
    assert.throws(() => loadHostKeys(missing), /ssh_host_rsa_key is missing while .*ssh_host_ed25519_key is there: restore it from a backup, or delete all of/);
    assert.throws(() => loadHostKeys(missing), /every client will then warn/);

    const open = copy('open');
    chmodSync(join(open, 'ssh_host_ed25519_key'), 0o644);
    assert.throws(() => loadHostKeys(open), new RegExp(`can be read by other users \\(mode 0644\\): run chmod 600 ${join(open, 'ssh_host_ed25519_key')}`));

    const damaged = copy('damaged');
    writeFileSync(join(damaged, 'ssh_host_rsa_key'), 'not a key\n', { mode: 0o600 });
    assert.throws(() => loadHostKeys(damaged), /ssh_host_rsa_key is not a private key Revtel can read: restore it from a backup/);
    assert.equal(readFileSync(join(damaged, 'ssh_host_rsa_key'), 'utf8'), 'not a key\n', 'nothing was made over it');
  });

  it('keeps them across a restart: a client that recorded the key finds the same one', async () => {
    await login('accept-new');
    await served!.stop();
    served = await startServe(args);
    await served.waitForLog(/SSH listening/);
    const second = [...served.log().matchAll(/SSH host key (ED25519|RSA) (SHA256:\S+) \(/g)].map((match) => `${match[1]} ${match[2]}`);
    assert.deepEqual(second, printed);
    // StrictHostKeyChecking=yes: OpenSSH refuses any key that is not the recorded one.
    await login('yes');
  });

  it('calls a listener on any 127.x.y.z address this machine only, not the network', async () => {
    const [sshPort, linePort] = [await freePort(), await freePort()];
    const loopback = await startServe(['--line', `${linePort}:demo`, '--bind', '127.0.0.2', '--ssh', String(sshPort), '--data-dir', made]);
    try {
      await loopback.waitForLog(/SSH listening on 127\.0\.0\.2:\d+ for this machine only/, 'the SSH listener', 60_000);
      assert.match(loopback.log(), /listening on 127\.0\.0\.2:\d+ \(telnet, exclusive\) for this machine only/);
      assert.doesNotMatch(loopback.log(), /WARNING/);
    } finally {
      await loopback.stop();
    }
  });
});
