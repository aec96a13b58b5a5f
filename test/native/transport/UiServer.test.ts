import assert from 'node:assert/strict';
import { connect as netConnect, createServer, type AddressInfo, type NetConnectOpts, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { decodeFrame, encodeFrame } from '../../../native/api/index.js';
import { startUi } from '../../support/browser.js';
import { startFloodDevice } from '../../support/floodDevice.js';
import { freePort, scratchDir, waitFor } from '../../support/peers.js';
import type { Served } from '../../support/revtel.js';
import { repoPath } from '../../support/repo.js';
import { Hub } from '../../../native/hub/Hub.js';
import { BULK_WINDOW } from '../../../native/hub/OutputChannel.js';
import { DEFAULT_SCROLLBACK } from '../../../native/hub/Scrollback.js';
import { openDevice } from '../../../native/hub/openDevice.js';
import { TerminalServer } from '../../../native/server/TerminalServer.js';
import { UiServer, type UiServerOptions } from '../../../native/transport/UiServer.js';

// The WebSocket of `revtel serve --ui` from a hostile client's side: without the token
// nothing is acted on; with it, every call is checked against the contract first.

interface Reply { type: string; id?: number | null; message?: string; result?: unknown; event?: string }

interface Client { ws: WebSocket; next: () => Promise<Reply>; closed: Promise<number>; closeReason: Promise<string>; tcp: () => Socket }

function open(url: string, origin?: string, options: WebSocket.ClientOptions = {}): Promise<Client> {
  let tcp: Socket | undefined;
  const ws = new WebSocket(url, {
    ...options,
    ...(origin ? { origin } : {}),
    // Kept, so that a test can stop reading at the TCP level as a frozen page does.
    createConnection: ((options: NetConnectOpts) => (tcp = netConnect(options))) as typeof netConnect,
  });
  const inbox: Reply[] = [];
  const waiting: ((reply: Reply) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const reply = decodeFrame(new Uint8Array(data)) as Reply;
    const waiter = waiting.shift();
    if (waiter) waiter(reply);
    else inbox.push(reply);
  });
  const closing = new Promise<[number, string]>((resolve) => ws.on('close', (code, reason) => resolve([code, reason.toString()])));
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({
      ws,
      // Waiting on a connection that has closed fails at once, not when the runner gives up.
      next: () => new Promise((take, fail) => {
        if (inbox.length > 0) return take(inbox.shift()!);
        waiting.push(take);
        void closing.then(([code, reason]) => fail(new Error(`the connection closed (${code} ${reason}) before the next message`)));
      }),
      closed: closing.then(([code]) => code),
      closeReason: closing.then(([, reason]) => reason),
      tcp: () => tcp!,
    }));
    ws.on('error', reject);
    ws.on('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
  });
}

interface SessionData { type: string; event?: string; payload: { sessionId: string; data: Uint8Array; offset: number } }

/** Calls a method and waits for its answer, passing over the events that come first. */
async function call(client: Client, id: number, method: string, request: unknown): Promise<Reply> {
  client.ws.send(encodeFrame({ type: 'call', id, method, request }));
  for (;;) {
    const reply = await client.next();
    if (reply.type !== 'event' && reply.id === id) return reply;
  }
}

async function hello(api: string, token: string, options: WebSocket.ClientOptions = {}): Promise<Client> {
  const client = await open(api, undefined, options);
  client.ws.send(encodeFrame({ type: 'hello', token }));
  assert.equal((await client.next()).type, 'welcome');
  return client;
}

