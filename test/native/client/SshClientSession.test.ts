// The SSH client session against Debian's OpenSSH server, started per test group on a
// loopback port with its own host key and authorized_keys.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { KnownHosts } from '../../../native/client/KnownHosts.js';
import { SshClientSession, SshOptionsError, type PasswordQuestion, type SshClientOptions, type UnknownHostKey } from '../../../native/client/SshClientSession.js';
import type { StateChange } from '../../../native/client/ConnectionLifecycle.js';
import { freePort, makeSshKey, scratchDir, startSshAgent, startSshd, waitFor, type Sshd } from '../../support/peers.js';
import { makeServeHostKeys, startServe, type Served } from '../../support/revtel.js';
import { hashPassword } from '../../../native/server/passwords.js';

/** Every session a test made: closed after it, so that a failing test leaves no connection keeping the process alive. */
const made = new Set<SshClientSession>();
afterEach(() => {
  for (const session of made) session.close();
  made.clear();
});

/** A session with everything it emits collected, for assertions. */
function observe(options: SshClientOptions) {
  const session = new SshClientSession(options);
  made.add(session);
  const trace: string[] = [];
  const states: StateChange[] = [];
  let output = '';
  session.onTrace((entry) => trace.push(entry.text));
  session.onState((change) => states.push(change));
  session.onData((data) => (output += Buffer.from(data).toString('latin1')));
  const closed = new Promise<StateChange & { state: 'closed' }>((resolve) => session.onState((change) => change.state === 'closed' && resolve(change)));
  const opened = (count = 1): Promise<void> => waitFor(() => states.filter((change) => change.state === 'open').length >= count, 'the session to open');
  return { session, trace, states, closed, opened, output: () => output };
}

const user = userInfo().username;

