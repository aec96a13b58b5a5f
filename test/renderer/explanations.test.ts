import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import type { TraceEntryDto } from '../../native/api/index.js';
import { Cmd, Opt, shortOptionName } from '../../native/telnet/index.js';
import { EXPLAINED_OPTIONS } from '../../renderer/negotiation/options.js';
import { CLIENT_PARTIES, LINE_PARTIES, type Parties } from '../../renderer/negotiation/parties.js';
import { readNegotiation, type Step } from '../../renderer/negotiation/readNegotiation.js';
import { repoPath } from '../support/repo.js';
import { command, fixtureEntries, negotiation, subnegotiation } from './negotiationEntries.js';

// Every sentence the explanation panel can say, pinned in one reviewed golden file
// (test/fixtures/explanations/sentences.expected; UPDATE_GOLDEN=1 rewrites it — review the
// diff against the RFCs before committing). Entries are made by the real engine.

const goldenPath = repoPath('test', 'fixtures', 'explanations', 'sentences.expected');

/** Options by number: the ones Revtel implements or names (the engine's Opt table). */
const NAMED_OPTIONS = Object.values(Opt);

function line(step: Step): string {
  const pair = step.pairedWith === undefined ? '' : ` ↔${step.pairedWith}`;
  return `${step.index} ${step.entry.direction} ${step.label} [${step.kind}${pair}]\n    ${step.explanation}`;
}

function section(title: string, entries: readonly TraceEntryDto[], parties: Parties = CLIENT_PARTIES): string {
  return `## ${title}\n${readNegotiation(entries, parties).map(line).join('\n')}\n`;
}

/** Each way an option can be asked for, granted, refused and turned off. */
function optionExchanges(option: number): TraceEntryDto[] {
  return [
    negotiation('RCVD', 'WILL', option), negotiation('SENT', 'DO', option), negotiation('RCVD', 'WILL', option),
    negotiation('RCVD', 'WONT', option), negotiation('SENT', 'DONT', option), negotiation('RCVD', 'WONT', option),
    negotiation('RCVD', 'DO', option), negotiation('SENT', 'WILL', option), negotiation('RCVD', 'DONT', option), negotiation('SENT', 'WONT', option),
    negotiation('SENT', 'WILL', option), negotiation('RCVD', 'DONT', option), negotiation('RCVD', 'DONT', option),
    negotiation('SENT', 'DO', option), negotiation('RCVD', 'WONT', option),
  ];
}

const ascii = (text: string): number[] => [...text].map((char) => char.charCodeAt(0));

