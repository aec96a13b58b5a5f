import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ApiEvents, EventName, SessionDto } from '../../../native/api/index.js';
import { Hub } from '../../../native/hub/Hub.js';
import { openDevice } from '../../../native/hub/openDevice.js';
import { TerminalServer } from '../../../native/server/TerminalServer.js';
import { waitFor } from '../../support/peers.js';

// Tabs to one destination are told apart by a number ("X", "X (2)"): a page must never be
// told of a session under another title than the one its tab is added with. A real TCP
// listener plays the destination.

describe('tabs to one destination', () => {
  let server: TerminalServer;
  let hub: Hub;
  let listener: Server;
  const events: { event: EventName; sessionId: string; title: string | undefined }[] = [];

  before(async () => {
    server = new TerminalServer({ device: { open: openDevice }, log: () => {}, version: 'test' });
    hub = new Hub({ server, device: { open: openDevice }, listPorts: async () => [] });
    hub.onEvent(<E extends EventName>({ event, payload }: { event: E; payload: ApiEvents[E] }) => {
      const { sessionId, title } = payload as Partial<SessionDto>;
      if (sessionId) events.push({ event, sessionId, title });
    });
    listener = createServer(() => {});
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await hub.dispose();
    await server.stop();
    listener.close();
  });

  it('tells pages of a second session only under its numbered title, after it was added', async () => {
    const port = (listener.address() as AddressInfo).port;
    const first = await hub.openTelnet({ host: '127.0.0.1', port });
    const second = await hub.openTelnet({ host: '127.0.0.1', port });
    assert.equal(first.title, `127.0.0.1:${port}`);
    assert.equal(second.title, `127.0.0.1:${port} (2)`);
    await waitFor(() => events.some((e) => e.sessionId === second.sessionId && e.event === 'sessionState'), 'the second session\'s state after it was added');
    const told = events.filter((e) => e.sessionId === second.sessionId);
    assert.equal(told[0]!.event, 'sessionAdded', 'nothing said of the session before it was added');
    assert.deepEqual(told.filter((e) => e.title !== undefined && e.title !== second.title), [], 'every title the pages were told is the tab\'s');
  });
});