describe('the UI WebSocket', () => {
  let served: Served;
  let api: string;
  let token: string;
  before(async () => {
    const port = await freePort();
    const started = await startUi(['--line', `${port}:demo`]);
    served = started.served;
    const url = new URL(started.url);
    token = url.hash.replace('#token=', '');
    api = `ws://${url.host}/api`;
  });
  after(() => served.stop());

  it('binds to 127.0.0.1 and prints a URL with a long random token', () => {
    assert.match(served.log(), /UI ready: open http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{32}\n/);
  });

  it('refuses a connection that does not start with the token, before acting on anything', async () => {
    for (const first of [{ type: 'call', id: 1, method: 'listLines', request: {} }, { type: 'hello', token: 'guess' }, { type: 'hello' }]) {
      const client = await open(api);
      client.ws.send(encodeFrame(first));
      assert.deepEqual(await client.next(), { type: 'refused', message: first.type === 'call' ? 'wrong or missing token' : 'wrong or missing token' });
      assert.equal(await client.closed, 4001);
    }
    const textual = await open(api);
    textual.ws.send(JSON.stringify({ type: 'hello', token }));
    assert.deepEqual(await textual.next(), { type: 'refused', message: 'not a Revtel client' });
    await served.waitForLog(/ui: 127\.0\.0\.1:\d+ refused: wrong or missing token/);
  });

  it('refuses an upgrade from a page of another origin', async () => {
    await assert.rejects(open(api, 'http://evil.example'), /HTTP 403/);
  });

  it('answers a valid call, and refuses unknown methods and bad payloads with a sentence', async () => {
    const client = await open(api);
    client.ws.send(encodeFrame({ type: 'hello', token }));
    assert.equal((await client.next()).type, 'welcome');
    const lines = await call(client, 1, 'listLines', {});
    assert.equal(lines.type, 'result');
    assert.equal((lines.result as unknown[]).length, 1);
    assert.deepEqual(await call(client, 2, 'formatDisk', {}), { type: 'error', id: 2, message: 'Not a call of a known method' });
    assert.deepEqual(await call(client, 3, 'openTelnet', { host: 'router', port: 70000 }), { type: 'error', id: 3, message: 'openTelnet.port must be a whole number from 1 to 65535' });
    assert.deepEqual(await call(client, 4, 'openTelnet', { host: 'router; rm -rf /', port: 23 }), { type: 'error', id: 4, message: 'openTelnet.host must be of the form /^[A-Za-z0-9.:_\\-[\\]%]+$/' });
    assert.deepEqual(await call(client, 5, 'write', { sessionId: 'x', data: 'text, not bytes' }), { type: 'error', id: 5, message: 'write.data must be bytes' });
    assert.deepEqual(await call(client, 6, 'listLines', { extra: true }), { type: 'error', id: 6, message: 'listLines.extra is not expected' });
    assert.deepEqual(await call(client, 7, 'closeSession', { sessionId: 'no-such-session' }), { type: 'result', id: 7, result: null });
    assert.deepEqual(await call(client, 8, 'resize', { sessionId: 'no-such-session', cols: 80, rows: 24 }), { type: 'error', id: 8, message: 'That session is closed' });
    client.ws.send(Buffer.from([0, 0, 0, 9, 1]));
    assert.deepEqual(await client.next(), { type: 'error', id: null, message: 'A message was cut short' });
    client.ws.close();
  });
});

/** The UI WebSocket in this process, on a hub of its own, with the limits a test injects; what it logs is kept. */
async function startUiInProcess(limits: Pick<UiServerOptions, 'helloTimeoutMs' | 'keepAlive' | 'maxUnread'>) {
  const device = { open: openDevice, listPorts: async () => [] };
  const server = new TerminalServer({ device, log: () => {}, version: 'test' });
  const hub = new Hub({ server, device, listPorts: device.listPorts });
  const logged: string[] = [];
  const uiServer = new UiServer({ hub, staticDir: repoPath('dist', 'renderer'), port: 0, bind: '127.0.0.1', log: (line) => logged.push(line), ...limits });
  const api = `ws://${new URL(await uiServer.start()).host}/api`;
  return {
    uiServer, hub, api, logged,
    stop: async () => {
      await uiServer.stop();
      await hub.dispose();
      await server.stop();
    },
  };
}

