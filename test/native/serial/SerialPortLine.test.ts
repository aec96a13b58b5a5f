import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SerialPortLine } from '../../../native/serial/SerialPortLine.js';
import { DEFAULT_SETTINGS } from '../../../native/serial/serialSettings.js';
import { openPtyEnd, scratchDir, startPtyPair, waitFor } from '../../support/peers.js';

describe('serial port line', () => {
  it('delivers a paste larger than the device buffers whole and in order, then keystrokes after it', async () => {
    const pty = await startPtyPair(scratchDir());
    const line = await SerialPortLine.open(pty.device, DEFAULT_SETTINGS);
    try {
      // 1 MiB of numbered 4-byte words while nobody reads the far end: the tty and socat
      // fill up, so the writes go from direct to queued part-way through a chunk.
      const paste = Buffer.alloc(1024 * 1024);
      for (let word = 0; word < paste.length / 4; word++) paste.writeUInt32BE(word, word * 4);
      let refused = 0;
      for (let offset = 0; offset < paste.length; offset += 4096) {
        if (!line.write(paste.subarray(offset, offset + 4096))) refused++;
      }
      assert.ok(refused > 0, 'the line says when its backlog is full, so that a typist can be held back');
      const keystrokes = Buffer.from('show version\r');
      for (const byte of keystrokes) line.write(Uint8Array.of(byte));

      const received: Buffer[] = [];
      let total = 0;
      const remote = openPtyEnd(pty.remote);
      remote.input.on('data', (chunk: Buffer) => {
        received.push(chunk);
        total += chunk.length;
      });
      const expected = paste.length + keystrokes.length;
      await waitFor(() => total >= expected, 'every byte at the far end', 20_000);
      remote.close();
      const all = Buffer.concat(received);
      assert.equal(all.length, expected);
      assert.ok(all.subarray(0, paste.length).equals(paste), 'the paste arrives unchanged and in order');
      assert.equal(all.subarray(paste.length).toString(), 'show version\r');
    } finally {
      await line.close();
      await pty.stop();
    }
  });

  it('carries keystrokes typed one at a time to the device and their echo back, none held back', async () => {
    const pty = await startPtyPair(scratchDir());
    const line = await SerialPortLine.open(pty.device, DEFAULT_SETTINGS);
    const remote = openPtyEnd(pty.remote);
    remote.input.on('data', (chunk: Buffer) => remote.output.write(chunk.toString().toUpperCase()));
    let echoed = '';
    line.onData((data) => (echoed += Buffer.from(data).toString()));
    try {
      for (const key of 'enable\r') {
        const before = echoed.length;
        assert.equal(line.write(Buffer.from(key)), true, 'nothing is queued for a single key');
        await waitFor(() => echoed.length > before, `the echo of ${JSON.stringify(key)}`);
      }
      assert.equal(echoed, 'ENABLE\r');
    } finally {
      remote.close();
      await line.close();
      await pty.stop();
    }
  });
});
