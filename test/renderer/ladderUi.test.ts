import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, scratchDir, waitFor } from '../support/peers.js';
import { launchBrowser, type UiBrowser, openTelnetDialog, openUiPage, screenshot, startUi, terminalText, waitForTerminal } from '../support/browser.js';
import { repoPath } from '../support/repo.js';
import type { Served } from '../support/revtel.js';

// The trainer's ladder in Chromium, against Revtel's own server (the demo router on a
// line): every arrow of a live negotiation drawn, an arrow explained, the exports, the
// replays; then presenter mode at a projector's 1280×720 and at 1920×1080: the terminal
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

describe('the ladder in the browser UI', () => {
  let browser: UiBrowser;
  let served: Served;
  let url: string;
  let linePort: number;
  let page: Page;

  before(async () => {
    linePort = await freePort();
    ({ served, url } = await startUi(['--line', `${linePort}:demo`]));
    browser = await launchBrowser();
    page = await openUiPage(browser, url, { width: 1400, height: 860 });
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  const traceLines = async (): Promise<string[]> => page.getByRole('list', { name: 'Trace lines' }).locator('li .text').allInnerTexts();
  const arrowLabels = async (): Promise<string[]> => page.locator('.ladder-drawing g.arrow').evaluateAll((groups) => groups.map((group) => group.getAttribute('aria-label') ?? ''));
  const showAs = async (shape: 'Text' | 'Ladder'): Promise<void> => page.getByRole('group', { name: 'Trace as' }).getByRole('button', { name: shape }).click();

  it('draws every line of a live negotiation as an arrow, in order and direction, and new ones as they happen', async () => {
    await openTelnetDialog(page, '127.0.0.1', linePort);
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
    // The text trace explains a line in the panel too, chosen by click or by keyboard.
    const willEcho = page.getByRole('list', { name: 'Trace lines' }).locator('li', { hasText: 'RCVD WILL ECHO' }).first();
    await willEcho.focus();
    await page.keyboard.press('Enter');
    assert.match(await page.getByRole('region', { name: 'Explanation' }).innerText(), /^The server offers to echo back the characters it receives\.\n+ff fb 01$/);
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

  it('replays Figure 26.12 without a network: a read-only tab with its ladder and the server\'s screen', async () => {
    await page.getByRole('button', { name: 'Replay Figure 26.12 (TCP/IP Illustrated)' }).click();
    await page.getByRole('tab', { name: /Figure 26\.12/ }).waitFor();
    await waitFor(async () => (await page.locator('.ladder-drawing g.arrow').count()) === 23, 'the 23 arrows of Figure 26.12');
    const labels = await arrowLabels();
    assert.deepEqual(labels.slice(0, 3), ['→ DO SGA', '→ WILL TTYPE', '→ WILL NAWS']);
    assert.deepEqual(labels.slice(-5), ['← WILL ECHO', '→ DO ECHO', '← DO ECHO', '→ WONT ECHO', '← DONT ECHO']);
    assert.equal(labels[17], '→ SB TTYPE IS "IBMPC3"');
    await waitForTerminal(page, 'login:');
    assert.match(await page.locator('.status-bar').innerText(), /replay: TCP\/IP Illustrated/);
    await page.locator('.ladder-drawing g.arrow[data-index="9"]').click();
    assert.match(await page.getByRole('region', { name: 'Explanation' }).innerText(), /The server agrees to stop sending GO AHEAD/);
    await screenshot(page, '21-replay-fig26-12');
    await page.getByRole('button', { name: 'Light theme' }).click();
    assert.match(await page.locator('.ladder-drawing svg rect').first().getAttribute('fill') ?? '', /^#fff/i, 'the ladder follows the light theme');
    await screenshot(page, '22-replay-light');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    // Stepping through shows the screen as it stood at each arrow: before the server's
    // banner (line 20, the client agreeing to ECHO), with it (line 21, DO ECHO and the banner in one segment).
    await page.locator('.ladder-drawing g.arrow[data-index="19"]').click();
    await waitFor(async () => !(await terminalText(page)).includes('UNIX'), 'the screen before the banner');
    await page.locator('.ladder-drawing').press('ArrowDown');
    await waitForTerminal(page, 'UNIX(r) System V Release 4.0 (svr4)');
    assert.doesNotMatch(await terminalText(page), /login:/);
    await page.locator('.ladder-drawing').press('End');
    assert.match(await page.locator('.ladder-position').innerText(), /^23 of 23$/);
    await waitForTerminal(page, 'login:');
    // Nothing can be sent from a replay, and it says so.
    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.type('x');
    await page.getByRole('alert').getByText('This tab is a replay: nothing can be sent from it').first().waitFor();
  });

  it('replays inetutils telnetd\'s LINEMODE exchange, MODE and SLC spelled out', async () => {
    await page.getByRole('button', { name: 'Replay inetutils telnetd with LINEMODE' }).click();
    await page.getByRole('tab', { name: /inetutils telnetd with LINEMODE/ }).waitFor();
    await waitFor(async () => (await page.locator('.ladder-drawing g.arrow').count()) === 44, 'the 44 arrows of the LINEMODE exchange');
    const labels = await arrowLabels();
    assert.ok(labels.includes('← SB LINEMODE MODE EDIT|TRAPSIG') && labels.includes('→ SB LINEMODE MODE EDIT|TRAPSIG|ACK') && labels.includes('→ SB LINEMODE SLC (16)'), labels.join(', '));
    await waitForTerminal(page, '# ');
  });

  it('opens a capture file as `revtel decode` reads it, and names what is wrong with one that is not', async () => {
    await page.getByLabel('Capture file').setInputFiles(repoPath('test', 'fixtures', 'telnet', 'reference', 'ser2net-on-connect.hex'));
    await page.getByRole('tab', { name: /ser2net-on-connect\.hex/ }).waitFor();
    await waitFor(async () => (await page.locator('.ladder-drawing g.arrow').count()) === 7, 'the 7 commands ser2net sent');
    assert.deepEqual(await arrowLabels(), ['← WILL SGA', '← DO SGA', '← WILL ECHO', '← DONT ECHO', '← DO BINARY', '← WILL BINARY', '← DO COM-PORT']);
    const text = join(scratchDir(), 'notes.txt');
    writeFileSync(text, 'this is not a capture\n');
    await page.getByLabel('Capture file').setInputFiles(text);
    await page.getByRole('alert').getByText('notes.txt holds no telnet command (no IAC): is it a capture of a telnet server?').waitFor();
  });

  describe('presenter mode', () => {
    before(async () => {
      // The sentences left by the replays' tests go, as a trainer would close them.
      while ((await page.getByRole('alert').count()) > 0) await page.getByRole('alert').first().getByRole('button').click();
      await page.getByRole('tab', { name: new RegExp(`127\\.0\\.0\\.1:${linePort}`) }).click();
      await waitForTerminal(page, `port ${linePort}`);
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
        // With the ladder focused, a key steps once, not twice.
        await page.locator('.ladder-drawing').focus();
        await page.keyboard.press('PageDown');
        assert.match(await position.innerText(), /^2 of \d+$/);
        await page.keyboard.press('PageUp');
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
});
