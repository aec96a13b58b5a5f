import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, type UiBrowser, openSerialDialog, pasteInto, screenshot, startUi, waitForTerminal } from '../support/browser.js';
import { openPtyEnd, scratchDir, startPtyPair, waitFor, type PtyPair } from '../support/peers.js';
import type { Served } from '../support/revtel.js';

// Clipboard and keys as PuTTY and SecureCRT users expect them, on a serial console whose
// far end (a socat pty) records every byte the keys send.

describe('clipboard and keys', () => {
  let browser: UiBrowser;
  let context: BrowserContext;
  let served: Served;
  let pty: PtyPair;
  let page: Page;
  let device: ReturnType<typeof openPtyEnd>;
  let received = '';

  before(async () => {
    pty = await startPtyPair(scratchDir());
    let url: string;
    ({ served, url } = await startUi([]));
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 720 }, permissions: ['clipboard-read', 'clipboard-write'] });
    page = await context.newPage();
    await page.goto(url);
    await openSerialDialog(page, pty.device);
    await page.locator('.status-bar [data-state="open"]').waitFor();
    device = openPtyEnd(pty.remote);
    device.input.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  });
  after(async () => {
    device?.close();
    await browser?.close();
    await served?.stop();
    await pty?.stop();
  });

  const clipboard = (): Promise<string> => page.evaluate<string>('navigator.clipboard.readText()');
  const setClipboard = (text: string): Promise<void> => page.evaluate<void>(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
  const cell = async (col: number, row: number): Promise<{ x: number; y: number }> => {
    const where = await page.evaluate<{ left: number; top: number; cellWidth: number; cellHeight: number }>(
      `window.revtelTerminalGeometry(document.querySelector('.terminal-area .terminal-host').dataset.sessionId)`);
    return { x: where.left + (col + 0.5) * where.cellWidth, y: where.top + (row + 0.5) * where.cellHeight };
  };

  it('copies with Ctrl+C when text is selected, and sends ^C when nothing is', async () => {
    device.output.write('\x1b[2J\x1b[Hrouter1 uplink_8_to_core\r\n');
    await waitForTerminal(page, 'uplink_8_to_core');
    const word = await cell(10, 0);
    await page.mouse.dblclick(word.x, word.y);
    await page.keyboard.press('Control+c');
    await waitFor(async () => (await clipboard()) === 'uplink_8_to_core', 'the selected word on the clipboard');
    // Nothing is selected any more: the same keys are ^C for the device.
    await page.keyboard.press('Control+c');
    await waitFor(() => received.includes('\x03'), '^C at the device');
    assert.equal(received, '\x03', 'the copy sent nothing to the device');
    await page.mouse.dblclick(word.x, word.y);
    await page.keyboard.press('Control+Shift+c');
    await setClipboard('');
    await page.mouse.dblclick(word.x, word.y);
    await page.keyboard.press('Control+Shift+c');
    await waitFor(async () => (await clipboard()) === 'uplink_8_to_core', 'Ctrl+Shift+C to copy');
    await page.keyboard.press('Enter');
    await waitFor(() => received === '\x03\r', 'Enter after the copies');
  });

  it('copies on select and pastes on the right button when those options are on', async () => {
    await page.locator('summary', { hasText: 'Settings' }).click();
    await page.getByLabel('Copy on select').check();
    await page.getByLabel('Right click pastes').check();
    await page.locator('summary', { hasText: 'Settings' }).click();
    await setClipboard('');
    const word = await cell(2, 0);
    await page.mouse.dblclick(word.x, word.y);
    await waitFor(async () => (await clipboard()) === 'router1', 'the selection on the clipboard without a key');
    await setClipboard('show clock');
    await page.mouse.click(word.x, word.y + 40, { button: 'right' });
    await waitFor(() => received.endsWith('show clock'), 'the right button to paste');
  });

  it('asks before a multi-line paste, shows its progress, and stops it', async () => {
    await page.locator('summary', { hasText: 'Paste' }).click();
    await page.getByLabel('Delay per line in ms').fill('150');
    await page.locator('summary', { hasText: 'Paste' }).click();
    received = '';
    const lines = Array.from({ length: 30 }, (_, n) => `interface Gi0/${n}`).join('\n');
    await pasteInto(page, lines);
    const ask = page.getByRole('dialog', { name: 'Paste 30 lines?' });
    await ask.getByText('0 ms per character, 150 ms per line').waitFor();
    assert.equal(received, '', 'nothing is sent before the user says so');
    await screenshot(page, '40-paste-confirm');
    await ask.getByRole('button', { name: 'Send 30 lines' }).click();
    const progress = page.getByRole('status', { name: 'Paste progress' });
    await progress.getByText(/pasting line [1-9]\d* of 30, 150 ms apart/).waitFor();
    await screenshot(page, '41-paste-progress');
    await progress.getByRole('button', { name: 'Stop' }).click();
    await progress.waitFor({ state: 'detached' });
    // A key typed after the stop arrives after whatever the paste had sent.
    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.type('#');
    await waitFor(() => received.includes('#'), 'a key after the stopped paste');
    const sent = received.split('\r').filter((line) => line.startsWith('interface'));
    assert.ok(sent.length > 0 && sent.length < 30, `${sent.length} lines were sent`);
  });

  it('switches tabs with Ctrl+Shift+arrows and digits, and the device never sees those keys', async () => {
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    // The new tab can be drawn a moment before the answer to Open makes it the active one.
    await page.locator('.tab.active .tab-title', { hasText: 'demo router' }).waitFor();
    const active = () => page.locator('.tab.active .tab-title').innerText();
    received = '';
    await page.keyboard.press('Control+Shift+ArrowLeft');
    await waitFor(async () => (await active()).includes(pty.device), 'the serial tab to be active');
    await page.keyboard.press('Control+Shift+Digit2');
    await waitFor(async () => (await active()).includes('demo router'), 'tab 2 to be active');
    await page.keyboard.press('Control+Shift+ArrowRight');
    await waitFor(async () => (await active()).includes(pty.device), 'next tab, wrapping round');
    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.type('!');
    await waitFor(() => received.includes('!'), 'a typed key at the device');
    assert.equal(received, '!', 'the shortcuts sent nothing');
  });
});