describe('SSH client against OpenSSH sshd', () => {
  let dir: string;
  let hostKey: ReturnType<typeof makeSshKey>;
  let clientKey: ReturnType<typeof makeSshKey>;
  let sshd: Sshd;
  let knownHostsPath: string;
  const base = (): SshClientOptions => ({
    host: '127.0.0.1',
    port: sshd.port,
    username: user,
    privateKey: readFileSync(clientKey.path),
    knownHosts: new KnownHosts(knownHostsPath),
  });

  before(async () => {
    dir = scratchDir();
    hostKey = makeSshKey(join(dir, 'host_ed25519'));
    clientKey = makeSshKey(join(dir, 'id_ed25519'));
    writeFileSync(join(dir, 'authorized_keys'), `${clientKey.publicLine}\n`);
    sshd = await startSshd(dir, { hostKey: hostKey.path, authorizedKeys: join(dir, 'authorized_keys') });
    knownHostsPath = join(dir, 'config', 'revtel', 'known_hosts');
  });
  after(() => sshd.stop());

  it('shows an unknown host key once, records it, and tells the handshake in words', async () => {
    const asked: UnknownHostKey[] = [];
    const first = observe({ ...base(), acceptHostKey: (key) => (asked.push(key), true) });
    first.session.open();
    await first.opened();
    assert.equal(asked.length, 1);
    assert.equal(asked[0]!.description, `ED25519 ${hostKey.fingerprint}`, 'the fingerprint is the one ssh-keygen -l prints');
    const recorded = readFileSync(knownHostsPath, 'utf8');
    assert.equal(recorded, `[127.0.0.1]:${sshd.port} ${hostKey.publicLine.split(' ').slice(0, 2).join(' ')}\n`);
    assert.equal(statSync(knownHostsPath).mode & 0o777, 0o600);
    const trace = first.trace.join('\n');
    assert.match(trace, /Connected; the server is SSH-2\.0-OpenSSH_/);
    assert.match(trace, /Key exchange: \S+; host key algorithm: ssh-ed25519/);
    assert.match(trace, new RegExp(`Host key ED25519 ${escape(hostKey.fingerprint)}: not known yet`));
    assert.match(trace, /Cipher: \S+/);
    assert.match(trace, /The server accepts: publickey,?/);
    assert.match(trace, new RegExp(`Trying publickey with ED25519 ${escape(clientKey.fingerprint)}`));
    assert.match(trace, new RegExp(`Authenticated as ${user} with publickey`));
    assert.match(trace, /Shell open on a pty \(xterm-256color, 80×24\)/);
    first.session.write(Buffer.from('echo $((6*7))-answer\r'));
    await waitFor(() => first.output().includes('42-answer'), 'the shell to answer');
    first.session.close();
    assert.equal((await first.closed).reason, 'user');

    const second = observe({ ...base(), acceptHostKey: (key) => (asked.push(key), true) });
    second.session.open();
    await second.opened();
    assert.equal(asked.length, 1, 'a recorded key is not asked about again');
    assert.match(second.trace.join('\n'), new RegExp(`Host key ED25519 ${escape(hostKey.fingerprint)}: known \\(${escape(knownHostsPath)} line 1\\)`));
    second.session.close();
    await second.closed;
  });

  it('sends the terminal size at start and on resize', async () => {
    const { session, opened, output, closed } = observe({ ...base(), acceptHostKey: () => true, windowSize: { cols: 91, rows: 27 } });
    session.open();
    await opened();
    session.write(Buffer.from('stty size\r'));
    await waitFor(() => output().includes('27 91'), 'stty to report the first size');
    session.resize({ cols: 132, rows: 43 });
    session.write(Buffer.from('stty size\r'));
    await waitFor(() => output().includes('43 132'), 'stty to report the new size');
    session.close();
    await closed;
  });

  it('reconnects when the connection is lost, and the shell answers again', async () => {
    const { session, states, opened, output, closed } = observe({ ...base(), acceptHostKey: () => true, reconnect: true });
    const earlier = new Set(sshd.sessionPids());
    session.open();
    await opened();
    for (const pid of sshd.sessionPids().filter((pid) => !earlier.has(pid))) signal(pid, 'SIGKILL');
    await opened(2);
    const reconnecting = states.find((change) => change.state === 'reconnecting');
    assert.ok(reconnecting && reconnecting.state === 'reconnecting');
    assert.match(reconnecting.message, new RegExp(`127\\.0\\.0\\.1 port ${sshd.port}`));
    session.write(Buffer.from('echo again-$((2+3))\r'));
    await waitFor(() => output().includes('again-5'), 'the new shell to answer');
    session.close();
    await closed;
  });

  it('keeps the new shell of a reconnection paused while the reader has paused the session', async () => {
    const { session, opened, output, closed } = observe({ ...base(), acceptHostKey: () => true, reconnect: true });
    const earlier = new Set(sshd.sessionPids());
    const marker = join(scratchDir(), 'ran');
    session.open();
    await opened();
    // The terminal is behind (the hub's output channel asks): the channel stops being read.
    session.pause();
    for (const pid of sshd.sessionPids().filter((pid) => !earlier.has(pid))) signal(pid, 'SIGKILL');
    await opened(2);
    session.write(Buffer.from(`echo paused-$((2+3)); touch ${marker}\r`));
    // The shell printed the answer before it made the file.
    await waitFor(() => existsSync(marker), 'the new shell to run the command');
    assert.doesNotMatch(output(), /paused-5/, 'the new shell was read although its reader had paused the session');
    session.resume();
    await waitFor(() => output().includes('paused-5'), 'the answer once resumed');
    session.close();
    await closed;
  });

  it('sends keepalives while the session is idle, and the server answers them', async () => {
    const chatty = await startSshd(dir, { hostKey: hostKey.path, authorizedKeys: join(dir, 'authorized_keys'), logLevel: 'DEBUG1' });
    const { session, opened, states, closed } = observe({ ...base(), port: chatty.port, acceptHostKey: () => true, keepaliveIntervalMs: 100, keepaliveCountMax: 20 });
    try {
      session.open();
      await opened();
      // Nothing is typed: each of these lines is a keepalive the client sent on its own.
      const keepalives = (): number => (chatty.stderr().match(/rtype keepalive@openssh\.com want_reply 1/g) ?? []).length;
      await waitFor(() => keepalives() >= 3, 'sshd to log three keepalive requests', 5000);
      assert.deepEqual(states.map((change) => change.state), ['connecting', 'open'], 'answered keepalives keep the session open');
    } finally {
      session.close();
      await closed;
      await chatty.stop();
    }
  });

  it('counts a server that stops answering keepalives as lost', async () => {
    const { session, opened, closed } = observe({ ...base(), acceptHostKey: () => true, keepaliveIntervalMs: 100, keepaliveCountMax: 2 });
    const earlier = new Set(sshd.sessionPids());
    session.open();
    await opened();
    const pids = sshd.sessionPids().filter((pid) => !earlier.has(pid));
    assert.ok(pids.length > 0, 'sshd has a process for the connection');
    for (const pid of pids) signal(pid, 'SIGSTOP');
    try {
      const end = await closed;
      assert.equal(end.reason, 'lost');
      assert.match(end.message, /stopped answering: 2 keepalives went unanswered/);
    } finally {
      // A stopped process takes SIGKILL; one that ended meanwhile is simply gone.
      for (const pid of pids) signal(pid, 'SIGKILL');
    }
  });

  it('says a refused password in a sentence, names the methods tried in the trace, and does not retry', async () => {
    const { session, closed, trace, states } = observe({ host: '127.0.0.1', port: sshd.port, username: user, knownHosts: new KnownHosts(knownHostsPath), password: 'not-the-password', acceptHostKey: () => true, reconnect: true });
    session.open();
    const end = await closed;
    assert.equal(end.reason, 'connect-failed');
    // OpenSSH offers keyboard-interactive too (answered with the password), then password.
    assert.equal(end.message, `127.0.0.1 port ${sshd.port} did not accept the password for ${user}: Reconnect to type it again.`);
    assert.ok(trace.includes('keyboard-interactive refused'));
    assert.ok(trace.includes('password refused'));
    assert.equal(states.some((change) => change.state === 'reconnecting'), false);
  });

  it('asks again for a refused password, as PuTTY does, and ends with a sentence when the user gives up', async () => {
    const questions: PasswordQuestion[] = [];
    const { session, closed, trace } = observe({
      host: '127.0.0.1', port: sshd.port, username: user, knownHosts: new KnownHosts(knownHostsPath), password: 'not-the-password', acceptHostKey: () => true,
      // The first question gets another wrong password, the second is cancelled.
      askPassword: async (question) => (questions.push(question), questions.length === 1 ? 'still-not-it' : undefined),
    });
    session.open();
    const end = await closed;
    assert.deepEqual(questions.map((question) => question.message), [
      `127.0.0.1 refused the password for ${user}: type it again, or cancel.`,
      `127.0.0.1 refused the password for ${user}: type it again, or cancel.`,
    ]);
    assert.equal(end.reason, 'connect-failed');
    assert.equal(end.message, `127.0.0.1 port ${sshd.port} did not accept the password for ${user}: Reconnect to type it again.`);
    assert.equal(trace.filter((line) => line === 'password refused').length, 2, 'the password typed when asked was sent');
    assert.ok(trace.includes('No password given'));
  });

  it('asks for a password when the key is refused and the server takes passwords', async () => {
    const stranger = makeSshKey(join(dir, 'id_stranger'));
    const questions: PasswordQuestion[] = [];
    const { session, closed } = observe({ ...base(), privateKey: readFileSync(stranger.path), acceptHostKey: () => true, askPassword: async (question) => (questions.push(question), undefined) });
    session.open();
    const end = await closed;
    assert.deepEqual(questions, [{ refused: false, message: `127.0.0.1 asks for the password of ${user}.` }]);
    assert.equal(end.message, `127.0.0.1 port ${sshd.port} refused ${user} (tried publickey; the server accepts publickey, password, keyboard-interactive).`);
  });

  it('logs in with the keys of an ssh-agent, the agent started by the test with its own socket', async () => {
    const agentKey = makeSshKey(join(dir, 'id_agent'));
    writeFileSync(join(dir, 'authorized_keys'), `${clientKey.publicLine}\n${agentKey.publicLine}\n`);
    const agent = await startSshAgent(dir, [agentKey.path]);
    try {
      const { session, opened, output, trace, closed } = observe({ host: '127.0.0.1', port: sshd.port, username: user, knownHosts: new KnownHosts(knownHostsPath), agent: agent.socket, acceptHostKey: () => true });
      session.open();
      await opened();
      assert.ok(trace.includes('Trying publickey with the keys of the SSH agent'));
      assert.ok(trace.includes(`Authenticated as ${user} with agent`));
      session.write(Buffer.from('echo agent-$((6*7))\r'));
      await waitFor(() => output().includes('agent-42'), 'the shell to answer');
      session.close();
      await closed;
    } finally {
      await agent.stop();
    }
  });

  it('opens an encrypted key with its passphrase, and says so in a sentence when it is missing or wrong', async () => {
    const locked = makeSshKey(join(dir, 'id_locked'), 'ed25519', 'correct horse');
    const lockedRsa = makeSshKey(join(dir, 'id_locked_rsa'), 'rsa', 'correct horse');
    writeFileSync(join(dir, 'authorized_keys'), `${clientKey.publicLine}\n${locked.publicLine}\n`);
    for (const key of [locked, lockedRsa]) {
      assert.throws(() => new SshClientSession({ ...base(), privateKey: readFileSync(key.path) }), { name: 'Error', message: 'The private key is encrypted: give its passphrase.' });
      assert.throws(() => new SshClientSession({ ...base(), privateKey: readFileSync(key.path), passphrase: 'wrong horse' }), { message: 'The passphrase does not open the private key: check it and try again.' });
    }
    const { session, opened, trace, closed } = observe({ ...base(), privateKey: readFileSync(locked.path), passphrase: 'correct horse', acceptHostKey: () => true });
    session.open();
    await opened();
    assert.ok(trace.includes(`Trying publickey with ED25519 ${locked.fingerprint}`));
    session.close();
    await closed;
  });

  it('refuses an unknown key the user does not accept, and records nothing', async () => {
    const path = join(dir, 'declined', 'known_hosts');
    const asked: UnknownHostKey[] = [];
    const { session, closed } = observe({ ...base(), knownHosts: new KnownHosts(path), acceptHostKey: (key) => (asked.push(key), false) });
    session.open();
    const end = await closed;
    assert.equal(asked.length, 1);
    assert.equal(end.reason, 'connect-failed');
    assert.match(end.message, /was not accepted: the connection was not made/);
    assert.equal(existsSync(path), false);
  });

  it('reports a private key that cannot be read before connecting', () => {
    assert.throws(() => new SshClientSession({ ...base(), privateKey: readFileSync(`${clientKey.path}.pub`) }), SshOptionsError);
    assert.throws(() => new SshClientSession({ ...base(), privateKey: 'not a key' }), /cannot be read/);
  });
});

