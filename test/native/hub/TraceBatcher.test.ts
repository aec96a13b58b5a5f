import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TraceEntryDto } from '../../../native/api/index.js';
import { TraceBatcher } from '../../../native/hub/TraceBatcher.js';
import { Cmd, SERVER_POLICY, TelnetEngine, type TraceEntry } from '../../../native/telnet/index.js';

describe('trace batches for the UI', () => {
  it('sends a peer that floods IAC NOP in part, without describing what it leaves out', (t) => {
    // The batch timer on Node's mock clock: a loaded machine cannot split or delay a batch.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const batches: TraceEntryDto[][] = [];
    const batcher = new TraceBatcher((entries) => batches.push(entries), 5);
    let described = 0;
    const engine = new TelnetEngine({
      policy: SERVER_POLICY,
      onEvent: (event) => {
        if (event.type !== 'trace') return;
        const entry = event.entry;
        // Counts the reads of the lazily made text: the costly part of a trace line.
        const counted: TraceEntry = {
          time: entry.time,
          direction: entry.direction,
          bytes: entry.bytes,
          get text() {
            described++;
            return entry.text;
          },
          get short() {
            return entry.short;
          },
        };
        batcher.push(counted);
      },
    });
    const flood = new Uint8Array(2 * 100_000);
    for (let i = 0; i < flood.length; i += 2) flood.set([Cmd.IAC, Cmd.NOP], i);
    engine.receive(flood);
    t.mock.timers.tick(4);
    assert.equal(batches.length, 0, 'the batch waits out its 5 ms');
    t.mock.timers.tick(1);
    assert.equal(batches.length, 1);
    assert.equal(batches[0]!.length, 1000);
    assert.equal(batches[0]![0]!.text, 'RCVD IAC NOP');
    assert.equal(described, 1000, 'the 99 000 left out were never described');

    engine.receive(Uint8Array.of(Cmd.IAC, Cmd.AYT));
    t.mock.timers.tick(5);
    assert.deepEqual(batches[1]!.map((entry) => entry.text), ['RCVD IAC AYT'], 'the next batch starts afresh');
  });
});
