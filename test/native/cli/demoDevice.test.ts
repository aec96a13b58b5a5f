import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { collect, openPtyEnd, scratchDir, startPtyPair, waitFor } from '../../support/peers.js';
import { revtelBin } from '../../support/revtel.js';

describe('revtel demo-device', () => {
  it('answers on the device, and exits 4 with one line when the device goes away', async () => {
    const pty = await startPtyPair(scratchDir());
    const child = spawn(process.execPath, [revtelBin, 'demo-device', pty.device]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(() => stderr.includes('demo console on'), 'the demo console');
    const screen = collect(pty.remote);
    const keyboard = openPtyEnd(pty.remote);
    keyboard.output.write('\rshow version\r');
    await waitFor(() => screen.text().includes('Cisco IOS Software'), 'show version');
    screen.stop();
    keyboard.close();

    await pty.stop();
    assert.equal(await exited, 4);
    assert.match(stderr, new RegExp(`revtel: ${pty.device} was unplugged or closed \\(.+\\)\\n$`));
  });
});