const SUBNEGOTIATIONS: TraceEntryDto[] = [
  subnegotiation('RCVD', Opt.TTYPE, 1), subnegotiation('SENT', Opt.TTYPE, 0, ...ascii('XTERM')),
  subnegotiation('SENT', Opt.NAWS, 0, 80, 0, 24), subnegotiation('SENT', Opt.NAWS, 1, 0, 0, 50), subnegotiation('SENT', Opt.NAWS, 0, 0, 0, 0),
  subnegotiation('RCVD', Opt.TSPEED, 1), subnegotiation('SENT', Opt.TSPEED, 0, ...ascii('38400,38400')),
  subnegotiation('RCVD', Opt.XDISPLOC, 1), subnegotiation('SENT', Opt.XDISPLOC, 0, ...ascii('ws1:0.0')),
  subnegotiation('RCVD', Opt.LFLOW, 0), subnegotiation('RCVD', Opt.LFLOW, 1), subnegotiation('RCVD', Opt.LFLOW, 2), subnegotiation('RCVD', Opt.LFLOW, 3),
  subnegotiation('RCVD', Opt.LINEMODE, 1, 1), subnegotiation('RCVD', Opt.LINEMODE, 1, 3), subnegotiation('SENT', Opt.LINEMODE, 1, 7), subnegotiation('RCVD', Opt.LINEMODE, 1, 0),
  subnegotiation('RCVD', Opt.LINEMODE, 3, 3, 0x62, 3, 10, 2, 0x7f), subnegotiation('RCVD', Opt.LINEMODE, 253, 2), subnegotiation('SENT', Opt.LINEMODE, 252, 2),
  subnegotiation('SENT', Opt.STATUS, 1), subnegotiation('RCVD', Opt.STATUS, 0, 251, 1, 253, 3, 250, 24, 0, ...ascii('VT100'), 240),
  subnegotiation('RCVD', Opt.NEW_ENVIRON, 1), subnegotiation('RCVD', Opt.NEW_ENVIRON, 1, 0, ...ascii('USER')), subnegotiation('SENT', Opt.NEW_ENVIRON, 0, 0, ...ascii('USER'), 1, ...ascii('alice')),
  subnegotiation('SENT', Opt.NEW_ENVIRON, 2, 0, ...ascii('DISPLAY'), 1, ...ascii(':0')),
  subnegotiation('SENT', Opt.COM_PORT, 0), subnegotiation('RCVD', Opt.COM_PORT, 100, ...ascii('ser2net')),
  subnegotiation('SENT', Opt.COM_PORT, 1, 0, 0, 0x25, 0x80), subnegotiation('RCVD', Opt.COM_PORT, 101, 0, 0, 0x25, 0x80), subnegotiation('SENT', Opt.COM_PORT, 1, 0, 0, 0, 0),
  subnegotiation('SENT', Opt.COM_PORT, 2, 7), subnegotiation('SENT', Opt.COM_PORT, 3, 3), subnegotiation('SENT', Opt.COM_PORT, 4, 2),
  subnegotiation('SENT', Opt.COM_PORT, 5, 5), subnegotiation('RCVD', Opt.COM_PORT, 105, 5), subnegotiation('SENT', Opt.COM_PORT, 5, 6),
  subnegotiation('SENT', Opt.COM_PORT, 5, 8), subnegotiation('SENT', Opt.COM_PORT, 5, 9), subnegotiation('SENT', Opt.COM_PORT, 5, 11), subnegotiation('SENT', Opt.COM_PORT, 5, 12),
  subnegotiation('SENT', Opt.COM_PORT, 5, 3), subnegotiation('SENT', Opt.COM_PORT, 5, 0),
  subnegotiation('RCVD', Opt.COM_PORT, 106, 0x10), subnegotiation('RCVD', Opt.COM_PORT, 107, 0xb0),
  subnegotiation('RCVD', Opt.COM_PORT, 108), subnegotiation('RCVD', Opt.COM_PORT, 109),
  subnegotiation('SENT', Opt.COM_PORT, 10, 0xff), subnegotiation('SENT', Opt.COM_PORT, 11, 0xff), subnegotiation('SENT', Opt.COM_PORT, 12, 3), subnegotiation('RCVD', Opt.COM_PORT, 112, 3),
  subnegotiation('RCVD', 99, 1, 2, 3),
];

const COMMANDS = Object.values(Cmd).filter((code) => code >= Cmd.EOF && code <= Cmd.GA).map((code) => command('RCVD', code));

function allSentences(): string {
  const parts = [
    section('Figure 26.12: BSD/386 client against SVR4', fixtureEntries('fig26-12-bsd-client-vs-svr4.script')),
    section('ser2net 4 on connect, answered by Revtel\'s client', fixtureEntries('ser2net-on-connect.script')),
    section('ser2net with RFC 2217', fixtureEntries('ser2net-rfc2217.script')),
    section('inetutils telnetd with LINEMODE', fixtureEntries('inetutils-telnetd-linemode.script')),
    section('STATUS', fixtureEntries('status.script')),
    section('TIMING-MARK', fixtureEntries('timing-mark.script')),
    section('A remote client of an exposed line, seen by Revtel', [
      negotiation('SENT', 'WILL', Opt.ECHO), negotiation('SENT', 'WILL', Opt.SGA), negotiation('SENT', 'DO', Opt.NAWS),
      negotiation('RCVD', 'DO', Opt.ECHO), negotiation('RCVD', 'DO', Opt.SGA), negotiation('RCVD', 'WILL', Opt.NAWS),
      subnegotiation('RCVD', Opt.NAWS, 0, 132, 0, 43),
    ], LINE_PARTIES),
    ...NAMED_OPTIONS.map((option) => section(`Option ${option} (${shortOptionName(option)})`, optionExchanges(option))),
    section('An option Revtel does not name', optionExchanges(77)),
    section('Subnegotiations', SUBNEGOTIATIONS),
    section('Commands', COMMANDS),
  ];
  return parts.join('\n');
}

