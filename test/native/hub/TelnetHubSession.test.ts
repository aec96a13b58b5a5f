import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeTerminalMode, type ApiEvents } from '../../../native/api/index.js';
import { TelnetHubSession } from '../../../native/hub/TelnetHubSession.js';
import { Opt } from '../../../native/telnet/index.js';
import { waitFor } from '../../support/peers.js';
import { scriptedServer } from '../../support/scriptedServer.js';

// The UI's telnet tab: the hub's session carries the client's modes to the status line.
describe('a telnet tab in the hub', () => {
  it('tells the status line which mode is in force as the server changes it', async () => {
    const server = await scriptedServer({ remote: [Opt.LINEMODE], local: [Opt.SGA, Opt.ECHO] });
    const modes: string[] = [];
    const tab = new TelnetHubSession('t1', 'telnet', 'lab', { host: '127.0.0.1', port: server.port, negotiate: 'never' }, (event, payload) => {
      if (event === 'sessionMode') modes.push(describeTerminalMode(payload as ApiEvents['sessionMode']));
    });
    try {
      tab.open();
      await waitFor(server.ready, 'the connection');
      server.engine().enableRemote(Opt.LINEMODE);
      server.engine().enableLocal(Opt.SGA);
      await waitFor(() => server.received().includes(`<SB ${Opt.LINEMODE} `), 'our SLC table');
      server.engine().subnegotiate(Opt.LINEMODE, Uint8Array.of(1, 3));
      await waitFor(() => modes.at(-1) === 'linemode, local edit', 'linemode with local editing');
      // What inetutils telnetd does on Linux next: it echoes and turns LINEMODE off.
      server.engine().enableLocal(Opt.ECHO);
      server.engine().disableRemote(Opt.LINEMODE);
      await waitFor(() => modes.at(-1) === 'character mode, remote echo', 'character mode with the server echoing');
      tab.write(Buffer.from('x'));
      await waitFor(() => server.received().endsWith('x'), 'a key sent at once');
    } finally {
      await tab.close();
      server.close();
    }
  });

  it('names kludge line mode as such', () => {
    assert.equal(describeTerminalMode({ localEcho: true, lineEditing: true, linemode: false }), 'kludge line mode, local edit');
    assert.equal(describeTerminalMode({ localEcho: true, lineEditing: false }), 'character mode, local echo');
  });
});
