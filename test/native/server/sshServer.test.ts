// Revtel's SSH listener reached with Debian's OpenSSH client (and sshpass): lines by name,
// by TCP port and on their own port, keys and passwords, roles, BREAK, and everything
// that is not a console session refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ssh2, { type AuthenticationType, type ParsedKey } from 'ssh2';
import { openDevice } from '../../../native/hub/openDevice.js';
import { makeLineConfig } from '../../../native/server/LineConfig.js';
import { LOGIN_LIMITS, LoginGuard, type LoginLimits } from '../../../native/server/LoginGuard.js';
import { hashPassword } from '../../../native/server/passwords.js';
import { SshGateway, type SshListener } from '../../../native/server/SshGateway.js';
import { routeLogin } from '../../../native/server/sshRoute.js';
import { TerminalServer } from '../../../native/server/TerminalServer.js';
import { collect, freePort, makeSshKey, openPtyEnd, scratchDir, startProcess, startPtyPair, startSshAgent, waitFor, type PtyPair } from '../../support/peers.js';
import { makeServeHostKeys, TEST_BOOT_STEP_MS } from '../../support/revtel.js';
import { runSsh, sshOptions, type SshRun } from '../../support/ssh.js';

// The demo routers of this process's servers boot at the tests' pace, as `revtel serve`'s
// do in the other tests, not in the product's 250 ms steps.
process.env['REVTEL_DEMO_BOOT_STEP_MS'] = String(TEST_BOOT_STEP_MS);

