import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiEvents, EventName, SessionDto } from '../../../native/api/index.js';
import { Hub } from '../../../native/hub/Hub.js';
import { openDevice } from '../../../native/hub/openDevice.js';
import { BULK_WINDOW, INTERACTIVE_WINDOW } from '../../../native/hub/OutputChannel.js';
import { TerminalServer } from '../../../native/server/TerminalServer.js';
import { startFloodDevice, type FloodDevice } from '../../support/floodDevice.js';
import { scratchDir, waitFor } from '../../support/peers.js';

// Flow control across pages, in process, on a real pty that floods: the source (the serial
// port) waits for the page that reads fastest, never for a page that stopped reading or left.
// The order is made deterministic: a page that reads nothing is given more than the pause
// mark before anything else happens, so the source is known to be paused for it.

const FLOOD = 2 * 1024 * 1024;

describe('flow control of a session shown in several pages', () => {
  let server: TerminalServer;
  let hub: Hub;
  let device: FloodDevice;
  let sessionId: string;
  /** Where the session's output has got to, as the hub sends it to pages. */
  let sentUpTo = 0;
  let open = false;
  let onData: ((payload: ApiEvents['sessionData']) => void) | undefined;

  before(() => {
    server = new TerminalServer({ device: { open: openDevice }, log: () => {}, version: 'test' });
    hub = new Hub({ server, device: { open: openDevice }, listPorts: async () => [] });
    hub.onEvent(<E extends EventName>({ event, payload }: { event: E; payload: ApiEvents[E] }) => {
      if (event === 'sessionState' && (payload as SessionDto).sessionId === sessionId) open = (payload as SessionDto).state === 'open';
      if (event !== 'sessionData') return;
      const data = payload as ApiEvents['sessionData'];
      if (data.sessionId !== sessionId) return;
      sentUpTo = Math.max(sentUpTo, data.offset! + data.data.length);
      onData?.(data);
    });
  });
  beforeEach(async () => {
    const link = join(scratchDir(), 'flood-device');
    device = await startFloodDevice(link, FLOOD);
    sentUpTo = 0;
    open = false;
    onData = undefined;
    ({ sessionId } = await hub.openSerial({ path: link, settings: '115200,8N1' }));
    // Opening a serial port discards what the device sent before: the flood starts after.
    await waitFor(() => open, 'the serial tab to be open');
  });
  after(async () => {
    await hub.dispose();
    await server.stop();
  });

  /** A page shows the tab and never reads: past the pause mark, the source waits for it. */
  async function stalledPage(): Promise<void> {
    await hub.subscribeSession({ sessionId });
    device.go();
    await waitFor(() => sentUpTo > BULK_WINDOW.high, 'more output than the pause mark, unread');
  }

  it('lets the flood go on into the scrollback once the only page that was behind has left (a reload)', async () => {
    try {
      await stalledPage();
      await hub.unsubscribeSession({ sessionId });
      await waitFor(() => sentUpTo === FLOOD, 'the rest of the flood, with no page reading', 30_000);
      const snapshot = await hub.subscribeSession({ sessionId });
      assert.equal(snapshot.end, FLOOD, 'the reloaded page finds every byte in the scrollback');
    } finally {
      await hub.closeSession({ sessionId });
      device.stop();
    }
  });

  it('gives a page that opens the tab while another page has stopped reading the rest of the flood', async () => {
    try {
      await stalledPage();
      // The reading page: its snapshot, then live output, acknowledged as its terminal parses it.
      let upTo = 0;
      let gap: string | undefined;
      onData = ({ offset, data }) => {
        if (offset! > upTo) gap ??= `output from ${offset} arrived when the page had it up to ${upTo}`;
        upTo = Math.max(upTo, offset! + data.length);
        void hub.acknowledgeOutput({ sessionId, upTo: offset! + data.length });
      };
      upTo = (await hub.subscribeSession({ sessionId })).end;
      await waitFor(() => upTo === FLOOD || gap !== undefined, 'the reading page to have the whole flood', 30_000);
      assert.equal(gap, undefined);
      assert.equal(upTo, FLOOD);
    } finally {
      await hub.closeSession({ sessionId });
      device.stop();
    }
  });

  it('lets a flood nobody types into run a bulk window ahead of the page, and one the user types into no more than the interactive window', async () => {
    // One read of the serial port past a window's mark: it is read, pushed, and only then pauses the port.
    const READ = 64 * 1024;
    try {
      let acked = (await hub.subscribeSession({ sessionId })).end;
      let ahead: number[] = [];
      onData = ({ offset, data }) => ahead.push(offset! + data.length - acked);
      device.go();
      // Past where the interactive window (or any window short of the bulk one) would have paused the port.
      await waitFor(() => sentUpTo - acked > BULK_WINDOW.high, 'the flood to run a bulk window ahead of a page that has parsed none of it');
      // The user types, and the page parses what it has every 20 ms: the echo of a key
      // would wait behind no more than the interactive window, and the read that crossed it.
      // The first acknowledgement lets go of a batch gathered before the key: counted after it.
      for (let tick = 0; sentUpTo < FLOOD; tick++) {
        await hub.write({ sessionId, data: new Uint8Array([0x20]) });
        await hub.acknowledgeOutput({ sessionId, upTo: (acked = sentUpTo) });
        if (tick === 0) ahead = [];
        await sleep(20);
      }
      assert.ok(ahead.length > 0, 'output came while the user typed');
      assert.ok(Math.max(...ahead) <= INTERACTIVE_WINDOW.high + READ, `the flood ran ${Math.max(...ahead)} bytes ahead of the page while the user typed`);
    } finally {
      await hub.closeSession({ sessionId });
      device.stop();
    }
  });
});
