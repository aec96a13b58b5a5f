// Debian's Chromium driven by playwright-core (Playwright cannot download its browsers here).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, CDPSession, Page, ViewportSize } from 'playwright-core';
import { repoPath } from './repo.js';
import { startServe, type Served } from './revtel.js';
import { settlesWithin, waitFor, WAIT_MS } from './peers.js';

// Required, not imported: an ESM import of a CommonJS package first scans its source for
// named exports (a quarter of a CPU-second for playwright-core, in every browser test file).
// Required when a browser is launched: a file that only starts the UI (startUi) never pays
// for loading playwright-core (half a CPU-second).
const loadChromium = (): typeof import('playwright-core').chromium => (createRequire(import.meta.url)('playwright-core') as typeof import('playwright-core')).chromium;

/**
 * Chromium 156's first browser window loads the omnibox's WebUI popups
 * (chrome://omnibox-popup.top-chrome/) in a renderer of their own: about a CPU-second of a
 * test file's start, for an address bar no test sees.
 */
const omniboxPopups = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

/**
 * playwright-core 1.65's own --disable-features (chromiumSwitches.ts). Chromium keeps only
 * the last --disable-features on its command line, so ours repeats these; checkDisabledFeatures
 * tells when playwright-core's list changes.
 */
const playwrightDisabled = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

const disabledFeatures = [...omniboxPopups, ...playwrightDisabled];

/**
 * Fails the launch (closing the browser) unless, on Chromium's command line, ours is the
 * last --disable-features and playwright-core's, before it, is the list ours repeats. The
 * command line is read from /proc: Chromium gives it over DevTools only with
 * --enable-automation, which Playwright leaves out.
 */
async function checkDisabledFeatures(browser: Browser): Promise<void> {
  try {
    const launched = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid ? [readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')] : [];
      } catch {
        return []; // a process that ended meanwhile
      }
    }).filter((args) => args.includes('--remote-debugging-pipe'));
    if (launched.length === 0) throw new Error("Chromium's command line was not found in /proc");
    for (const args of launched) {
      const lists = args.filter((arg) => arg.startsWith('--disable-features=')).map((arg) => arg.slice('--disable-features='.length).split(','));
      if (lists.at(-1)?.join(',') !== disabledFeatures.join(',')) throw new Error(`Chromium was launched with another --disable-features last: ${args.join(' ')}`);
      for (const theirs of lists.slice(0, -1)) {
        const added = theirs.filter((feature) => !playwrightDisabled.includes(feature));
        const removed = playwrightDisabled.filter((feature) => !theirs.includes(feature));
        if (added.length + removed.length > 0) {
          throw new Error(`playwright-core's --disable-features changed (added: ${added.join(', ') || 'none'}; removed: ${removed.join(', ') || 'none'}): update playwrightDisabled in test/support/browser.ts`);
        }
      }
    }
  } catch (error) {
    await browser.close();
    throw error;
  }
}

export const screenshotDir = repoPath('test-output', 'screenshots');

/**
 * This process's Chromium, launched by the first UiBrowser and shared by those after it:
 * the browser test files of a group (test/run.ts) pay for one launch (a CPU-second) between
 * them, as Playwright Test's workers do. Each UiBrowser still has browser contexts of its own.
 */
let chromium: Promise<Browser> | undefined;
/** UiBrowsers not closed yet: the last one to close closes Chromium, unless a group keeps it. */
let users = 0;
let keptForGroup = false;