describe('SSH client: a host whose key has changed', () => {
  let dir: string;
  let sshd: Sshd;
  let oldKey: ReturnType<typeof makeSshKey>;
  let newKey: ReturnType<typeof makeSshKey>;
  let clientKey: ReturnType<typeof makeSshKey>;

  before(async () => {
    dir = scratchDir();
    oldKey = makeSshKey(join(dir, 'old_host_ed25519'));
    newKey = makeSshKey(join(dir, 'new_host_ed25519'));
    clientKey = makeSshKey(join(dir, 'id_ed25519'));
    writeFileSync(join(dir, 'authorized_keys'), `${clientKey.publicLine}\n`);
    sshd = await startSshd(dir, { hostKey: newKey.path, authorizedKeys: join(dir, 'authorized_keys') });
  });
  after(() => sshd.stop());

  it('refuses the connection with OpenSSH\'s warning and leaves the file as it was', async () => {
    const path = join(dir, 'known_hosts');
    const recorded = `# kept by hand\n[127.0.0.1]:${sshd.port} ${oldKey.publicLine}\n`;
    writeFileSync(path, recorded);
    const asked: UnknownHostKey[] = [];
    const { session, closed, states } = observe({
      host: '127.0.0.1',
      port: sshd.port,
      username: user,
      privateKey: readFileSync(clientKey.path),
      knownHosts: new KnownHosts(path),
      acceptHostKey: (key) => (asked.push(key), true),
      reconnect: true,
    });
    session.open();
    const end = await closed;
    assert.equal(end.reason, 'connect-failed');
    assert.match(end.message, /WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!/);
    assert.match(end.message, new RegExp(`The fingerprint for the ED25519 key sent by 127\\.0\\.0\\.1 port ${sshd.port} is\\n${escape(newKey.fingerprint)}\\.`));
    assert.match(end.message, new RegExp(`Offending ED25519 key in ${escape(path)}:2`));
    assert.equal(asked.length, 0, 'a changed key is never offered for acceptance');
    assert.equal(states.some((change) => change.state === 'open' || change.state === 'reconnecting'), false);
    assert.equal(readFileSync(path, 'utf8'), recorded);
  });

  it('refuses with a sentence when the known-hosts file has a line it cannot read', async () => {
    const path = join(dir, 'broken_known_hosts');
    writeFileSync(path, `[127.0.0.1]:${sshd.port} ssh-ed25519\n`);
    const { session, closed } = observe({
      host: '127.0.0.1',
      port: sshd.port,
      username: user,
      privateKey: readFileSync(clientKey.path),
      knownHosts: new KnownHosts(path),
      acceptHostKey: () => true,
    });
    session.open();
    const end = await closed;
    assert.equal(end.reason, 'connect-failed');
    assert.equal(end.message, `${path} line 1 is not "host key-type base64-key": fix or delete that line.`);
  });
});

