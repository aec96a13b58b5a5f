// Real peers for the tests, from Debian's packages: socat pty pairs as serial ports,
// inetutils telnetd, ser2net, OpenSSH's sshd and ssh-keygen. Each start function returns a
// handle whose stop() the test calls in after(); every process is also killed, and every
// scratch folder removed, when the test process exits. What the peers write on stderr is
// kept and shown only when a test fails (node:test reports it with the failure), so a
// passing run stays quiet.
import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import tty from 'node:tty';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'node:test';

interface Started {
  readonly label: string;
  readonly child: ChildProcess;
  stderr(): string;
  endedAt?: number;
}

const running = new Set<ChildProcess>();
const started: Started[] = [];
const scratchDirs: string[] = [];
let lastTestEnd = 0;
/**
 * How long a process may take to exit after stop()'s SIGTERM before it is killed and the
 * test fails (revtel serve takes well under a second).
 */
const STOP_MS = 10_000;
/** Processes that outlived stop()'s SIGTERM: each fails the test that stopped it (afterEach), or else the file (exit). */
const outlivedSigterm: string[] = [];
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  // Stopped in an after() hook, past the last afterEach.
  if (outlivedSigterm.length > 0) {
    process.stderr.write(`${outlivedSigterm.join('\n')}\n`);
    process.exitCode = 1;
  }
});

// A failed test gets the stderr of every peer that was running during it.
afterEach((context) => {
  const now = Date.now();
  // `passed` is in Node 20's TestContext, not yet in @types/node 20.
  if (!(context as { passed?: boolean }).passed) {
    const during = started.filter((peer) => peer.endedAt === undefined || peer.endedAt >= lastTestEnd);
    for (const peer of during) {
      const text = peer.stderr().trimEnd();
      if (text) process.stderr.write(`--- stderr of ${peer.label} (pid ${peer.child.pid ?? '?'}) ---\n${text}\n`);
    }
  }
  lastTestEnd = now;
  // Forget what ended before this test: it cannot be of use to the next failure.
  for (let at = started.length - 1; at >= 0; at--) if (started[at]!.endedAt !== undefined) started.splice(at, 1);
  if (outlivedSigterm.length > 0) throw new Error(outlivedSigterm.splice(0).join('\n'));
});

export interface Peer {
  readonly process: ChildProcess;
  /** What the process has written on stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

export interface ProcessOptions {
  /** Replaces the environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** 'pipe' keeps standard input open for process.stdin writes (default: ignored). */
  readonly stdin?: 'pipe' | 'ignore';
  /** Standard output: kept (see StartedProcess.stdout), or ignored (default). */
  readonly stdout?: 'pipe' | 'ignore';
}

export interface StartedProcess extends Peer {
  /** What the process has written on stdout so far ('' unless options.stdout is 'pipe'). */
  stdout(): string;
  /** The exit code (null when killed by a signal), once it has exited. */
  readonly exited: Promise<number | null>;
}

/** The one process starter of the tests: stderr kept for failures, killed at exit. */
export function startProcess(command: string, args: readonly string[], options: ProcessOptions = {}): StartedProcess {
  const spawnOptions: SpawnOptions = { stdio: [options.stdin ?? 'ignore', options.stdout ?? 'ignore', 'pipe'] };
  if (options.env) spawnOptions.env = options.env;
  if (options.cwd) spawnOptions.cwd = options.cwd;
  const child = spawn(command, args, spawnOptions);
  running.add(child);
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const record: Started = { label: [command, ...args].join(' ').slice(0, 120), child, stderr: () => stderr };
  started.push(record);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    running.delete(child);
    record.endedAt = Date.now();
    resolve(code);
  }));
  // A command that is not installed: the test fails on what it waits for, and says why.
  child.once('error', (error) => {
    stderr += `${command} could not be started: ${error.message}\n`;
    if (child.pid === undefined) child.emit('exit', null, null);
  });
  return {
    process: child,
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    // A process that outlives SIGTERM is killed and fails the test that stops it, named,
    // instead of holding its test file until the runner's own limit. Not thrown here: a
    // test's own failure, and the rest of its clean-up, come first.
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill('SIGTERM');
      if (await settlesWithin(exited, STOP_MS)) return;
      child.kill('SIGKILL');
      await exited;
      outlivedSigterm.push(`${record.label} was still running ${STOP_MS / 1000} s after SIGTERM (killed); it had written on stderr:\n${stderr.slice(-2000)}`);
    },
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * How long a test waits for a positive signal unless it says otherwise: an upper bound for
 * a machine loaded by the other test files running beside it (a passing test waits for its
 * signal, never for this), not a claim about speed.
 */
