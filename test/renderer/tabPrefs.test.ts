import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openUiPage, screenshot, startUi, waitForTerminal } from '../support/browser.js';
import type { Served } from '../support/revtel.js';

// A tab's choices (encoding, what Enter sends, paste pacing) are kept by the hub with its
// session, so a reload finds the tab as the user left it.

describe('tab choices that survive a reload', () => {
  let browser: Browser;
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
    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.press('Enter');
    await waitForTerminal(page, 'Router>');
    const menu = await openMenu(page, 'Terminal');
    await menu.getByLabel('Encoding').selectOption('latin1');
    await menu.getByLabel('Enter sends').selectOption('CRLF');
    await (await openMenu(page, 'Paste')).getByLabel('Delay per line in ms').fill('250');

    await page.reload();
    await waitForTerminal(page, 'Router>');
    const terminal = await openMenu(page, 'Terminal');
    await screenshot(page, 'tab-prefs-after-reload');
    assert.equal(await terminal.getByLabel('Encoding').inputValue(), 'latin1');
    assert.equal(await terminal.getByLabel('Enter sends').inputValue(), 'CRLF');
    assert.equal(await (await openMenu(page, 'Paste')).getByLabel('Delay per line in ms').inputValue(), '250');
    await page.close();
  });
});
