import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type UiBrowser, openSerialDialog, openTelnetDialog, openUiPage, screenshot, startUi } from '../support/browser.js';
import { freePort, scratchDir } from '../support/peers.js';
import type { Served } from '../support/revtel.js';

// Errors as a user meets them: sentences in the tab they are about, never a field name of
// the code or errno text; and controls only where they work.

describe('errors and controls', () => {
  let browser: UiBrowser;
  let served: Served;
  let page: Page;
  let dir: string;
  let linePort: number;

  before(async () => {
    dir = scratchDir();
    linePort = await freePort();
    let url: string;
    ({ served, url } = await startUi(['--line', `${linePort}:demo`]));
    browser = await launchBrowser();
    page = await openUiPage(browser, url);
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  const openSerial = (path: string): Promise<void> => openSerialDialog(page, path);
  const alerts = () => page.locator('.errors').innerText();

  it('says at once that a device is missing, and that a file or /dev/null is not a serial port', async () => {
    const missing = join(dir, 'ttyUSB9');
    await openSerial(missing);
    await page.getByRole('alert', { name: /^State of / }).getByText(`${missing} does not exist — is the adapter plugged in?`).waitFor({ timeout: 1000 });
    await screenshot(page, '50-missing-device');
    await page.getByRole('tab').getByRole('button', { name: /^Close / }).click();

    const file = join(dir, 'router.cfg');
    writeFileSync(file, 'hostname r1\n');
    await openSerial(file);
    await page.getByRole('alert').filter({ hasText: `${file} is a file, not a serial device — give a tty such as /dev/ttyUSB0` }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await openSerial('/dev/null');
    await page.getByRole('alert').filter({ hasText: '/dev/null is a character device that is not a terminal, not a serial device' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByRole('tab').count(), 0, 'no tab for what cannot be opened');
    assert.doesNotMatch(await alerts(), /ioctl|ENOENT|errno/i);
  });

  it('names fields in words, keeps a tab\'s toast with its tab, and shows DTR/RTS only where they work', async () => {
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('tab', { name: /demo router/ }).waitFor();
    await page.locator('summary', { hasText: 'Line' }).click();
    const line = page.getByRole('group', { name: 'Line' });
    assert.equal(await line.getByRole('button', { name: 'DTR' }).count(), 1, 'a serial tab has DTR');
    await line.getByLabel('BREAK duration in ms').fill('5');
    await line.getByRole('button', { name: 'Send BREAK' }).click();
    const toast = page.getByRole('alert').filter({ hasText: 'The BREAK duration in milliseconds must be a whole number from 10 to 10000.' });
    await toast.waitFor();
    await page.locator('summary', { hasText: 'Line' }).click();

    await openTelnetDialog(page, '127.0.0.1', linePort);
    await page.getByRole('tab', { name: new RegExp(`127\\.0\\.0\\.1:${linePort}`) }).waitFor();
    // The demo tab's toast is not shown over the telnet tab …
    await toast.waitFor({ state: 'detached' });
    await page.locator('summary', { hasText: 'Line' }).click();
    assert.equal(await page.getByRole('group', { name: 'Line' }).getByRole('button', { name: 'DTR' }).count(), 0, 'plain telnet has no DTR');
    await page.locator('summary', { hasText: 'Line' }).click();
    // … and comes back with its tab.
    await page.getByRole('tab', { name: /demo router/ }).locator('.tab-title').click();
    await toast.waitFor();
    assert.doesNotMatch(await alerts(), /sendBreak|durationMs/);
  });

  it('says once why a telnet tab was refused, and that keys typed into the closed tab were not sent', async () => {
    const port = await freePort();
    await openTelnetDialog(page, '127.0.0.1', port);
    const tab = page.getByRole('tab', { name: new RegExp(`127\\.0\\.0\\.1:${port}`) });
    await tab.waitFor();
    await tab.locator('.tab-title').click();
    // The client's sentence as it is: the page had put its own words in its middle ("— … — …").
    await page.getByRole('alert', { name: /^State of / }).getByText(`127.0.0.1 port ${port}: connection refused — nothing is listening there.`, { exact: true }).waitFor();
    await page.locator('.terminal-area .xterm-screen').click();
    await page.keyboard.type('ab');
    const refusal = page.getByRole('alert').filter({ hasText: `127.0.0.1:${port} is closed: what you type is not sent; Reconnect opens it again` });
    await refusal.first().waitFor();
    // Refused, so not counted as sent.
    assert.match(await page.locator('.counters').innerText(), /out 0 B$/);
    // Another tab opened after the keys: its answer comes after both refusals.
    const later = await freePort();
    await openTelnetDialog(page, '127.0.0.1', later);
    await page.getByRole('alert', { name: /^State of / }).getByText(`127.0.0.1 port ${later}: connection refused`).waitFor();
    await tab.locator('.tab-title').click();
    await refusal.first().waitFor();
    await screenshot(page, '52-typing-into-closed-tab');
    assert.equal(await refusal.count(), 1, 'one toast for every key refused alike');
  });

  it('keeps the clients dialog live as a client negotiates', async () => {
    await page.getByRole('button', { name: /1 client/ }).first().click();
    const clients = page.getByRole('table', { name: 'Clients' });
    await clients.getByRole('cell', { name: /BINARY.*NAWS \d+x\d+.*TTYPE/ }).waitFor();
    await screenshot(page, '51-clients-live');
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
  });
});
