import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type UiBrowser, openSerialDialog, screenshot, startUi, waitForTerminal } from '../support/browser.js';
import { openPtyEnd, scratchDir, startPtyPair, waitFor, type PtyPair } from '../support/peers.js';
import type { Served } from '../support/revtel.js';

// A session log is written by `revtel serve`, not by the page: a reload in the middle of it
// loses nothing the device sent, even what it sent while no page was open.

const STAMP = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] /gm;

describe('session logs in the back end', () => {
  let browser: UiBrowser;
  let served: Served;
  let pty: PtyPair;
  let configHome: string;
  let page: Page;

  before(async () => {
    pty = await startPtyPair(scratchDir());
    configHome = scratchDir();
    let url: string;
    ({ served, url } = await startUi([], 0, configHome));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(url);
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    await pty?.stop();
  });

  it('holds every byte the device sent across a reload, each line time-stamped', async () => {
    await openSerialDialog(page, pty.device);
    await page.locator('.status-bar [data-state="open"]').waitFor();
    await page.locator('summary', { hasText: 'Terminal' }).click();
    await page.getByLabel('Log file name').fill('{host}-{date}');
    await page.getByRole('button', { name: 'Log to file' }).click();
    await page.getByLabel('Logging to').waitFor();
    await page.locator('summary', { hasText: 'Terminal' }).click();
    await screenshot(page, '70-logging');

    const device = openPtyEnd(pty.remote);
    try {
      let sent = '';
      const say = (text: string) => {
        sent += text;
        device.output.write(Buffer.from(text, 'latin1'));
      };
      for (let n = 0; n < 200; n++) say(`\x1b[32mGi0/${n}\x1b[0m up up   uplink_${n}_to_core\r\n`);
      say('before the reload\r\n');
      await waitForTerminal(page, 'before the reload');
      const reloading = page.reload();
      // Sent while the page is away: only the back end is there to log it.
      for (let n = 0; n < 100; n++) say(`during the reload ${n} \xe9\r\n`);
      await reloading;
      say('after the reload\r\n');
      await waitForTerminal(page, 'after the reload');
      await page.locator('summary', { hasText: 'Terminal' }).click();
      await page.getByRole('button', { name: 'Stop log' }).click();
      await page.getByLabel('Logging to').waitFor({ state: 'detached' });

      const logs = readdirSync(join(configHome, 'revtel', 'logs'));
      assert.equal(logs.length, 1);
      assert.match(logs[0]!, new RegExp(`^${pty.device.replace(/[^\w.-]+/g, '_')}-\\d{4}-\\d\\d-\\d\\d\\.log$`));
      const log = readFileSync(join(configHome, 'revtel', 'logs', logs[0]!), 'latin1');
      assert.equal((log.match(STAMP) ?? []).length, 302, 'one stamp per line');
      assert.equal(log.replace(STAMP, ''), sent);
    } finally {
      device.close();
    }
  });

  it('writes a log without escape sequences when asked', async () => {
    await waitFor(async () => (await page.getByLabel('Logging to').count()) === 0, 'no log running');
    await page.getByLabel('without escape sequences').check();
    await page.getByLabel('Log file name').fill('plain');
    await page.getByRole('button', { name: 'Log to file' }).click();
    await page.getByLabel('Logging to').waitFor();
    const device = openPtyEnd(pty.remote);
    try {
      device.output.write('\x1b]0;title\x07\x1b[1;31mshow\x1b[0m ver\r\n');
      await waitForTerminal(page, 'show ver');
      await page.getByRole('button', { name: 'Stop log' }).click();
      await page.getByLabel('Logging to').waitFor({ state: 'detached' });
      assert.equal(readFileSync(join(configHome, 'revtel', 'logs', 'plain.log'), 'latin1').replace(STAMP, ''), 'show ver\n');
    } finally {
      device.close();
    }
  });
});
