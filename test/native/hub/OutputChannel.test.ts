import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { OutputChannel } from '../../../native/hub/OutputChannel.js';

/** A channel on Node's mock clock (a loaded machine cannot split or delay a batch), and what it did; its clock is the mocked Date's. */
function channel(t: TestContext, options: { maxBatch?: number } = {}): { channel: OutputChannel; sent: number[]; events: string[] } {
  t.mock.timers.enable({ apis: ['setTimeout', 'setImmediate', 'Date'] });
  const sent: number[] = [];
  const events: string[] = [];
  const made = new OutputChannel({
    send: (data) => sent.push(data.length),
    pause: () => events.push('pause'),
    resume: () => events.push('resume'),
    maxBatch: options.maxBatch ?? 10_000,
    bulk: { high: 1000, low: 800, batchMs: 20 },
    interactive: { high: 100, low: 20, batchMs: 5 },
    interactiveMs: 2000,
    now: () => Date.now(),
  });
  t.after(() => made.dispose());
  return { channel: made, sent, events };
}

describe('output batching and watermarks', () => {
  it('sends what one I/O turn read as one message at once while the terminal has parsed everything (an echo waits for no timer)', (t) => {
    const { channel: output, sent } = channel(t);
    output.push(new Uint8Array(1));
    output.push(new Uint8Array(2));
    assert.deepEqual(sent, [], 'not before the turn has been read');
    t.mock.timers.tick(0);
    assert.deepEqual(sent, [3], 'two chunks, one message, without waiting for the batch timer');
  });

  it('gathers output while earlier output is unparsed, until the batch timer or until the terminal has parsed it all', (t) => {
    const { channel: output, sent } = channel(t);
    output.push(new Uint8Array(100));
    t.mock.timers.tick(0);
    output.push(new Uint8Array(50));
    output.push(new Uint8Array(50));
    t.mock.timers.tick(19);
    assert.deepEqual(sent, [100], 'gathered while the first message is unparsed');
    t.mock.timers.tick(1);
    assert.deepEqual(sent, [100, 100], 'the bulk window\'s batch timer sends it');
    output.push(new Uint8Array(30));
    output.acknowledge(100);
    assert.deepEqual(sent, [100, 100], 'the second message is still unparsed');
    output.acknowledge(100);
    assert.deepEqual(sent, [100, 100, 30], 'everything sent is parsed: what was gathered goes at once');
  });

  it('gathers for the interactive window\'s shorter time while the user types', (t) => {
    const { channel: output, sent } = channel(t);
    output.typed();
    output.push(new Uint8Array(10));
    t.mock.timers.tick(0);
    output.push(new Uint8Array(20));
    t.mock.timers.tick(4);
    assert.deepEqual(sent, [10]);
    t.mock.timers.tick(1);
    assert.deepEqual(sent, [10, 20], 'an echo behind output in flight waits 5 ms, not 20');
  });

  it('sends a full batch at once', (t) => {
    const { channel: output, sent } = channel(t, { maxBatch: 200 });
    output.push(new Uint8Array(10));
    t.mock.timers.tick(0);
    output.push(new Uint8Array(150));
    output.push(new Uint8Array(60));
    assert.deepEqual(sent, [10, 210]);
  });

  it('pauses the source above the high watermark, sending what it holds at once, and resumes it below the low one', (t) => {
    const { channel: output, sent, events } = channel(t);
    output.push(new Uint8Array(600));
    t.mock.timers.tick(0);
    output.push(new Uint8Array(500));
    assert.deepEqual(events, ['pause'], 'more than 1000 unacknowledged bytes');
    assert.deepEqual(sent, [600, 500], 'nothing more comes while paused: no reason to wait for the timer');
    output.acknowledge(200);
    assert.deepEqual(events, ['pause'], '900 still outstanding is above the low watermark');
    output.acknowledge(150);
    assert.deepEqual(events, ['pause', 'resume']);
  });

  it('while the user types, pauses the source at the interactive window and resumes it only below its low mark', (t) => {
    const { channel: output, events } = channel(t);
    output.typed();
    output.push(new Uint8Array(101));
    assert.deepEqual(events, ['pause'], 'an echo should wait behind no more than 100 bytes');
    output.acknowledge(80);
    assert.deepEqual(events, ['pause'], '21 still outstanding');
    output.acknowledge(2);
    assert.deepEqual(events, ['pause', 'resume']);
  });

  it('goes back to the bulk window once the user has not typed for interactiveMs', (t) => {
    const { channel: output, events } = channel(t);
    output.typed();
    t.mock.timers.tick(1999);
    output.push(new Uint8Array(101));
    assert.deepEqual(events, ['pause'], 'still typing');
    t.mock.timers.tick(1);
    output.acknowledge(1);
    assert.deepEqual(events, ['pause', 'resume'], '100 outstanding is below the bulk window\'s low mark');
    output.push(new Uint8Array(899));
    assert.deepEqual(events, ['pause', 'resume'], 'a flood nobody types into fills the bulk window');
    output.push(new Uint8Array(2));
    assert.deepEqual(events, ['pause', 'resume', 'pause']);
  });
});
