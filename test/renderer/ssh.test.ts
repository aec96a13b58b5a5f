import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, type UiBrowser, openUiPage, screenshot, startUi, terminalText, waitForTerminal } from '../support/browser.js';
import { hashPassword } from '../../native/server/passwords.js';
import { freePort, makeSshKey, scratchDir, startSshAgent, startSshd, waitFor, type Peer, type Sshd } from '../support/peers.js';
import { makeServeHostKeys, type Served } from '../support/revtel.js';

// SSH tabs in the browser UI against Debian's sshd on loopback ports and Revtel's own SSH
// server (`revtel serve --ssh`, the UI's back end itself): the new-session dialog, the host
// key asked about once in the tab, typing and resizing a real shell, a changed host key
// refused with OpenSSH's warning, passwords (asked again in the tab when refused), an
// ssh-agent of the test's own, an encrypted key, BREAK over SSH, and a server that stops
// answering keepalives. The tests of the first group share one window and run in order.

const user = userInfo().username;

describe('SSH in the browser UI', () => {
  /** One Chromium for both back ends below (a launch costs more than the second describe's tests). */
  let browser: UiBrowser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  describe('SSH tabs against OpenSSH sshd', () => {
    let dir: string;
    let configHome: string;
    let hostKey: ReturnType<typeof makeSshKey>;
    let clientKey: ReturnType<typeof makeSshKey>;
    let sshd: Sshd;
    let served: Served;
    let url: string;
    let agent: Peer & { readonly socket: string };
    let agentKey: ReturnType<typeof makeSshKey>;
    let lockedKey: ReturnType<typeof makeSshKey>;
    /**
     * The window every test here works in, as a user keeps one open: each test opens its own
     * tab, the earlier tests' tabs stay behind it (only the active tab is drawn). A page of
     * its own per test would cost Chromium half a CPU-second each to load the UI.
     */
    let page: Page;
    /** The demo router's line, with a password, which the back end also serves over SSH (on revtelSshPort). */
    let linePort: number;
    let revtelSshPort: number;
    const knownHostsPath = (): string => join(configHome, 'revtel', 'known_hosts');
    /** The back end's settings as compact JSON, once they hold `text` (the file is written whole, then renamed into place). */
    const savedSettings = async (text: string, what: string): Promise<string> => {
      const path = join(configHome, 'revtel', 'settings.json');
      const read = (): string => {
        try {
          return JSON.stringify(JSON.parse(readFileSync(path, 'utf8')));
        } catch {
          return '';
        }
      };
      await waitFor(() => read().includes(text), what);
      return read();
    };

    before(async () => {
      dir = scratchDir();
      configHome = join(dir, 'config');
      mkdirSync(configHome);
      hostKey = makeSshKey(join(dir, 'host_ed25519'));
      clientKey = makeSshKey(join(dir, 'id_ed25519'));
      agentKey = makeSshKey(join(dir, 'id_agent'));
      lockedKey = makeSshKey(join(dir, 'id_locked'), 'ed25519', 'open sesame');
      writeFileSync(join(dir, 'authorized_keys'), [clientKey, agentKey, lockedKey].map((key) => `${key.publicLine}\n`).join(''));
      sshd = await startSshd(dir, { hostKey: hostKey.path, authorizedKeys: join(dir, 'authorized_keys') });
      agent = await startSshAgent(dir, [agentKey.path]);
      [linePort, revtelSshPort] = [await freePort(), await freePort()];
      writeFileSync(join(dir, 'passwords'), `${await hashPassword('line-secret')}\n`);
      makeServeHostKeys(join(dir, 'data'));
      // The back end is Revtel's SSH server too, as a headless console server with its UI is
      // (one process less to start): its tabs reach its own line over SSH, as another server's.
      const lineOverSsh = ['--line', `${linePort}:demo`, '--multi', 'shared', '--ssh', String(revtelSshPort), '--password-file', join(dir, 'passwords'), '--data-dir', join(dir, 'data')];
      // Its agent is the test's own; keepalives every second so a dead server shows within
      // seconds (and a loaded machine's sshd still answers in time); a slow boot: the BREAK test
      // clicks through the Line menu while the router reboots, and a loaded machine must not let
      // the boot end first (the BREAK cuts it short anyway).
      ({ served, url } = await startUi(lineOverSsh, 2, configHome, { SSH_AUTH_SOCK: agent.socket, REVTEL_SSH_KEEPALIVE_MS: '1000', REVTEL_DEMO_BOOT_STEP_MS: '500' }));
      page = await openUiPage(browser, url);
    });
    // A failed test may leave a dialog or a question open: the next test starts in a fresh window.
    afterEach(async (context) => {
      // `passed` is in Node 20's TestContext, not yet in @types/node 20.
      if ((context as { passed?: boolean }).passed) return;
      await page.close();
      page = await openUiPage(browser, url);
    });
    after(async () => {
      await page?.close();
      await served?.stop();
      await agent?.stop();
      await sshd?.stop();
    });

    /** Fills the SSH dialog; `login` chooses how, and Connect is left to the caller. */
    async function fillSshDialog(page: Page, port: number, login: { user?: string; password?: string; keyFile?: string; passphrase?: string; agent?: boolean }) {
      await page.getByRole('button', { name: 'New SSH session…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New SSH session' });
      await dialog.getByLabel('Host').fill('127.0.0.1');
      await dialog.getByLabel('Port', { exact: true }).fill(String(port));
      await dialog.getByLabel('User').fill(login.user ?? user);
      if (login.password !== undefined) {
        await dialog.getByLabel('Log in with').selectOption('password');
        await dialog.getByLabel('Password', { exact: true }).fill(login.password);
      } else if (login.keyFile !== undefined) {
        await dialog.getByLabel('Log in with').selectOption('key');
        await dialog.getByRole('textbox', { name: 'Key file' }).fill(login.keyFile);
        if (login.passphrase !== undefined) await dialog.getByLabel(/Key passphrase/).fill(login.passphrase);
      } else if (login.agent) {
        await dialog.getByLabel('Log in with').selectOption('agent');
      }
      await dialog.getByLabel(/Save in the sidebar/).setChecked(false);
      return dialog;
    }

    /**
     * Connect, and until the dialog has closed: the new session's tab is then the one shown, so
     * that what the test waits for next is looked for in it, not in the earlier tests' tabs.
     */
    const connect = async (dialog: Locator): Promise<void> => {
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await dialog.waitFor({ state: 'detached' });
    };

    /** Until the tab's shell is open: what is typed before that goes nowhere, as in any terminal. */
    const shellOpen = (page: Page): Promise<void> => page.locator('.status-bar [data-state="open"]').waitFor({ timeout: 10_000 });

    /**
     * Waits for the shell's prompt ("$ " or "# ") at the end of the terminal, one more than
     * `seen` prompts in all (a reconnected shell's prompt follows the old one on its line), and
     * gives their count: keys typed while a login shell is still starting can be swallowed (its
     * terminal set-up discards typeahead).
     */
    const shellPrompt = async (page: Page, seen = 0): Promise<number> => {
      // More than `seen` prompts, the last at the end.
      await waitForTerminal(page, new RegExp(`^(?=(?:[^]*?[#$] ){${seen + 1}})[^]*[#$]\\s*$`));
      return ((await terminalText(page)).match(/[#$] /g) ?? []).length;
    };

    /**
     * A line into the tab's terminal, then Enter. The line comes as one input event, as from an
     * input method: the first test types key by key, and each key costs a DevTools round trip
     * and a redraw (a tenth of a CPU-second for a command line).
     */
    const enterLine = async (page: Page, text: string): Promise<void> => {
      await page.locator('.terminal-area .xterm').click();
      if (text) await page.keyboard.insertText(text);
      await page.keyboard.press('Enter');
    };

    /**
     * Until the demo router's prompt: RETURN, and once more if the router was still booting (it
     * takes no keys then, and asks for RETURN once it is up). Its boot is slow here, and a tab
     * may join the line at any point of it.
     */
    const routerPrompt = async (page: Page): Promise<void> => {
      await enterLine(page, '');
      await waitForTerminal(page, /Router>|Press RETURN to get started!/);
      if ((await terminalText(page)).includes('Router>')) return;
      await enterLine(page, '');
      await waitForTerminal(page, 'Router>');
    };

    async function openSshDialog(page: Page, port: number): Promise<void> {
      await page.getByRole('button', { name: 'New SSH session…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New SSH session' });
      await dialog.getByLabel('Host').fill('127.0.0.1');
      await dialog.getByLabel('Port', { exact: true }).fill(String(port));
      await dialog.getByLabel('User').fill(user);
      await dialog.getByLabel('Log in with').selectOption('key');
      await dialog.getByRole('textbox', { name: 'Key file' }).fill(clientKey.path);
      await connect(dialog);
    }

    const sttySize = async (page: Page, marker: string): Promise<string> => {
      await page.keyboard.insertText(`echo ${marker}-$(stty size)-end`);
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

      await shellPrompt(page);
      await page.locator('.terminal-area .xterm').click();
      await page.keyboard.type('echo revtel-$((6*7))');
      await page.keyboard.press('Enter');
      await waitForTerminal(page, /^revtel-42\s*$/m);

      const first = await geometry(page);
      assert.equal(await sttySize(page, 'size1'), `${first.rows} ${first.cols}`, 'the shell\'s pty has the tab\'s size');
      const size = page.viewportSize()!;
      await page.setViewportSize({ width: 900, height: 500 });
      await waitFor(async () => (await geometry(page)).cols !== first.cols, 'the terminal to refit');
      const second = await geometry(page);
      assert.equal(await sttySize(page, 'size2'), `${second.rows} ${second.cols}`, 'a resize reaches the shell\'s pty');
      await screenshot(page, '15-ssh-tab');
      // The window the next tests share is given back its size.
      await page.setViewportSize(size);
    });

    it('saves the destination without a password, finds the key recorded on the next connection, and reconnects after the server side dies', async () => {
      const destinations = await savedSettings('"ssh"', 'the SSH destination to be saved');
      assert.match(destinations, new RegExp(`"host":"127\\.0\\.0\\.1","port":${sshd.port},"ssh":\\{"user":"${user}","keyFile":"${clientKey.path.replace(/[/.]/g, '\\$&')}"\\}`));
      assert.doesNotMatch(destinations, /password/i);

      await page.getByRole('button', { name: 'Connect…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New SSH session' });
      assert.equal(await dialog.getByLabel('User').inputValue(), user);
      assert.equal(await dialog.getByRole('textbox', { name: 'Key file' }).inputValue(), clientKey.path);
      await connect(dialog);
      const trace = page.getByRole('list', { name: 'Trace lines' }).last();
      await trace.getByText(`Authenticated as ${user} with publickey`).first().waitFor({ timeout: 10_000 });
      await trace.getByText(/^Host key ED25519 \S+: known/).first().waitFor();
      assert.equal(await page.getByRole('alertdialog').count(), 0, 'a recorded key is not asked about again');

      // The shell answers before its connection is killed: the reconnection is then told apart by a new prompt.
      await shellPrompt(page);
      await enterLine(page, 'echo first-$((6*7))');
      await waitForTerminal(page, /^first-42\s*$/m);
      const prompts = await shellPrompt(page);
      // The server side of the connection dies: the tab says so and Reconnect opens a new shell in it.
      await waitFor(() => sshd.sessionPids().length > 0, 'sshd\'s session process');
      for (const pid of sshd.sessionPids()) process.kill(pid, 'SIGKILL');
      await page.locator('.status-bar [data-state="closed"]').waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Reconnect' }).click();
      await waitFor(async () => (await trace.getByText(/^Shell open on a pty/).count()) === 2, 'a second shell', 10_000);
      await shellPrompt(page, prompts);
      await enterLine(page, 'echo again-$((6*7))');
      await waitForTerminal(page, /^again-42\s*$/m);
    });

    it('refuses a changed host key with OpenSSH\'s warning in the tab', async () => {
      const otherKey = makeSshKey(join(dir, 'other_host_ed25519'));
      const impostor = await startSshd(dir, { hostKey: otherKey.path, authorizedKeys: join(dir, 'authorized_keys') });
      try {
        // Revtel has recorded the real server's key for the impostor's address.
        const [type, blob] = hostKey.publicLine.split(' ');
        mkdirSync(join(configHome, 'revtel'), { recursive: true });
        appendFileSync(knownHostsPath(), `[127.0.0.1]:${impostor.port} ${type} ${blob}\n`);
        await openSshDialog(page, impostor.port);
        const notice = page.getByRole('alert', { name: new RegExp(`State of ${user}@127\\.0\\.0\\.1:${impostor.port}`) });
        await notice.getByText('WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!').waitFor({ timeout: 10_000 });
        await notice.getByText(otherKey.fingerprint).waitFor();
        assert.equal(await page.getByRole('alertdialog').count(), 0, 'a changed key is not offered for acceptance');
        assert.equal(impostor.sessionPids().length, 0, 'no session was made');
        await screenshot(page, '15-ssh-changed-host-key');
      } finally {
        await impostor.stop();
      }
    });

    it('asks for a refused password again in the tab, and logs in with the one typed there', async () => {
      const dialog = await fillSshDialog(page, revtelSshPort, { user: `alice:${linePort}`, password: 'not-the-secret' });
      await connect(dialog);
      // The first connection to Revtel's server: its host key is asked about before the password.
      await page.getByRole('alertdialog', { name: 'Host key of 127.0.0.1' }).getByRole('button', { name: 'Accept and connect' }).click();
      const question = page.getByRole('alertdialog', { name: `Password for alice:${linePort}@127.0.0.1` });
      await question.getByText(`127.0.0.1 refused the password for alice:${linePort}: type it again, or cancel.`).waitFor({ timeout: 10_000 });
      await screenshot(page, '15-ssh-password-again');
      await question.getByLabel('Password', { exact: true }).fill('line-secret');
      await question.getByRole('button', { name: 'Log in' }).click();
      await question.waitFor({ state: 'detached' });
      await shellOpen(page);
      await routerPrompt(page);
    });

    it('logs in to Revtel\'s own SSH server with the line password, and BREAK from the Line menu drops the demo router into ROMMON', async () => {
      const dialog = await fillSshDialog(page, revtelSshPort, { user: `alice:${linePort}`, password: 'line-secret' });
      await connect(dialog);
      const trace = page.getByRole('list', { name: 'Trace lines' });
      await trace.getByText(`Authenticated as alice:${linePort} with password`).first().waitFor({ timeout: 10_000 });
      await shellOpen(page);
      await routerPrompt(page);
      await enterLine(page, 'enable');
      await enterLine(page, 'reload');
      await waitForTerminal(page, '[confirm]');
      await enterLine(page, '');
      await waitForTerminal(page, 'System Bootstrap');
      await page.locator('summary', { hasText: 'Line' }).click();
      const line = page.getByRole('group', { name: 'Line' });
      // Only what works over SSH: BREAK, no DTR/RTS and no telnet commands.
      assert.equal(await line.getByRole('button', { name: 'DTR' }).count(), 0);
      assert.equal(await line.getByLabel('Telnet command').count(), 0);
      await line.getByRole('button', { name: 'Send BREAK' }).click();
      await waitForTerminal(page, 'rommon 1 >');
      await trace.getByText('The server sent the BREAK').first().waitFor();
      await screenshot(page, '15-ssh-break-rommon');
      await page.locator('summary', { hasText: 'Line' }).click();
      // ROMMON takes the tab's next line: the router boots again (slowly here; no later test uses the line).
      await enterLine(page, 'boot');
      await waitForTerminal(page, /rommon 1 > boot\s+System Bootstrap/);
    });

    it('says in a sentence that a password was refused when the user gives up, and Reconnect asks again', async () => {
      const dialog = await fillSshDialog(page, sshd.port, { password: 'not-the-password' });
      await connect(dialog);
      const question = page.getByRole('alertdialog', { name: `Password for ${user}@127.0.0.1` });
      await question.getByRole('button', { name: 'Cancel' }).click();
      const notice = page.getByRole('alert', { name: new RegExp(`State of ${user}@127\\.0\\.0\\.1:${sshd.port}`) });
      await notice.getByText(`127.0.0.1 port ${sshd.port} did not accept the password for ${user}: Reconnect to type it again.`).waitFor({ timeout: 10_000 });
      await screenshot(page, '15-ssh-password-refused');
      assert.doesNotMatch(await page.locator('body').innerText(), /Error:|at \w+ \(|client-authentication|All configured authentication methods failed/);
      await page.getByRole('button', { name: 'Reconnect' }).click();
      await question.waitFor({ timeout: 10_000 });
      await question.getByRole('button', { name: 'Cancel' }).click();
      await question.waitFor({ state: 'detached' });
    });

    it('offers the SSH agent the back end has, logs in with its keys, and saves the choice', async () => {
      const dialog = await fillSshDialog(page, sshd.port, { agent: true });
      await dialog.getByLabel(/Save in the sidebar/).setChecked(true);
      await screenshot(page, '15-ssh-dialog-agent');
      await connect(dialog);
      const trace = page.getByRole('list', { name: 'Trace lines' });
      await trace.getByText('Trying publickey with the keys of the SSH agent').first().waitFor({ timeout: 10_000 });
      await trace.getByText(`Authenticated as ${user} with agent`).first().waitFor({ timeout: 10_000 });
      await shellOpen(page);
      await shellPrompt(page);
      await enterLine(page, 'echo agent-$((6*7))');
      await waitForTerminal(page, /^agent-42\s*$/m);
      // The page saves its settings a moment after a change: the login can be quicker.
      const settings = await savedSettings('"agent":true', 'the agent destination to be saved');
      const destinations = (JSON.parse(settings) as { destinations: { port: number; ssh?: unknown }[] }).destinations;
      assert.deepEqual(destinations.find((destination) => destination.port === sshd.port && JSON.stringify(destination.ssh).includes('agent'))?.ssh, { user, agent: true });
      assert.ok(!settings.includes(agent.socket), 'the agent\'s socket is the back end\'s business');
    });

    it('says a key is encrypted or its passphrase wrong, in the dialog, and connects with the right one', async () => {
      // The earlier tests' tabs are in the window.
      await page.getByRole('tab').first().waitFor();
      const tabs = await page.getByRole('tab').count();
      const dialog = await fillSshDialog(page, sshd.port, { keyFile: lockedKey.path });
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'The private key is encrypted: give its passphrase.' }).waitFor();
      await dialog.getByLabel(/Key passphrase/).fill('open says me');
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'The passphrase does not open the private key: check it and try again.' }).waitFor();
      assert.equal(await dialog.getByRole('alert').count(), 1, 'only the latest problem is said');
      await screenshot(page, '15-ssh-wrong-passphrase');
      assert.equal(await page.getByRole('tab').count(), tabs, 'no tab for a key that cannot be opened');
      await dialog.getByLabel(/Key passphrase/).fill('open sesame');
      await connect(dialog);
      await page.getByRole('list', { name: 'Trace lines' }).getByText(`Trying publickey with ED25519 ${lockedKey.fingerprint}`).first().waitFor({ timeout: 10_000 });
      await shellOpen(page);
      await shellPrompt(page);
      await enterLine(page, 'echo unlocked-$((6*7))');
      await waitForTerminal(page, /^unlocked-42\s*$/m);
    });

    it('says in the tab when the server stops answering keepalives', async () => {
      const earlier = new Set(sshd.sessionPids());
      const dialog = await fillSshDialog(page, sshd.port, { keyFile: clientKey.path });
      await connect(dialog);
      await shellOpen(page);
      await shellPrompt(page);
      await enterLine(page, 'echo alive-$((6*7))');
      await waitForTerminal(page, /^alive-42\s*$/m);
      const pids = sshd.sessionPids().filter((pid) => !earlier.has(pid));
      assert.ok(pids.length > 0, 'sshd has a process for the tab\'s connection');
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      try {
        const notice = page.getByRole('alert', { name: new RegExp(`State of ${user}@127\\.0\\.0\\.1:${sshd.port}`) });
        await notice.getByText(`127.0.0.1 port ${sshd.port} stopped answering: 3 keepalives went unanswered.`).waitFor({ timeout: 10_000 });
        await screenshot(page, '15-ssh-keepalive-lost');
      } finally {
        for (const pid of pids) process.kill(pid, 'SIGKILL');
      }
    });
  });

  describe('SSH dialog where the back end has no SSH agent', () => {
    let served: Served;

    before(async () => {
      let url: string;
      ({ served, url } = await startUi([], 0, undefined, { SSH_AUTH_SOCK: '' }));
      page = await openUiPage(browser, url);
    });
    let page: Page;
    after(async () => {
      await page?.close();
      await served?.stop();
    });

    it('does not offer the agent', async () => {
      await page.getByRole('button', { name: 'New SSH session…' }).click();
      const choice = page.getByRole('dialog', { name: 'New SSH session' }).getByLabel('Log in with');
      await waitFor(async () => (await choice.locator('option').count()) === 2, 'the choices without the agent');
      assert.deepEqual(await choice.locator('option').allTextContents(), ['a password', 'a key file']);
    });

    it('says what is wrong with a user name in the dialog, in words', async () => {
      const dialog = page.getByRole('dialog', { name: 'New SSH session' });
      await dialog.getByLabel('Host').fill('127.0.0.1');
      await dialog.getByLabel('User').fill('al ice');
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await dialog.getByRole('alert').getByText(/^The user name must be a user name \(letters, digits, .*\)\.$/).waitFor();
      assert.doesNotMatch(await dialog.innerText(), /payload|\/\^/);
    });
  });
});
