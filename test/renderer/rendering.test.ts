import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CDPSession, Page } from 'playwright-core';
import { launchBrowser, type UiBrowser, openSerialDialog, screenshot, startUi, waitForTerminal } from '../support/browser.js';
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
  let browser: UiBrowser;
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

  /**
   * Pixels of each cell of the first row, up to column `upTo`, that differ clearly from the
   * cell's background: one screenshot of the row, cut into cells (a device pixel left out at
   * either side, so a neighbour's antialiased edge is not taken for ink).
   */
  const inkIn = async (devtools: CDPSession, where: Geometry, upTo: number, deviceScaleFactor: number): Promise<number[]> => {
    const clip = { x: where.left, y: where.top, width: (upTo + 1) * where.cellWidth, height: where.cellHeight };
    // Chromium's own capture: Playwright's would scale the picture to the context's ratio.
    const picture = await devtools.send('Page.captureScreenshot', { format: 'png', clip: { ...clip, scale: 1 } });
    const { width, height, data } = decodePng(Buffer.from(picture.data, 'base64'));
    // The picture is in device pixels: at 2× a cell is twice as many pixels across.
    assert.ok(Math.abs(width - clip.width * deviceScaleFactor) <= 1, `a ${width} pixel wide picture of ${clip.width} CSS pixels at ${deviceScaleFactor}×`);
    const cellWidth = width / (upTo + 1);
    return Array.from({ length: upTo + 1 }, (_, col) => {
      const left = Math.round(col * cellWidth) + 1;
      const right = Math.round((col + 1) * cellWidth) - 1;
      const pixel = (x: number, y: number): number => {
        const at = (y * width + x) * 4;
        return (data[at]! << 16) | (data[at + 1]! << 8) | data[at + 2]!;
      };
      // The background: the most common colour of the cell.
      const counts = new Map<number, number>();
      for (let y = 0; y < height; y++) for (let x = left; x < right; x++) counts.set(pixel(x, y), (counts.get(pixel(x, y)) ?? 0) + 1);
      const background = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      let ink = 0;
      for (let y = 0; y < height; y++) {
        for (let x = left; x < right; x++) {
          const colour = pixel(x, y);
          const distance = Math.abs((colour >> 16) - (background >> 16)) + Math.abs(((colour >> 8) & 0xff) - ((background >> 8) & 0xff)) + Math.abs((colour & 0xff) - (background & 0xff));
          if (distance > 120) ink++;
        }
      }
      return ink;
    });
  };

  /**
   * Every offered size at each of these device pixel ratios, in one page with this renderer
   * choice: a ratio after the first is the one a window gets on another monitor (Chromium's
   * device metrics), and the sizes are walked up and down in turn, so no size is drawn twice
   * for nothing. The window is small: only the first row is looked at, and every size redraws
   * the whole terminal (WebGL in software costs by the pixel).
   */
  const underscoresAt = async (deviceScaleFactors: readonly number[], choice: 'webgl' | 'dom'): Promise<void> => {
    const viewport = { width: 720, height: 360 };
    const page = await browser.newPage({ viewport });
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
      // A− and A+ get their click event alone: Playwright's checks before a real click (the
      // button stable over two frames, …) were half of this test's time, and what is tested
      // here is the drawing at each size.
      while ((await font.innerText()) !== `${SIZES[0]}px`) await page.getByRole('button', { name: 'Smaller font' }).dispatchEvent('click');
      const metrics = await page.context().newCDPSession(page);
      for (const [pass, deviceScaleFactor] of deviceScaleFactors.entries()) {
        if (deviceScaleFactor !== 1) {
          await metrics.send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor, mobile: false });
          assert.equal(await page.evaluate<number>('window.devicePixelRatio'), deviceScaleFactor);
        }
        const missing: string[] = [];
        let renderer = '';
        const sizes = pass % 2 === 0 ? SIZES : [...SIZES].reverse();
        for (const size of sizes) {
          if (size !== sizes[0]) {
            await page.getByRole('button', { name: pass % 2 === 0 ? 'Larger font' : 'Smaller font' }).dispatchEvent('click');
            await font.getByText(`${size}px`).waitFor();
          }
          // The cells take the size shown (a new size, or the old one at a new ratio) when
          // xterm.js measures the font, on the next frame; two frames, to be sure it was drawn.
          await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
          const where = await geometry(page);
          assert.ok(where.cellHeight >= size, `cells ${where.cellHeight} px high for a ${size}px font`);
          renderer = where.renderer;
          const ink = await inkIn(metrics, where, Math.max(...UNDERSCORES), deviceScaleFactor);
          // The letters leave ink (the clip is in the right place) …
          assert.ok(ink[0]! > 0, `no ink for "a" at ${size}px with the ${renderer} renderer at ${deviceScaleFactor}×`);
          // … and so does every underscore.
          for (const col of UNDERSCORES) {
            if (ink[col] === 0) missing.push(`${size}px col ${col}`);
          }
          if (size === 14) await screenshot(page, `20-underscores-14px-${renderer}-${deviceScaleFactor}x`);
        }
        assert.deepEqual(missing, [], `underscores not drawn (${renderer} renderer at ${deviceScaleFactor}×)`);
        assert.equal(renderer, choice);
      }
    } finally {
      device.close();
      await page.getByRole('tab').getByRole('button', { name: /^Close / }).click();
      await page.getByRole('tab').waitFor({ state: 'detached' });
      await page.close();
    }
  };

  it(`draws the underscores of ${SAMPLE} at every size from ${SIZES[0]} to ${SIZES.at(-1)} px with the WebGL renderer`, () => underscoresAt([1], 'webgl'));
  it('draws with the DOM renderer by default where WebGL is drawn by the CPU (Chromium with --disable-gpu)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await page.goto(url);
      // The set-up this is about: this Chromium's WebGL is SwiftShader, in software.
      const webgl = await page.evaluate<string>(`(() => {
        const gl = document.createElement('canvas').getContext('webgl2');
        return gl.getParameter(gl.getExtension('WEBGL_debug_renderer_info').UNMASKED_RENDERER_WEBGL);
      })()`);
      assert.match(webgl, /SwiftShader/);
      await page.locator('summary', { hasText: 'Settings' }).click();
      await page.getByLabel('Renderer').selectOption('auto');
      await page.locator('summary', { hasText: 'Settings' }).click();
      await openSerialDialog(page, pty.device);
      await page.locator('.status-bar [data-state="open"]').waitFor();
      assert.equal((await geometry(page)).renderer, 'dom');
    } finally {
      await page.getByRole('tab').getByRole('button', { name: /^Close / }).click();
      await page.getByRole('tab').waitFor({ state: 'detached' });
      await page.close();
    }
  });
  it('… and the DOM renderer, at 1×, 1.25× and 2× device pixels', async () => {
    await underscoresAt([1, 1.25, 2], 'dom');
  });
});