describe('the UI WebSocket in process', () => {
  // In process: the hello timeout and the keep-alive injected (the product's 10 s and 5 s × 3
  // are not waited out), the hub at hand.
  let uiServer: UiServer;
  let hub: Hub;
  let api: string;
  let logged: string[];
  let stop: () => Promise<void>;
  before(async () => {
    ({ uiServer, hub, api, logged, stop } = await startUiInProcess({ helloTimeoutMs: 300, keepAlive: { intervalMs: 200, missed: 3 } }));
  });
  after(() => stop());

  it('closes a connection that has not presented the token in time', async () => {
    const silent = await open(api);
    assert.deepEqual(await silent.next(), { type: 'refused', message: 'no token within 0.3 s' });
    assert.equal(await silent.closed, 4001);
  });

  it('keeps a connection that presented the token past that time', async () => {
    const client = await hello(api, token());
    // A connection opened after it is refused first: the timeout would have fired by then.
    const later = await open(api);
    assert.deepEqual(await later.next(), { type: 'refused', message: 'no token within 0.3 s' });
    // A call answered after that: the welcome cancelled the timeout.
    client.ws.send(encodeFrame({ type: 'call', id: 1, method: 'listLines', request: {} }));
    assert.deepEqual(await client.next(), { type: 'result', id: 1, result: [] });
    client.ws.close();
  });

  it('passes on to the hub only a page\'s own subscription, once, however often (or whenever) it asks', async () => {
    // The hub counts the pages reading a session to know whether the source waits for a
    // terminal: its unsubscribeSession is watched (the count itself is not shown anywhere).
    const takenBack: string[] = [];
    const unsubscribe = hub.unsubscribeSession.bind(hub);
    hub.unsubscribeSession = (request) => {
      takenBack.push(request.sessionId);
      return unsubscribe(request);
    };
    const reader = await hello(api, token());
    const other = await hello(api, token());
    const { sessionId } = (await call(reader, 1, 'openSerial', { path: join(scratchDir(), 'late-device'), settings: '9600,8N1' })).result as { sessionId: string };
    try {
      await call(reader, 2, 'subscribeSession', { sessionId });
      // A page that never showed the tab, and one that asks twice at once (two frames in one read).
      assert.deepEqual(await call(other, 1, 'unsubscribeSession', { sessionId }), { type: 'result', id: 1, result: null });
      assert.deepEqual(takenBack, [], 'a page that never subscribed took back the reader\'s subscription');
      reader.tcp().write(Buffer.concat([0, 0].map(() => wsFrame(encodeFrame({ type: 'call', id: 3, method: 'unsubscribeSession', request: { sessionId } })))));
      assert.deepEqual([(await reader.next()).type, (await reader.next()).type], ['result', 'result']);
      assert.deepEqual(takenBack, [sessionId]);
      // Gone already: closing the page takes nothing more back.
      reader.ws.close();
      await reader.closed;
      other.ws.close();
      await other.closed;
      await waitFor(() => uiServer['sockets'].clients.size === 0, 'both pages gone on the server');
      assert.deepEqual(takenBack, [sessionId]);
    } finally {
      hub.unsubscribeSession = unsubscribe;
      await hub.closeSession({ sessionId });
    }
  });

  /**
   * A page with a serial tab on a device that floods, which takes the device's output without
   * acknowledging any, so that, as its only reader, it holds the device paused.
   */
  const holdingFlood = async (flood: number) => {
    const link = join(scratchDir(), 'flood-device');
    const device = await startFloodDevice(link, flood);
    const page = await hello(api, token());
    const states = new Map<string, string>();
    page.ws.on('message', (data: Buffer) => {
      const { event, payload } = decodeFrame(new Uint8Array(data)) as SessionData & { payload: { state?: string } };
      if (event === 'sessionState') states.set(payload.sessionId, payload.state!);
    });
    /** How far the hub has taken the device's output. */
    let end = 0;
    const watch = hub.onEvent(({ event, payload }) => {
      if (event === 'sessionData') end = Math.max(end, (payload as SessionData['payload']).offset + (payload as SessionData['payload']).data.length);
    });
    const { sessionId } = (await call(page, 1, 'openSerial', { path: link, settings: '115200,8N1' })).result as { sessionId: string };
    await call(page, 2, 'subscribeSession', { sessionId });
    await waitFor(() => states.get(sessionId) === 'open', 'the serial tab to be open');
    device.go();
    await waitFor(() => end > BULK_WINDOW.high, 'the page to hold the device back');
    return {
      page, sessionId, end: () => end,
      stop: async () => {
        watch.dispose();
        page.ws.terminate();
        device.stop();
        await hub.closeSession({ sessionId });
      },
    };
  };

  it('drops a page that vanished without closing (no pong, nothing read), and the device it held back goes on', async () => {
    const FLOOD = 4 * BULK_WINDOW.high;
    const held = await holdingFlood(FLOOD);
    try {
      // The laptop sleeps: the page reads nothing more and answers no ping.
      held.page.tcp().pause();
      await waitFor(() => logged.some((line) => /^ui: 127\.0\.0\.1:\d+ answered none of 3 pings: dropped as gone$/.test(line)), 'the page to be dropped');
      // Nobody reads the tab now: the scrollback takes the rest of the flood.
      await waitFor(() => held.end() === FLOOD, 'the device to send the rest');
    } finally {
      await held.stop();
    }
  });

  it('keeps a page that is slow to read but answers pings', async () => {
    const FLOOD = 4 * BULK_WINDOW.high;
    const held = await holdingFlood(FLOOD);
    let pings = 0;
    held.page.ws.on('ping', () => pings++);
    let upTo = 0;
    try {
      // Busy past the point where a silent page is dropped (the 3 pings it may miss, and one more).
      await waitFor(() => pings >= 5, 'five pings');
      assert.equal(held.page.ws.readyState, WebSocket.OPEN);
      assert.ok(held.end() < FLOOD, 'the device still waits for the page');
      // It catches up, acknowledging as its terminal parses: the flood goes on through it.
      held.page.ws.on('message', (data: Buffer) => {
        const { event, payload } = decodeFrame(new Uint8Array(data)) as SessionData;
        if (event !== 'sessionData') return;
        upTo = Math.max(upTo, payload.offset + payload.data.length);
        held.page.ws.send(encodeFrame({ type: 'call', id: 9, method: 'acknowledgeOutput', request: { sessionId: held.sessionId, upTo } }));
      });
      held.page.ws.send(encodeFrame({ type: 'call', id: 9, method: 'acknowledgeOutput', request: { sessionId: held.sessionId, upTo: held.end() } }));
      await waitFor(() => upTo === FLOOD, 'the page to get the whole flood');
      assert.equal(held.page.ws.readyState, WebSocket.OPEN);
    } finally {
      await held.stop();
    }
  });

  it('keeps a page far behind, whose pongs wait behind its output, as long as it takes that output', async () => {
    const link = join(scratchDir(), 'flood-device');
    const device = await startFloodDevice(link, 256 * 1024 * 1024);
    // One window sets the pace, acknowledging what its terminal parsed every 50 ms (a busy
    // one: the flood goes on through the pings at a few MiB a second, not as fast as this
    // machine can carry it); the other reads what it is sent but answers no ping (its pongs
    // modelled as stuck behind a backlog for good).
    const pacer = await hello(api, token());
    const behind = await hello(api, token(), { autoPong: false });
    let pings = 0;
    let read = 0;
    behind.ws.on('ping', () => pings++);
    let sessionId = '';
    let upTo = 0;
    let acknowledged = 0;
    const pace = setInterval(() => {
      if (upTo === acknowledged) return;
      acknowledged = upTo;
      pacer.ws.send(encodeFrame({ type: 'call', id: 9, method: 'acknowledgeOutput', request: { sessionId, upTo } }));
    }, 50);
    try {
      const states = new Map<string, string>();
      pacer.ws.on('message', (data: Buffer) => {
        const { event, payload } = decodeFrame(new Uint8Array(data)) as SessionData & { payload: { state?: string } };
        if (event === 'sessionState') states.set(payload.sessionId, payload.state!);
        if (event === 'sessionData') upTo = Math.max(upTo, payload.offset + payload.data.length);
      });
      behind.ws.on('message', (data: Buffer) => {
        const { event, payload } = decodeFrame(new Uint8Array(data)) as SessionData;
        if (event === 'sessionData') read += payload.data.length;
      });
      sessionId = ((await call(pacer, 1, 'openSerial', { path: link, settings: '115200,8N1' })).result as { sessionId: string }).sessionId;
      await call(pacer, 2, 'subscribeSession', { sessionId });
      await call(behind, 1, 'subscribeSession', { sessionId });
      await waitFor(() => states.get(sessionId) === 'open', 'the serial tab to be open');
      device.go();
      // Past the 3 pings a silent page may miss, and one more: it would have been dropped by now.
      await waitFor(() => pings >= 5, 'five pings to the page behind', 20_000);
      assert.equal(behind.ws.readyState, WebSocket.OPEN);
      assert.ok(read > 0);
    } finally {
      clearInterval(pace);
      pacer.ws.terminate();
      behind.ws.terminate();
      device.stop();
      if (sessionId) await hub.closeSession({ sessionId });
    }
  });

  const token = (): string => uiServer.token;
});

