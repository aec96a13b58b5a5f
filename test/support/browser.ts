// Debian's Chromium driven by playwright-core (Playwright cannot download its browsers here).
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoPath } from './repo.js';
import { startServe, type Served } from './revtel.js';
import { waitFor } from './peers.js';

export const screenshotDir = repoPath('test-output', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** `revtel serve --ui 0 ARGS`, and the URL it printed (with its token); its settings under `configHome`. */
export async function startUi(args: readonly string[], listening = 0, configHome?: string, env?: NodeJS.ProcessEnv): Promise<{ served: Served; url: string }> {
  const served = await startServe(['--ui', '0', ...args], { listening, ...(configHome ? { configHome } : {}), ...(env ? { env } : {}) });
  await waitFor(() => /UI ready: open (\S+)/.test(served.log()), 'the UI URL', 10_000);
  const url = /UI ready: open (\S+)/.exec(served.log())![1]!;
  return { served, url };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}/${name}.png` });
}

/** The text in the active tab's terminal, as xterm.js holds it. */
export async function terminalText(page: Page): Promise<string> {
  // Evaluated in the page (the tests have no DOM types): the renderer exposes revtelTerminalText.
  return page.evaluate<string>(`(() => {
    const sessionId = document.querySelector('.terminal-area .terminal-host')?.dataset.sessionId;
    return sessionId && window.revtelTerminalText ? window.revtelTerminalText(sessionId) : '';
  })()`);
}

export async function waitForTerminal(page: Page, pattern: RegExp | string, timeoutMs = 10_000): Promise<void> {
  const test = typeof pattern === 'string' ? (text: string) => text.includes(pattern) : (text: string) => pattern.test(text);
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await terminalText(page);
    if (test(text)) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`the terminal never showed ${String(pattern)}; it shows:\n${text.trimEnd().split('\n').slice(-15).join('\n')}`);
}

/** A paste as the browser delivers one (a ClipboardEvent) on the active tab's terminal. */
export async function pasteInto(page: Page, text: string): Promise<void> {
  await page.evaluate(`(() => {
    const data = new DataTransfer();
    data.setData('text/plain', ${JSON.stringify(text)});
    document.querySelector('.terminal-area .terminal-host')
      .dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  })()`);
}

/** A page of the UI at this size, with page errors on stderr, once its sidebar is there. */
export async function openUiPage(browser: Browser, url: string, viewport = { width: 1280, height: 720 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.stack ?? error.message}\n`));
  await page.goto(url);
  await page.getByRole('heading', { name: 'Serial ports' }).waitFor();
  return page;
}

/** Opens a serial tab through the "New serial session…" dialog (the tab may then wait, or the dialog show an error). */
export async function openSerialDialog(page: Page, path: string): Promise<void> {
  await page.getByRole('button', { name: 'New serial session…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New serial session' });
  await dialog.getByLabel('Or a device path').fill(path);
  await dialog.getByRole('button', { name: 'Open' }).click();
}

/** Opens a telnet tab through the "New telnet session…" dialog. */
export async function openTelnetDialog(page: Page, host: string, port: number): Promise<void> {
  await page.getByRole('button', { name: 'New telnet session…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New telnet session' });
  await dialog.getByLabel('Host').fill(host);
  await dialog.getByLabel('Port', { exact: true }).fill(String(port));
  await dialog.getByRole('button', { name: 'Connect' }).click();
}
