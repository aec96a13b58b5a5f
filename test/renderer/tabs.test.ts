import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openTelnetDialog, screenshot, tabShown, waitForTerminal } from '../support/browser.js';
import { demoUi, showTab } from '../support/demoUi.js';

// The tab bar as a window's own: the tab a window showed is shown again after a reload
// (sessionStorage, which a reload keeps and a second window does not share); a second
// window starts at the first tab; a remembered tab closed meanwhile gives way to the tab now
// at its place. Tabs to one destination are numbered by the server, so every window and
// every reload shows the same names.

describe('the tab a window shows', () => {
  const ui = demoUi();

  const tabTitles = async (page: Page): Promise<string[]> => (await page.getByRole('tab').allInnerTexts()).map((title) => title.replace(/×/g, '').trim());
  const shown = async (page: Page): Promise<string> => (await page.getByRole('tab', { selected: true }).innerText()).replace(/×/g, '').trim();
  const telnetTab = (): RegExp => new RegExp(`127\\.0\\.0\\.1:${ui.linePort}`);
  /** Closes every tab, so that the next test starts with none. */
  const closeAll = async (page: Page): Promise<void> => {
    while (await page.getByRole('tab').count() > 0) await page.getByRole('tab').first().getByRole('button', { name: /^Close / }).click();
  };

  it('is the same after a reload; a second window shows the first tab; a tab closed meanwhile gives way to its neighbour', async () => {
    const page = await ui.page({ width: 1400, height: 860 });
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await openTelnetDialog(page, '127.0.0.1', ui.linePort);
    await waitForTerminal(page, `[revtel] port ${ui.linePort}`);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    // Shown, not only drawn: the answer to Open, which shows it, must not come after the click below.
    await tabShown(page, 2);
    const titles = await tabTitles(page);
    await showTab(page, telnetTab());
    assert.equal(await shown(page), titles[1]);

    await page.reload();
    await page.getByRole('tab').nth(2).waitFor();
    assert.equal(await shown(page), titles[1]);
    // The terminal shown is that tab's, not only its title lit.
    await waitForTerminal(page, `[revtel] port ${ui.linePort}`);
    await screenshot(page, '13-active-tab-after-reload');

    // A window of its own: nothing remembered, the first tab, as a browser window opens on its first.
    const second = await ui.page({ width: 1400, height: 860 });
    await second.getByRole('tab').nth(2).waitFor();
    assert.equal(await shown(second), titles[0]);
    // Its choice is its own: the first window is not moved by it, even across a reload.
    await second.getByRole('tab').nth(2).locator('.tab-title').click();
    assert.equal(await shown(second), titles[2]);
    await page.reload();
    await page.getByRole('tab').nth(2).waitFor();
    assert.equal(await shown(page), titles[1]);

    // The first window goes elsewhere, its tab is closed from the second meanwhile, and it comes back.
    await page.goto('about:blank');
    await second.getByRole('button', { name: `Close ${titles[1]}` }).click();
    await second.getByRole('tab', { name: telnetTab() }).waitFor({ state: 'detached' });
    await page.goto(ui.url);
    await page.getByRole('tab').nth(1).waitFor();
    assert.deepEqual(await tabTitles(page), [titles[0], titles[2]]);
    assert.equal(await shown(page), titles[2], 'the tab now where the closed one was');
    await second.close();
    await closeAll(page);
    await page.close();
  });

  it('numbers tabs to one destination as SecureCRT and Tabby do, the same after a reload and in every window', async () => {
    const page = await ui.page({ width: 1400, height: 860 });
    const open = page.getByRole('button', { name: 'Open', exact: true });
    await open.click();
    await page.getByRole('tab').nth(0).waitFor();
    await open.click();
    await page.getByRole('tab').nth(1).waitFor();
    assert.deepEqual(await tabTitles(page), ['demo router', 'demo router (2)']);
    // The sentences about a tab name it as its tab does.
    await page.getByRole('button', { name: 'Close demo router (2)' }).waitFor();
    await screenshot(page, '14-numbered-tabs');

    await page.reload();
    await page.getByRole('tab').nth(1).waitFor();
    assert.deepEqual(await tabTitles(page), ['demo router', 'demo router (2)']);
    const second = await ui.page({ width: 1400, height: 860 });
    await second.getByRole('tab').nth(1).waitFor();
    assert.deepEqual(await tabTitles(second), ['demo router', 'demo router (2)']);

    // A tab keeps its number while it lives: closing the first does not rename the second,
    // and the next one takes the number set free.
    await page.getByRole('button', { name: 'Close demo router', exact: true }).click();
    await second.getByRole('alert').filter({ hasText: 'demo router was closed in another window' }).waitFor();
    assert.deepEqual(await tabTitles(second), ['demo router (2)']);
    await open.click();
    await page.getByRole('tab').nth(1).waitFor();
    await second.getByRole('tab').nth(1).waitFor();
    assert.deepEqual(await tabTitles(page), ['demo router (2)', 'demo router']);
    assert.deepEqual(await tabTitles(second), ['demo router (2)', 'demo router']);
    await second.close();
    await closeAll(page);
    await page.close();
  });
});
