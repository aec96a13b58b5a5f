import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CLIENT_POLICY,
  Cmd,
  Opt,
  SERVER_POLICY,
  TelnetEngine,
  type OptionPolicy,
  type TelnetEvent,
} from '../../../native/telnet/index.js';
import { seededRandom } from '../../support/random.js';

const OPTIONS = [Opt.BINARY, Opt.ECHO, Opt.SGA, Opt.STATUS, Opt.TTYPE, Opt.EOR, Opt.NAWS, Opt.TSPEED, Opt.LINEMODE, Opt.NEW_ENVIRON, Opt.COM_PORT, 99];
const ACCEPT_ALL: OptionPolicy = OPTIONS.map((option) => ({ option, local: true, remote: true }));
const POLICIES: Record<string, OptionPolicy> = { none: [], server: SERVER_POLICY, client: CLIENT_POLICY, all: ACCEPT_ALL };

type Request = { side: 'local' | 'remote'; option: number; enable: boolean };

/** Two engines joined by a FIFO "wire"; returns the number of messages that crossed it. */
function backToBack(policyA: OptionPolicy, policyB: OptionPolicy, requestsA: Request[], requestsB: Request[]) {
  const wire: { to: 'a' | 'b'; data: Uint8Array }[] = [];
  const make = (policy: OptionPolicy, to: 'a' | 'b') =>
    new TelnetEngine({ policy, onEvent: (event: TelnetEvent) => { if (event.type === 'send') wire.push({ to, data: event.data }); } });
  const a = make(policyA, 'b');
  const b = make(policyB, 'a');
  const apply = (engine: TelnetEngine, requests: Request[]) => {
    for (const { side, option, enable } of requests) {
      const method = `${enable ? 'enable' : 'disable'}${side === 'local' ? 'Local' : 'Remote'}` as const;
      engine[method](option);
    }
  };
  apply(a, requestsA);
  apply(b, requestsB);
  let messages = 0;
  while (wire.length > 0 && messages < 10_000) {
    const { to, data } = wire.shift()!;
    (to === 'a' ? a : b).receive(data);
    messages++;
  }
  return { a, b, messages };
}

function randomRequests(random: () => number): Request[] {
  return Array.from({ length: Math.floor(random() * 12) }, () => ({
    side: random() < 0.5 ? 'local' as const : 'remote' as const,
    option: OPTIONS[Math.floor(random() * OPTIONS.length)]!,
    enable: random() < 0.7,
  }));
}

describe('two engines back to back', () => {
  for (const [nameA, policyA] of Object.entries(POLICIES)) {
    for (const [nameB, policyB] of Object.entries(POLICIES)) {
      it(`${nameA} against ${nameB}: agree on every option, in a bounded number of messages`, () => {
        const random = seededRandom(nameA.length * 31 + nameB.length);
        for (let round = 0; round < 200; round++) {
          const requestsA = randomRequests(random);
          const requestsB = randomRequests(random);
          const { a, b, messages } = backToBack(policyA, policyB, requestsA, requestsB);
          // Each request costs at most a message and its answer, plus one for a queued reversal.
          assert.ok(messages <= 3 * (requestsA.length + requestsB.length), `${messages} messages for ${requestsA.length + requestsB.length} requests`);
          for (const option of OPTIONS) {
            assert.equal(a.isEnabled('local', option), b.isEnabled('remote', option), `A local / B remote ${option}`);
            assert.equal(a.isEnabled('remote', option), b.isEnabled('local', option), `A remote / B local ${option}`);
            for (const engine of [a, b]) {
              assert.match(engine.optionState('local', option), /^(yes|no)$/);
              assert.match(engine.optionState('remote', option), /^(yes|no)$/);
            }
            const asked = (requests: Request[], side: string) => requests.some((r) => r.option === option && r.side === side && r.enable);
            const accepts = (policy: OptionPolicy, side: 'local' | 'remote') => policy.some((e) => e.option === option && e[side]);
            if (a.isEnabled('local', option)) {
              assert.ok(asked(requestsA, 'local') || accepts(policyA, 'local'), `A performs ${option} without asking or accepting`);
              assert.ok(asked(requestsB, 'remote') || accepts(policyB, 'remote'), `B let A perform ${option} without asking or accepting`);
            }
          }
        }
      });
    }
  }
});

// Peers that answer whatever we send with something meant to keep us talking.
const ADVERSARIES: Record<string, (verb: number, option: number) => number[][]> = {
  'answers every request with its opposite': (verb, option) => [[Cmd.IAC, { [Cmd.DO]: Cmd.WONT, [Cmd.DONT]: Cmd.WILL, [Cmd.WILL]: Cmd.DONT, [Cmd.WONT]: Cmd.DO }[verb]!, option]],
  'reflects every message back': (verb, option) => [[Cmd.IAC, verb, option]],
  'repeats its own agreement twice': (verb, option) => {
    const agree = { [Cmd.DO]: Cmd.WILL, [Cmd.DONT]: Cmd.WONT, [Cmd.WILL]: Cmd.DO, [Cmd.WONT]: Cmd.DONT }[verb]!;
    return [[Cmd.IAC, agree, option], [Cmd.IAC, agree, option]];
  },
  'says yes and no to everything': (verb, option) => {
    const local = verb === Cmd.DO || verb === Cmd.DONT;
    return local ? [[Cmd.IAC, Cmd.WILL, option], [Cmd.IAC, Cmd.WONT, option]] : [[Cmd.IAC, Cmd.DO, option], [Cmd.IAC, Cmd.DONT, option]];
  },
};

describe('an adversarial peer cannot make the engine loop', () => {
  for (const [name, answer] of Object.entries(ADVERSARIES)) {
    for (const [policyName, policy] of Object.entries(POLICIES)) {
      it(`${name} (our policy: ${policyName})`, () => {
        const inbox: Uint8Array[] = [];
        let sent = 0;
        const engine = new TelnetEngine({
          policy,
          onEvent: (event) => {
            if (event.type !== 'send' || event.data[0] !== Cmd.IAC || event.data.length !== 3) return;
            sent++;
            for (const reply of answer(event.data[1]!, event.data[2]!)) inbox.push(Uint8Array.from(reply));
          },
        });
        for (const option of OPTIONS) {
          engine.enableLocal(option);
          engine.enableRemote(option);
        }
        let delivered = 0;
        while (inbox.length > 0 && delivered < 100_000) {
          engine.receive(inbox.shift()!);
          delivered++;
        }
        assert.equal(inbox.length, 0, 'the exchange never ended');
        // Two requests per option, then at most the reply budget (8) per option.
        assert.ok(sent <= OPTIONS.length * (2 + 8), `${sent} messages sent`);
      });
    }
  }
});