describe('a page that stops reading, in process', () => {
  // The limit on what a page may leave unread injected: 4 MiB, not the product's 8 MiB, so
  // that the flood that passes it is smaller; still 4 bulk windows, so that the page that
  // reads, with a bulk window of output in flight, is never the one past it. Each session a
  // page shows adds what it may owe the page: its snapshot and an output window.
  const MAX_UNREAD = 4 * BULK_WINDOW.high;
  let api: string;
  let hub: Hub;
  let logged: string[];
  let token: string;
  let stop: () => Promise<void>;
  before(async () => {
    let uiServer: UiServer;
    ({ uiServer, hub, api, logged, stop } = await startUiInProcess({ maxUnread: MAX_UNREAD }));
    token = uiServer.token;
  });
  after(() => stop());

  it('keeps a page that reloads into many full scrollbacks and is slow to take them', async () => {
    // Five tabs whose devices sent a full scrollback (10 000 lines of 400 bytes) and hung up:
    // 20 MB of snapshots, more than the limit and what the kernel's socket buffers hold
    // (3–4 MiB here) together.
    const TABS = 5;
    const full = Buffer.from(`${'x'.repeat(398)}\r\n`.repeat(DEFAULT_SCROLLBACK.maxLines));
    const devices = createServer((socket) => socket.end(full));
    await new Promise<void>((resolve) => devices.listen(0, '127.0.0.1', resolve));
    const opener = await hello(api, token);
    const page = await hello(api, token);
    const sessionIds: string[] = [];
    try {
      const states = new Map<string, string>();
      opener.ws.on('message', (data: Buffer) => {
        const { event, payload } = decodeFrame(new Uint8Array(data)) as SessionData & { payload: { state?: string } };
        if (event === 'sessionState') states.set(payload.sessionId, payload.state!);
      });
      for (let tab = 0; tab < TABS; tab++) {
        const opened = await call(opener, tab + 1, 'openTelnet', { host: '127.0.0.1', port: (devices.address() as AddressInfo).port, negotiation: 'raw' });
        sessionIds.push((opened.result as { sessionId: string }).sessionId);
      }
      await waitFor(() => sessionIds.every((sessionId) => states.get(sessionId) === 'closed'), 'every device to have sent its lines and hung up');

      // The page after a reload asks for every tab at once, and takes the answers slowly (a
      // page busy drawing, a slow link): it reads nothing until all of them were given to
      // its socket (the hub's answers, spied on for the order, and the turn that sends them).
      let answered = 0;
      const subscribe = hub.subscribeSession;
      const allAnswered = new Promise<void>((resolve) => {
        hub.subscribeSession = async (request) => {
          try {
            return await subscribe.call(hub, request);
          } finally {
            if (++answered === TABS) setImmediate(resolve);
          }
        };
      });
      page.tcp().pause();
      try {
        sessionIds.forEach((sessionId, n) => page.ws.send(encodeFrame({ type: 'call', id: 10 + n, method: 'subscribeSession', request: { sessionId } })));
        await allAnswered;
      } finally {
        hub.subscribeSession = subscribe;
        page.tcp().resume();
      }
      for (const [n] of sessionIds.entries()) {
        let reply = await page.next();
        while (reply.type === 'event') reply = await page.next();
        assert.equal(reply.id, 10 + n);
        assert.equal((reply.result as { output: Uint8Array }).output.length, full.length, `tab ${n + 1}'s whole scrollback`);
      }
      assert.equal((await call(page, 20, 'listLines', {})).type, 'result', 'the page is still connected');
      assert.ok(!logged.some((line) => /unread: disconnected/.test(line)), logged.join('\n'));

      // A page cannot raise its own limit: one session asked for again and again is owed one
      // snapshot, and ids the hub refuses owe it nothing. In one TCP write, so that the
      // snapshots are sent after every id has arrived, before the hub's refusals.
      const greedy = await hello(api, token);
      const burst = [
        ...Array.from({ length: 20 }, (_, n) => ({ type: 'call', id: 100 + n, method: 'subscribeSession', request: { sessionId: sessionIds[0] } })),
        ...Array.from({ length: 200 }, (_, n) => ({ type: 'call', id: 200 + n, method: 'subscribeSession', request: { sessionId: `no-such-session-${n}` } })),
      ];
      greedy.tcp().pause();
      greedy.tcp().write(Buffer.concat(burst.map((message) => wsFrame(encodeFrame(message)))));
      const dropped = `ui: 127.0.0.1:${greedy.tcp().localPort} left more than ${mebibytes(MAX_UNREAD + hub.owedPerShownSession)} unread: disconnected`;
      await waitFor(() => logged.includes(dropped), 'the page to be dropped at the limit of one session shown');
      greedy.ws.terminate();
    } finally {
      opener.ws.close();
      page.ws.close();
      devices.close();
      for (const sessionId of sessionIds) await hub.closeSession({ sessionId });
    }
  });

  it('drops a page that stops reading while another page reads the whole flood', async () => {
    // Past the limit (9 MiB for a page that shows one session) with what the kernel's socket
    // buffers hold (3–4 MiB here), twice over.
    const FLOOD = 28 * 1024 * 1024;
    const link = join(scratchDir(), 'flood-device');
    const device = await startFloodDevice(link, FLOOD);
    const stalled = await hello(api, token);
    const reading = await hello(api, token);
    try {
      // The order is made deterministic: the page that will stall opens the tab and takes
      // more than the pause mark without acknowledging any, so the device is paused for it.
      const states = new Map<string, string>();
      const unread = new Map<string, number>();
      stalled.ws.on('message', (data: Buffer) => {
        const { event, payload } = decodeFrame(new Uint8Array(data)) as SessionData & { payload: { state?: string } };
        if (event === 'sessionState') states.set(payload.sessionId, payload.state!);
        if (event === 'sessionData') unread.set(payload.sessionId, (unread.get(payload.sessionId) ?? 0) + payload.data.length);
      });
      const { sessionId } = (await call(stalled, 1, 'openSerial', { path: link, settings: '115200,8N1' })).result as { sessionId: string };
      await call(stalled, 2, 'subscribeSession', { sessionId });
      // Opening a serial port discards what the device sent before: the flood starts after.
      await waitFor(() => states.get(sessionId) === 'open', 'the serial tab to be open');
      device.go();
      await waitFor(() => (unread.get(sessionId) ?? 0) > BULK_WINDOW.high, 'the first page to hold the device back');
      stalled.tcp().pause();

      // The second page opens the tab: its snapshot, then live output lined up after it,
      // each batch acknowledged as a terminal does once it has parsed it.
      let upTo: number | undefined;
      let gap: string | undefined;
      const early: SessionData['payload'][] = [];
      const take = ({ offset, data }: SessionData['payload']): void => {
        if (offset > upTo!) gap ??= `output from ${offset} arrived when the page had it up to ${upTo}`;
        upTo = Math.max(upTo!, offset + data.length);
        reading.ws.send(encodeFrame({ type: 'call', id: 4, method: 'acknowledgeOutput', request: { sessionId, upTo } }));
      };
      reading.ws.on('message', (data: Buffer) => {
        const message = decodeFrame(new Uint8Array(data)) as SessionData;
        if (message.event !== 'sessionData' || message.payload.sessionId !== sessionId) return;
        if (upTo === undefined) early.push(message.payload);
        else take(message.payload);
      });
      upTo = ((await call(reading, 3, 'subscribeSession', { sessionId })).result as { end: number }).end;
      early.splice(0).forEach(take);

      // The limit for a page that shows one session.
      const limit = mebibytes(MAX_UNREAD + hub.owedPerShownSession);
      await waitFor(() => logged.includes(`ui: 127.0.0.1:${stalled.tcp().localPort} left more than ${limit} unread: disconnected`), 'the stalled page to be dropped', 60_000);
      // The tab wakes up: behind what it had not read, it finds why it was closed.
      stalled.tcp().resume();
      assert.equal(await stalled.closed, 4002);
      assert.equal(await stalled.closeReason, `This page fell more than ${limit} behind the server: reload it`);
      await waitFor(() => upTo === FLOOD || gap !== undefined, 'the reading page to get the whole flood', 60_000);
      assert.equal(gap, undefined);
      assert.equal(upTo, FLOOD);
    } finally {
      reading.ws.close();
      stalled.ws.terminate();
      device.stop();
    }
  });
});

/** As the server writes a limit: "9 MiB". */
const mebibytes = (bytes: number): string => `${Number((bytes / 1048576).toFixed(1))} MiB`;

/** One binary WebSocket frame as a client sends it (masked, with a zero key), for writing several in one TCP write. */
function wsFrame(payload: Uint8Array): Buffer {
  assert.ok(payload.length < 126);
  return Buffer.concat([Buffer.from([0x82, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}
