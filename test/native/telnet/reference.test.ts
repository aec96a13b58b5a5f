import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { TelnetEvent } from '../../../native/telnet/index.js';
import { repoPath } from '../../support/repo.js';
import { parseScript, runScript } from './telnetScript.js';

// The engine's trace against traces printed by real BSD-derived clients.
const fixture = (...parts: string[]): string => readFileSync(repoPath('test', 'fixtures', 'telnet', ...parts), 'utf8');

function traceLines(scriptName: string): string[] {
  return runScript(parseScript(fixture(scriptName)))
    .filter((event): event is Extract<TelnetEvent, { type: 'trace' }> => event.type === 'trace')
    .map((event) => event.entry.text);
}

function referenceLines(name: string): string[] {
  return fixture('reference', name).split('\n').filter((line) => line !== '');
}

describe('trace text against real clients', () => {
  it('is Figure 26.12 of TCP/IP Illustrated line for line (BSD/386 client against SVR4), option 36 named as today', () => {
    // The one listed difference: option 36 is OLD-ENVIRON in inetutils and netkit, ENVIRON in BSD/386.
    const expected = referenceLines('bsd-client-vs-svr4.trace').map((line) => line.replace(/ ENVIRON$/, ' OLD-ENVIRON'));
    assert.deepEqual(traceLines('fig26-12-bsd-client-vs-svr4.script'), expected);
  });

  it('is what netkit telnet printed against ser2net, with option 44 named COM-PORT-OPTION', () => {
    const netkit = referenceLines('netkit-vs-ser2net.trace');
    assert.ok(netkit.includes('RCVD DO 44'), 'the reference shows netkit printing the number');
    const expected = netkit.map((line) => line.replace(/ 44$/, ' COM-PORT-OPTION'));
    assert.deepEqual(traceLines('ser2net-on-connect.script'), expected);
  });

  it('feeds ser2net-on-connect.script the exact bytes of ser2net-on-connect.hex', () => {
    const hex = fixture('reference', 'ser2net-on-connect.hex').trim();
    assert.match(fixture('ser2net-on-connect.script'), new RegExp(`^recv ${hex}$`, 'm'));
  });
});