function sharedChromium(): Promise<Browser> {
  if (chromium) return chromium;
  const launching = (async () => {
    const browser = await loadChromium().launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--disable-features=${disabledFeatures.join(',')}`],
    });
    await checkDisabledFeatures(browser);
    // A Chromium that crashed is launched afresh for the next file, not handed to it dead.
    browser.on('disconnected', () => forget(launching));
    return browser;
  })();
  // So is one whose launch failed.
  launching.catch(() => forget(launching));
  chromium = launching;
  return launching;
}

function forget(launch: Promise<Browser>): void {
  if (chromium === launch) chromium = undefined;
}

async function closeChromium(): Promise<void> {
  const closing = chromium;
  chromium = undefined;
  await (await closing?.catch(() => undefined))?.close();
}

/**
 * For a module that runs several browser test files in one process: Chromium stays open from
 * one file to the next and closes after the last (a hook of the process's root test).
 */
export function keepBrowserForGroup(): void {
  keptForGroup = true;
  after(closeChromium);
}

/**
 * Debian's Chromium as one test file sees it, its pages in one browser context, opened by a page
 * kept open on 127.0.0.1 (not the UI: no server sees it). A page opened that way belongs to
 * the kept page's browsing instance, so Chromium runs it in the kept page's renderer
 * process, which has the UI's script compiled after the first load: a page costs about half
 * the CPU of one that `newPage()` starts in a process of its own. Each is still a window of
 * its own (its own document, script and WebSocket), as a second browser window is. The UI
 * keeps nothing in the browser that pages share (no cookies, no localStorage; only the tab
 * it shows, in its own sessionStorage), so what a page shows comes from its server alone,
 * as with a context of its own. Closing it closes its contexts, and Chromium too when no
 * other UiBrowser uses it (in a group, Chromium waits for the group's end instead).
 */
export class UiBrowser {
  private opening: Promise<unknown> = Promise.resolve();
  private readonly contexts: BrowserContext[];
  private closed = false;

  private constructor(private readonly browser: Browser, pages: BrowserContext, private readonly kept: Page, private readonly devtools: CDPSession) {
    this.contexts = [pages];
  }

  static async launch(): Promise<UiBrowser> {
    users++;
    let pages: BrowserContext | undefined;
    try {
      const browser = await sharedChromium();
      pages = await browser.newContext();
      const blank = createServer((_request, response) => response.end('<!doctype html><title>kept</title>'));
      await new Promise<void>((resolve) => blank.listen(0, '127.0.0.1', resolve));
      const kept = await pages.newPage();
      try {
        await kept.goto(`http://127.0.0.1:${(blank.address() as AddressInfo).port}/`);
      } finally {
        blank.close();
      }
      return new UiBrowser(browser, pages, kept, await browser.newBrowserCDPSession());
    } catch (error) {
      await pages?.close().catch(() => undefined);
      await UiBrowser.release();
      throw error;
    }
  }

  private static async release(): Promise<void> {
    if (--users === 0 && !keptForGroup) await closeChromium();
  }

  /** A page of the shared context (1280×720 unless told otherwise). */
  async newPage(options: { readonly viewport?: ViewportSize } = {}): Promise<Page> {
    // One window opened at a time: the kept page's next popup is then this call's. A window
    // of its own ('popup'), not a tab: a tab behind another is hidden, and Chromium runs no
    // animation frames in it, so Playwright's checks before a click (the element stable over
    // two frames) waited about two seconds for each click in a window not in front.
    const opened = this.opening.then(() => Promise.all([this.kept.waitForEvent('popup'), this.kept.evaluate("void window.open('about:blank', '_blank', 'popup')")]));
    this.opening = opened.catch(() => undefined);
    const [page] = await opened;
    if (options.viewport) await page.setViewportSize(options.viewport);
    await this.closeSurely(page);
    return page;
  }

  /**
   * The page's close() made sure: Chromium can acknowledge Target.closeTarget and leave the
   * target open when the close meets a navigation commit (crbug.com/536385539), and
   * page.close() then waits for ever (ssh.test hung so in a CI run). Asked again, it closes:
   * of 20 closes of a page that had just redirected by meta refresh, 3 hung here, and a
   * second Target.closeTarget ended each.
   */
  private async closeSurely(page: Page): Promise<void> {
    const session = await page.context().newCDPSession(page);
    const { targetInfo } = await session.send('Target.getTargetInfo');
    await session.detach();
    const close = page.close.bind(page);
    page.close = async (options) => {
      const closing = close(options);
      for (let attempt = 0; attempt < CLOSE_ATTEMPTS && !(await settlesWithin(closing, CLOSE_WAIT_MS)); attempt++) {
        await this.devtools.send('Target.closeTarget', { targetId: targetInfo.targetId }).catch(() => undefined);
      }
      await closing;
    };
  }

  /** A context of its own, for pages that need other browser settings (clipboard permissions). */
  async newContext(options: BrowserContextOptions): Promise<BrowserContext> {
    const context = await this.browser.newContext(options);
    this.contexts.push(context);
    return context;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.devtools.detach().catch(() => undefined);
      for (const context of this.contexts) await context.close();
    } finally {
      await UiBrowser.release();
    }
  }
}

