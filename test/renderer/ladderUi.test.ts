import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { freePort, waitFor } from '../support/peers.js';
import { launchBrowser, screenshot, startUi } from '../support/browser.js';
import type { Served } from '../support/revtel.js';

// The trainer's ladder in Chromium, against Revtel's own server (the demo router on a
// line): every arrow of a live negotiation drawn, an arrow explained, and the exports.

describe('the ladder in the browser UI', () => {
  let browser: Browser;
  let served: Served;
  let url: string;
  let linePort: number;
  let page: Page;

  before(async () => {
    linePort = await freePort();
    ({ served, url } = await startUi(['--line', `${linePort}:demo`]));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 860 }, acceptDownloads: true });
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.stack ?? error.message}\n`));
    await page.goto(url);
    await page.getByRole('heading', { name: 'Serial ports' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  const traceLines = async (): Promise<string[]> => page.getByRole('list', { name: 'Trace lines' }).locator('li .text').allInnerTexts();
  const arrowLabels = async (): Promise<string[]> => page.locator('.ladder-drawing g.arrow').evaluateAll((groups) => groups.map((group) => group.getAttribute('aria-label') ?? ''));
  const showAs = async (shape: 'Text' | 'Ladder'): Promise<void> => page.getByRole('group', { name: 'Trace as' }).getByRole('button', { name: shape }).click();

  it('draws every line of a live negotiation as an arrow, in order and direction, and new ones as they happen', async () => {
    await page.getByRole('button', { name: 'New telnet session…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New telnet session' });
    await dialog.getByLabel('Host').fill('127.0.0.1');
    await dialog.getByLabel('Port', { exact: true }).fill(String(linePort));
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('list', { name: 'Trace lines' }).getByText('SENT SB NAWS').first().waitFor();
    const text = await traceLines();
    await showAs('Ladder');
    const expected = text.map((line) => `${line.startsWith('SENT') ? '→' : '←'} ${line.replace(/^(SENT|RCVD) /, '').replace(/^SB NAWS .*/, 'SB NAWS')}`);
    const drawn = (await arrowLabels()).map((label) => label.replace(/^(. SB NAWS) .*/, '$1'));
    assert.deepEqual(drawn, expected);
    // A resize sends a new NAWS: it appears as an arrow without leaving the ladder.
    const before = drawn.length;
    await page.setViewportSize({ width: 1200, height: 760 });
    await waitFor(async () => (await page.locator('.ladder-drawing g.arrow').count()) > before, 'the new NAWS arrow');
    const last = (await arrowLabels()).at(-1)!;
    assert.match(last, /^→ SB NAWS \d+×\d+$/);
    const arrows = (await arrowLabels()).length;
    await showAs('Text');
    assert.equal((await traceLines()).length, arrows, 'the text trace and the ladder show the same lines');
    await showAs('Ladder');
  });

  it('shows the selected arrow\'s bytes and explanation in a panel, stepping with the keyboard', async () => {
    await page.locator('.ladder-drawing g.arrow').first().click();
    const panel = page.getByRole('region', { name: 'Explanation' });
    assert.match(await page.locator('.ladder-position').innerText(), /^1 of \d+$/);
    const first = await panel.innerText();
    assert.match(first, /ff f[bcde] [0-9a-f]{2}/, 'the bytes are shown');
    await page.locator('.ladder-drawing').press('ArrowDown');
    assert.match(await page.locator('.ladder-position').innerText(), /^2 of \d+$/);
    assert.notEqual(await panel.innerText(), first);
    // The panel says who asked what in a sentence, e.g. "The server offers to echo …".
    const labels = await arrowLabels();
    const willEcho = labels.indexOf('← WILL ECHO');
    assert.ok(willEcho >= 0, `no WILL ECHO arrow in ${labels.join(', ')}`);
    await page.locator(`.ladder-drawing g.arrow[data-index="${willEcho}"]`).click();
    assert.match(await panel.innerText(), /The server offers to echo back the characters it receives\.\n+ff fb 01/);
    await screenshot(page, '20-ladder-live');
  });

  it('exports a valid SVG and a PNG', async () => {
    const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export SVG' }).click()]);
    const svg = readFileSync((await svgDownload.path())!, 'utf8');
    // Parsed by the browser's own XML parser (the tests have no DOM types: a string is evaluated).
    const parsed = await page.evaluate<{ root: string; errors: number; arrows: number }>(`(() => {
      const doc = new DOMParser().parseFromString(${JSON.stringify(svg)}, 'image/svg+xml');
      return { root: doc.documentElement.nodeName, errors: doc.getElementsByTagName('parsererror').length, arrows: doc.querySelectorAll('g.arrow').length };
    })()`);
    assert.deepEqual(parsed, { root: 'svg', errors: 0, arrows: (await arrowLabels()).length });
    const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PNG' }).click()]);
    const png = readFileSync((await pngDownload.path())!);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.length > 2000, `a PNG of ${png.length} bytes is too small to hold the diagram`);
  });
});