describe('SSH client against Revtel\'s own SSH server (revtel serve --ssh, a line password)', () => {
  let dir: string;
  let served: Served;
  let linePort: number;
  let sshPort: number;
  const login = (options: Partial<SshClientOptions>): SshClientOptions => ({
    host: '127.0.0.1',
    port: sshPort,
    username: `alice:${linePort}`,
    knownHosts: new KnownHosts(join(dir, 'known_hosts')),
    acceptHostKey: () => true,
    ...options,
  });

  before(async () => {
    dir = scratchDir();
    [linePort, sshPort] = [await freePort(), await freePort()];
    writeFileSync(join(dir, 'passwords'), `${await hashPassword('line-secret')}\n`);
    makeServeHostKeys(join(dir, 'data'));
    // Alice may type and send BREAK; bob may only watch.
    writeFileSync(join(dir, 'lines.yaml'), `lines:\n  - { port: ${linePort}, device: demo, multi: shared, writers: [alice], readers: [bob] }\n`);
    // Two listeners: the line's telnet port and the SSH one.
    served = await startServe(['--config', join(dir, 'lines.yaml'), '--ssh', String(sshPort), '--password-file', join(dir, 'passwords'), '--data-dir', join(dir, 'data')], 2);
  });
  after(() => served?.stop());

  it('logs in with the line password, reaches the demo router, and its BREAK drops the router into ROMMON', async () => {
    const { session, opened, output, trace, closed } = observe(login({ password: 'line-secret' }));
    session.open();
    await opened();
    assert.ok(trace.includes('Trying password'));
    assert.ok(trace.includes(`Authenticated as alice:${linePort} with password`));
    session.write(Buffer.from('\r'));
    await waitFor(() => output().includes('Router>'), 'the router\'s prompt');
    session.write(Buffer.from('enable\rreload\r'));
    await waitFor(() => output().includes('[confirm]'), 'reload to ask for confirmation');
    session.write(Buffer.from('\r'));
    await waitFor(() => output().includes('System Bootstrap'), 'the router to reboot');
    await session.sendBreak(300);
    await waitFor(() => output().includes('rommon 1 >'), 'ROMMON\'s prompt');
    assert.ok(trace.includes('BREAK requested (300 ms)'));
    assert.ok(trace.includes('The server sent the BREAK'));
    await served.waitForLog(/sent BREAK \(300 ms\)/);
    session.write(Buffer.from('boot\r'));
    await waitFor(() => output().includes('Press RETURN to get started!'), 'the router to boot again');
    session.close();
    await closed;
    await assert.rejects(session.sendBreak(300), { message: 'The session with 127.0.0.1 is not open: no BREAK was sent.' });
  });

  it('says so in a sentence when the server refuses the BREAK (a reader\'s)', async () => {
    const { session, opened, trace } = observe(login({ username: `bob:${linePort}`, password: 'line-secret' }));
    session.open();
    await opened();
    await assert.rejects(session.sendBreak(300), { message: '127.0.0.1 refused the BREAK: its SSH server does not send one on this session.' });
    assert.ok(trace.includes('The server refused the BREAK'));
  });

  it('asks again after a wrong password and logs in with the one typed then', async () => {
    const questions: PasswordQuestion[] = [];
    const { session, opened, output, closed } = observe(login({ password: 'wrong-secret', askPassword: async (question) => (questions.push(question), 'line-secret') }));
    session.open();
    await opened();
    assert.deepEqual(questions, [{ refused: true, message: `127.0.0.1 refused the password for alice:${linePort}: type it again, or cancel.` }]);
    session.write(Buffer.from('\r'));
    await waitFor(() => output().includes('Router>'), 'the router\'s prompt');
    await served.waitForLog(/wrong password for alice/);
    session.close();
    await closed;
  });
});

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
