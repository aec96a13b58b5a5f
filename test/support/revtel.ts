// Revtel's own processes and clients for end-to-end tests: `revtel serve` as a user runs
// it, a pty line with the demo router behind it, and telnet sessions (Revtel's client)
// whose output can be awaited.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCommandLine } from '../../native/cli/commandLine.js';
import type { StateChange } from '../../native/client/ConnectionLifecycle.js';
import { TelnetClientSession, type TelnetClientOptions } from '../../native/client/TelnetClientSession.js';
import { freePort, scratchDir, settlesWithin, startProcess, startPtyPair, TEST_RSA_BITS, waitFor, WAIT_MS, type Peer, type ProcessOptions, type PtyPair } from './peers.js';
import { repoPath } from './repo.js';

/** The `revtel` that package.json's bin installs: the CLI bundled by build/bundle.mjs. */
export const revtelBin = repoPath('dist', 'native', 'cli', 'revtel.cjs');

/** What a `revtel` run printed, and its exit status. */
export interface RevtelRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `revtel ARGS`'s command line run in this process (what the bin runs, without a Node
 * start-up of its own): what it printed, and the exit status it asked for (0: the command
 * ran). For answers that end the command line: help, the version, mistakes.
 */
export async function revtelInProcess(args: readonly string[]): Promise<RevtelRun> {
  let stdout = '';
  let stderr = '';
  const ran = runCommandLine(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  // A command that runs instead (a server that started) would never end: the test fails, saying so.
  if (!(await settlesWithin(ran, WAIT_MS))) throw new Error(`revtel ${args.join(' ')} ran on instead of answering; it printed:\n${stdout}${stderr}`);
  return { status: (await ran) ?? 0, stdout, stderr };
}

/** The demo router's boot in tests: fast, but still a window in which a BREAK can land. */
export const TEST_BOOT_STEP_MS = 80;

/** The wait after a wrong password in tests: still a wait (a guess meanwhile is turned away), not a second. */
export const TEST_LOGIN_DELAY_MS = 100;

/**
 * `revtel ARGS` as a user runs it (stderr kept for failures, killed at exit), its demo
 * routers booting in TEST_BOOT_STEP_MS steps, TEST_LOGIN_DELAY_MS after a wrong password.
 */
export function startRevtel(args: readonly string[], options: ProcessOptions = {}): ReturnType<typeof startProcess> {
  return startProcess(process.execPath, [revtelBin, ...args], { ...options, env: testEnvironment(options.env) });
}

/** The environment of Revtel's processes in tests (a test may give its own boot step or delay in `base`). */
export function testEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { REVTEL_DEMO_BOOT_STEP_MS: String(TEST_BOOT_STEP_MS), REVTEL_LOGIN_DELAY_MS: String(TEST_LOGIN_DELAY_MS), ...base };
}

export interface Served {
  readonly process: ChildProcess;
  /** Everything `revtel serve` has logged on stderr so far. */
  log(): string;
  waitForLog(pattern: RegExp, what?: string, timeoutMs?: number): Promise<void>;
  /**
   * Until every client the log says connected has disconnected. A client's close and the
   * next test's connection can reach the server in one turn of its event loop, the close
   * read only after the new client was judged: on an exclusive line, refused.
   */
  clientsGone(): Promise<void>;
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

export interface ServeWaits {
  /** "listening on" lines to wait for (default 1). */
  readonly listening?: number;
  /** "device … open" lines to wait for: typing before a line's device is open is discarded. */
  readonly open?: number;
  /** Where its settings file goes ($XDG_CONFIG_HOME): a fresh scratch folder unless given, never the user's own. */
  readonly configHome?: string;
  /** Variables set beside this process's environment (SSH_AUTH_SOCK, say; '' is kept as empty). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Starts `revtel serve ARGS` and waits until `listening` lines have been logged (and, given
 * `{ open }`, until that many devices are open).
 */
export async function startServe(args: readonly string[], waits: number | ServeWaits = 1): Promise<Served> {
  const { listening = 1, open = 0, configHome = scratchDir(), env = {} } = typeof waits === 'number' ? { listening: waits } : waits;
  const peer = startRevtel(['serve', ...args], { env: { ...process.env, ...env, XDG_CONFIG_HOME: configHome } });
  const count = (pattern: RegExp): number => (peer.stderr().match(pattern) ?? []).length;
  const served: Served = {
    process: peer.process,
    log: peer.stderr,
    waitForLog: (pattern, what = String(pattern), timeoutMs = WAIT_MS) => waitFor(() => pattern.test(peer.stderr()), what, timeoutMs),
    clientsGone: () => waitFor(() => count(/client \S+ connected\b/g) === count(/client \S+ disconnected$/gm), 'every client to have left'),
    stop: peer.stop,
    exited: peer.exited,
  };
  const exitedEarly = (): boolean => peer.process.exitCode !== null || peer.process.signalCode !== null;
  try {
    await waitFor(() => (count(/listening on/g) >= listening && count(/device \S+ open\b/g) >= open) || exitedEarly(), '`revtel serve` to listen and open its devices');
  } catch (error) {
    // No test holds it yet to stop it in after().
    await peer.stop();
    throw error;
  }
  if (exitedEarly()) throw new Error(`revtel serve exited: ${peer.stderr()}`);
  return served;
}

/**
 * SSH host keys for `revtel serve --data-dir DIR` made by ssh-keygen beforehand, as an
 * administrator may: a first start would make them itself, an RSA key of 3072 bits taking
 * seconds on a loaded machine before anything listens. The clients of the tests take the
 * Ed25519 key; the RSA one only has to be there, and is as small as ssh-keygen makes.
 */
export function makeServeHostKeys(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dataDir, 'ssh_host_ed25519_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', String(TEST_RSA_BITS), '-N', '', '-f', join(dataDir, 'ssh_host_rsa_key')]);
}

