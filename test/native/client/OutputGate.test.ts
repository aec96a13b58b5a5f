import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { OutputGate } from '../../../native/client/OutputGate.js';

function gate() {
  const shown: string[] = [];
  const source = { paused: false };
  const outputGate = new OutputGate({
    deliver: (data) => shown.push(Buffer.from(data).toString('latin1')),
    pauseSource: () => (source.paused = true),
    resumeSource: () => (source.paused = false),
    flushTimeoutMs: 5000,
    holdLimit: 8,
  });
  return { outputGate, shown, source };
}

describe('the output gate between the server and the terminal', () => {
  it('discards output until each flush is answered, oldest first', () => {
    const { outputGate, shown } = gate();
    outputGate.flushUntilMark();
    outputGate.flushUntilMark();
    outputGate.data(Buffer.from('a'));
    outputGate.markAnswered();
    outputGate.data(Buffer.from('b'));
    outputGate.markAnswered();
    outputGate.data(Buffer.from('c'));
    assert.deepEqual(shown, ['c']);
    outputGate.reset();
  });

  it('gives up a flush the server never answers after flushTimeoutMs', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { outputGate, shown } = gate();
      outputGate.flushUntilMark();
      outputGate.data(Buffer.from('lost'));
      mock.timers.tick(5000);
      outputGate.data(Buffer.from('shown'));
      assert.deepEqual(shown, ['shown']);
    } finally {
      mock.timers.reset();
    }
  });

  it('holds output after XOFF, stops reading past the limit, and gives it all back in order on XON', () => {
    const { outputGate, shown, source } = gate();
    outputGate.setStopped(true);
    outputGate.data(Buffer.from('12345'));
    assert.equal(source.paused, false);
    outputGate.data(Buffer.from('6789'));
    assert.equal(source.paused, true, 'past 8 bytes the source is paused');
    assert.deepEqual(shown, []);
    outputGate.setStopped(false);
    assert.deepEqual(shown, ['12345', '6789']);
    assert.equal(source.paused, false);
  });
});
