import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { freePort, scratchDir, startPtyPair, type PtyPair } from '../../support/peers.js';
import { revtelBin, startServe, type Served } from '../../support/revtel.js';

// node-gyp-build's own override of where serialport's binding is: a folder with none in
// it, as an install whose binding was not built (or was built for another Node) has.
const NO_BINDING = { '@SERIALPORT/BINDINGS_CPP_PREBUILD': scratchDir() };
const SENTENCE = /serialport's native part \(@serialport\/bindings-cpp\) has no build for Node \S+ on \S+: reinstall revtel with this Node/;

describe('revtel without serialport\'s native binding', () => {
  let pty: PtyPair | undefined;
  let served: Served | undefined;
  after(async () => {
    await served?.stop();
    await pty?.stop();
  });

  it('serve says in one line why a line\'s device cannot be opened', async () => {
    pty = await startPtyPair(scratchDir());
    const port = await freePort();
    served = await startServe(['--line', `${port}:${pty.device}`], { env: NO_BINDING });
    await served.waitForLog(/native part|No native build/, 'the device to fail to open');
    const line = served.log().split('\n').find((text) => /native part|No native build/.test(text))!;
    assert.match(line, new RegExp(`port ${port}: ${SENTENCE.source}; waiting for it$`));
    assert.doesNotMatch(served.log(), /No native build|\\n/);
  });

  it('demo-device exits with that sentence, not an internal error', () => {
    const result = spawnSync(process.execPath, [revtelBin, 'demo-device', pty!.device], { env: { ...process.env, ...NO_BINDING }, encoding: 'utf8' });
    assert.match(result.stderr, new RegExp(`^revtel: ${SENTENCE.source}\\n$`));
    assert.equal(result.status, 2);
  });
});
