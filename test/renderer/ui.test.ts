import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { collect, freePort, openPtyEnd, scratchDir, startPtyPair, waitFor, type PtyPair } from '../support/peers.js';
import { launchBrowser, type UiBrowser, pasteInto, screenshot, startUi, tabShown, terminalText, waitForTerminal } from '../support/browser.js';
import { showTab } from '../support/demoUi.js';
import { startFloodDevice } from '../support/floodDevice.js';
import type { Served } from '../support/revtel.js';

const FLOOD = 50 * 1024 * 1024;

// The UI end to end: `revtel serve --ui` with the demo router and socat pty lines, driven
// in Debian's Chromium. Screenshots of each main screen go to test-output/screenshots.

describe('the browser UI', () => {
  let browser: UiBrowser;
  let served: Served;
  let url: string;
  let dir: string;
  let pty: PtyPair;
  let linePort: number;
  let page: Page;

  before(async () => {
    dir = scratchDir();
    pty = await startPtyPair(dir);
    linePort = await freePort();
    ({ served, url } = await startUi(['--line', `${linePort}:demo`]));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    await pty?.stop();
  });

  const newPage = async (): Promise<Page> => {
    const created = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    created.on('pageerror', (error) => process.stderr.write(`page error: ${error.stack ?? error.message}\n`));
    await created.goto(url);
    await created.getByRole('heading', { name: 'Serial ports' }).waitFor();
    return created;
  };

  it('refuses a page without the token', async () => {
    const stranger = await browser.newPage();
    await stranger.goto(url.replace(/#token=.*/, ''));
    await stranger.getByRole('alert').waitFor();
    assert.match(await stranger.getByRole('alert').innerText(), /needs the URL that `revtel serve --ui` printed/);
    await stranger.close();
    const guesser = await browser.newPage();
    await guesser.goto(url.replace(/#token=.*/, '#token=wrong'));
    await guesser.getByRole('alert').waitFor();
    assert.match(await guesser.getByRole('alert').innerText(), /wrong or missing token/);
    await guesser.close();
  });

  it('opens the demo router: Enter, enable, and the prompt is Router#', async () => {
    page = await newPage();
    // With no tab, the page says what can be opened, SSH included, and where.
    const hint = page.locator('.empty');
    await hint.getByText('From the sidebar, open a serial port, the demo router, a telnet or SSH session, the view of an exposed line, or a replay.', { exact: false }).waitFor();
    await screenshot(page, '01-start');
    await page.getByRole('button', { name: 'Hide the sidebar' }).click();
    await hint.getByText('Show the sidebar (☰), then from it, open a serial port', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Show the sidebar' }).click();
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    // Typed at once, maybe while the tab still connects: the hub holds the keys until it is open.
    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.press('Enter');
    await waitForTerminal(page, 'Router>');
    await page.keyboard.type('enable');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /Router#\s*$/);
    await page.keyboard.type('show version');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, 'Configuration register is 0x2102');
    assert.equal(await page.locator('.status-bar .state').getAttribute('data-state'), 'open');
    await screenshot(page, '02-demo-router');
  });

  it('opens a telnet tab to an exposed line and shows its negotiation, options and the line clients', async () => {
    await page.getByRole('button', { name: 'New telnet session…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New telnet session' });
    await dialog.getByLabel('Host').fill('127.0.0.1');
    await dialog.getByLabel('Port', { exact: true }).fill(String(linePort));
    await dialog.getByRole('button', { name: 'Connect' }).click();
    const trace = page.getByRole('list', { name: 'Trace lines' });
    await trace.getByText('RCVD WILL ECHO').first().waitFor();
    await trace.getByText('SENT DO ECHO').first().waitFor();
    await trace.getByText('RCVD DO TTYPE').first().waitFor();
    const explained = await trace.locator('li', { hasText: 'RCVD WILL ECHO' }).first().getAttribute('title');
    assert.equal(explained, 'The server offers to echo back the characters it receives.');
    await page.getByRole('table', { name: 'Option states' }).getByRole('cell', { name: 'ECHO' }).waitFor();
    await page.getByLabel('Option names').selectOption('rfc');
    await trace.getByText('RCVD WILL SUPPRESS GO AHEAD').first().waitFor();
    await waitForTerminal(page, `[revtel] port ${linePort}: demo 9600,8N1`);
    // The status line names the mode the server's options put the client in.
    await page.getByRole('status').getByText('character mode, remote echo').first().waitFor();
    // The line's own pane lists the remote client's negotiation with Revtel.
    await page.getByRole('button', { name: 'View' }).first().click();
    await page.getByRole('region', { name: 'Clients of this line' }).getByText('SENT WILL ECHO').first().waitFor();
    await screenshot(page, '03-telnet-trace');
    await page.getByRole('button', { name: /1 client|2 clients/ }).first().click();
    const clients = page.getByRole('table', { name: 'Clients' });
    await clients.waitFor();
    await screenshot(page, '04-clients');
    // The telnet tab is the line's client: kicking it closes that tab's session.
    await clients.getByRole('button', { name: 'Kick' }).first().click();
    // Only the operator's own view (the line's tab opened above) is left in the table.
    await clients.getByRole('button', { name: 'Kick' }).waitFor({ state: 'detached' });
    await clients.getByRole('row').filter({ hasText: "you: the operator's view" }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('tab', { name: new RegExp(`127\\.0\\.0\\.1:${linePort}`) }).getByRole('button').first().click();
    await page.locator('.status-bar [data-state="closed"]').waitFor();
    await waitForTerminal(page, 'disconnected by the operator');
  });

  it('shows a back-end error as a sentence', async () => {
    await page.getByRole('button', { name: 'New serial session…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New serial session' });
    await dialog.getByLabel('Or a device path').fill(pty.device);
    await dialog.getByLabel('Data, parity, stop').fill('8X1');
    await dialog.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('alert').filter({ hasText: 'parity "X" is not one of N, E, O, M, S' }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('pastes a 50-line config with pacing into a serial line and every line reaches the device', async () => {
    // The device: reads each line and echoes it back a little later, like a slow console.
    const device = openPtyEnd(pty.remote);
    let received = '';
    let echoed = '';
    const unpaced: number[] = [];
    device.input.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      // Paced on the echo: a line begins only once the device has echoed the one before.
      const done = received.split('\r').slice(0, -1);
      if (received.endsWith('\r') && done.length > 0 && !echoed.includes(done.at(-1)!)) unpaced.push(done.length);
      received += text;
      setTimeout(() => {
        device.output.write(text.replace(/\r/g, '\r\n'));
        echoed += text;
      }, 10);
    });
    try {
      await page.getByRole('button', { name: 'New serial session…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New serial session' });
      await dialog.getByLabel('Or a device path').fill(pty.device);
      await dialog.getByRole('button', { name: 'Open' }).click();
      await page.locator('.status-bar [data-state="open"]').waitFor();
      await page.locator('summary', { hasText: 'Paste' }).click();
      await page.getByLabel('Delay per line in ms').fill('2');
      await page.getByLabel('wait for echo').check();
      await page.locator('summary', { hasText: 'Paste' }).click();
      const config = Array.from({ length: 50 }, (_, n) => `interface GigabitEthernet0/${n} description paste line ${n}`).join('\n') + '\n';
      await pasteInto(page, config);
      // Several lines ask first, saying how they will be paced.
      const ask = page.getByRole('dialog', { name: 'Paste 50 lines?' });
      await ask.getByText('each line after the device echoes the one before').waitFor();
      await ask.getByRole('button', { name: 'Send 50 lines' }).click();
      await waitFor(() => received.includes('paste line 49\r'), 'the last pasted line on the device', 30_000);
      const lines = received.split('\r').filter(Boolean);
      assert.equal(lines.length, 50);
      lines.forEach((line, n) => assert.equal(line, `interface GigabitEthernet0/${n} description paste line ${n}`));
      assert.deepEqual(unpaced, [], 'lines that reached the device before the line before them was echoed');
      await waitForTerminal(page, 'paste line 49');
      await screenshot(page, '05-paced-paste');
    } finally {
      device.close();
    }
  });

  it('says when the device is unplugged and recovers when it is back', async () => {
    await pty.stop();
    await page.locator('.status-bar [data-state="unplugged"]').waitFor({ timeout: 5000 });
    assert.match(await page.getByRole('alert', { name: /^State of / }).innerText(), /device unplugged, waiting for it/);
    // Typed into the dead line: refused with a sentence, not kept to reach whatever is plugged in later.
    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.type('reload');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'is unplugged: what you typed was not sent; type it again once it is back' }).first().waitFor();
    await screenshot(page, '06-unplugged');
    pty = await startPtyPair(dir);
    const device = collect(pty.remote);
    await page.locator('.status-bar [data-state="open"]').waitFor({ timeout: 5000 });
    assert.match(await page.locator('.status-bar .message').innerText(), /device back, reopened with 9600,8N1/);
    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.type('after replug');
    await waitFor(() => device.text().includes('after replug'), 'typing to reach the replugged device');
    assert.equal(device.text(), 'after replug', 'nothing typed while it was unplugged');
    device.stop();
  });

  it('stays responsive while the device floods, and typing gets through', async () => {
    // A full-duplex device (see floodDevice.py): the flood does not hold up the keys. It
    // floods until the keys have arrived (FLOOD at most): responsiveness is the property
    // here, throughput is bench:ui's.
    const link = join(dir, 'flood-device');
    const device = await startFloodDevice(link, FLOOD);
    try {
      // The earlier serial tab is open too: the status read is the new tab's once it is shown.
      const earlierTabs = await page.getByRole('tab').count();
      await page.getByRole('button', { name: 'New serial session…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New serial session' });
      await dialog.getByLabel('Or a device path').fill(link);
      await dialog.getByRole('button', { name: 'Open' }).click();
      await tabShown(page, earlierTabs);
      await page.locator('.status-bar [data-state="open"]').waitFor();
      device.go();
      // Far past the back end's watermarks: the page is behind and the source held back.
      await waitFor(() => device.sent() > 2 * 1024 * 1024, 'the flood to be under way', 20_000);
      await page.locator('.terminal-area .xterm').click();
      await page.keyboard.type('typed during the flood');
      await waitFor(() => device.received().includes('typed during the flood'), 'keystrokes to reach the device during the flood', 20_000);
      assert.ok(device.sent() < FLOOD, `the keys arrived only after the flood (${device.sent()} bytes sent)`);
      const client = await page.context().newCDPSession(page);
      await client.send('Performance.enable');
      const { metrics } = await client.send('Performance.getMetrics') as { metrics: { name: string; value: number }[] };
      const heap = metrics.find((metric) => metric.name === 'JSHeapUsedSize')!.value;
      assert.ok(heap < 256 * 1024 * 1024, `the page's heap is ${(heap / 1048576).toFixed(0)} MiB during the flood`);
      // A reload mid-flood: the page that left was behind, holding the device back; neither
      // it nor the page that comes back may leave the flood stopped.
      const sentAtReload = device.sent();
      await page.reload();
      await page.getByRole('heading', { name: 'Serial ports' }).waitFor();
      await showTab(page, /flood-device/);
      await waitFor(() => device.sent() > sentAtReload + 2 * 1024 * 1024, 'the flood to go on after the reload', 30_000);
      // Everything the device wrote reaches the tab, nothing lost behind the keys.
      const total = `${(await device.end() / 1048576).toFixed(1)} MiB`;
      await waitFor(async () => (await page.locator('.status-bar .counters').innerText()).startsWith(`in ${total}`), `all ${total} in the tab`, 120_000);
      await screenshot(page, '07-after-flood');
      assert.match(await terminalText(page), /show tech-support output line/);
    } finally {
      device.stop();
    }
  });
});
