import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../support/peers.js';
import { launchBrowser, openTelnetDialog, openUiPage, screenshot, startUi, waitForTerminal } from '../support/browser.js';
import type { Served } from '../support/revtel.js';

// The operator's own view of a line, as the UI shows it: named as such in the clients
// dialog (not an anonymous writer), and able to take the keyboard from a remote writer —
// who is told, in its own terminal — and give it back.

describe("the operator's view of a line", () => {
  let browser: Browser;
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

  it('is named in the clients dialog and takes the keyboard from a remote writer, who is told', async () => {
    const page = await openUiPage(browser, url);
    // A remote writer: a telnet tab connected to the line.
    await openTelnetDialog(page, '127.0.0.1', linePort);
    await waitForTerminal(page, `[revtel] port ${linePort}: demo 9600,8N1`);
    // The operator's view of the same line.
    await page.getByRole('listitem').filter({ hasText: `:${linePort}` }).getByRole('button', { name: 'View' }).click();
    const keyboard = page.getByRole('status', { name: 'Keyboard' });
    await keyboard.getByText('a remote client has the keyboard').waitFor();

    await page.getByRole('button', { name: '1 client' }).click();
    const clients = page.getByRole('table', { name: 'Clients' });
    const operatorRow = clients.getByRole('row').filter({ hasText: "you: the operator's view" });
    await operatorRow.getByText('operator', { exact: true }).waitFor();
    assert.equal(await clients.getByRole('row').filter({ hasText: 'writer' }).count(), 1, 'the telnet tab is the one writer');
    await operatorRow.getByRole('button', { name: 'Take the keyboard' }).click();
    // Live: the dialog shows the writer demoted and the keyboard with the operator.
    await clients.getByRole('row').filter({ hasText: 'reader' }).waitFor();
    await operatorRow.getByText('you have the keyboard').waitFor();
    await screenshot(page, 'operator-clients-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();

    await keyboard.getByText('you have the keyboard').waitFor();
    await showTab(page, new RegExp(`127\\.0\\.0\\.1:${linePort}`));
    await waitForTerminal(page, 'the operator has taken the keyboard; you are watching');
    await showTab(page, /demo/);
    await page.getByRole('button', { name: 'Give the keyboard back' }).click();
    await keyboard.getByText('a remote client has the keyboard').waitFor();
    await showTab(page, new RegExp(`127\\.0\\.0\\.1:${linePort}`));
    await waitForTerminal(page, 'the operator gave the keyboard back; you have it');
    await page.close();
  });
});
