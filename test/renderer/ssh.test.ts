import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openUiPage, screenshot, startUi, waitForTerminal } from '../support/browser.js';
import { makeSshKey, scratchDir, startSshd, waitFor, type Sshd } from '../support/peers.js';
import type { Served } from '../support/revtel.js';

// SSH tabs in the browser UI against Debian's sshd on loopback ports: the new-session
// dialog, the host key asked about once in the tab, typing and resizing a real shell, and a
// changed host key refused with OpenSSH's warning.

const user = userInfo().username;

describe('SSH tabs against OpenSSH sshd', () => {
  let dir: string;
  let configHome: string;
  let hostKey: ReturnType<typeof makeSshKey>;
  let clientKey: ReturnType<typeof makeSshKey>;
  let sshd: Sshd;
  let browser: Browser;
  let served: Served;
  let url: string;
  const knownHostsPath = (): string => join(configHome, 'revtel', 'known_hosts');

  before(async () => {
    dir = scratchDir();
    configHome = join(dir, 'config');
    mkdirSync(configHome);
    hostKey = makeSshKey(join(dir, 'host_ed25519'));
    clientKey = makeSshKey(join(dir, 'id_ed25519'));
    writeFileSync(join(dir, 'authorized_keys'), `${clientKey.publicLine}\n`);
    sshd = await startSshd(dir, { hostKey: hostKey.path, authorizedKeys: join(dir, 'authorized_keys') });
    ({ served, url } = await startUi([], 0, configHome));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    await sshd?.stop();
  });

  async function openSshDialog(page: Page, port: number): Promise<void> {
    await page.getByRole('button', { name: 'New SSH session…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New SSH session' });
    await dialog.getByLabel('Host').fill('127.0.0.1');
    await dialog.getByLabel('Port', { exact: true }).fill(String(port));
    await dialog.getByLabel('User').fill(user);
    await dialog.getByLabel('Log in with').selectOption('key');
    await dialog.getByRole('textbox', { name: 'Key file' }).fill(clientKey.path);
    await dialog.getByRole('button', { name: 'Connect' }).click();
  }

  const sttySize = async (page: Page, marker: string): Promise<string> => {
    await page.keyboard.type(`echo ${marker}-$(stty size)-end`);
    await page.keyboard.press('Enter');
    const pattern = new RegExp(`${marker}-(\\d+ \\d+)-end`);
    await waitForTerminal(page, pattern);
    const text = await page.evaluate<string>(`(() => {
      const sessionId = document.querySelector('.terminal-area .terminal-host')?.dataset.sessionId;
      return window.revtelTerminalText(sessionId);
    })()`);
    return pattern.exec(text.split('\n').filter((line) => pattern.test(line) && !line.includes('$(')).pop() ?? '')![1]!;
  };
  const geometry = (page: Page): Promise<{ cols: number; rows: number }> => page.evaluate(`(() => {
    const sessionId = document.querySelector('.terminal-area .terminal-host')?.dataset.sessionId;
    return window.revtelTerminalGeometry(sessionId);
  })()`);

  it('asks about an unknown host key in the tab, connects with a key once it is accepted, echoes typing and follows resizes', async () => {
    const page = await openUiPage(browser, url);
    await openSshDialog(page, sshd.port);
    const question = page.getByRole('alertdialog', { name: 'Host key of 127.0.0.1' });
    await question.getByText(hostKey.fingerprint).waitFor();
    await question.getByText('ssh-ed25519 key fingerprint').waitFor();
    await screenshot(page, '15-ssh-host-key-question');
    await question.getByRole('button', { name: 'Accept and connect' }).click();
    await question.waitFor({ state: 'detached' });

    const trace = page.getByRole('list', { name: 'Trace lines' });
    await trace.getByText(`Authenticated as ${user} with publickey`).first().waitFor({ timeout: 10_000 });
    await trace.getByText(/^Key exchange: .* host key algorithm: ssh-ed25519/).first().waitFor();
    await trace.getByText('Host key accepted and recorded in').first().waitFor();
    assert.match(readFileSync(knownHostsPath(), 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 `, 'm'));

    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.type('echo revtel-$((6*7))');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /^revtel-42\s*$/m);

    const first = await geometry(page);
    assert.equal(await sttySize(page, 'size1'), `${first.rows} ${first.cols}`, 'the shell\'s pty has the tab\'s size');
    await page.setViewportSize({ width: 900, height: 500 });
    await waitFor(async () => (await geometry(page)).cols !== first.cols, 'the terminal to refit');
    const second = await geometry(page);
    assert.equal(await sttySize(page, 'size2'), `${second.rows} ${second.cols}`, 'a resize reaches the shell\'s pty');
    await screenshot(page, '15-ssh-tab');
    await page.close();
  });

  it('saves the destination without a password, finds the key recorded on the next connection, and reconnects after the server side dies', async () => {
    const settingsPath = join(configHome, 'revtel', 'settings.json');
    await waitFor(() => {
      try {
        return readFileSync(settingsPath, 'utf8').includes('"ssh"');
      } catch {
        return false;
      }
    }, 'the SSH destination to be saved');
    const saved = JSON.parse(readFileSync(settingsPath, 'utf8')) as { ui?: { destinations?: unknown[] }; destinations?: unknown[] };
    const destinations = JSON.stringify(saved);
    assert.match(destinations, new RegExp(`"host":"127\\.0\\.0\\.1","port":${sshd.port},"ssh":\\{"user":"${user}","keyFile":"${clientKey.path.replace(/[/.]/g, '\\$&')}"\\}`));
    assert.doesNotMatch(destinations, /password/i);

    const page = await openUiPage(browser, url);
    await page.getByRole('button', { name: 'Connect…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New SSH session' });
    assert.equal(await dialog.getByLabel('User').inputValue(), user);
    assert.equal(await dialog.getByRole('textbox', { name: 'Key file' }).inputValue(), clientKey.path);
    await dialog.getByRole('button', { name: 'Connect' }).click();
    const trace = page.getByRole('list', { name: 'Trace lines' }).last();
    await trace.getByText(`Authenticated as ${user} with publickey`).first().waitFor({ timeout: 10_000 });
    await trace.getByText(/^Host key ED25519 \S+: known/).first().waitFor();
    assert.equal(await page.getByRole('alertdialog').count(), 0, 'a recorded key is not asked about again');

    // The shell answers before its connection is killed: a shell killed while its dotfiles
    // still run can leave their locks behind (pyenv's rehash lock stalls every later shell).
    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.type('echo first-$((6*7))');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /^first-42\s*$/m);
    // The server side of the connection dies: the tab says so and Reconnect opens a new shell in it.
    await waitFor(() => sshd.sessionPids().length > 0, 'sshd\'s session process');
    for (const pid of sshd.sessionPids()) process.kill(pid, 'SIGKILL');
    await page.locator('.status-bar [data-state="closed"]').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await waitFor(async () => (await trace.getByText(/^Shell open on a pty/).count()) === 2, 'a second shell', 10_000);
    await page.locator('.terminal-area .xterm').click();
    await page.keyboard.type('echo again-$((6*7))');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /^again-42\s*$/m);
    await page.close();
  });

  it('refuses a changed host key with OpenSSH\'s warning in the tab', async () => {
    const otherKey = makeSshKey(join(dir, 'other_host_ed25519'));
    const impostor = await startSshd(dir, { hostKey: otherKey.path, authorizedKeys: join(dir, 'authorized_keys') });
    try {
      // Revtel has recorded the real server's key for the impostor's address.
      const [type, blob] = hostKey.publicLine.split(' ');
      mkdirSync(join(configHome, 'revtel'), { recursive: true });
      appendFileSync(knownHostsPath(), `[127.0.0.1]:${impostor.port} ${type} ${blob}\n`);
      const page = await openUiPage(browser, url);
      await openSshDialog(page, impostor.port);
      const notice = page.getByRole('alert', { name: new RegExp(`State of ${user}@127\\.0\\.0\\.1:${impostor.port}`) });
      await notice.getByText('WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!').waitFor({ timeout: 10_000 });
      await notice.getByText(otherKey.fingerprint).waitFor();
      assert.equal(await page.getByRole('alertdialog').count(), 0, 'a changed key is not offered for acceptance');
      assert.equal(impostor.sessionPids().length, 0, 'no session was made');
      await screenshot(page, '15-ssh-changed-host-key');
      await page.close();
    } finally {
      await impostor.stop();
    }
  });
});
