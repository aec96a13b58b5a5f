import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bindIpc, isTrustedSender, type FrameLike, type InvokeEventLike, type IpcMainLike } from '../../electron/ipc.js';
import { createPreloadApi } from '../../electron/preloadApi.js';
import { METHOD_NAMES, type ApiEvents, type RevtelApi } from '../../native/api/index.js';
import { Hub } from '../../native/hub/Hub.js';
import { openDevice } from '../../native/hub/openDevice.js';
import { TerminalServer } from '../../native/server/TerminalServer.js';
import { waitFor } from '../support/peers.js';

// The preload and the IPC binding, wired to each other through in-process doubles of
// ipcMain, ipcRenderer and webContents (Electron itself cannot run here), with a real Hub.

const appFrame: FrameLike = { url: 'app://revtel/index.html', parent: null };

class FakeIpc implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  readonly rendererListeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>();
  readonly sends: { channel: string; args: unknown[] }[] = [];
  frame: FrameLike | null = appFrame;

  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void {
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** ipcRenderer's side: invoke goes to the handler with the current sender frame. */
  readonly renderer = {
    invoke: async (channel: string, ...args: unknown[]): Promise<unknown> => {
      const handler = this.handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return handler({ senderFrame: this.frame }, ...args);
    },
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void): void => {
      this.rendererListeners.set(channel, [...(this.rendererListeners.get(channel) ?? []), listener]);
    },
  };

  /** webContents: what main sends reaches the renderer's listeners with an event object first. */
  readonly webContents = {
    send: (channel: string, ...args: unknown[]): void => {
      this.sends.push({ channel, args });
      for (const listener of this.rendererListeners.get(channel) ?? []) listener({ sender: 'an IpcRendererEvent' }, ...args);
    },
    isDestroyed: (): boolean => false,
  };
}

describe('Electron IPC: preload ↔ main', () => {
  let ipc: FakeIpc;
  let hub: Hub;
  let server: TerminalServer;
  let api: RevtelApi;
  const calls: string[] = [];
  const logged: string[] = [];

  before(() => {
    ipc = new FakeIpc();
    server = new TerminalServer({ device: { open: openDevice }, log: () => {}, version: 'test' });
    hub = new Hub({ server, device: { open: openDevice }, listPorts: async () => [] });
    // Record which hub methods run, to prove refused calls never reach it.
    const spied = new Proxy(hub, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value === 'function' && METHOD_NAMES.includes(property as never)) {
          return (...args: unknown[]) => {
            calls.push(String(property));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    bindIpc(ipc, spied, ipc.webContents, (message) => logged.push(message));
    api = createPreloadApi(ipc.renderer);
  });
  after(async () => {
    await hub.dispose();
    await server.stop();
  });

  it('handles every method of the contract in main and exposes every one in the preload', () => {
    assert.deepEqual([...ipc.handlers.keys()].sort(), METHOD_NAMES.map((method) => `revtel:${method}`).sort());
    for (const method of METHOD_NAMES) assert.equal(typeof api[method], 'function', method);
    assert.equal(typeof api.on, 'function');
  });

  it('runs a call from the app window end to end', async () => {
    const session = await api.openDemo({});
    assert.equal(session.kind, 'serial');
    assert.equal(session.title, 'demo router');
    assert.deepEqual(await api.listLines({}), []);
  });

  it('refuses calls from another origin or a sub-frame before the hub sees them', async () => {
    const before = calls.length;
    for (const frame of [{ url: 'https://evil.example/', parent: null }, { url: 'app://revtel/index.html', parent: appFrame }, { url: 'file:///etc/passwd', parent: null }, null]) {
      ipc.frame = frame;
      await assert.rejects(api.listPorts({}), /Refused: not the Revtel window/);
    }
    ipc.frame = appFrame;
    assert.equal(calls.length, before, 'no refused call reached the hub');
    assert.match(logged.join('\n'), /ipc: listPorts refused from https:\/\/evil\.example\//);
  });

  it('refuses an invalid payload with a sentence, before the hub sees it', async () => {
    const before = calls.length;
    const raw = ipc.renderer;
    assert.deepEqual(await raw.invoke('revtel:openTelnet', { host: 'router', port: 0 }), { ok: false, message: 'openTelnet.port must be a whole number from 1 to 65535' });
    assert.deepEqual(await raw.invoke('revtel:write', { sessionId: 'x', data: [1, 2, 3] }), { ok: false, message: 'write.data must be bytes' });
    assert.deepEqual(await raw.invoke('revtel:sendBreak', { sessionId: 'x', durationMs: 300, extra: 1 }), { ok: false, message: 'sendBreak.extra is not expected' });
    await assert.rejects(api.openSerial({ path: '/dev/ttyUSB0', settings: '9600,9N1' }), /9 data bits: use 5, 6, 7 or 8/);
    assert.deepEqual(calls.slice(before), ['openSerial'], 'only the well-formed call reached the hub');
  });

  it('delivers events to the page batched, as payloads without Electron event objects', async () => {
    const received: ApiEvents['sessionState'][] = [];
    api.on('sessionState', (payload) => received.push(payload));
    const sendsBefore = ipc.sends.length;
    const opened = await Promise.all([api.openDemo({}), api.openDemo({})]);
    await waitFor(() => received.filter((state) => state.state === 'open').length >= 2, 'both sessions to open');
    const batches = ipc.sends.slice(sendsBefore);
    assert.ok(batches.every((send) => send.channel === 'revtel:events' && Array.isArray(send.args[0])));
    assert.ok(batches.some((send) => (send.args[0] as unknown[]).length > 1), 'several events crossed in one message');
    for (const payload of received) assert.equal('sender' in payload, false);
    const reported = new Set(received.filter((state) => state.state === 'open').map((state) => state.sessionId));
    for (const session of opened) assert.ok(reported.has(session.sessionId), `session ${session.sessionId} was reported open`);
  });

  it('trusts only the main frame of app://revtel', () => {
    assert.equal(isTrustedSender(appFrame), true);
    assert.equal(isTrustedSender({ url: 'app://revtel.evil/index.html', parent: null }), false);
    assert.equal(isTrustedSender({ url: 'not a url', parent: null }), false);
  });
});