export const WAIT_MS = 20_000;

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether `promise` settles within `ms` (its timer cleared once it does). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `count` connections to `port` on 127.0.0.1, each reset (SO_LINGER 0) before a listener in
 * this process accepts it: python makes and resets them while execFileSync holds this
 * process's event loop, so the kernel has completed the handshakes and the resets before
 * Node looks, and Node accepts them all in one turn.
 */
export function resetBeforeAccept(port: number, count = 1): void {
  execFileSync('python3', ['-c', `import socket, struct
for _ in range(${count}):
    s = socket.create_connection(('127.0.0.1', ${port}))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()`]);
}

/** Waits until something listens on the port, without connecting (a connection has effects). */
export async function waitForPort(port: number): Promise<void> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  const listening = (): boolean => {
    const table = readFileSync('/proc/net/tcp', 'utf8') + (existsSync('/proc/net/tcp6') ? readFileSync('/proc/net/tcp6', 'utf8') : '');
    // Columns: sl local_address rem_address st …; state 0A is LISTEN.
    return table.split('\n').some((line) => line.includes(hexPort) && line.trim().split(/\s+/)[3] === '0A');
  };
  await waitFor(listening, `port ${port} to listen`);
}

/** A fresh folder under the system's temporary folder, removed when the test process exits. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'revtel-test-'));
  scratchDirs.push(dir);
  return dir;
}

/** A virtual serial cable: open `device` as the port, play the other end on `remote`. */
export interface PtyPair extends Peer {
  readonly device: string;
  readonly remote: string;
}

export async function startPtyPair(dir: string, name = 'tty'): Promise<PtyPair> {
  const device = join(dir, `${name}-device`);
  const remote = join(dir, `${name}-remote`);
  const peer = startProcess('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${remote}`]);
  await waitFor(() => existsSync(device) && existsSync(remote), 'socat to create its ptys');
  return { ...peer, device, remote };
}

/**
 * One end of a pty opened as a terminal: epoll-driven tty streams, unlike fs streams
 * whose blocking read sits in the thread pool after destroy() and swallows the next bytes.
 */
export function openPtyEnd(path: string): { input: tty.ReadStream; output: tty.WriteStream; close: () => void } {
  const fd = openSync(path, 'r+');
  const input = new tty.ReadStream(fd);
  const output = new tty.WriteStream(fd);
  input.on('error', () => {});
  output.on('error', () => {});
  return { input, output, close: () => input.destroy() };
}

/** Everything read from a pty end since the call. */
export function collect(path: string): { text: () => string; stop: () => void } {
  let text = '';
  const end = openPtyEnd(path);
  end.input.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  return { text: () => text, stop: end.close };
}

/** inetutils telnetd serving `program` on a loopback port, one telnetd per connection. */
export async function startTelnetd(program = '/bin/cat'): Promise<Peer & { readonly port: number }> {
  const port = await freePort();
  const peer = startProcess('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `EXEC:/usr/sbin/telnetd -h -E ${program}`]);
  await waitForPort(port);
  return { ...peer, port };
}

/** busybox's telnetd serving `program` on a loopback port (character mode, no LINEMODE). */
export async function startBusyboxTelnetd(program = '/bin/sh'): Promise<Peer & { readonly port: number }> {
  const port = await freePort();
  const peer = startProcess('busybox', ['telnetd', '-F', '-b', `127.0.0.1:${port}`, '-l', program]);
  await waitForPort(port);
  return { ...peer, port };
}

/** The pids of `pid`'s descendants running `command` (argv[0] and args, space-joined). */
export function descendantsRunning(pid: number, command: string): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args=']).toString().trim().split('\n').map((line) => {
    const [, child, parent, args] = /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(line) ?? [];
    return { pid: Number(child), ppid: Number(parent), args: (args ?? '').trim() };
  });
  const family = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of table) {
      if (family.has(row.ppid) && !family.has(row.pid)) {
        family.add(row.pid);
        grew = true;
      }
    }
  }
  return table.filter((row) => family.has(row.pid) && row.pid !== pid && row.args === command).map((row) => row.pid);
}

/** ser2net 4 exposing `device` with the telnet accepter (RFC 2217 unless told otherwise) on a loopback port. */
export async function startSer2net(dir: string, device: string, settings = '9600n81', rfc2217 = true): Promise<Peer & { readonly port: number }> {
  const port = await freePort();
  const config = join(dir, 'ser2net.yaml');
  writeFileSync(config, [
    'connection: &con1',
    `  accepter: telnet${rfc2217 ? '(rfc2217)' : ''},tcp,127.0.0.1,${port}`,
    `  connector: serialdev,${device},${settings},local`,
    '',
  ].join('\n'));
  const peer = startProcess('ser2net', ['-n', '-u', '-c', config, '-P', join(dir, 'ser2net.pid')]);
  await waitForPort(port);
  return { ...peer, port };
}

