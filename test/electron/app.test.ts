import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startApp, type ElectronModule } from '../../electron/app.js';
import { methodChannel } from '../../electron/ipcChannels.js';
import { webPreferences } from '../../electron/windowOptions.js';
import { METHOD_NAMES } from '../../native/api/index.js';
import { freePort, scratchDir, waitFor } from '../support/peers.js';
import { TestClient } from '../support/revtel.js';
import { ElectronDouble, preventable, type BrowserWindowDouble, type MenuTemplate } from './electronDouble.js';

// electron/app.ts — the main process — run against a recording double of 'electron' (see
// its header for what that cannot prove), with the real Hub and TerminalServer behind it.

const trustedSender = { senderFrame: { url: 'app://revtel/index.html', parent: null } };

/** startApp on a fresh double, `ready` fired, and its one window. */
async function started(platform: NodeJS.Platform = 'linux'): Promise<{ double: ElectronDouble; window: BrowserWindowDouble; userData: string; logged: string[] }> {
  const userData = scratchDir();
  const double = new ElectronDouble(userData);
  const logged: string[] = [];
  startApp(double.electron as unknown as ElectronModule, { platform, log: (message) => logged.push(message) });
  double.ready();
  await waitFor(() => double.windows.length === 1 && double.applicationMenu !== undefined, 'the window');
  return { double, window: double.windows[0]!, userData, logged };
}

/** Electron's before-quit: the app lets go of its hub and lines. */
function quit(double: ElectronDouble): void {
  double.app.emit('before-quit');
}

const labels = (menu: MenuTemplate | undefined): string[] => (menu ?? []).map((item) => item.label ?? item.role ?? item.type ?? '?');
const submenu = (menu: MenuTemplate | undefined, label: string): MenuTemplate => (menu ?? []).find((item) => item.label === label || item.role === label)?.submenu ?? [];

