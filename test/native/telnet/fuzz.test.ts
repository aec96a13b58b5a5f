import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CLIENT_POLICY, Cmd, SERVER_POLICY, TelnetEngine, type TelnetEvent } from '../../../native/telnet/index.js';
import { seededRandom } from '../../support/random.js';
import { repoPath } from '../../support/repo.js';
import { parseScript } from './telnetScript.js';

// Random and mutated input: the engine must never throw, never answer more than it is
// sent (an amplification loop), and never grow memory with what it is fed.
const FIXED_SEED = 0x5eed;
const randomSeed = Math.floor(Math.random() * 2 ** 31);
console.log(`fuzz seeds: fixed ${FIXED_SEED}, random ${randomSeed} (set FUZZ_SEED to replay one)`);
const seeds = process.env['FUZZ_SEED'] ? [Number(process.env['FUZZ_SEED'])] : [FIXED_SEED, randomSeed];

const fixtureDir = repoPath('test', 'fixtures', 'telnet');
const corpus = readdirSync(fixtureDir)
  .filter((name) => name.endsWith('.script'))
  .flatMap((name) => parseScript(readFileSync(`${fixtureDir}/${name}`, 'utf8')).steps)
  .flatMap((step) => (step.kind === 'recv' ? [step.bytes] : []));

/** Bytes that are mostly telnet syntax, so that the parser's states are all visited. */
function randomTelnet(random: () => number, length: number): Uint8Array {
  const interesting = [Cmd.IAC, Cmd.IAC, Cmd.SB, Cmd.SE, Cmd.WILL, Cmd.WONT, Cmd.DO, Cmd.DONT, 0, 13, 10, 1, 3, 5, 24, 31, 44];
  return Uint8Array.from({ length }, () => (random() < 0.5 ? interesting[Math.floor(random() * interesting.length)]! : Math.floor(random() * 256)));
}

function mutate(random: () => number, input: Uint8Array): Uint8Array {
  const bytes = [...input];
  for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
    const at = Math.floor(random() * (bytes.length + 1));
    const choice = random();
    if (choice < 0.33) bytes.splice(at, 1);
    else if (choice < 0.66) bytes.splice(at, 0, Math.floor(random() * 256));
    else if (at < bytes.length) bytes[at] = bytes[at]! ^ (1 << Math.floor(random() * 8));
  }
  return Uint8Array.from(bytes);
}

function feed(policyName: 'server' | 'client', chunks: Iterable<Uint8Array>): { received: number; sent: number; delivered: number } {
  let sent = 0;
  let delivered = 0;
  const engine = new TelnetEngine({
    policy: policyName === 'server' ? SERVER_POLICY : CLIENT_POLICY,
    terminalTypes: ['XTERM'],
    maxSubnegotiationLength: 256,
    onEvent: (event: TelnetEvent) => {
      if (event.type === 'send') sent += event.data.length;
      if (event.type === 'data') delivered += event.data.length;
    },
  });
  engine.setWindowSize({ cols: 80, rows: 24 });
  let received = 0;
  for (const chunk of chunks) {
    engine.receive(chunk);
    received += chunk.length;
  }
  return { received, sent, delivered };
}

describe('telnet engine fuzz', () => {
  for (const seed of seeds) {
    it(`random telnet-heavy input never throws nor amplifies (seed ${seed})`, () => {
      const random = seededRandom(seed);
      for (let round = 0; round < 300; round++) {
        const chunks = Array.from({ length: 1 + Math.floor(random() * 8) }, () => randomTelnet(random, Math.floor(random() * 200)));
        for (const policy of ['server', 'client'] as const) {
          const { received, sent, delivered } = feed(policy, chunks);
          assert.ok(delivered <= received, 'more data delivered than received');
          // Each 3-byte negotiation gets at most a 3-byte answer plus a STATUS/TTYPE/NAWS reply.
          assert.ok(sent <= 4 * received + 64, `sent ${sent} bytes for ${received} received`);
        }
      }
    });

    it(`mutated fixtures never throw (seed ${seed})`, () => {
      const random = seededRandom(seed ^ 0xf00d);
      for (let round = 0; round < 2000; round++) {
        const input = mutate(random, corpus[Math.floor(random() * corpus.length)]!);
        const cut = Math.floor(random() * (input.length + 1));
        for (const policy of ['server', 'client'] as const) feed(policy, [input.subarray(0, cut), input.subarray(cut)]);
      }
    });
  }

  it('keeps memory bounded on 64 MiB of never-terminated subnegotiations and negotiation floods', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const random = seededRandom(FIXED_SEED);
    const endless = new Uint8Array(1 << 20);
    for (let i = 0; i < endless.length; i++) endless[i] = Math.floor(random() * 255); // never 0xFF: no IAC SE ever
    endless.set([Cmd.IAC, Cmd.SB, 24], 0);
    const flood = new Uint8Array(1 << 20);
    for (let i = 0; i + 3 <= flood.length; i += 3) flood.set([Cmd.IAC, i % 2 ? Cmd.WILL : Cmd.WONT, 1], i);
    gc();
    const before = process.memoryUsage().heapUsed;
    function* input(): Generator<Uint8Array> {
      for (let n = 0; n < 32; n++) {
        yield endless;
        yield flood;
      }
    }
    const { received, sent } = feed('client', input());
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    assert.equal(received, 64 << 20);
    assert.ok(sent < 1 << 20, `the negotiation flood got ${sent} bytes of answers`);
    assert.ok(grown < 16 << 20, `heap grew by ${(grown / 1048576).toFixed(1)} MiB`);
  });
});
