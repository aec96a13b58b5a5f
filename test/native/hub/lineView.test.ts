import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiEvents, EventName, SessionDto } from '../../../native/api/index.js';
import { Hub } from '../../../native/hub/Hub.js';
import { openDevice } from '../../../native/hub/openDevice.js';
import { makeLineConfig } from '../../../native/server/LineConfig.js';
import { hashPassword } from '../../../native/server/passwords.js';
import { TerminalServer } from '../../../native/server/TerminalServer.js';
import { freePort, waitFor } from '../../support/peers.js';
import { TestClient } from '../../support/revtel.js';

// The operator's view of an exposed line is an in-process attachment with the operator
// role: on a line that is full, exclusive and password-protected it still watches, is
// never asked for the password, never refused, never kicks the remote user, and types
// only after taking the keyboard, which the remote writer is told about.

describe("the operator's view of a full, exclusive, password-protected line", () => {
  let server: TerminalServer;
  let hub: Hub;
  let port: number;
  let remote: TestClient;
  let view: SessionDto;
  let shown = '';
  const messages: string[] = [];
  const log: string[] = [];

  before(async () => {
    port = await freePort();
    server = new TerminalServer({ device: { open: openDevice }, log: (line) => log.push(line), version: 'test' });
    hub = new Hub({ server, device: { open: openDevice }, listPorts: async () => [] });
    hub.start();
    hub.onEvent(<E extends EventName>({ event, payload }: { event: E; payload: ApiEvents[E] }) => {
      if (event === 'sessionData') shown += Buffer.from((payload as ApiEvents['sessionData']).data).toString('latin1');
      if (event === 'sessionState' && (payload as SessionDto).message) messages.push((payload as SessionDto).message!);
    });
    const config = makeLineConfig(port, 'demo', { multi: 'exclusive', maxClients: 1 }, 'test', await hashPassword('secret'));
    await server.apply([config]);
    remote = await TestClient.connect(port);
    await remote.expect('Password: ');
    remote.type('secret\r');
    await waitFor(() => log.some((line) => /on the line as writer/.test(line)), 'the remote user on the line');
  });
  after(async () => {
    remote.close();
    await hub.dispose();
    await server.stop();
  });

  it('watches without a password, a client slot or a policy deciding', async () => {
    view = await hub.openLineView({ tcpPort: port });
    remote.type('\r');
    await remote.expect('Router>');
    await waitFor(() => shown.includes('Router>'), 'the device output in the view');
    assert.equal(remote.session.state, 'open', 'the remote user is still on the line');
    const [line] = await hub.listLines({});
    assert.deepEqual(line!.clients.map((client) => client.role), ['writer'], 'the view is not one of the clients (max 1)');
    assert.match(log.join('\n'), /the operator is watching/);
    assert.doesNotMatch(log.join('\n'), /refused|kicked/);
  });

  it('is one view per line: asked again (another window), it is the same tab, attached again', async () => {
    await hub.detachSession({ sessionId: view.sessionId, detached: true });
    const again = await hub.openLineView({ tcpPort: port });
    assert.equal(again.sessionId, view.sessionId);
    assert.equal(again.detached, undefined, 'the detached view is attached again');
    assert.equal((await hub.listSessions({})).filter((session) => session.kind === 'line-view').length, 1);
    const [line] = await hub.listLines({});
    assert.equal(line!.operatorKeyboard, 'remote', 'the remote writer has the keyboard, and the one view says so');
  });

  it("answers nothing into the device while the remote user types, and types after taking the keyboard", async () => {
    // xterm.js answering a Device Attributes query: dropped, the remote writer has the keyboard.
    await hub.write({ sessionId: view.sessionId, data: Buffer.from('\x1b[?1;2c') });
    await waitFor(() => messages.some((message) => /A remote client has the keyboard/.test(message)), 'the view told why');
    await hub.takeKeyboard({ sessionId: view.sessionId, take: true });
    await remote.expect('the operator has taken the keyboard');
    await hub.write({ sessionId: view.sessionId, data: Buffer.from('enable\r') });
    await waitFor(() => shown.includes('Router#'), 'the operator typing reaching the router');
    assert.doesNotMatch(shown, /\[\?1;2c/, 'the query answer never reached the device (it would echo)');
    remote.type('show clock\r');
    await remote.expect('you are watching');
    await hub.takeKeyboard({ sessionId: view.sessionId, take: false });
    await remote.expect('gave the keyboard back');
    remote.type('show clock\r');
    await remote.expect(/show clock\r\n\*/);
  });
});
