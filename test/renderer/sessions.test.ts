import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openTelnetDialog, screenshot, tabShown, waitForTerminal } from '../support/browser.js';
import { demoUi, showTab } from '../support/demoUi.js';

// Sessions belong to `revtel serve`, not to a page: a reload or a second window finds the
// same tabs in the same order with their scrollback and traces; a close in one window
// shows in the other; detach and reconnect act on the one session the server holds.

describe('sessions that survive the page', () => {
  const ui = demoUi();

  const newPage = (): Promise<Page> => ui.page({ width: 1400, height: 860 });
  const tabTitles = async (page: Page): Promise<string[]> => (await page.getByRole('tab').allInnerTexts()).map((title) => title.replace(/×/g, '').trim());

  it('keeps tabs, scrollback, trace and modes across a reload, and shows them to a second window in the same order', async () => {
    const page = await newPage();
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.press('Enter');
    await waitForTerminal(page, 'Router>');
    await page.keyboard.type('enable');
    await page.keyboard.press('Enter');
    await page.keyboard.type('show version');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, 'Configuration register is 0x2102');

    await openTelnetDialog(page, '127.0.0.1', ui.linePort);
    const trace = page.getByRole('list', { name: 'Trace lines' });
    await trace.getByText('RCVD WILL ECHO').first().waitFor();
    await waitForTerminal(page, `[revtel] port ${ui.linePort}: demo 9600,8N1`);
    await page.locator('.status-bar .mode').getByText('character mode, remote echo').waitFor();
    const before = await tabTitles(page);
    assert.deepEqual(before, ['demo router', `127.0.0.1:${ui.linePort}`]);

    await page.reload();
    await page.getByRole('heading', { name: 'Serial ports' }).waitFor();
    await page.getByRole('tab').nth(1).waitFor();
    assert.deepEqual(await tabTitles(page), before);
    await showTab(page, new RegExp(`127\\.0\\.0\\.1:${ui.linePort}`));
    await page.getByRole('list', { name: 'Trace lines' }).getByText('RCVD WILL ECHO').first().waitFor();
    await page.getByRole('list', { name: 'Trace lines' }).getByText('SENT DO ECHO').first().waitFor();
    await waitForTerminal(page, `[revtel] port ${ui.linePort}: demo 9600,8N1`);
    await page.locator('.status-bar .mode').getByText('character mode, remote echo').waitFor();
    await showTab(page, /demo router/);
    await waitForTerminal(page, 'Configuration register is 0x2102');
    // The replayed tab is live: typing reaches the same router, still in enable mode.
    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /Router#\s*$/);
    await screenshot(page, '10-after-reload');

    const second = await newPage();
    await second.getByRole('tab').nth(1).waitFor();
    assert.deepEqual(await tabTitles(second), before);
    await showTab(second, /demo router/);
    await waitForTerminal(second, 'Configuration register is 0x2102');
    await second.close();
    await page.close();
  });

  it('closes a session everywhere, and the other window says so', async () => {
    const first = await newPage();
    const second = await newPage();
    await second.getByRole('tab', { name: /demo router/ }).waitFor();
    await second.getByRole('tab', { name: /demo router/ }).getByRole('button', { name: 'Close demo router' }).click();
    await first.getByRole('alert').filter({ hasText: 'demo router was closed in another window' }).waitFor();
    await first.getByRole('tab', { name: /demo router/ }).waitFor({ state: 'detached' });
    assert.deepEqual(await tabTitles(first), [`127.0.0.1:${ui.linePort}`]);
    assert.deepEqual(await tabTitles(second), [`127.0.0.1:${ui.linePort}`]);
    // The window that closed it is not told of its own close.
    assert.equal(await second.getByRole('alert').filter({ hasText: 'closed in another window' }).count(), 0);
    await screenshot(first, '11-closed-elsewhere');
    await first.reload();
    await first.getByRole('tab').first().waitFor();
    assert.deepEqual(await tabTitles(first), [`127.0.0.1:${ui.linePort}`]);
    await first.close();
    await second.close();
  });

  it('detaches a session (it keeps running, listed apart in every window) and attaches it again', async () => {
    const first = await newPage();
    const second = await newPage();
    // The earlier test's telnet tab, on the same demo router, is shown until the new one is.
    const earlierTabs = await first.getByRole('tab').count();
    await first.getByRole('button', { name: 'Open', exact: true }).click();
    await tabShown(first, earlierTabs);
    await first.locator('.terminal-area .xterm').click();
    await first.keyboard.press('Enter');
    await waitForTerminal(first, 'Router>');
    await second.getByRole('tab', { name: /demo router/ }).waitFor();
    await first.getByRole('button', { name: 'Detach' }).click();
    for (const page of [first, second]) {
      await page.getByRole('tab', { name: /demo router/ }).waitFor({ state: 'detached' });
      await page.getByRole('heading', { name: 'Detached sessions' }).waitFor();
    }
    await screenshot(first, '12-detached');
    await second.getByRole('button', { name: 'Attach' }).click();
    await second.getByRole('tab', { name: /demo router/ }).waitFor();
    await showTab(second, /demo router/);
    await waitForTerminal(second, 'Router>');
    await first.getByRole('tab', { name: /demo router/ }).waitFor();
    await first.close();
    await second.close();
  });

  it('reconnects a closed session in its own tab: no second tab, before or after a reload', async () => {
    const page = await newPage();
    await showTab(page, new RegExp(`127\\.0\\.0\\.1:${ui.linePort}`));
    // The line kicks its client: the telnet tab's session ends.
    await page.getByRole('button', { name: /1 client/ }).first().click();
    await page.getByRole('table', { name: 'Clients' }).getByRole('button', { name: 'Kick' }).first().click();
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
    await page.locator('.status-bar [data-state="closed"]').waitFor();
    const before = await tabTitles(page);
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await page.locator('.status-bar [data-state="open"]').waitFor();
    assert.deepEqual(await tabTitles(page), before);
    // Kept: what the tab showed before the reconnect, and the new connection's banner after it.
    await waitForTerminal(page, /disconnected by the operator[\s\S]*\[revtel\] port/);
    await page.reload();
    await page.getByRole('tab').first().waitFor();
    await page.getByRole('tab').nth(before.length - 1).waitFor();
    assert.deepEqual(await tabTitles(page), before);
    await page.close();
  });
});