describe('explanations in plain words', () => {
  const sentences = allSentences();

  it('match the reviewed golden file, every sentence', () => {
    if (process.env['UPDATE_GOLDEN']) {
      mkdirSync(dirname(goldenPath), { recursive: true });
      writeFileSync(goldenPath, sentences);
    }
    assert.equal(sentences, readFileSync(goldenPath, 'utf8'));
  });

  it('give every option Revtel names words of its own', () => {
    for (const option of NAMED_OPTIONS) assert.ok(EXPLAINED_OPTIONS.includes(shortOptionName(option)!), `no words for ${shortOptionName(option)}`);
    assert.doesNotMatch(sentences.split('## An option Revtel does not name')[0]!, /does not implement/);
  });

  it('never hedge, contradict themselves or fall back to "use option X" for an option Revtel names', () => {
    for (const phrase of [/\(or agrees\)/, /\(or agrees that it should\)/, /\(or will no longer\)/, /let the other side/, /The peer/, /asks the other side/, /use option (BINARY|ECHO|SGA|STATUS|TM|TTYPE|EOR|NAWS|TSPEED|LFLOW|LINEMODE|XDISPLOC|ENVIRON|AUTHENTICATION|ENCRYPT|NEW-ENVIRON|CHARSET|COM-PORT)\b/, /not to suppress go-ahead, so that the line is full duplex/]) {
      assert.doesNotMatch(sentences, phrase);
    }
  });

  it('spell out the values of a subnegotiation: NAWS 80×24, TTYPE "XTERM", 9600 baud, LINEMODE MODE EDIT', () => {
    const [ttypeSend, ttype, naws] = readNegotiation(SUBNEGOTIATIONS.slice(0, 3), CLIENT_PARTIES);
    assert.equal(naws!.label, 'SB NAWS 80×24');
    assert.match(naws!.explanation, /^The client reports its window size: 80 columns by 24 rows \(80×24\)\./);
    assert.equal(ttype!.label, 'SB TTYPE IS "XTERM"');
    assert.match(ttype!.explanation, /^The client says its terminal type is "XTERM"/);
    assert.equal(ttype!.pairedWith, ttypeSend!.index, 'TTYPE IS answers TTYPE SEND');
    const [baud] = readNegotiation([subnegotiation('SENT', Opt.COM_PORT, 1, 0, 0, 0x25, 0x80)], CLIENT_PARTIES);
    assert.equal(baud!.explanation, 'The client asks the server to set its serial port to 9600 baud (RFC 2217).');
    const [edit] = readNegotiation([subnegotiation('RCVD', Opt.LINEMODE, 1, 1)], CLIENT_PARTIES);
    assert.equal(edit!.label, 'SB LINEMODE MODE EDIT');
    assert.match(edit!.explanation, /^The server sets the line mode to MODE EDIT: the client edits each line itself/);
  });

  it('pair a request with its answer by the Q method, and see a repeat as changing nothing', () => {
    const steps = readNegotiation(fixtureEntries('fig26-12-bsd-client-vs-svr4.script'), CLIENT_PARTIES);
    const byLabel = (direction: string, label: string): Step => steps.find((step) => step.entry.direction === direction && step.label === label)!;
    assert.equal(byLabel('RCVD', 'WILL SGA').kind, 'agree');
    assert.equal(byLabel('RCVD', 'WILL SGA').pairedWith, byLabel('SENT', 'DO SGA').index);
    assert.equal(byLabel('RCVD', 'DONT NAWS').kind, 'refuse');
    assert.equal(byLabel('SENT', 'DO ECHO').pairedWith, byLabel('RCVD', 'WILL ECHO').index);
    assert.equal(byLabel('RCVD', 'DONT ECHO').kind, 'repeat');
    assert.equal(byLabel('RCVD', 'DONT ECHO').pairedWith, undefined);
  });
});
