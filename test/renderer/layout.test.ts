import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type UiBrowser, openTelnetDialog, openUiPage, screenshot, startUi, waitForTerminal } from '../support/browser.js';
import { startTelnetd, type Peer } from '../support/peers.js';
import type { Served } from '../support/revtel.js';

// Room for the terminal at 1280×720: a shell behind inetutils telnetd reports, through
// `stty size`, the window size Revtel negotiated (NAWS) — what a Cisco console would wrap at.

describe('room for the terminal', () => {
  let browser: UiBrowser;
  let served: Served;
  let url: string;
  let telnetd: Peer & { readonly port: number };
  let page: Page;

  before(async () => {
    telnetd = await startTelnetd('/bin/sh');
    ({ served, url } = await startUi([]));
    browser = await launchBrowser();
    page = await openUiPage(browser, url);
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    await telnetd?.stop();
  });

  /** The rows and columns the shell behind telnetd sees now. */
  let asked = 0;
  const sttySize = async (): Promise<{ rows: number; cols: number }> => {
    const marker = `size${++asked}`;
    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.type(`echo ${marker} $(stty size)`);
    await page.keyboard.press('Enter');
    const pattern = new RegExp(`^${marker} (\\d+) (\\d+)`, 'm');
    await waitForTerminal(page, pattern);
    const match = pattern.exec(await page.evaluate<string>(`window.revtelTerminalText(document.querySelector('.terminal-area .terminal-host').dataset.sessionId)`))!;
    return { rows: Number(match[1]), cols: Number(match[2]) };
  };

  it('gives a telnet tab at least 80 columns at 1280×720 with the sidebar and the trace open', async () => {
    await openTelnetDialog(page, '127.0.0.1', telnetd.port);
    await page.getByRole('list', { name: 'Trace lines' }).getByText('SENT SB NAWS', { exact: false }).first().waitFor();
    await page.getByRole('heading', { name: 'Serial ports' }).waitFor();
    const size = await sttySize();
    assert.ok(size.cols >= 80, `stty size says ${size.cols} columns`);
    await screenshot(page, '30-telnet-1280x720');
  });

  it('gives more room with the sidebar hidden and the trace below, and the pane can be resized', async () => {
    const before = await sttySize();
    await page.getByRole('button', { name: 'Hide the sidebar' }).click();
    await page.getByRole('heading', { name: 'Serial ports' }).waitFor({ state: 'detached' });
    const wider = await sttySize();
    assert.ok(wider.cols > before.cols + 20, `hiding the sidebar: ${before.cols} → ${wider.cols} columns`);
    // The splitter: 100 px more trace pane is about 12 columns fewer.
    const splitter = page.getByRole('separator', { name: 'Trace pane size' });
    const box = (await splitter.boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + 100);
    await page.mouse.down();
    await page.mouse.move(box.x - 98, box.y + 100, { steps: 5 });
    await page.mouse.up();
    const narrower = await sttySize();
    assert.ok(narrower.cols < wider.cols - 8, `a wider trace pane: ${wider.cols} → ${narrower.cols} columns`);
    await page.getByLabel('Trace pane', { exact: true }).selectOption('below');
    const below = await sttySize();
    await screenshot(page, '31-trace-below-no-sidebar');
    assert.ok(below.cols > narrower.cols + 20 && below.rows < narrower.rows, `trace below: ${JSON.stringify(narrower)} → ${JSON.stringify(below)}`);
    await page.getByLabel('Trace pane', { exact: true }).selectOption('hidden');
    await page.getByRole('list', { name: 'Trace lines' }).waitFor({ state: 'detached' });
    await page.getByLabel('Trace pane', { exact: true }).selectOption('right');
    await page.getByRole('button', { name: 'Show the sidebar' }).click();
  });

  it('keeps the tab bar one row high with many tabs: it scrolls instead of wrapping', async () => {
    const tabs = page.getByRole('tablist');
    const oneRow = (await tabs.boundingBox())!.height;
    for (let n = 0; n < 8; n++) {
      await page.getByRole('button', { name: 'Open', exact: true }).click();
    }
    await page.getByRole('tab').nth(8).waitFor();
    const box = (await tabs.boundingBox())!;
    assert.ok(box.height <= oneRow + 1, `the tab bar grew from ${oneRow} to ${box.height} px`);
    const scrolls = await tabs.evaluate((element) => element.scrollWidth > element.clientWidth);
    assert.ok(scrolls, 'nine tabs overflow the bar and it scrolls');
    await screenshot(page, '32-many-tabs');
  });
});
