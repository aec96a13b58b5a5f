import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startUi } from '../../support/browser.js';
import { freePort, scratchDir } from '../../support/peers.js';
import { revtelBin } from '../../support/revtel.js';

// `revtel serve --ui --ui-token-file FILE`: a headless server's UI URL survives restarts.
describe('--ui-token-file', () => {
  it('makes the token once, readable by its owner only, and reuses it on the next start', async () => {
    const file = join(scratchDir(), 'ui-token');
    // A demo line on a free port, not --demo's 2001 (another program may hold it).
    const line = `${await freePort()}:demo`;
    const first = await startUi(['--line', line, '--ui-token-file', file]);
    await first.served.stop();
    const token = new URL(first.url).hash.replace('#token=', '');
    assert.equal(readFileSync(file, 'utf8'), `${token}\n`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const second = await startUi(['--line', line, '--ui-token-file', file]);
    await second.served.stop();
    assert.equal(new URL(second.url).hash, `#token=${token}`, 'the same URL after a restart');
  });

  it('refuses a token file that other users can read', async () => {
    const file = join(scratchDir(), 'ui-token');
    writeFileSync(file, 'a-token-that-others-have-read-0123456\n');
    chmodSync(file, 0o644);
    const result = spawnSync(process.execPath, [revtelBin, 'serve', '--line', `${await freePort()}:demo`, '--ui', '0', '--ui-token-file', file], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(result.status, 2);
    assert.equal(result.stderr, `revtel: The UI token file ${file} can be read by other users: chmod 600 ${file}\n`);
  });
});
