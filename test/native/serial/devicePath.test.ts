import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serialDeviceProblem } from '../../../native/serial/devicePath.js';
import { scratchDir, startPtyPair, type PtyPair } from '../../support/peers.js';

describe('what may be opened as a serial device', () => {
  let pty: PtyPair;
  before(async () => {
    pty = await startPtyPair(scratchDir());
  });
  after(() => pty.stop());

  it('takes a tty (through a symlink) and a path that is not there yet, and refuses the rest in a sentence', () => {
    assert.equal(serialDeviceProblem(pty.device), undefined);
    assert.equal(serialDeviceProblem('/dev/serial/by-id/usb-not-plugged-in'), undefined);
    assert.match(serialDeviceProblem('/dev/null')!, /^\/dev\/null is a character device that is not a terminal, not a serial device — give a tty/);
    assert.match(serialDeviceProblem('/etc/passwd')!, /is a file, not a serial device/);
    assert.match(serialDeviceProblem('/')!, /^\/ is a folder, not a serial device/);
  });
});
