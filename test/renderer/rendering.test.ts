import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openSerialDialog, screenshot, startUi, waitForTerminal } from '../support/browser.js';
import { openPtyEnd, scratchDir, startPtyPair, type PtyPair } from '../support/peers.js';
import { decodePng } from '../support/png.js';
import type { Served } from '../support/revtel.js';

// What the terminal draws, read back as pixels from Chromium's screenshots: an underscore
// must leave ink in its cell at every font size the UI offers (at 14 px xterm.js's DOM
// renderer used to clip it, so `a_b__c` read `a b  c`).

const SAMPLE = 'a_b__c';
const UNDERSCORES = [1, 3, 4];
/** The sizes A− and A+ step through. */
const SIZES = Array.from({ length: 32 - 8 + 1 }, (_, n) => 8 + n);

interface Geometry { left: number; top: number; cellWidth: number; cellHeight: number; cols: number; rows: number; renderer: 'webgl' | 'dom' }

describe('glyphs on screen', () => {
  let browser: Browser;
  let served: Served;
  let url: string;
  let pty: PtyPair;

  before(async () => {
    pty = await startPtyPair(scratchDir());
    ({ served, url } = await startUi([]));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    await pty?.stop();
  });

  const geometry = (page: Page): Promise<Geometry> => page.evaluate<Geometry>(`(() => {
    const sessionId = document.querySelector('.terminal-area .terminal-host').dataset.sessionId;
    return window.revtelTerminalGeometry(sessionId);
  })()`);

  /** Pixels of one cell of the first row that differ clearly from the cell background. */
  const inkIn = async (page: Page, where: Geometry, col: number): Promise<number> => {
    const png = await page.screenshot({ clip: { x: where.left + col * where.cellWidth, y: where.top, width: where.cellWidth, height: where.cellHeight } });
    const { width, height, data } = decodePng(png);
    // The background: the most common colour of the cell.
    const counts = new Map<number, number>();
    for (let index = 0; index < width * height; index++) {
      const key = (data[index * 4]! << 16) | (data[index * 4 + 1]! << 8) | data[index * 4 + 2]!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const background = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    let ink = 0;
    for (let index = 0; index < width * height; index++) {
      const distance = Math.abs(data[index * 4]! - (background >> 16)) + Math.abs(data[index * 4 + 1]! - ((background >> 8) & 0xff)) + Math.abs(data[index * 4 + 2]! - (background & 0xff));
      if (distance > 120) ink++;
    }
    return ink;
  };

  /** Every offered size, in one page at this device pixel ratio with this renderer choice. */
  const underscoresAt = async (deviceScaleFactor: number, choice: 'auto' | 'dom'): Promise<void> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, deviceScaleFactor });
    await page.goto(url);
    await page.locator('summary', { hasText: 'Settings' }).click();
    await page.getByLabel('Renderer').selectOption(choice);
    await page.locator('summary', { hasText: 'Settings' }).click();
    await openSerialDialog(page, pty.device);
    await page.locator('.status-bar [data-state="open"]').waitFor();
    const device = openPtyEnd(pty.remote);
    try {
      // Clear the screen, the sample on the first row, and the cursor parked two rows below.
      device.output.write(`\x1b[2J\x1b[H${SAMPLE} ${SAMPLE.toUpperCase()}\r\n\r\n`);
      await waitForTerminal(page, SAMPLE);
      const font = page.getByLabel('Font size');
      while ((await font.innerText()) !== `${SIZES[0]}px`) await page.getByRole('button', { name: 'Smaller font' }).click();
      const missing: string[] = [];
      let renderer = '';
      for (const size of SIZES) {
        if (size !== SIZES[0]) await page.getByRole('button', { name: 'Larger font' }).click();
        await font.getByText(`${size}px`).waitFor();
        // The cells have taken the new size (xterm.js measures the font on the next frame).
        await page.waitForFunction(`(() => {
          const sessionId = document.querySelector('.terminal-area .terminal-host').dataset.sessionId;
          return window.revtelTerminalGeometry(sessionId).cellHeight >= ${size};
        })()`);
        const where = await geometry(page);
        renderer = where.renderer;
        // The letters leave ink (the clip is in the right place) …
        assert.ok(await inkIn(page, where, 0) > 0, `no ink for "a" at ${size}px with the ${renderer} renderer at ${deviceScaleFactor}×`);
        // … and so does every underscore.
        for (const col of UNDERSCORES) {
          if ((await inkIn(page, where, col)) === 0) missing.push(`${size}px col ${col}`);
        }
        if (size === 14) await screenshot(page, `20-underscores-14px-${renderer}-${deviceScaleFactor}x`);
      }
      assert.deepEqual(missing, [], `underscores not drawn (${renderer} renderer at ${deviceScaleFactor}×)`);
      if (choice === 'dom') assert.equal(renderer, 'dom');
    } finally {
      device.close();
      await page.getByRole('tab').getByRole('button', { name: /^Close / }).click();
      await page.getByRole('tab').waitFor({ state: 'detached' });
      await page.close();
    }
  };

  it(`draws the underscores of ${SAMPLE} at every size from ${SIZES[0]} to ${SIZES.at(-1)} px: WebGL where there is WebGL`, () => underscoresAt(1, 'auto'));
  it('… and the DOM renderer, at 1×, 1.25× and 2× device pixels', async () => {
    for (const scale of [1, 1.25, 2]) await underscoresAt(scale, 'dom');
  });
});
