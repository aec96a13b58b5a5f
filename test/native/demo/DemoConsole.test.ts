import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DemoConsole } from '../../../native/demo/DemoConsole.js';
import { waitFor } from '../../support/peers.js';

function console(): { demo: DemoConsole; screen: () => string; type: (text: string) => void } {
  const demo = new DemoConsole({ bootStepMs: 5 });
  let screen = '';
  demo.onOutput((bytes) => (screen += Buffer.from(bytes).toString('latin1')));
  return { demo, screen: () => screen, type: (text) => demo.input(Buffer.from(text, 'latin1')) };
}

describe('the demo router console', () => {
  it('walks the prompts: RETURN, enable, configure terminal, hostname, end', () => {
    const { screen, type } = console();
    type('\r');
    assert.match(screen(), /Router>$/);
    type('en\r');
    assert.match(screen(), /en\r\nRouter#$/);
    type('conf t\rhostname lab-r1\rinterface Gi0/1\r');
    assert.match(screen(), /lab-r1\(config-if\)#$/);
    type('\x1a');
    assert.match(screen(), /\^Z\r\nlab-r1#$/);
    type('show running-config\r');
    assert.match(screen(), /hostname lab-r1\r\n/);
    assert.ok(screen().split('\r\n').length > 300, 'a long running-config');
  });

  it('echoes, erases with backspace, and rejects what it does not know', () => {
    const { screen, type } = console();
    type('\rshox\x7fw version\r');
    assert.match(screen(), /Router>shox\x08 \x08w version\r\nCisco IOS Software/);
    type('frobnicate\r');
    assert.match(screen(), /% Invalid input detected at '\^' marker\.\r\n\r\nRouter>$/);
  });

  it('drops to ROM monitor on BREAK during boot, and boots again from there', async () => {
    const { demo, screen, type } = console();
    type('\renable\rreload\r');
    assert.match(screen(), /Proceed with reload\? \[confirm\]$/);
    type('\r');
    assert.match(screen(), /System Bootstrap/);
    demo.break();
    assert.match(screen(), /monitor: command "boot" aborted due to user interrupt\r\nrommon 1 > $/);
    type('confreg 0x2142\r');
    assert.match(screen(), /rommon 2 > $/);
    type('boot\r');
    await waitFor(() => screen().includes('Press RETURN to get started!'), 'the boot to finish');
    demo.break();
    assert.doesNotMatch(screen().slice(-200), /rommon/, 'BREAK after boot does nothing');
    demo.stop();
  });
});
