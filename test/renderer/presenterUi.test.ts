import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../support/peers.js';
import { launchBrowser, screenshot, startUi, waitForTerminal } from '../support/browser.js';
import type { Served } from '../support/revtel.js';

// Presenter mode in Chromium at a projector's 1280×720 and at 1920×1080: the terminal
// and the ladder side by side, large type that follows the UI's font size, high contrast,
// stepping through the negotiation with a clicker's PageDown/PageUp.

interface Layout {
  readonly sidebarShown: boolean;
  readonly overflowX: number;
  readonly terminal: { left: number; right: number; width: number };
  readonly ladder: { left: number; right: number; width: number };
  readonly labelPx: number;
  readonly explanationBottom: number;
  readonly innerHeight: number;
  readonly background: string;
}

async function layout(page: Page): Promise<Layout> {
  return page.evaluate<Layout>(`(() => {
    const box = (selector) => { const r = document.querySelector(selector).getBoundingClientRect(); return { left: r.left, right: r.right, width: r.width }; };
    const sidebar = document.querySelector('.sidebar');
    const label = document.querySelector('.ladder-drawing g.arrow text');
    const explanation = document.querySelector('.ladder .explanation');
    return {
      sidebarShown: !!sidebar && sidebar.getBoundingClientRect().width > 0,
      overflowX: document.documentElement.scrollWidth - window.innerWidth,
      terminal: box('.terminal-area'),
      ladder: box('.ladder-drawing'),
      labelPx: label.getBoundingClientRect().height,
      explanationBottom: explanation.getBoundingClientRect().bottom,
      innerHeight: window.innerHeight,
      background: getComputedStyle(document.body).backgroundColor,
    };
  })()`);
}

describe('presenter mode', () => {
  let browser: Browser;
  let served: Served;
  let url: string;
  let linePort: number;
  let page: Page;

  before(async () => {
    linePort = await freePort();
    ({ served, url } = await startUi(['--line', `${linePort}:demo`]));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.stack ?? error.message}\n`));
    await page.goto(url);
    await page.getByRole('heading', { name: 'Serial ports' }).waitFor();
    await page.getByRole('button', { name: 'New telnet session…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New telnet session' });
    await dialog.getByLabel('Host').fill('127.0.0.1');
    await dialog.getByLabel('Port', { exact: true }).fill(String(linePort));
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('list', { name: 'Trace lines' }).getByText('SENT SB NAWS').first().waitFor();
    await waitForTerminal(page, `port ${linePort}`);
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  for (const [width, height] of [[1280, 720], [1920, 1080]] as const) {
    it(`keeps everything readable at ${width}×${height}: terminal and ladder side by side, large type, high contrast`, async () => {
      await page.setViewportSize({ width, height });
      if ((await page.getByRole('button', { name: 'Present', exact: true }).count()) > 0) await page.getByRole('button', { name: 'Present', exact: true }).click();
      await page.getByRole('button', { name: 'Leave presenter mode' }).waitFor();
      await page.keyboard.press('Home');
      const position = page.locator('.ladder-position');
      assert.match(await position.innerText(), /^1 of \d+$/);
      await page.keyboard.press('PageDown');
      assert.match(await position.innerText(), /^2 of \d+$/);
      await page.keyboard.press('PageUp');
      assert.match(await position.innerText(), /^1 of \d+$/);
      assert.match(await page.getByRole('region', { name: 'Explanation' }).first().innerText(), /^1\. Server .* → Client \(Revtel\): WILL ECHO\n+The server offers to echo back the characters it receives\./);
      const seen = await layout(page);
      await screenshot(page, `30-presenter-${width}x${height}`);
      assert.equal(seen.sidebarShown, false, 'the sidebar makes room');
      assert.ok(seen.overflowX <= 0, `the page is ${seen.overflowX}px wider than the window`);
      assert.ok(seen.terminal.right <= seen.ladder.left + 1, 'the terminal is left of the ladder');
      for (const part of [seen.terminal, seen.ladder]) assert.ok(part.width >= width * 0.35, `a side of ${part.width}px is too narrow`);
      // 14px × 1.6 in the SVG: about 22px on screen, readable from the back of a room.
      assert.ok(seen.labelPx >= 20, `arrow labels are ${seen.labelPx}px high`);
      assert.ok(seen.explanationBottom <= seen.innerHeight, 'the explanation is on screen');
      assert.equal(seen.background, 'rgb(0, 0, 0)');
    });
  }

  it('follows the UI font size, and gives the page back as it was when left', async () => {
    const before = (await layout(page)).labelPx;
    await page.getByRole('button', { name: 'Larger font' }).click();
    await page.getByRole('button', { name: 'Larger font' }).click();
    const after = (await layout(page)).labelPx;
    assert.ok(after > before, `labels went from ${before}px to ${after}px`);
    await page.getByRole('button', { name: 'Leave presenter mode' }).click();
    await page.getByRole('heading', { name: 'Serial ports' }).waitFor();
    assert.equal(await page.getByRole('group', { name: 'Trace as' }).getByRole('button', { name: 'Text' }).isDisabled(), false);
  });
});
