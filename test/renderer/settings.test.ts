import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type UiBrowser, openUiPage, screenshot, startUi } from '../support/browser.js';
import { scratchDir, waitFor } from '../support/peers.js';
import type { Served } from '../support/revtel.js';

// The settings file in the user's config folder ($XDG_CONFIG_HOME/revtel/settings.json here):
// what the UI remembers across a restart of `revtel serve`, and what happens to a broken file.

describe('the settings file', () => {
  let browser: UiBrowser;
  let served: Served | undefined;
  let configHome: string;
  let file: string;

  before(async () => {
    configHome = scratchDir();
    file = join(configHome, 'revtel', 'settings.json');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  const open = async (): Promise<Page> => {
    let url: string;
    ({ served, url } = await startUi([], 0, configHome));
    return openUiPage(browser, url);
  };

  it('prints where it is, and keeps font, theme, layout and destinations across a restart', async () => {
    const page = await open();
    assert.match(served!.log(), new RegExp(`settings: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await page.getByRole('button', { name: 'Larger font' }).click();
    await page.getByRole('button', { name: 'Larger font' }).click();
    await page.getByRole('button', { name: 'Light theme' }).click();
    await page.getByRole('button', { name: 'Hide the sidebar' }).click();
    await page.getByRole('button', { name: 'Show the sidebar' }).click();
    await page.getByRole('button', { name: 'New telnet session…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New telnet session' });
    await dialog.getByLabel('Host').fill('ts1.lab.example');
    await dialog.getByLabel('Port', { exact: true }).fill('2003');
    await dialog.getByLabel(/Save/).check();
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await waitFor(() => existsSync(file) && /ts1\.lab\.example/.test(readFileSync(file, 'utf8')) && /"theme": "light"/.test(readFileSync(file, 'utf8')), 'the settings file to be written');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { fontSize: number; theme: string };
    assert.equal(saved.fontSize, 16);
    await page.close();
    await served!.stop();

    const again = await open();
    await again.getByLabel('Font size').getByText('16px').waitFor();
    assert.equal(await again.evaluate('document.documentElement.dataset.theme'), 'light');
    await again.getByText('ts1.lab.example:2003').waitFor();
    await screenshot(again, '60-settings-after-restart');
    await again.close();
    await served!.stop();
    served = undefined;
  });

  it('sets a corrupt file aside, says so, and starts with defaults', async () => {
    mkdirSync(join(configHome, 'revtel'), { recursive: true });
    writeFileSync(file, '{"fontSize": 18, "theme": ');
    const page = await open();
    await page.getByRole('alert').filter({ hasText: `The settings file ${file} could not be read (it is not valid JSON): it was kept as ` }).waitFor();
    assert.match(served!.log(), /WARNING The settings file .* could not be read \(it is not valid JSON\): it was kept as /);
    const aside = readdirSync(join(configHome, 'revtel')).filter((name) => name.startsWith('settings.json.corrupt-'));
    assert.equal(aside.length, 1);
    assert.equal(readFileSync(join(configHome, 'revtel', aside[0]!), 'utf8'), '{"fontSize": 18, "theme": ', 'the broken file is kept as it was');
    await page.getByLabel('Font size').getByText('14px').waitFor();
    await screenshot(page, '61-settings-corrupt');
    // The next change writes a good file again, and the broken one stays aside.
    await page.getByRole('button', { name: 'Larger font' }).click();
    await waitFor(() => existsSync(file) && /"fontSize": 15/.test(readFileSync(file, 'utf8')), 'a new settings file');
    assert.equal(readdirSync(join(configHome, 'revtel')).filter((name) => name.startsWith('settings.json.corrupt-')).length, 1);
    await page.close();
  });
});
