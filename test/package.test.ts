import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freePort, scratchDir, startProcess, waitFor } from './support/peers.js';
import { repoPath, repoRoot } from './support/repo.js';
import { TestClient } from './support/revtel.js';

// The headless server as a user installs it: `npm pack`, then `npm install -g` of the
// tarball (here into a temporary prefix), and the `revtel` that puts on the PATH. The
// dependencies come from npm's cache when it has them (CI's `npm ci` fills it), from the
// registry otherwise. Their install scripts are not run: they build ssh2's optional native
// add-ons (its crypto, cpu-features) with node-gyp, most of the install's time, and revtel
// must work without them, as where there is no compiler; serialport's add-on is prebuilt.

describe('the npm package', () => {
  let prefix: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    const dir = scratchDir();
    // The tree is already built (npm test builds first); prepack would rebuild it under the other tests.
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: repoRoot, stdio: 'pipe' });
    const tarball = readdirSync(dir).find((name) => /^revtel-.*\.tgz$/.test(name));
    assert.ok(tarball, 'npm pack made revtel-VERSION.tgz');
    prefix = join(dir, 'prefix');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', join(dir, tarball)], { cwd: dir, stdio: 'pipe' });
    // Only the prefix's bin and node itself: no `npx`, no checkout on the PATH.
    env = { ...process.env, PATH: `${join(prefix, 'bin')}:${join(process.execPath, '..')}` };
  });

  it('installs a `revtel` on the PATH that knows its version', () => {
    const { version } = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
    const result = spawnSync('revtel', ['--version'], { env, encoding: 'utf8' });
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, `revtel ${version}\n`);
  });

  it('serves the demo router and the UI from the installed package alone', async () => {
    // `serve --demo` as the README says, on a free port instead of 2001 (another program may hold it).
    const port = await freePort();
    const served = startProcess('revtel', ['serve', '--line', `${port}:demo`, '--ui', '0'], { env, cwd: prefix });
    try {
      await waitFor(() => /UI ready: open (\S+)/.test(served.stderr()) || served.process.exitCode !== null, 'the installed revtel to serve');
      const url = new URL(/UI ready: open (\S+)/.exec(served.stderr())![1]!);
      const page = await fetch(`http://${url.host}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<script[^>]+app\.js/, 'the packed renderer is served');
      await waitFor(() => /device demo open/.test(served.stderr()), 'the demo device');
      const client = await TestClient.connect(port);
      client.type('\r');
      await client.expect('Router>');
      client.close();
    } finally {
      await served.stop();
    }
  });

  it('reads a config file, as its systemd unit runs it', async () => {
    const config = join(scratchDir(), 'revtel.yaml');
    writeFileSync(config, `lines:\n  - port: ${await freePort()}\n    device: demo\n`);
    const served = startProcess('revtel', ['serve', '--config', config], { env, cwd: prefix });
    try {
      await waitFor(() => /device demo open/.test(served.stderr()) || served.process.exitCode !== null, 'the installed revtel to open the configured line');
      assert.match(served.stderr(), /device demo open/);
    } finally {
      await served.stop();
    }
  });

  it('ships a systemd unit that systemd-analyze verifies', () => {
    const unit = readFileSync(join(prefix, 'lib', 'node_modules', 'revtel', 'build', 'linux', 'revtel.service'), 'utf8');
    assert.match(unit, /^ExecStart=\/usr\/local\/bin\/revtel serve --config \/etc\/revtel\/revtel\.yaml /m);
    for (const directive of ['User=revtel', 'SupplementaryGroups=dialout', 'StateDirectory=revtel', 'Restart=on-failure', 'NoNewPrivileges=yes', 'ProtectSystem=strict', '--ui-token-file /var/lib/revtel/ui-token']) {
      assert.ok(unit.includes(directive), directive);
    }
    // Serial devices must stay reachable: these would hide or refuse them.
    assert.doesNotMatch(unit, /^(PrivateDevices=yes|DevicePolicy=(closed|strict))/m);
    // verify checks that ExecStart's program exists: point it at the revtel installed above.
    const dir = scratchDir();
    const copy = join(dir, 'revtel.service');
    writeFileSync(copy, unit.replace('/usr/local/bin/revtel', join(prefix, 'bin', 'revtel')));
    const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
    assert.equal(result.error, undefined, 'systemd-analyze is installed (.ci/run installs systemd)');
    assert.equal(result.stderr, '', 'no warning');
    assert.equal(result.status, 0);
  });
});
