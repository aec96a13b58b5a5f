import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { optionName } from '../../../native/telnet/index.js';
import { BUILT_IN_RECORDINGS } from '../../../native/replay/builtInRecordings.js';
import { CaptureError, MAX_REPLAY_TRACE, parseHexCapture, replay } from '../../../native/replay/Recording.js';
import { ladderOf } from '../../../renderer/ladder/ladder.js';
import { CLIENT_PARTIES } from '../../../renderer/negotiation/parties.js';
import { repoPath } from '../../support/repo.js';

// The recordings a class replays without a network, against the traces real clients
// printed and the bytes of the golden fixtures.

const fixture = (...parts: string[]): string => readFileSync(repoPath('test', 'fixtures', 'telnet', ...parts), 'utf8');
const reference = (name: string): string[] => fixture('reference', name).split('\n').filter((line) => line !== '');
const hex = (bytes: Uint8Array): string => [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
const bytesFrom = (recording: keyof typeof BUILT_IN_RECORDINGS, from: 'client' | 'server'): string =>
  BUILT_IN_RECORDINGS[recording].chunks.filter((chunk) => chunk.from === from).map((chunk) => hex(chunk.bytes)).join(' ');

describe('built-in replays', () => {
  it('Figure 26.12 replays as the BSD client printed it, line for line, and draws that ladder', () => {
    const { trace, output } = replay(BUILT_IN_RECORDINGS['fig26-12'].chunks, 0);
    // Option 36 is printed under the engine's current name for it.
    const expected = reference('bsd-client-vs-svr4.trace').map((line) => line.replace(/ ENVIRON$/, ` ${optionName(36)}`));
    assert.deepEqual(trace.map((entry) => entry.text), expected);
    const ladder = ladderOf(trace, CLIENT_PARTIES, { left: 'Client', right: 'Server' }, 'rfc');
    assert.deepEqual(ladder.arrows.map((arrow) => `${arrow.rightward ? 'SENT' : 'RCVD'} ${arrow.label}`), expected);
    const screen = new TextDecoder('latin1').decode(output);
    assert.ok(screen.startsWith('\r\n\r\nUNIX(r) System V Release 4.0 (svr4)'), screen);
    assert.ok(screen.endsWith('login: '), screen);
  });

  it('sends, on the client\'s side of Figure 26.12, exactly what the engine sends in the golden fixture', () => {
    const sent = fixture('fig26-12-bsd-client-vs-svr4.expected').split('\n').filter((line) => line.startsWith('send ')).map((line) => line.slice(5));
    assert.equal(bytesFrom('fig26-12', 'client'), sent.join(' '));
  });

  it('ser2net replays as netkit printed it, from the bytes ser2net sent', () => {
    const { trace } = replay(BUILT_IN_RECORDINGS.ser2net.chunks, 0);
    const expected = reference('netkit-vs-ser2net.trace').map((line) => line.replace(/ 44$/, ' COM-PORT-OPTION'));
    assert.deepEqual(trace.map((entry) => entry.text), expected);
    assert.equal(bytesFrom('ser2net', 'server'), `${fixture('reference', 'ser2net-on-connect.hex').trim()} ff fd 03`);
  });

  it('inetutils telnetd with LINEMODE replays as the golden fixture traces it, from the bytes the engine sent', () => {
    const { trace, output } = replay(BUILT_IN_RECORDINGS['inetutils-linemode'].chunks, 0);
    const expected = fixture('inetutils-telnetd-linemode.expected').split('\n').filter((line) => line.startsWith('trace ')).map((line) => line.slice(6).split('  |  ')[0]!.replaceAll('\\n', '\n'));
    assert.deepEqual(trace.map((entry) => entry.text), expected);
    const sent = fixture('inetutils-telnetd-linemode.expected').split('\n').filter((line) => line.startsWith('send ')).map((line) => line.slice(5));
    assert.equal(bytesFrom('inetutils-linemode', 'client'), sent.join(' '));
    assert.ok(new TextDecoder('latin1').decode(output).endsWith('# '), 'the shell prompt is on the screen');
  });

  it('reads a one-sided capture, and says what is wrong with text that is not hex', () => {
    const { trace } = replay([{ from: 'server', bytes: parseHexCapture(fixture('reference', 'ser2net-on-connect.hex')) }], 0);
    assert.deepEqual(trace.map((entry) => entry.short), ['RCVD WILL SGA', 'RCVD DO SGA', 'RCVD WILL ECHO', 'RCVD DONT ECHO', 'RCVD DO BINARY', 'RCVD WILL BINARY', 'RCVD DO COM-PORT']);
    assert.throws(() => parseHexCapture('ff fb 0'), new CaptureError('The capture is not hex text: expected pairs of hex digits such as "ff fb 03"'));
    assert.throws(() => parseHexCapture('login: '), CaptureError);
  });

  it('keeps the first commands of a capture that floods them, and counts the rest', () => {
    const nops = new Uint8Array(2 * (MAX_REPLAY_TRACE + 1000)).fill(0xff).map((byte, index) => (index % 2 ? 0xf1 : byte));
    const { trace, omitted } = replay([{ from: 'server', bytes: nops }], 0);
    assert.equal(trace.length, MAX_REPLAY_TRACE);
    assert.equal(omitted, 1000);
    assert.equal(trace[0]!.short, 'RCVD IAC NOP');
  });
});