describe('SSH server', () => {
  let dir: string;
  let server: TerminalServer;
  let listener: SshListener;
  let pty: PtyPair;
  let demoPort: number;
  let ptyPort: number;
  let ptySshPort: number;
  const log: string[] = [];
  const keys: Record<'alice' | 'bob' | 'stranger', ReturnType<typeof makeSshKey>> = {} as never;
  const runs: SshRun[] = [];

  /** ssh as `login` with a key, a terminal forced (-tt) and OpenSSH's escapes on. */
  const sshWithKey = (who: keyof typeof keys, login: string, extra: readonly string[] = [], options: { port?: number; command?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): SshRun => {
    const port = options.port ?? listener.port;
    const run = runSsh('ssh', [...sshOptions(join(dir, 'known_hosts')), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-i', keys[who].path, '-p', String(port), ...extra, `${login}@127.0.0.1`, ...(options.command ?? [])], options.env);
    runs.push(run);
    return run;
  };
  const sshWithPassword = (password: string, login: string, port = listener.port): SshRun => {
    const run = runSsh('sshpass', ['-p', password, 'ssh', ...sshOptions(join(dir, 'known_hosts')), '-tt', '-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1', '-p', String(port), `${login}@127.0.0.1`]);
    runs.push(run);
    return run;
  };
  const logged = (pattern: RegExp): Promise<void> => waitFor(() => log.some((line) => pattern.test(line)), `the log to say ${pattern}`);

  before(async () => {
    dir = scratchDir();
    mkdirSync(join(dir, 'keys'));
    // Made beforehand: making them is sshHostKeys.test's business, and an RSA key of the first start's size takes seconds.
    makeServeHostKeys(join(dir, 'data'));
    for (const who of ['alice', 'bob', 'stranger'] as const) keys[who] = makeSshKey(join(dir, `id_${who}`));
    writeFileSync(join(dir, 'keys', 'alice'), `# alice's key\n${keys.alice.publicLine}\n`);
    writeFileSync(join(dir, 'keys', 'bob'), `no-port-forwarding ${keys.bob.publicLine}\n`);
    pty = await startPtyPair(dir);
    [demoPort, ptyPort, ptySshPort] = [await freePort(), await freePort(), await freePort()];
    // One guard for telnet and SSH, as `revtel serve` has; short waits after a wrong password.
    const loginGuard = new LoginGuard({ ...LOGIN_LIMITS, firstDelayMs: 5 }, (line) => log.push(line));
    const ssh = new SshGateway({ dataDir: join(dir, 'data'), authorizedKeys: join(dir, 'keys', '%u'), log: (line) => log.push(line), loginGuard });
    server = new TerminalServer({ device: { open: openDevice }, log: (line) => log.push(line), version: 'test', ssh: async () => ssh, loginGuard });
    await server.apply([
      makeLineConfig(demoPort, 'demo', { name: 'core-sw1', writers: ['alice'], readers: ['bob'], multi: 'shared' }, 'test', await hashPassword('line-secret')),
      makeLineConfig(ptyPort, pty.device, { name: 'lab-pty', ssh: ptySshPort, multi: 'shared' }, 'test'),
    ]);
    listener = await ssh.listen('127.0.0.1', await freePort(), (username) => routeLogin(username, server.lines), 'SSH');
  });
  after(async () => {
    for (const run of runs) await run.stop();
    await listener.close();
    await server.stop();
    await pty.stop();
  });

  it('reaches the demo line by name with a key, and its BREAK (~B) drops the router into ROMMON', async () => {
    const alice = sshWithKey('alice', 'alice:core-sw1', ['-tt']);
    await alice.expect('[revtel] core-sw1: demo 9600,8N1');
    alice.type('\r');
    await alice.expect('Router>');
    alice.type('enable\rreload\r');
    await alice.expect('[confirm]');
    alice.type('\r');
    await alice.expect('System Bootstrap');
    // OpenSSH's escape: ~B at the start of a line sends RFC 4335's break request.
    alice.type('\r~B');
    await alice.expect('rommon 1 >');
    await logged(/client 127\.0\.0\.1:\d+ sent BREAK \(1000 ms\)/);
    assert.ok(log.some((line) => line.includes(`logged in to core-sw1 as alice with publickey ED25519 ${keys.alice.fingerprint}`)));
    alice.type('boot\r');
    await alice.expect('Press RETURN to get started!');
    await alice.stop();
  });

  it('reaches a pty line by TCP port and on its own SSH port, both ways', async () => {
    const remote = collect(pty.remote);
    const byPort = sshWithKey('alice', `alice:${ptyPort}`, ['-tt']);
    await byPort.expect('[revtel] lab-pty:');
    await waitFor(() => server.lines.find((line) => line.config.tcpPort === ptyPort)!.connectedClients.some((client) => client.active), 'alice on the pty line');
    byPort.type('typed-by-port');
    await waitFor(() => remote.text().includes('typed-by-port'), 'the keystrokes on the device side');
    const own = sshWithKey('alice', 'alice', ['-tt'], { port: ptySshPort });
    await own.expect('[revtel] lab-pty:');
    await waitFor(() => server.lines.find((line) => line.config.tcpPort === ptyPort)!.connectedClients.filter((client) => client.active).length === 2, 'both sessions on the line');
    const device = openPtyEnd(pty.remote);
    device.output.write('from-the-device\r\n');
    await byPort.expect('from-the-device');
    await own.expect('from-the-device');
    device.close();
    remote.stop();
    await Promise.all([byPort.stop(), own.stop()]);
  });

  it("records the pty's terminal type and size, and takes window changes", async () => {
    // A tmux server of this test's own, with a real terminal of a known size.
    const tmux = ['-L', `revtel-ssh-${process.pid}`];
    const session = 'ssh';
    const command = ['env', 'TERM=xterm-256color', 'ssh', ...sshOptions(join(dir, 'known_hosts')), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-i', keys.alice.path, '-p', String(listener.port), `alice:${ptyPort}@127.0.0.1`];
    execFileSync('tmux', [...tmux, 'new-session', '-d', '-s', session, '-x', '100', '-y', '30', ...command]);
    try {
      const line = server.lines.find((candidate) => candidate.config.tcpPort === ptyPort)!;
      const described = (): string => line.connectedClients.map((client) => client.describeNegotiation()).join('\n');
      await waitFor(() => /SSH as alice \(publickey ED25519 .*\), xterm-256color 100x30/.test(described()), 'the pty request to be recorded');
      execFileSync('tmux', [...tmux, 'resize-window', '-t', session, '-x', '120', '-y', '40']);
      await waitFor(() => /xterm-256color 120x40/.test(described()), 'the window change to be recorded');
    } finally {
      execFileSync('tmux', [...tmux, 'kill-server']);
    }
  });

  it("refuses a reader's keystrokes and BREAK, and a user who is neither reader nor writer", async () => {
    const alice = sshWithKey('alice', 'alice:core-sw1', ['-tt']);
    await alice.expect('[revtel] core-sw1:');
    alice.type('\r');
    await alice.expect('Router>');
    const bob = sshWithKey('bob', 'bob:core-sw1', ['-tt']);
    await bob.expect('you are watching (bob is a reader of this line)');
    bob.type('sneaky\r');
    await bob.expect("you are watching; the keyboard is someone else's");
    bob.type('~B');
    await bob.expect('BREAK refused: you are watching');
    // Bob's keystrokes came first: had they reached the router, its echo would come before this prompt.
    const before = alice.output().length;
    alice.type('show clock\r');
    await alice.expect(/show clock[\s\S]*Router>/);
    assert.doesNotMatch(alice.output().slice(before), /sneaky/);
    assert.ok(log.some((line) => /BREAK refused \(a reader may not send it\)/.test(line)));

    const carol = sshWithKey('stranger', 'carol:core-sw1', ['-tt']);
    assert.equal(await carol.exited, 255);
    assert.match(carol.output(), /Permission denied/);
    await logged(/carol is neither a reader nor a writer of core-sw1: refused/);
    await Promise.all([alice.stop(), bob.stop()]);
  });

  it('logs in with the line password (sshpass), and counts a wrong one', async () => {
    const wrong = sshWithPassword('not-it', 'alice:core-sw1');
    assert.equal(await wrong.exited, 255);
    assert.match(wrong.output(), /Permission denied/);
    await logged(/wrong password for alice on core-sw1/);
    const right = sshWithPassword('line-secret', `alice:${demoPort}`);
    await right.expect('[revtel] core-sw1:');
    await logged(/logged in to core-sw1 as alice with password/);
    await right.stop();
  });

  it('refuses a key that is not authorized, and logs which', async () => {
    const stranger = sshWithKey('stranger', 'alice:core-sw1', ['-tt', '-o', 'PreferredAuthentications=publickey']);
    assert.equal(await stranger.exited, 255);
    assert.match(stranger.output(), /Permission denied \(publickey,password\)/);
    await logged(new RegExp(`key ED25519 ${keys.stranger.fingerprint.replace(/[+/]/g, '\\$&')} is not authorized for alice on core-sw1`));
  });

  it('refuses commands and subsystems with a sentence and exit status 1', async () => {
    const command = sshWithKey('alice', 'alice:core-sw1', [], { command: ['uname', '-a'] });
    assert.equal(await command.exited, 1);
    assert.match(command.output(), /\[revtel\] running a command \("uname -a"\) refused: Revtel gives console access only/);
    const sftp = sshWithKey('alice', 'alice:core-sw1', ['-s'], { command: ['sftp'] });
    assert.equal(await sftp.exited, 1);
    assert.match(sftp.output(), /\[revtel\] the sftp subsystem refused/);
  });

  it('refuses -L, -D and -R port forwarding, agent and X11 forwarding', async () => {
    const [localPort, socksPort] = [await freePort(), await freePort()];
    // OpenSSH asks for agent and X11 forwarding only with an agent and a display to forward.
    const agent = await startSshAgent(dir, []);
    const env = { SSH_AUTH_SOCK: agent.socket, DISPLAY: ':99' };
    const alice = sshWithKey('alice', `alice:${ptyPort}`, ['-tt', '-A', '-X', '-L', `${localPort}:127.0.0.1:${demoPort}`, '-D', String(socksPort)], { env });
    await alice.expect('[revtel] lab-pty:');
    await alice.expect('agent forwarding refused');
    await alice.expect('X11 forwarding refused');
    // -L: a connection to the forwarded port is carried no further.
    const forwarded = connect(localPort, '127.0.0.1');
    forwarded.on('error', () => {});
    await new Promise((resolve) => forwarded.once('close', resolve));
    await alice.expect(`[revtel] port forwarding to 127.0.0.1:${demoPort} refused`);
    // -D: a SOCKS4 CONNECT to 127.0.0.1:demoPort through OpenSSH's SOCKS proxy.
    const socks = connect(socksPort, '127.0.0.1', () => {
      socks.write(Buffer.from([4, 1, demoPort >> 8, demoPort & 0xff, 127, 0, 0, 1, 0]));
    });
    socks.on('error', () => {});
    await new Promise((resolve) => socks.once('close', resolve));
    await waitFor(() => (alice.output().match(/port forwarding to 127\.0\.0\.1:\d+ refused/g) ?? []).length >= 2, 'the SOCKS request to be refused too');
    await alice.stop();
    await agent.stop();
    const remote = sshWithKey('alice', `alice:${ptyPort}`, ['-tt', '-o', 'ExitOnForwardFailure=yes', '-R', `0:127.0.0.1:${demoPort}`]);
    assert.equal(await remote.exited, 255);
    assert.match(remote.output(), /remote port forwarding failed/);
    await logged(/remote port forwarding refused/);
  });

  it('refuses a login that names no line, or a line that is not there', async () => {
    const noLine = sshWithKey('alice', 'alice');
    assert.equal(await noLine.exited, 255);
    await logged(/alice named no line: log in as USER:LINE/);
    const unknown = sshWithKey('alice', 'alice:core-sw9');
    assert.equal(await unknown.exited, 255);
    await logged(/alice asked for "core-sw9", which is no line here/);
  });

  it('closes a connection that has not logged in within the login time', async () => {
    const loginGuard = new LoginGuard({ ...LOGIN_LIMITS, loginTimeoutMs: 100 });
    const strict = new SshGateway({ dataDir: join(dir, 'data'), log: (line) => log.push(line), loginGuard });
    const quick = await strict.listen('127.0.0.1', await freePort(), (username) => routeLogin(username, server.lines), 'SSH');
    const socket = connect(quick.port, '127.0.0.1');
    let greeting = '';
    socket.on('data', (chunk: Buffer) => (greeting += chunk.toString('latin1')));
    await new Promise((resolve) => socket.once('close', resolve));
    assert.match(greeting, /^SSH-2\.0-/);
    await logged(/not logged in after 0\.1 s: disconnected/);
    await quick.close();
  });

  it('counts wrong SSH passwords with telnet ones per address: locked out over SSH, refused on the telnet port too', async () => {
    const loginGuard = new LoginGuard({ ...LOGIN_LIMITS, firstDelayMs: 1, lockoutAfter: 2 }, (line) => log.push(line));
    const ssh = new SshGateway({ dataDir: join(dir, 'data'), log: (line) => log.push(line), loginGuard });
    const guarded = new TerminalServer({ device: { open: openDevice }, log: (line) => log.push(line), version: 'test', ssh: async () => ssh, loginGuard });
    const telnetPort = await freePort();
    await guarded.apply([makeLineConfig(telnetPort, 'demo', { name: 'guarded' }, 'test', await hashPassword('right'))]);
    const sshListener = await ssh.listen('127.0.0.1', await freePort(), (username) => routeLogin(username, guarded.lines), 'SSH');
    try {
      for (let attempt = 0; attempt < 2; attempt++) assert.equal(await sshWithPassword('wrong', 'eve:guarded', sshListener.port).exited, 255);
      await logged(/2 wrong passwords or keys from 127\.0\.0\.1 on port \d+ .*refusing it for 5 min/);
      const telnet = connect(telnetPort, '127.0.0.1');
      let said = '';
      telnet.on('data', (chunk: Buffer) => (said += chunk.toString('latin1')));
      await new Promise((resolve) => telnet.once('close', resolve));
      assert.match(said, /guarded: too many wrong passwords from your address; try again in 5 min/);
      const again = sshWithPassword('right', 'eve:guarded', sshListener.port);
      assert.equal(await again.exited, 255);
      await logged(/ssh client 127\.0\.0\.1:\d+ refused: too many wrong passwords/);
    } finally {
      await sshListener.close();
      await guarded.stop();
    }
  });

  /** A server of one demo line with its own login limits and log, and the shared SSH listener on it. */
  const guardedServer = async (limits: Partial<LoginLimits>, line: Parameters<typeof makeLineConfig>[2] = {}) => {
    const own: string[] = [];
    const loginGuard = new LoginGuard({ ...LOGIN_LIMITS, ...limits }, (entry) => own.push(entry));
    const gateway = new SshGateway({ dataDir: join(dir, 'data'), authorizedKeys: join(dir, 'keys', '%u'), log: (entry) => own.push(entry), loginGuard });
    const lines = new TerminalServer({ device: { open: openDevice }, log: (entry) => own.push(entry), version: 'test', ssh: async () => gateway, loginGuard });
    await lines.apply([makeLineConfig(await freePort(), 'demo', { name: 'guarded', ...line }, 'test')]);
    const sshListener = await gateway.listen('127.0.0.1', await freePort(), (username) => routeLogin(username, lines.lines), 'SSH');
    return {
      port: sshListener.port,
      log: own,
      logged: (pattern: RegExp): Promise<void> => waitFor(() => own.some((entry) => pattern.test(entry)), `the log to say ${pattern}`, 8000),
      count: (pattern: RegExp): number => own.filter((entry) => pattern.test(entry)).length,
      stop: async () => {
        await sshListener.close();
        await lines.stop();
      },
    };
  };

  /** An ssh-agent holding `keys`, in that order (OpenSSH offers them so). */
  const agentWith = (held: readonly { path: string }[]) => startSshAgent(dir, held.map((key) => key.path));
  /** ssh with the agent's keys only (IdentityFile names no file: OpenSSH's default ones stay out). */
  const sshWithAgent = (agentSocket: string, login: string, port: number): SshRun => {
    const run = runSsh('ssh', [...sshOptions(join(dir, 'known_hosts')), '-o', 'BatchMode=yes', '-o', `IdentityFile=${join(dir, 'no-such-key')}`, '-tt', '-p', String(port), `${login}@127.0.0.1`], { SSH_AUTH_SOCK: agentSocket });
    runs.push(run);
    return run;
  };

  it("counts refused keys once per connection that never logs in: the agent's owner gets in with the fifth key every time, a stranger is locked out", async () => {
    const guarded = await guardedServer({ lockoutAfter: 2 });
    const others = [1, 2, 3, 4].map((n) => makeSshKey(join(dir, `id_other${n}`)));
    const agent = await agentWith([...others, keys.alice]);
    try {
      // Three logins with four refused keys each, under a lock-out after two failed logins.
      for (let login = 1; login <= 3; login++) {
        const alice = sshWithAgent(agent.socket, 'alice:guarded', guarded.port);
        await alice.expect('[revtel] guarded:');
        assert.equal(guarded.count(/is not authorized for alice on guarded/), 4 * login);
        await alice.stop();
      }
      assert.equal(guarded.count(/counted as a failed login/), 0);
      // A key that is nobody's, twice: two failed logins, and the address is refused.
      for (let attempt = 0; attempt < 2; attempt++) {
        const stranger = sshWithKey('stranger', 'alice:guarded', [], { port: guarded.port });
        assert.equal(await stranger.exited, 255);
      }
      await guarded.logged(/2 wrong passwords or keys from 127\.0\.0\.1 on port \d+ .*refusing it for 5 min/);
      assert.equal(guarded.count(/refused 1 key and did not log in: counted as a failed login/), 2);
      const late = sshWithAgent(agent.socket, 'alice:guarded', guarded.port);
      assert.equal(await late.exited, 255);
      await guarded.logged(/ssh client 127\.0\.0\.1:\d+ refused: too many wrong passwords or keys/);
    } finally {
      await agent.stop();
      await guarded.stop();
    }
  });

  it('lets a connection go after maxRefusedKeys keys, counted as one failed login', async () => {
    const guarded = await guardedServer({ maxRefusedKeys: 3 });
    const others = [5, 6, 7, 8].map((n) => makeSshKey(join(dir, `id_other${n}`)));
    const agent = await agentWith(others);
    try {
      const prober = sshWithAgent(agent.socket, 'alice:guarded', guarded.port);
      assert.equal(await prober.exited, 255);
      await guarded.logged(/3 keys refused: disconnected/);
      await guarded.logged(/refused 3 keys and did not log in: counted as a failed login/);
      assert.equal(guarded.count(/is not authorized for alice on guarded/), 3);
    } finally {
      await agent.stop();
      await guarded.stop();
    }
  });

  it('counts a signature that does not verify for an authorized key at once, and lets that connection go', async () => {
    const guarded = await guardedServer({ lockoutAfter: 1 });
    const parse = (path: string): ParsedKey => ssh2.utils.parseKey(readFileSync(path)) as ParsedKey;
    const alicePublic = parse(`${keys.alice.path}.pub`);
    // Alice's public key, "signed for" with the stranger's private one: what a forger sends.
    const forged: ParsedKey = Object.assign(Object.create(parse(keys.stranger.path)) as ParsedKey, { getPublicSSH: () => alicePublic.getPublicSSH() });
    const client = new ssh2.Client();
    client.on('error', () => {});
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    let offered = false;
    client.connect({
      host: '127.0.0.1',
      port: guarded.port,
      username: 'alice:guarded',
      authHandler: (_methods, _partial, next) => {
        // false: no method left (ssh2 takes it; its types do not say so).
        next(offered ? (false as unknown as AuthenticationType) : { type: 'publickey', username: 'alice:guarded', key: forged });
        offered = true;
      },
    });
    try {
      await closed;
      await guarded.logged(/the signature does not verify: counted as a failed login, disconnected/);
      await guarded.logged(/1 wrong passwords or keys from 127\.0\.0\.1/);
      const alice = sshWithKey('alice', 'alice:guarded', ['-tt'], { port: guarded.port });
      assert.equal(await alice.exited, 255);
      await guarded.logged(/refused: too many wrong passwords or keys/);
    } finally {
      await guarded.stop();
    }
  });

  it('caps connections not logged in yet per address and per listener, apart from the logged-in ones', async () => {
    const guarded = await guardedServer({ maxPendingPerAddress: 2, maxPendingPerLine: 3, loginTimeoutMs: 60_000 });
    const opened: Socket[] = [];
    /** A TCP connection from `from` that never starts its handshake; resolves with what it is told. */
    const squat = async (from: string): Promise<{ socket: Socket; said: () => string; closed: Promise<void> }> => {
      const socket = connect({ port: guarded.port, host: '127.0.0.1', localAddress: from });
      opened.push(socket);
      socket.on('error', () => {});
      let said = '';
      socket.on('data', (chunk: Buffer) => (said += chunk.toString('latin1')));
      let gone = false;
      const closed = new Promise<void>((resolve) => socket.once('close', () => {
        gone = true;
        resolve();
      }));
      // Taken in (the server's version line) or turned away (closed); either ends the wait, so
      // that no look for a version line goes on after the socket closed.
      await waitFor(() => said.includes('SSH-2.0-') || gone, 'the version line or the close');
      return { socket, said: () => said, closed };
    };
    // Logged in first: a session holds no pending slot (else 127.0.0.3 would be turned away below).
    const alice = sshWithKey('alice', 'alice:guarded', ['-tt'], { port: guarded.port });
    try {
      await alice.expect('[revtel] guarded:');
      for (let n = 0; n < 2; n++) assert.match((await squat('127.0.0.2')).said(), /^SSH-2\.0-/);
      const third = await squat('127.0.0.2');
      await third.closed;
      assert.match(third.said(), /too many connections logging in from your address/);
      assert.match((await squat('127.0.0.3')).said(), /^SSH-2\.0-/);
      const fourth = await squat('127.0.0.4');
      await fourth.closed;
      assert.match(fourth.said(), /too many connections logging in; try again later/);
      await guarded.logged(/ssh client 127\.0\.0\.4:\d+ refused: 3 connections already logging in on this port/);
      await guarded.logged(/ssh client 127\.0\.0\.2:\d+ refused: 2 connections from it already logging in/);
      assert.equal(alice.process.exitCode, null, 'the logged-in session goes on');
      // A flood of refused connections writes a few log lines; the rest are counted.
      for (let n = 0; n < 10; n++) await (await squat('127.0.0.2')).closed;
      assert.equal(guarded.count(/refused: 3 connections already logging in on this port/), 3);
    } finally {
      for (const socket of opened) socket.destroy();
      await alice.stop();
      await guarded.stop();
    }
  });

  it('ends an idle SSH session with the same sentence as a telnet one', async () => {
    const guarded = await guardedServer({}, { idleTimeout: 0.3 });
    try {
      const alice = sshWithKey('alice', 'alice:guarded', ['-tt'], { port: guarded.port });
      await alice.expect('[revtel] guarded:');
      await alice.expect('[revtel] guarded: idle for 0.3 seconds; disconnected');
      await alice.exited;
      await guarded.logged(/client 127\.0\.0\.1:\d+ idle for 0\.3 s: disconnected/);
    } finally {
      await guarded.stop();
    }
  });

  it('drops an SSH client that stops reading, and the line goes on', async () => {
    const stalled = sshWithKey('alice', `alice:${ptyPort}`, ['-tt']);
    await stalled.expect('[revtel] lab-pty:');
    const line = server.lines.find((candidate) => candidate.config.tcpPort === ptyPort)!;
    await waitFor(() => line.connectedClients.some((client) => client.active), 'alice on the pty line');
    stalled.process.kill('SIGSTOP');
    // Another process floods the device: a pty write blocks, and the line runs in this one.
    // OpenSSH's channel window and the sockets take a few MiB before Revtel holds any.
    const flood = startProcess('sh', ['-c', `exec head -c 33554432 /dev/zero > ${pty.remote}`]);
    try {
      await logged(/lab-pty: client 127\.0\.0\.1:\d+ fell more than 1024 KiB behind: dropped/);
    } finally {
      await flood.stop();
      stalled.process.kill('SIGCONT');
    }
    await stalled.exited;
    const remote = collect(pty.remote);
    const next = sshWithKey('alice', `alice:${ptyPort}`, ['-tt']);
    await next.expect('[revtel] lab-pty:');
    await waitFor(() => line.connectedClients.some((client) => client.active), 'the next session on the line');
    next.type('still-here');
    await waitFor(() => remote.text().includes('still-here'), 'the line to carry typing again');
    remote.stop();
    await next.stop();
  });

  it('tells an SSH client when the device is unplugged, as it tells telnet clients', async () => {
    const alice = sshWithKey('alice', `alice:${ptyPort}`, ['-tt']);
    await alice.expect('[revtel] lab-pty:');
    await waitFor(() => server.lines.find((line) => line.config.tcpPort === ptyPort)!.connectedClients.some((client) => client.active), 'alice on the pty line');
    await pty.stop();
    await alice.expect('[revtel] lab-pty: device unplugged, waiting for it');
    await alice.stop();
  });

  it('keeps the known_hosts entry valid: the host key in use is the one in the data folder', () => {
    const recorded = readFileSync(join(dir, 'known_hosts'), 'utf8');
    const ed25519 = readFileSync(join(dir, 'data', 'ssh_host_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    assert.ok(recorded.includes(ed25519));
  });
});
