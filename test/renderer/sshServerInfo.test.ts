import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type UiBrowser, openUiPage, screenshot, startUi } from '../support/browser.js';
import { freePort, scratchDir } from '../support/peers.js';
import { makeServeHostKeys, type Served } from '../support/revtel.js';

// The sidebar shows where Revtel's SSH server listens and its host keys' fingerprints, so
// that a user can compare them with what `ssh` asks on first connection; a server without
// an SSH port shows none (and makes no keys for the page).

/** "256 SHA256:… comment (ED25519)" → "ED25519 SHA256:…", as ssh-keygen prints a key file. */
function keygenFingerprint(pubFile: string): string {
  const [, fingerprint, ...rest] = execFileSync('ssh-keygen', ['-l', '-f', pubFile], { encoding: 'utf8' }).trim().split(' ');
  return `${rest.at(-1)!.replace(/[()]/g, '')} ${fingerprint}`;
}

describe('the SSH server in the sidebar', () => {
  let browser: UiBrowser;
  const served: Served[] = [];

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await Promise.all(served.map((one) => one.stop()));
  });

  it('shows the listener and each host key as ssh-keygen -lf prints it', async () => {
    const data = join(scratchDir(), 'data');
    makeServeHostKeys(data);
    const [linePort, sshPort] = [await freePort(), await freePort()];
    const { served: one, url } = await startUi(['--line', `${linePort}:demo`, '--ssh', `127.0.0.1:${sshPort}`, '--data-dir', data], 2);
    served.push(one);
    const page = await openUiPage(browser, url);
    const group = page.getByRole('group', { name: 'SSH server' });
    await group.getByText(`SSH on 127.0.0.1:${sshPort}`).waitFor();
    const shown = await group.getByRole('list', { name: 'SSH host keys' }).getByRole('listitem').allInnerTexts();
    const expected = ['ssh_host_ed25519_key.pub', 'ssh_host_rsa_key.pub'].map((file) => keygenFingerprint(join(data, file)));
    assert.deepEqual(shown.map((text) => text.trim()), expected);
    // The same strings as the start-up log.
    for (const key of expected) assert.ok(one.log().includes(`SSH host key ${key}`), `${key} in the log`);
    await screenshot(page, 'ssh-server-info');
  });

  describe('a server whose line gets its own SSH port by SIGHUP, and loses it', () => {
    // One server and page for both tests, in this order: first without an SSH port, then as
    // a reload gives the line one (a server and a page cost a CPU-second).
    let dir: string;
    let data: string;
    let one: Served;
    let page: Page;
    let linePort: number;
    const writeConfig = (ssh?: number): void => writeFileSync(join(dir, 'revtel.yaml'), `lines:\n  - port: ${linePort}\n    device: demo\n${ssh ? `    ssh: ${ssh}\n` : ''}`);

    before(async () => {
      dir = scratchDir();
      data = join(dir, 'data');
      linePort = await freePort();
      writeConfig();
      let url: string;
      ({ served: one, url } = await startUi(['--config', join(dir, 'revtel.yaml'), '--data-dir', data], 1));
      served.push(one);
      page = await openUiPage(browser, url);
    });

    it('shows nothing, and makes no key, without an SSH port', async () => {
      // The line comes with the same first load as the SSH server's report.
      await page.getByRole('navigation', { name: 'Lines' }).getByText(`127.0.0.1:${linePort} telnet exclusive`, { exact: true }).waitFor();
      assert.equal(await page.getByRole('group', { name: 'SSH server' }).count(), 0);
      assert.equal(existsSync(join(data, 'ssh_host_ed25519_key')), false);
    });

    it("shows the line's own SSH port and the host keys without the shared listener, as SIGHUP adds and removes it", async () => {
      // Keys made beforehand, as an administrator may before giving the line an SSH port.
      makeServeHostKeys(data);
      const lines = page.getByRole('navigation', { name: 'Lines' });
      // The page is open when a reload gives the line its own SSH port: it follows without a reload of its own.
      const sshPort = await freePort();
      writeConfig(sshPort);
      one.process.kill('SIGHUP');
      await lines.getByText(`127.0.0.1:${linePort} telnet exclusive, ssh ${sshPort}`).waitFor();
      const group = page.getByRole('group', { name: 'SSH server' });
      await group.getByText(keygenFingerprint(join(data, 'ssh_host_ed25519_key.pub'))).waitFor();
      assert.equal(await group.getByText('SSH on').count(), 0, 'no shared listener to show');
      // The line reloaded without its SSH port: the page follows, and shows no SSH server.
      writeConfig();
      one.process.kill('SIGHUP');
      await group.waitFor({ state: 'detached' });
      await lines.getByText(`127.0.0.1:${linePort} telnet exclusive`, { exact: true }).waitFor();
    });
  });
});
