import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutputChannel } from '../../../native/hub/OutputChannel.js';

describe('output batching and watermarks', () => {
  it('batches chunks into one message, and pauses the source above the high watermark until the terminal catches up', (t) => {
    // The batch timer on Node's mock clock: a loaded machine cannot split or delay a batch.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const sent: number[] = [];
    const events: string[] = [];
    const channel = new OutputChannel({
      send: (data) => sent.push(data.length),
      pause: () => events.push('pause'),
      resume: () => events.push('resume'),
      batchMs: 5,
      highWater: 1000,
      lowWater: 100,
    });
    channel.push(new Uint8Array(300));
    channel.push(new Uint8Array(300));
    t.mock.timers.tick(4);
    assert.deepEqual(sent, [], 'the batch waits out its 5 ms');
    t.mock.timers.tick(1);
    assert.deepEqual(sent, [600], 'two chunks, one message');
    channel.push(new Uint8Array(500));
    assert.deepEqual(events, ['pause'], 'more than 1000 unacknowledged bytes');
    channel.acknowledge(600);
    assert.deepEqual(events, ['pause'], '500 still outstanding is above the low watermark');
    channel.acknowledge(450);
    assert.deepEqual(events, ['pause', 'resume']);
    channel.dispose();
  });
});