describe('the Electron main process (against a double of electron)', () => {
  it('a second instance quits at once and sets up nothing else', () => {
    const double = new ElectronDouble(scratchDir(), false);
    startApp(double.electron as unknown as ElectronModule, { log: () => {} });
    assert.deepEqual(double.calls, ['protocol.registerSchemesAsPrivileged', 'app.requestSingleInstanceLock', 'app.quit']);
    assert.equal(double.ipcHandlers.size, 0);
  });

  it('registers app:// as privileged before ready, then serves it and opens one hardened window on it', async () => {
    const { double, window } = await started();
    try {
      const order = (call: string): number => double.calls.indexOf(call);
      assert.ok(order('protocol.registerSchemesAsPrivileged') < order('(ready)'), 'app:// is registered before ready');
      assert.ok(order('(ready)') < order('protocol.handle app'));
      assert.ok(order('protocol.handle app') < order('new BrowserWindow'), 'app:// is served before the window loads it');
      assert.deepEqual(double.privilegedSchemes, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

      const preloadPath = (window.options['webPreferences'] as { preload: string }).preload;
      assert.ok(preloadPath.endsWith(join('dist', 'electron', 'preload.cjs')));
      assert.deepEqual(window.options['webPreferences'], webPreferences(preloadPath));
      assert.equal(window.options['show'], false, 'shown once ready-to-show');
      assert.equal(window.loadedUrl, 'app://revtel/index.html');
      window.emit('ready-to-show');
      assert.equal(window.visible, true);

      const page = await double.protocolHandler!({ url: 'app://revtel/index.html' });
      assert.equal(page.status, 200);
      assert.match(page.headers.get('Content-Security-Policy') ?? '', /script-src 'self'/);
      assert.match(await page.text(), /<script[^>]+app\.js/);
      const escape = await double.protocolHandler!({ url: 'app://revtel/../../../etc/passwd' });
      assert.notEqual(escape.status, 200, 'nothing outside the renderer is served');
    } finally {
      quit(double);
    }
  });

  it('handles every channel of the contract, for the app\'s own page only', async () => {
    const { double } = await started();
    try {
      assert.deepEqual([...double.ipcHandlers.keys()].sort(), METHOD_NAMES.map(methodChannel).sort());
      assert.deepEqual(await double.ipcHandlers.get(methodChannel('listLines'))!(trustedSender, {}), { ok: true, result: [] });
      assert.deepEqual(await double.ipcHandlers.get(methodChannel('listLines'))!({ senderFrame: { url: 'https://evil.example/', parent: null } }, {}), { ok: false, message: 'Refused: not the Revtel window' });
    } finally {
      quit(double);
    }
  });

  it('builds the Windows/Linux menus: File → Quit, About under Help', async () => {
    const { double } = await started('linux');
    quit(double);
    assert.deepEqual(labels(double.applicationMenu), ['File', 'editMenu', 'View', 'windowMenu', 'help']);
    assert.deepEqual(labels(submenu(double.applicationMenu, 'File')), ['quit']);
    assert.equal(labels(submenu(double.applicationMenu, 'help'))[0], 'About Revtel');
  });

  it('builds the macOS menus: the app menu first with About, File → Close', async () => {
    const { double } = await started('darwin');
    quit(double);
    assert.deepEqual(labels(double.applicationMenu), ['Revtel', 'File', 'editMenu', 'View', 'windowMenu', 'help']);
    assert.deepEqual(labels(submenu(double.applicationMenu, 'Revtel')).slice(0, 1), ['About Revtel']);
    assert.ok(labels(submenu(double.applicationMenu, 'Revtel')).includes('quit'));
    assert.deepEqual(labels(submenu(double.applicationMenu, 'File')), ['close']);
    assert.ok(!labels(submenu(double.applicationMenu, 'help')).includes('About Revtel'));
  });

  it('denies new windows, navigation away and webviews in every page; allowed https links go to the browser', async () => {
    const { double, window } = await started();
    quit(double);
    const contents = window.webContents;
    double.app.emit('web-contents-created', {}, contents);
    assert.deepEqual(contents.windowOpenHandler!({ url: 'https://www.rfc-editor.org/rfc/rfc854' }), { action: 'deny' });
    assert.deepEqual(contents.windowOpenHandler!({ url: 'https://evil.example/' }), { action: 'deny' });
    assert.ok(double.calls.includes('shell.openExternal https://www.rfc-editor.org/rfc/rfc854'));
    assert.ok(!double.calls.some((call) => call.includes('evil.example')), 'a link to another host is not opened');
    const away = preventable();
    contents.emit('will-navigate', away, 'https://evil.example/');
    assert.equal(away.prevented, true);
    const within = preventable();
    contents.emit('will-navigate', within, 'app://revtel/index.html');
    assert.equal(within.prevented, false);
    const webview = preventable();
    contents.emit('will-attach-webview', webview);
    assert.equal(webview.prevented, true);
  });

  it('a second instance brings the window back: restored, shown, focused', async () => {
    const { double, window } = await started();
    quit(double);
    window.minimized = true;
    const before = double.calls.length;
    double.app.emit('second-instance');
    assert.deepEqual(double.calls.slice(before), ['window.restore', 'window.show', 'window.focus']);
  });

  it('closing with no clients on the lines quits, and keeps the window\'s bounds', async () => {
    const { double, window, userData } = await started();
    try {
      const close = preventable();
      window.emit('close', close);
      assert.equal(close.prevented, true, 'held until the lines are checked');
      await waitFor(() => double.calls.includes('app.quit'), 'the quit');
      assert.ok(!double.calls.some((call) => call.startsWith('dialog.')), 'nobody to ask about');
      assert.ok(existsSync(join(userData, 'window.json')));
      assert.deepEqual(JSON.parse(readFileSync(join(userData, 'window.json'), 'utf8')), { x: 10, y: 20, width: 1000, height: 700 });
    } finally {
      quit(double);
    }
  });

  it('closing while a line has a client asks: cancel keeps all, tray keeps serving, quit from the tray ends it', async () => {
    const { double, window } = await started();
    const tcpPort = await freePort();
    try {
      const expose = await double.ipcHandlers.get(methodChannel('exposeLine'))!(trustedSender, { device: 'demo', settings: '9600,8N1', tcpPort, bind: '127.0.0.1', protocol: 'telnet', multi: 'shared', allow: [] });
      assert.equal((expose as { ok: boolean }).ok, true, JSON.stringify(expose));
      const client = await TestClient.connect(tcpPort);
      // Typing before the line's device is open would be discarded.
      await waitFor(async () => {
        const lines = await double.ipcHandlers.get(methodChannel('listLines'))!(trustedSender, {}) as { result: { devicePresent: boolean; clients: unknown[] }[] };
        return lines.result[0]?.devicePresent === true && lines.result[0].clients.length === 1;
      }, 'the device open and the client on the line');

      double.messageBoxAnswer = 2; // Cancel
      window.emit('close', preventable());
      await waitFor(() => double.calls.some((call) => call.startsWith('dialog.showMessageBoxSync')), 'the question');
      assert.match(double.calls.find((call) => call.startsWith('dialog.'))!, /1 client is connected to .*\(1\)\. Quitting disconnects them\./);
      assert.ok(!double.calls.includes('app.quit') && !double.calls.includes('window.hide'), 'cancel: nothing happens');

      double.messageBoxAnswer = 0; // Keep serving in the tray
      window.emit('close', preventable());
      await waitFor(() => double.trays.length === 1, 'the tray');
      assert.ok(double.calls.includes('window.hide'));
      assert.ok(!double.calls.includes('app.quit'));
      assert.equal(double.trays[0]!.tooltip, 'Revtel is serving its lines');
      double.app.emit('window-all-closed');
      assert.ok(!double.calls.includes('app.quit'), 'with the tray, closing the last window does not quit');
      client.type('\r');
      await client.expect('Router>');

      const quitItem = double.trays[0]!.menu!.find((item) => item.label === 'Quit and disconnect everyone')!;
      quitItem.click!();
      assert.ok(double.calls.includes('app.quit'));
      quit(double);
      await waitFor(() => client.closed, 'the client to be disconnected at quit');
      client.close();
    } finally {
      quit(double);
    }
    // The line let go of its port.
    await new Promise<void>((resolve, reject) => connect(tcpPort, '127.0.0.1').on('connect', () => reject(new Error('still listening'))).on('error', () => resolve()));
  });

  it('without a tray, closing the last window quits', async () => {
    const { double } = await started();
    quit(double);
    double.app.emit('window-all-closed');
    assert.ok(double.calls.includes('app.quit'));
  });
});
