import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiEvents, EventName, SessionDto } from '../../../native/api/index.js';
import { Hub } from '../../../native/hub/Hub.js';
import { openDevice } from '../../../native/hub/openDevice.js';
import { TYPE_AHEAD_LIMIT } from '../../../native/hub/SessionRecord.js';
import { TerminalServer } from '../../../native/server/TerminalServer.js';
import { Opt } from '../../../native/telnet/index.js';
import { startFloodDevice } from '../../support/floodDevice.js';
import { freePort, scratchDir, waitFor } from '../../support/peers.js';
import { scriptedServer } from '../../support/scriptedServer.js';

// Keys typed into a tab while the connection the user asked for is still being made: held
// by the hub and sent once it opens, as PuTTY and SecureCRT do; dropped with a sentence if it
// fails; refused with a sentence past a bound, and while a device is unplugged (keys typed
// into a dead console must not reach whatever is plugged in later). Real peers: a serial device that appears
// after the tab was opened, a telnet server played by our engine, a port nobody listens on.

describe('keys typed while a session connects', () => {
  let server: TerminalServer;
  let hub: Hub;
  const states = new Map<string, SessionDto>();

  before(() => {
    server = new TerminalServer({ device: { open: openDevice }, log: () => {}, version: 'test' });
    hub = new Hub({ server, device: { open: openDevice }, listPorts: async () => [] });
    hub.onEvent(<E extends EventName>({ event, payload }: { event: E; payload: ApiEvents[E] }) => {
      if (event === 'sessionState') states.set((payload as SessionDto).sessionId, payload as SessionDto);
    });
  });
  after(async () => {
    await hub.dispose();
    await server.stop();
  });

  const state = async (sessionId: string): Promise<SessionDto['state']> => (await hub.listSessions({})).find((session) => session.sessionId === sessionId)!.state;

  it('sends what was typed into a serial tab before its device appeared, once it opens', async () => {
    const link = join(scratchDir(), 'late-device');
    const { sessionId } = await hub.openSerial({ path: link, settings: '9600,8N1' });
    try {
      await hub.write({ sessionId, data: Buffer.from('\r') });
      await hub.write({ sessionId, data: Buffer.from('show version\r') });
      assert.equal(await state(sessionId), 'connecting', 'typed while the device was not there');
      const device = await startFloodDevice(link, 0);
      try {
        await waitFor(() => device.received() === '\rshow version\r', 'the keys at the device, in order');
        await hub.write({ sessionId, data: Buffer.from('x') });
        await waitFor(() => device.received().endsWith('\rx'), 'later keys after them');
      } finally {
        device.stop();
      }
    } finally {
      await hub.closeSession({ sessionId });
    }
  });

  it('sends what was typed into a telnet tab before the connection was made, after it opens', async () => {
    const peer = await scriptedServer({ local: [Opt.SGA, Opt.ECHO] });
    const { sessionId, state: opened } = await hub.openTelnet({ host: '127.0.0.1', port: peer.port, negotiation: 'passive' });
    try {
      // The connection is made on a later turn of the event loop: these keys come first.
      await hub.write({ sessionId, data: Buffer.from('ab') });
      assert.equal(opened, 'connecting');
      assert.equal(await state(sessionId), 'connecting');
      // No server echo: the client edits the line locally and sends it on Enter.
      await hub.write({ sessionId, data: Buffer.from('c\r') });
      await waitFor(() => peer.received().includes('abc\r'), 'the keys at the server');
    } finally {
      await hub.closeSession({ sessionId });
      peer.close();
    }
  });

  it('drops what was typed when the connection fails, and says so in the tab', async () => {
    const port = await freePort();
    const { sessionId } = await hub.openTelnet({ host: '127.0.0.1', port, negotiation: 'passive' });
    try {
      await hub.write({ sessionId, data: Buffer.from('en\r') });
      await waitFor(() => states.get(sessionId)?.state === 'closed', 'the refusal');
      assert.match(states.get(sessionId)!.message!, /refused.* What was typed while it connected \(3 bytes\) was not sent\.$/);
      // A page that loads later reads the same.
      assert.equal((await hub.subscribeSession({ sessionId })).session.message, states.get(sessionId)!.message);
    } finally {
      await hub.closeSession({ sessionId });
    }
  });

  it('refuses what is typed into a serial tab while its device is unplugged, and sends none of it when the device is back', async () => {
    const link = join(scratchDir(), 'replugged-device');
    let device = await startFloodDevice(link, 0);
    const { sessionId } = await hub.openSerial({ path: link, settings: '9600,8N1' });
    try {
      await waitFor(() => states.get(sessionId)?.state === 'open', 'the device open');
      device.stop();
      await waitFor(() => states.get(sessionId)?.state === 'unplugged', 'the unplug');
      // Held and sent on replug before: "reload" typed into a dead line reached whatever came back on the port.
      await assert.rejects(hub.write({ sessionId, data: Buffer.from('reload\r') }), {
        message: `${link} is unplugged: what you typed was not sent; type it again once it is back`,
      });
      rmSync(link); // The killed device's link, left behind.
      device = await startFloodDevice(link, 0);
      await waitFor(() => states.get(sessionId)?.state === 'open', 'the device back');
      await hub.write({ sessionId, data: Buffer.from('x') });
      await waitFor(() => device.received().includes('x'), 'a key typed once it is back');
      assert.equal(device.received(), 'x', 'nothing typed while it was unplugged');
    } finally {
      device.stop();
      await hub.closeSession({ sessionId });
    }
  });

  it('holds keys again while a Reconnect the user clicked is being made', async () => {
    // A server that hangs up on the first connection and takes the second.
    let connections = 0;
    const received: Buffer[] = [];
    const peer = createServer((socket) => {
      socket.on('error', () => {});
      if (++connections === 1) socket.destroy();
      else socket.on('data', (chunk: Buffer) => received.push(chunk));
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const { sessionId } = await hub.openTelnet({ host: '127.0.0.1', port: (peer.address() as AddressInfo).port, negotiation: 'raw' });
    try {
      await waitFor(() => states.get(sessionId)?.state === 'closed', 'the hang-up');
      // Typed at once after the click, while the closed connection is still being let go.
      const reconnected = hub.reconnectSession({ sessionId });
      await hub.write({ sessionId, data: Buffer.from('show ') });
      assert.equal((await reconnected).state, 'connecting');
      await hub.write({ sessionId, data: Buffer.from('clock\r') });
      await waitFor(() => Buffer.concat(received).toString() === 'show clock\r', 'the keys at the server once it opens');
    } finally {
      await hub.closeSession({ sessionId });
      peer.close();
    }
  });

  it('refuses typing into a closed tab with a sentence', async () => {
    const port = await freePort();
    const { sessionId } = await hub.openTelnet({ host: '127.0.0.1', port, negotiation: 'passive' });
    try {
      await waitFor(() => states.get(sessionId)?.state === 'closed', 'the refusal');
      await assert.rejects(hub.write({ sessionId, data: Buffer.from('x') }), {
        message: `127.0.0.1:${port} is closed: what you type is not sent; Reconnect opens it again`,
      });
    } finally {
      await hub.closeSession({ sessionId });
    }
  });

  it(`refuses typing past ${TYPE_AHEAD_LIMIT} bytes while connecting, with a sentence, and keeps what it held`, async () => {
    const link = join(scratchDir(), 'late-device');
    const { sessionId } = await hub.openSerial({ path: link, settings: '9600,8N1' });
    try {
      await hub.write({ sessionId, data: Buffer.alloc(TYPE_AHEAD_LIMIT, 'y') });
      await assert.rejects(hub.write({ sessionId, data: Buffer.from('z') }), {
        message: `${link} is still connecting: ${TYPE_AHEAD_LIMIT} bytes typed so far will be sent once it opens, and no more than ${TYPE_AHEAD_LIMIT} are held`,
      });
      const device = await startFloodDevice(link, 0);
      try {
        await waitFor(() => device.received().length >= TYPE_AHEAD_LIMIT, 'what was held at the device');
        assert.equal(device.received(), 'y'.repeat(TYPE_AHEAD_LIMIT));
      } finally {
        device.stop();
      }
    } finally {
      await hub.closeSession({ sessionId });
    }
  });
});
