import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Opt, optionName } from '../../native/telnet/index.js';
import { MAX_ARROWS, ladderOf, ladderSvg } from '../../renderer/ladder/ladder.js';
import { CLIENT_PARTIES, LINE_PARTIES } from '../../renderer/negotiation/parties.js';
import { repoPath } from '../support/repo.js';
import { command, fixtureEntries, negotiation, subnegotiation } from './negotiationEntries.js';

const headings = { left: 'Client', right: 'Server' };
const reference = (name: string): string[] =>
  readFileSync(repoPath('test', 'fixtures', 'telnet', 'reference', name), 'utf8').split('\n').filter((line) => line !== '');

describe('the ladder diagram', () => {
  it('draws Figure 26.12 as the book prints it: direction, order and label, line for line', () => {
    const ladder = ladderOf(fixtureEntries('fig26-12-bsd-client-vs-svr4.script'), CLIENT_PARTIES, headings, 'rfc');
    const drawn = ladder.arrows.map((arrow) => `${arrow.rightward ? 'SENT' : 'RCVD'} ${arrow.label}`);
    // Option 36 is drawn under the engine's current name for it.
    assert.deepEqual(drawn, reference('bsd-client-vs-svr4.trace').map((line) => line.replace(/ ENVIRON$/, ` ${optionName(36)}`)));
  });

  it('labels arrows with short names and decoded subnegotiations, and links each answer to its request', () => {
    const ladder = ladderOf(fixtureEntries('fig26-12-bsd-client-vs-svr4.script'), CLIENT_PARTIES, headings);
    assert.deepEqual(ladder.arrows.slice(0, 2).map((arrow) => arrow.label), ['DO SGA', 'WILL TTYPE']);
    assert.equal(ladder.arrows[17]!.label, 'SB TTYPE IS "IBMPC3"');
    const [willSga] = ladder.arrows.filter((arrow) => arrow.label === 'WILL SGA');
    assert.deepEqual([willSga!.rightward, willSga!.step.kind, willSga!.step.pairedWith], [false, 'agree', 0]);
    const svg = ladderSvg(ladder, { fontSize: 14, dark: false });
    assert.equal(svg.match(/<g class="arrow /g)?.length, 23, 'one arrow per trace line');
    assert.equal(svg.match(/<path class="pair agree"/g)?.length, 3, 'SGA, TTYPE and ECHO are drawn as agreed pairs');
    assert.equal(svg.match(/<path class="pair refuse"/g)?.length, 7, 'NAWS, TSPEED, LFLOW, LINEMODE, ENVIRON, STATUS and ECHO as refusals');
  });

  it('puts the client on the left for an exposed line too, where Revtel is the server', () => {
    const ladder = ladderOf([negotiation('SENT', 'WILL', Opt.ECHO), negotiation('RCVD', 'DO', Opt.ECHO), subnegotiation('RCVD', Opt.NAWS, 0, 80, 0, 24)], LINE_PARTIES, { left: 'This client', right: 'Revtel' });
    assert.deepEqual(ladder.arrows.map((arrow) => [arrow.rightward, arrow.label]), [[false, 'WILL ECHO'], [true, 'DO ECHO'], [true, 'SB NAWS 80×24']]);
  });

  it('escapes text from the network', () => {
    const evil = subnegotiation('RCVD', Opt.TTYPE, 0, ...[...'<script>&"'].map((char) => char.charCodeAt(0)));
    const svg = ladderSvg(ladderOf([evil], CLIENT_PARTIES, { left: '<a>', right: 'b&c' }), { fontSize: 13, dark: true });
    assert.doesNotMatch(svg, /<script>|<a>|b&c/);
    assert.match(svg, /&lt;script&gt;&amp;&quot;/);
  });

  it('draws only the last arrows of a flood, numbered as in the trace, with pairs that reach back left out', () => {
    const flood = [negotiation('RCVD', 'WILL', Opt.ECHO), ...Array.from({ length: MAX_ARROWS + 99 }, () => command('RCVD', 241)), negotiation('SENT', 'DO', Opt.ECHO)];
    const ladder = ladderOf(flood, CLIENT_PARTIES, headings);
    assert.equal(ladder.arrows.length, MAX_ARROWS);
    assert.equal(ladder.skipped, 101);
    assert.equal(ladder.arrows.at(-1)!.step.pairedWith, 0, 'the answer still knows its request');
    const svg = ladderSvg(ladder, { fontSize: 13, dark: true });
    assert.equal(svg.match(/<g class="arrow /g)?.length, MAX_ARROWS);
    assert.doesNotMatch(svg, /<path class="pair/, 'the request is not drawn, so neither is the curve to it');
    assert.match(svg, />102<\/text>/, 'the first arrow drawn is line 102 of the trace');
  });
});
