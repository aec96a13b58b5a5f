import { after, before } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, openUiPage, startUi, type UiBrowser } from './browser.js';
import { freePort } from './peers.js';
import type { Served } from './revtel.js';

/** `revtel serve --ui` with the demo router exposed as a line, and a Chromium to look at it. */
export interface DemoUi {
  readonly browser: UiBrowser;
  readonly served: Served;
  readonly url: string;
  /** The TCP port of the demo router's line. */
  readonly linePort: number;
  /** A new page (window) on the UI, loaded. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * Starts the UI before the tests of the describe block that calls it and stops it after
 * them; its fields are there once the tests run.
 */
export function demoUi(): DemoUi {
  const started: { browser?: UiBrowser; served?: Served; url?: string; linePort?: number } = {};
  before(async () => {
    started.linePort = await freePort();
    ({ served: started.served, url: started.url } = await startUi(['--line', `${started.linePort}:demo`]));
    started.browser = await launchBrowser();
  });
  after(async () => {
    await started.browser?.close();
    await started.served?.stop();
  });
  return {
    get browser() { return started.browser!; },
    get served() { return started.served!; },
    get url() { return started.url!; },
    get linePort() { return started.linePort!; },
    page: (viewport) => openUiPage(started.browser!, started.url!, viewport),
  };
}

/** Shows the tab whose title matches. */
export function showTab(page: Page, title: RegExp): Promise<void> {
  return page.getByRole('tab', { name: title }).locator('.tab-title').click();
}
