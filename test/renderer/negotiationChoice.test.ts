import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { scratchDir, startTelnetd, waitFor, type Peer } from '../support/peers.js';
import { launchBrowser, type UiBrowser, openUiPage, screenshot, startUi, tabShown, waitForTerminal } from '../support/browser.js';
import type { Served } from '../support/revtel.js';

// The telnet dialog's "Negotiation" (PuTTY's Active/Passive, the BSD rule, answer only, raw):
// against a server the test plays, what the client sends and when; against inetutils
// telnetd, passive's trace opens with what the server sent; and the choice is saved with
// the destination.

const IAC = 0xff;
const DO = 0xfd;
const TTYPE = 24;

/** A server that says a line of text on connect and negotiates only when the test tells it to. */
async function silentServer(): Promise<{ port: number; socket: () => Socket | undefined; connections: () => number; received: () => Buffer; close: () => void }> {
  let current: Socket | undefined;
  let connections = 0;
  let received = Buffer.alloc(0);
  const server: Server = createServer((socket) => {
    current = socket;
    connections++;
    received = Buffer.alloc(0);
    // Only the newest connection's bytes: an earlier test's session lives on in the server,
    // and its last bytes may arrive after this connection was made.
    socket.on('data', (data) => {
      if (current === socket) received = Buffer.concat([received, data]);
    });
    socket.on('error', () => {});
    socket.write('banner of a quiet server\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, socket: () => current, connections: () => connections, received: () => received, close: () => server.close() };
}

describe('the telnet negotiation choice', () => {
  let browser: UiBrowser;
  let served: Served;
  let url: string;
  let quiet: Awaited<ReturnType<typeof silentServer>>;
  let telnetd: Peer & { readonly port: number };
  const configHome = scratchDir();

  before(async () => {
    quiet = await silentServer();
    telnetd = await startTelnetd();
    ({ served, url } = await startUi([], 0, configHome));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    await telnetd?.stop();
    quiet?.close();
  });

  const open = async (page: Page, port: number, negotiation: string): Promise<void> => {
    await page.getByRole('button', { name: 'New telnet session…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New telnet session' });
    await dialog.getByLabel('Host').fill('127.0.0.1');
    await dialog.getByLabel('Port', { exact: true }).fill(String(port));
    await dialog.getByLabel('Negotiation').selectOption(negotiation);
    await dialog.getByRole('button', { name: 'Connect' }).click();
  };
  // The trace pane's default is short names ("SENT DO SGA").
  const traceLines = async (page: Page): Promise<string[]> => page.getByRole('list', { name: 'Trace lines' }).locator('li').allInnerTexts();

  it('passive sends nothing until the server negotiates, then opens as the client does on port 23', async () => {
    const page = await openUiPage(browser, url);
    await open(page, quiet.port, 'passive');
    await waitForTerminal(page, 'banner of a quiet server');
    assert.equal(quiet.received().length, 0, 'passive sent bytes to a server that had not negotiated');
    assert.deepEqual((await traceLines(page)).filter((line) => line.includes('SENT')), []);
    quiet.socket()!.write(Uint8Array.of(IAC, DO, TTYPE));
    const trace = page.getByRole('list', { name: 'Trace lines' });
    await trace.getByText('SENT WILL TTYPE').first().waitFor();
    await trace.getByText('SENT DO SGA').first().waitFor();
    const lines = await traceLines(page);
    assert.match(lines[0]!, /RCVD DO TTYPE/, `the trace opens with ${lines[0]}`);
    await screenshot(page, 'negotiation-passive');
    await page.close();
  });

  it('active asks for its options at once, before the server has negotiated anything', async () => {
    const page = await openUiPage(browser, url);
    // The passive test's session is this page's first tab, its trace holding SENT DO SGA too.
    const earlierTabs = await page.getByRole('tab').count();
    const before = quiet.connections();
    await open(page, quiet.port, 'active');
    await tabShown(page, earlierTabs);
    await page.getByRole('list', { name: 'Trace lines' }).getByText('SENT DO SGA').first().waitFor();
    // The client can have sent before the server took its connection: until then, what the
    // server holds is the passive test's connection's.
    await waitFor(() => quiet.connections() > before && quiet.received().length >= 3, 'the opening requests at the server');
    assert.deepEqual([...quiet.received().subarray(0, 3)], [IAC, DO, 3], 'the first bytes sent are DO SUPPRESS-GO-AHEAD');
    assert.ok((await traceLines(page)).every((line) => !line.includes('RCVD')), 'the quiet server sent no negotiation');
    await page.close();
  });

  it('raw is no telnet: the server\'s IAC DO TTYPE is shown as bytes and never answered', async () => {
    const page = await openUiPage(browser, url);
    // The earlier tests' sessions live on in the back end, as tabs of this page with the same
    // banner: the raw tab is the one after them, shown, and its connection the server's newest.
    const earlierTabs = await page.getByRole('tab').count();
    const earlierConnections = quiet.connections();
    await open(page, quiet.port, 'raw');
    await tabShown(page, earlierTabs);
    await waitFor(() => quiet.connections() > earlierConnections && quiet.socket()?.readyState === 'open', 'the raw connection at the server');
    await waitForTerminal(page, 'banner of a quiet server');
    quiet.socket()!.write(Buffer.concat([Buffer.from([IAC, DO, TTYPE]), Buffer.from('after the IAC\r\n')]));
    await waitForTerminal(page, 'after the IAC');
    assert.equal(quiet.received().length, 0, 'raw answered the server');
    assert.deepEqual(await traceLines(page), []);
    await page.close();
  });

  it('passive against inetutils telnetd: the trace opens with what the server sent; the choice is saved with the destination', async () => {
    const page = await openUiPage(browser, url);
    await open(page, telnetd.port, 'passive');
    // The earlier tests' sessions are the server's, listed in this page too: the trace read is
    // the new tab's once it is the one shown.
    const shown = page.getByRole('tab', { name: new RegExp(`127\\.0\\.0\\.1:${telnetd.port}`), selected: true });
    await shown.waitFor();
    const trace = page.getByRole('list', { name: 'Trace lines' });
    await trace.getByText(/^SENT /).first().waitFor();
    const lines = await traceLines(page);
    assert.match(lines[0]!, /^(\S+ )?RCVD /, `the first trace line is ${lines[0]}`);
    const settingsFile = join(configHome, 'revtel', 'settings.json');
    const destination = () => (existsSync(settingsFile) ? (JSON.parse(readFileSync(settingsFile, 'utf8')) as { destinations?: { port: number; negotiation?: string }[] }).destinations?.find((saved) => saved.port === telnetd.port) : undefined);
    await waitFor(() => destination() !== undefined, 'the destination in the settings file');
    assert.equal(destination()!.negotiation, 'passive');
    await page.getByRole('button', { name: `Close 127.0.0.1:${telnetd.port}` }).click();
    await shown.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: `Connect 127.0.0.1:${telnetd.port}` }).click();
    await shown.waitFor();
    await trace.getByText(/^SENT /).first().waitFor();
    const again = await traceLines(page);
    assert.match(again[0]!, /^(\S+ )?RCVD /, `reopened from the sidebar, the first trace line is ${again[0]}`);
    await screenshot(page, 'negotiation-saved');
    await page.close();
  });
});
