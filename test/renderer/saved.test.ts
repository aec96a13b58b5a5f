import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { collect, openPtyEnd, scratchDir, startPtyPair, startTelnetd, waitFor, type Peer, type PtyPair } from '../support/peers.js';
import { launchBrowser, type UiBrowser, openUiPage, screenshot, startUi, waitForTerminal } from '../support/browser.js';
import type { Served } from '../support/revtel.js';

// Saved sessions live in the settings file: a serial session (its port, its settings, its
// tab's choices, "always log") and a telnet destination (its terminal type, its tab's
// choices) are there after `revtel serve` restarts, and open again as they were saved.

describe('saved sessions across a restart', () => {
  let browser: UiBrowser;
  let served: Served | undefined;
  let configHome: string;
  let pty: PtyPair;
  let telnetd: Peer & { readonly port: number };

  before(async () => {
    configHome = scratchDir();
    pty = await startPtyPair(scratchDir());
    telnetd = await startTelnetd();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    await telnetd?.stop();
    await pty?.stop();
  });

  const openMenu = async (page: Page, label: string) => {
    await page.locator('.toolbar summary', { hasText: label }).click();
    return page.getByRole('group', { name: label });
  };
  const settingsFile = () => join(configHome, 'revtel', 'settings.json');
  const saved = (): { serialSessions?: { alwaysLog?: boolean; prefs?: unknown }[]; destinations?: { prefs?: unknown }[] } =>
    (existsSync(settingsFile()) ? JSON.parse(readFileSync(settingsFile(), 'utf8')) : {});

  it('reopens a saved serial session and telnet destination with every setting after a restart, logging the one always logged', async () => {
    let url: string;
    ({ served, url } = await startUi([], 0, configHome));
    let page = await openUiPage(browser, url, { width: 1400, height: 860 });

    // A serial session at 19200,7E1, Latin-1 and Enter → CR LF, saved and always logged.
    await page.getByRole('button', { name: 'New serial session…' }).click();
    const serialDialog = page.getByRole('dialog', { name: 'New serial session' });
    await serialDialog.getByLabel('Or a device path').fill(pty.device);
    await serialDialog.getByLabel('Baud rate').selectOption('19200');
    await serialDialog.getByLabel('Data, parity, stop').fill('7E1');
    await serialDialog.getByRole('button', { name: 'Open' }).click();
    await page.locator('.status-bar .settings').getByText('19200,7E1').waitFor();
    let terminal = await openMenu(page, 'Terminal');
    await terminal.getByLabel('Encoding').selectOption('latin1');
    await terminal.getByLabel('Enter sends').selectOption('CRLF');
    await (await openMenu(page, 'Line')).getByRole('button', { name: 'Save session' }).click();
    await page.getByLabel(`Always log ${pty.device}`).check();

    // A telnet destination with a terminal type, Enter → LF.
    await page.getByRole('button', { name: 'New telnet session…' }).click();
    const telnetDialog = page.getByRole('dialog', { name: 'New telnet session' });
    await telnetDialog.getByLabel('Host').fill('127.0.0.1');
    await telnetDialog.getByLabel('Port', { exact: true }).fill(String(telnetd.port));
    await telnetDialog.getByLabel('Terminal type').fill('vt220');
    await telnetDialog.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('list', { name: 'Trace lines' }).getByText(/TTYPE IS "VT220"/).first().waitFor();
    await (await openMenu(page, 'Terminal')).getByLabel('Enter sends').selectOption('LF');
    await (await openMenu(page, 'Line')).getByRole('button', { name: 'Save session' }).click();
    await waitFor(() => saved().serialSessions?.[0]?.alwaysLog === true && saved().destinations?.[0]?.prefs !== undefined, 'the settings file to hold both saved sessions');
    await screenshot(page, 'saved-sessions-before-restart');
    await page.close();
    await served.stop();

    ({ served, url } = await startUi([], 0, configHome));
    page = await openUiPage(browser, url, { width: 1400, height: 860 });
    assert.equal(await page.getByRole('tab').count(), 0, 'a restarted server has no session open');
    await screenshot(page, 'saved-sessions-after-restart');

    const device = collect(pty.remote);
    try {
      await page.getByRole('button', { name: `Open ${pty.device}` }).click();
      await page.locator('.status-bar .settings').getByText('19200,7E1').waitFor();
      await page.getByLabel('Logging to').waitFor();
      terminal = await openMenu(page, 'Terminal');
      assert.equal(await terminal.getByLabel('Encoding').inputValue(), 'latin1');
      assert.equal(await terminal.getByLabel('Enter sends').inputValue(), 'CRLF');
      await page.keyboard.press('Escape');
      // The device's words reach the log; Latin-1 shows 0xE9 as é; Enter sends CR LF.
      const remote = openPtyEnd(pty.remote);
      remote.output.write(Buffer.from('caf\xe9 ready\r\n', 'latin1'));
      await waitForTerminal(page, 'café ready');
      remote.close();
      const logs = join(configHome, 'revtel', 'logs');
      await waitFor(() => existsSync(logs) && readdirSync(logs).some((name) => readFileSync(join(logs, name), 'latin1').includes('caf\xe9 ready')), 'the log to hold the device output');
      await page.locator('.terminal-area .xterm').click();
      await page.keyboard.press('Enter');
      await waitFor(() => device.text().includes('\r\n'), 'Enter to reach the device as CR LF');
      await screenshot(page, 'saved-serial-reopened');
    } finally {
      device.stop();
    }

    await page.getByRole('button', { name: `Connect 127.0.0.1:${telnetd.port}` }).click();
    await page.getByRole('list', { name: 'Trace lines' }).getByText(/TTYPE IS "VT220"/).first().waitFor();
    assert.equal(await (await openMenu(page, 'Terminal')).getByLabel('Enter sends').inputValue(), 'LF');
    await screenshot(page, 'saved-telnet-reopened');
    await page.close();
  });
});