/** `revtel demo-device PATH` on the far end of a pty pair: the router behind the line, once it listens. */
export async function startDemoDevice(path: string): Promise<Peer> {
  const peer = startRevtel(['demo-device', path]);
  // Opening a port flushes what waits in it: nothing typed before this point would arrive.
  await waitFor(() => peer.stderr().includes('demo console on') || peer.process.exitCode !== null, 'the demo router to open its port');
  if (peer.process.exitCode !== null) throw new Error(`revtel demo-device exited: ${peer.stderr()}`);
  return peer;
}

/** A serial line under test: a pty pair, (optionally) the demo router on its far end, and `revtel serve` on it. */
export interface PtyLine {
  readonly dir: string;
  readonly port: number;
  pty: PtyPair;
  router: Peer | undefined;
  readonly served: Served;
  /** Stops serve, the router and the pty, in that order. */
  stop(): Promise<void>;
}

/**
 * The set-up of most serve tests: a socat pty pair, the demo router on its far end (unless
 * `router: false`), `revtel serve --line PORT:PTY[:SETTINGS] ARGS`, waiting until the
 * line's device is open so that what a test types reaches it.
 */
export async function startPtyLine(options: { settings?: string; args?: readonly string[]; router?: boolean; dir?: string } = {}): Promise<PtyLine> {
  const dir = options.dir ?? scratchDir();
  const pty = await startPtyPair(dir);
  const router = options.router === false ? undefined : await startDemoDevice(pty.remote);
  const port = await freePort();
  const line = `${port}:${pty.device}${options.settings ? `:${options.settings}` : ''}`;
  const served = await startServe(['--line', line, ...(options.args ?? [])], { open: 1 });
  const handle: PtyLine = {
    dir,
    port,
    pty,
    router,
    served,
    stop: async () => {
      await served.stop();
      await handle.router?.stop();
      await handle.pty.stop();
    },
  };
  return handle;
}

/** A telnet session whose output (as text) and state changes tests can wait on. */
export class TestClient {
  readonly session: TelnetClientSession;
  private text = '';
  readonly states: StateChange[] = [];

  constructor(options: TelnetClientOptions) {
    this.session = new TelnetClientSession({ connectTimeoutMs: 3000, ...options });
    this.session.onData((data) => (this.text += Buffer.from(data).toString('latin1')));
    this.session.onState((change) => this.states.push(change));
  }

  static async connect(port: number, options: Partial<TelnetClientOptions> = {}): Promise<TestClient> {
    const client = new TestClient({ host: '127.0.0.1', port, ...options });
    client.session.open();
    await waitFor(() => client.session.state !== 'connecting', `a connection to port ${port}`);
    return client;
  }

  get output(): string {
    return this.text;
  }

  async expect(pattern: string | RegExp, timeoutMs = WAIT_MS): Promise<void> {
    const test = typeof pattern === 'string' ? (text: string) => text.includes(pattern) : (text: string) => pattern.test(text);
    try {
      await waitFor(() => test(this.text), String(pattern), timeoutMs);
    } catch {
      throw new Error(`timed out waiting for ${String(pattern)}; the client got:\n${JSON.stringify(this.text.slice(-800))}`);
    }
  }

  type(text: string): void {
    this.session.write(Buffer.from(text, 'latin1'));
  }

  get closed(): boolean {
    return this.session.state === 'closed';
  }

  close(): void {
    this.session.close();
  }
}