/** How long a page's close may take before Chromium is asked again, and how many times. */
const CLOSE_WAIT_MS = 2000;
const CLOSE_ATTEMPTS = 3;

export function launchBrowser(): Promise<UiBrowser> {
  return UiBrowser.launch();
}

/** `revtel serve --ui 0 ARGS`, and the URL it printed (with its token); its settings under `configHome`. */
export async function startUi(args: readonly string[], listening = 0, configHome?: string, env?: NodeJS.ProcessEnv): Promise<{ served: Served; url: string }> {
  const served = await startServe(['--ui', '0', ...args], { listening, ...(configHome ? { configHome } : {}), ...(env ? { env } : {}) });
  await waitFor(() => /UI ready: open (\S+)/.test(served.log()), 'the UI URL');
  const url = /UI ready: open (\S+)/.exec(served.log())![1]!;
  return { served, url };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}/${name}.png` });
}

/** What the tests see of the page's globals (they have no DOM types). */
interface UiGlobals {
  readonly document: { querySelector(selector: string): { readonly dataset: { readonly sessionId?: string } } | null };
  readonly revtelTerminalText?: (sessionId: string) => string;
}

/** Text a terminal should show: a string it includes, or a regular expression's source and flags. */
type Wanted = { readonly text: string } | { readonly source: string; readonly flags: string };

/**
 * Runs in the page (serialized, so it uses nothing from this file): the active tab's
 * terminal text as xterm.js holds it, or with `wanted`, whether that text shows it.
 */
function inActiveTerminal(wanted: Wanted | null): string | boolean {
  const page = globalThis as unknown as UiGlobals;
  const sessionId = page.document.querySelector('.terminal-area .terminal-host')?.dataset.sessionId;
  const text = sessionId && page.revtelTerminalText ? page.revtelTerminalText(sessionId) : '';
  if (wanted === null) return text;
  return 'text' in wanted ? text.includes(wanted.text) : new RegExp(wanted.source, wanted.flags).test(text);
}

/** The text in the active tab's terminal, as xterm.js holds it. */
export async function terminalText(page: Page): Promise<string> {
  return (await page.evaluate(inActiveTerminal, null)) as string;
}

/**
 * Waits until the active tab's terminal shows `pattern`. The page itself looks every 50 ms:
 * a look from here is a DevTools round trip carrying the whole text, and costs the browser
 * far more than the look.
 */
export async function waitForTerminal(page: Page, pattern: RegExp | string, timeoutMs = WAIT_MS): Promise<void> {
  const wanted: Wanted = typeof pattern === 'string' ? { text: pattern } : { source: pattern.source, flags: pattern.flags };
  try {
    await page.waitForFunction(inActiveTerminal, wanted, { polling: 50, timeout: timeoutMs });
  } catch (error) {
    if (!(error instanceof Error && error.name === 'TimeoutError')) throw error;
    const text = await terminalText(page);
    throw new Error(`the terminal never showed ${String(pattern)}; it shows:\n${text.trimEnd().split('\n').slice(-15).join('\n')}`);
  }
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
export async function openUiPage(browser: UiBrowser, url: string, viewport?: ViewportSize): Promise<Page> {
  const page = await browser.newPage(viewport ? { viewport } : {});
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.stack ?? error.message}\n`));
  await page.goto(url);
  await page.getByRole('heading', { name: 'Serial ports' }).waitFor();
  return page;
}

/**
 * Waits until the tab at `index` is the one shown. A session just opened is drawn as a tab a
 * moment before the answer to Open shows it, and earlier tests' sessions, which live on in
 * the back end, are tabs of every page (the first shown when it loads): count the tabs
 * before opening, then wait for the one after them.
 */
export async function tabShown(page: Page, index: number): Promise<void> {
  await page.getByRole('tab').nth(index).and(page.getByRole('tab', { selected: true })).waitFor();
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
