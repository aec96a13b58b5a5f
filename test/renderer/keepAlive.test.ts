import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, openUiPage, type UiBrowser } from '../support/browser.js';
import { repoPath } from '../support/repo.js';
import { Hub } from '../../native/hub/Hub.js';
import { openDevice } from '../../native/hub/openDevice.js';
import { TerminalServer } from '../../native/server/TerminalServer.js';
import { UiServer } from '../../native/transport/UiServer.js';

// The keep-alive against a real Chromium page: a page whose script is busy (parsing a flood,
// a long task) is not taken for a vanished one, because the browser, not the script,
// answers pings. In process, so that the ping interval is injected (the product's 5 s × 3
// are not waited out).

describe('the UI keep-alive with a real browser', () => {
  const logged: string[] = [];
  let server: TerminalServer;
  let hub: Hub;
  let uiServer: UiServer;
  let url: string;
  let browser: UiBrowser;
  before(async () => {
    const device = { open: openDevice, listPorts: async () => [] };
    server = new TerminalServer({ device, log: () => {}, version: 'test' });
    hub = new Hub({ server, device, listPorts: device.listPorts });
    uiServer = new UiServer({ hub, staticDir: repoPath('dist', 'renderer'), port: 0, bind: '127.0.0.1', log: (line) => logged.push(line), keepAlive: { intervalMs: 100, missed: 3 } });
    url = await uiServer.start();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await uiServer?.stop();
    await hub?.dispose();
    await server?.stop();
  });

  it('keeps a page whose script is busy for many ping intervals', async () => {
    const page = await openUiPage(browser, url);
    // Two seconds of script that never yields: 20 pings, 6 times the 3 a silent page may miss.
    await page.evaluate('(() => { const end = Date.now() + 2000; while (Date.now() < end); })()');
    // Still connected: a session opened from it afterwards shows its tab.
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('tab', { name: /demo router/ }).waitFor();
    assert.deepEqual(logged.filter((line) => line.includes('dropped as gone')), []);
    await page.close();
  });
});