/** The size of the tests' RSA keys, made by ssh-keygen (see makeSshKey). */
export const TEST_RSA_BITS = 1024;

/**
 * An SSH key pair made by Debian's ssh-keygen: `path` is the private key (encrypted with
 * `passphrase` if given), `path.pub` the public one. An RSA key has 1024 bits, the fewest
 * ssh-keygen makes: no test is about an RSA key's strength, and the search for the primes of
 * the default 3072 takes from a tenth of a CPU-second to seconds.
 */
export function makeSshKey(path: string, type: 'ed25519' | 'rsa' = 'ed25519', passphrase = ''): { readonly path: string; readonly publicLine: string; readonly fingerprint: string } {
  // One bcrypt round (-a 1): ssh2 derives the key in JavaScript, and OpenSSH's 16 rounds take seconds there.
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', String(TEST_RSA_BITS)] : []), '-N', passphrase, ...(passphrase ? ['-a', '1'] : []), '-C', 'revtel-test', '-f', path]);
  const publicLine = readFileSync(`${path}.pub`, 'utf8').trim();
  // "256 SHA256:… comment (ED25519)": OpenSSH's own fingerprint, to compare ours with.
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', `${path}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  return { path, publicLine, fingerprint };
}

export interface Sshd extends Peer {
  readonly port: number;
  /** The per-connection sshd processes (one per client), for tests that break a connection. */
  sessionPids(): number[];
}

/**
 * Debian's OpenSSH server on a loopback port with its own config, host key and
 * authorized_keys, logging in as the user running the tests (root in CI). Needs root:
 * sshd must own its privilege-separation directory.
 */
export async function startSshd(dir: string, options: { readonly hostKey: string; readonly authorizedKeys: string; readonly port?: number; readonly logLevel?: 'INFO' | 'DEBUG1' }): Promise<Sshd> {
  const port = options.port ?? (await freePort());
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const config = join(dir, `sshd-${port}.conf`);
  const home = join(dir, `sshd-${port}-home`);
  mkdirSync(home);
  writeFileSync(config, [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${options.hostKey}`,
    `AuthorizedKeysFile ${options.authorizedKeys}`,
    'UsePAM no',
    'PermitRootLogin yes',
    'PasswordAuthentication yes',
    // The scratch folder is world-writable /tmp's child: sshd's owner checks would refuse it.
    'StrictModes no',
    'PrintMotd no',
    'PrintLastLog no',
    'PidFile none',
    // The login shell's home is a scratch folder: the shell does not run the dotfiles of
    // whoever runs the tests (root's start pyenv here: a tenth of a CPU-second per login and
    // per prompt, and a 60 s wait on the rehash lock a killed shell leaves).
    `SetEnv HOME=${home}`,
    // DEBUG1 logs each global request the client sends (keepalives among them) on stderr.
    `LogLevel ${options.logLevel ?? 'INFO'}`,
    '',
  ].join('\n'));
  const peer = startProcess('/usr/sbin/sshd', ['-D', '-e', '-f', config]);
  await waitForPort(port);
  const sessionPids = (): number[] => {
    const listener = peer.process.pid;
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
      try {
        // /proc/PID/stat: "pid (comm) state ppid …"; comm may contain spaces, so split after ')'.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === listener;
      } catch {
        return false;
      }
    });
  };
  return { ...peer, port, sessionPids };
}

/** OpenSSH's ssh-agent on a socket of its own in `dir`, holding the keys given (ssh-add). */
export async function startSshAgent(dir: string, keys: readonly string[]): Promise<Peer & { readonly socket: string }> {
  const socket = join(dir, `agent-${process.pid}-${Math.random().toString(36).slice(2, 8)}.sock`);
  const peer = startProcess('ssh-agent', ['-D', '-a', socket]);
  const env = { ...process.env, SSH_AUTH_SOCK: socket };
  // The socket file exists from bind(), before the agent listens; `ssh-add -l` exits 2 until
  // it can connect (1: no keys yet).
  await waitFor(() => spawnSync('ssh-add', ['-l'], { env, stdio: 'ignore' }).status !== 2, 'ssh-agent to listen on its socket');
  for (const key of keys) execFileSync('ssh-add', ['-q', key], { env, stdio: 'ignore' });
  return { ...peer, socket };
}
