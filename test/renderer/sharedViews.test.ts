import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { freePort } from '../support/peers.js';
import { launchBrowser, type UiBrowser, openTelnetDialog, openUiPage, screenshot, startUi, waitForTerminal } from '../support/browser.js';
import type { Served } from '../support/revtel.js';

// One line seen from several places. Two windows on one session: a tab's choices and the
// look (font size) reach the other window as they change, without a reload; and the
// terminal size the server is told (NAWS) is the size of the window the user last typed
// in, as tmux's "latest" does. The operator's own view of the line: named as such in the
// clients dialog (not an anonymous writer), and able to take the keyboard from a remote
// writer — who is told, in its own terminal — and give it back.

describe('windows and views on one line', () => {
  let browser: UiBrowser;
  let served: Served;
  let url: string;
  let linePort: number;

  before(async () => {
    linePort = await freePort();
    ({ served, url } = await startUi(['--line', `${linePort}:demo`]));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  const showTab = (page: Page, name: RegExp) => page.getByRole('tab', { name }).locator('.tab-title').click();
  const openMenu = async (page: Page, label: string) => {
    await page.locator('.toolbar summary', { hasText: label }).click();
    return page.getByRole('group', { name: label });
  };
  const size = async (page: Page): Promise<string> => {
    const geometry = await page.evaluate<{ cols: number; rows: number }>(`(() => {
      const id = document.querySelector('.terminal-area .terminal-host').dataset.sessionId;
      return window.revtelTerminalGeometry(id);
    })()`);
    return `${geometry.cols}x${geometry.rows}`;
  };
  /** What the line's side of the connection was last told by NAWS, from its clients table. */
  const nawsSeenByLine = async (page: Page, expected: string): Promise<void> => {
    await page.getByRole('button', { name: '1 client' }).click();
    await page.getByRole('table', { name: 'Clients' }).getByRole('cell', { name: new RegExp(`NAWS ${expected}\\b`) }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
  };

  it('shows a tab choice and a font change made in one window in the other at once', async () => {
    const first = await openUiPage(browser, url);
    await openTelnetDialog(first, '127.0.0.1', linePort);
    await waitForTerminal(first, `[revtel] port ${linePort}`);
    const second = await openUiPage(browser, url);
    await waitForTerminal(second, `[revtel] port ${linePort}`);

    await (await openMenu(first, 'Terminal')).getByLabel('Encoding').selectOption('latin1');
    const secondTerminal = await openMenu(second, 'Terminal');
    await waitForValue(secondTerminal.getByLabel('Encoding'), 'latin1');

    await first.getByRole('button', { name: 'Larger font' }).click();
    await second.getByLabel('Font size').getByText('15px').waitFor();
    // Closed everywhere, so the next test starts with the line's one client of its own.
    await first.getByRole('button', { name: `Close 127.0.0.1:${linePort}` }).click();
    await second.getByRole('tab').first().waitFor({ state: 'detached' });
    await first.close();
    await second.close();
  });

  it('tells the server the size of the window last typed in', async () => {
    const large = await openUiPage(browser, url, { width: 1400, height: 860 });
    await openTelnetDialog(large, '127.0.0.1', linePort);
    await waitForTerminal(large, `[revtel] port ${linePort}`);
    const small = await openUiPage(browser, url, { width: 1000, height: 600 });
    await waitForTerminal(small, `[revtel] port ${linePort}`);
    const largeSize = await size(large);
    const smallSize = await size(small);
    assert.notEqual(largeSize, smallSize);

    const typeIn = async (page: Page) => {
      await page.locator('.terminal-area .xterm').click();
      await page.keyboard.press('Enter');
    };
    await typeIn(large);
    await nawsSeenByLine(large, largeSize);
    await typeIn(small);
    await nawsSeenByLine(small, smallSize);
    await screenshot(small, 'two-windows-latest-size');
    await typeIn(large);
    await nawsSeenByLine(large, largeSize);
    await large.getByRole('button', { name: `Close 127.0.0.1:${linePort}` }).click();
    await small.getByRole('tab').first().waitFor({ state: 'detached' });
    await large.close();
    await small.close();
  });

  it('is named in the clients dialog and takes the keyboard from a remote writer, who is told', async () => {
    const page = await openUiPage(browser, url);
    // A remote writer: a telnet tab connected to the line.
    await openTelnetDialog(page, '127.0.0.1', linePort);
    await waitForTerminal(page, `[revtel] port ${linePort}: demo 9600,8N1`);
    // The operator's view of the same line.
    await page.getByRole('listitem').filter({ hasText: `:${linePort}` }).getByRole('button', { name: 'View' }).click();
    const keyboard = page.getByRole('status', { name: 'Keyboard' });
    await keyboard.getByText('keyboard: remote').waitFor();

    await page.getByRole('button', { name: '1 client' }).click();
    const clients = page.getByRole('table', { name: 'Clients' });
    const operatorRow = clients.getByRole('row').filter({ hasText: "you: the operator's view" });
    await operatorRow.getByText('operator', { exact: true }).waitFor();
    assert.equal(await clients.getByRole('row').filter({ hasText: 'writer' }).count(), 1, 'the telnet tab is the one writer');
    await operatorRow.getByRole('button', { name: 'Take the keyboard' }).click();
    // Live: the dialog shows the writer demoted and the keyboard with the operator.
    await clients.getByRole('row').filter({ hasText: 'reader' }).waitFor();
    await operatorRow.getByText('keyboard: yours').waitFor();
    await screenshot(page, 'operator-clients-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();

    await keyboard.getByText('keyboard: yours').waitFor();
    await showTab(page, new RegExp(`127\\.0\\.0\\.1:${linePort}`));
    await waitForTerminal(page, 'the operator has taken the keyboard; you are watching');
    await showTab(page, /demo/);
    await page.getByRole('button', { name: 'Give the keyboard back' }).click();
    await keyboard.getByText('keyboard: remote').waitFor();
    await showTab(page, new RegExp(`127\\.0\\.0\\.1:${linePort}`));
    await waitForTerminal(page, 'the operator gave the keyboard back; you have it');
    await page.close();
  });
});

async function waitForValue(select: import('playwright-core').Locator, value: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await select.inputValue()) !== value) {
    if (Date.now() > deadline) throw new Error(`the other window's choice stayed ${await select.inputValue()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
