import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type UiBrowser, openUiPage, screenshot, startUi } from '../support/browser.js';
import { waitFor } from '../support/peers.js';
import type { Served } from '../support/revtel.js';

// A tab's choices (encoding, what Enter sends, paste pacing) are kept by the hub with its
// session, so a reload finds the tab as the user left it.

describe('tab choices that survive a reload', () => {
  let browser: UiBrowser;
  let served: Served;
  let url: string;

  before(async () => {
    ({ served, url } = await startUi([]));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  const openMenu = async (page: Page, label: string) => {
    await page.locator('summary', { hasText: label }).click();
    return page.getByRole('group', { name: label });
  };

  it('keeps the encoding, Enter and paste pacing of a tab across a reload', async () => {
    const page = await openUiPage(browser, url);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.locator('.status-bar [data-state="open"]').waitFor();
    const menu = await openMenu(page, 'Terminal');
    await menu.getByLabel('Encoding').selectOption('latin1');
    await menu.getByLabel('Enter sends').selectOption('CRLF');
    await (await openMenu(page, 'Paste')).getByLabel('Delay per line in ms').fill('250');

    await page.reload();
    await page.locator('.status-bar [data-state="open"]').waitFor();
    const terminal = await openMenu(page, 'Terminal');
    // The tab's choices come with its replay, just after the tab shows.
    await waitFor(async () => (await terminal.getByLabel('Encoding').inputValue()) === 'latin1', 'the encoding to be Latin-1 again');
    await screenshot(page, 'tab-prefs-after-reload');
    assert.equal(await terminal.getByLabel('Enter sends').inputValue(), 'CRLF');
    assert.equal(await (await openMenu(page, 'Paste')).getByLabel('Delay per line in ms').inputValue(), '250');
    await page.close();
  });
});
