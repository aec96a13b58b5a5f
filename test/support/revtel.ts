// Revtel's own processes and clients for end-to-end tests: `revtel serve` as a user runs
// it, and telnet sessions (Revtel's client) whose output can be awaited.
import { spawn, type ChildProcess } from 'node:child_process';
import { TelnetClientSession, type StateChange, type TelnetClientOptions } from '../../native/client/TelnetClientSession.js';
import { scratchDir, startProcess, waitFor, type Peer } from './peers.js';
import { repoPath } from './repo.js';

export const revtelBin = repoPath('dist', 'native', 'cli', 'main.js');

export interface Served {
  readonly process: ChildProcess;
  /** Everything `revtel serve` has logged on stderr so far. */
  log(): string;
  waitForLog(pattern: RegExp, what?: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

/**
 * Starts `revtel serve ARGS` and waits until `listening` lines have been logged. Its settings
 * file is in `configHome` (a fresh scratch folder unless given): never the user's own.
 */
export async function startServe(args: readonly string[], listening = 1, configHome = scratchDir()): Promise<Served> {
  const child = spawn(process.execPath, [revtelBin, 'serve', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: configHome },
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const served: Served = {
    process: child,
    log: () => log,
    waitForLog: (pattern, what = String(pattern), timeoutMs = 5000) => waitFor(() => pattern.test(log), what, timeoutMs),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    exited,
  };
  process.on('exit', () => child.kill('SIGKILL'));
  if (listening > 0) {
    await waitFor(() => (log.match(/listening on/g) ?? []).length >= listening || child.exitCode !== null, '`revtel serve` to listen');
    if (child.exitCode !== null) throw new Error(`revtel serve exited: ${log}`);
  }
  return served;
}

/** `revtel demo-device PATH` on the far end of a pty pair: the router behind the line, once it listens. */
export async function startDemoDevice(path: string): Promise<Peer> {
  const peer = startProcess(process.execPath, [revtelBin, 'demo-device', path]);
  // Opening a port flushes what waits in it: nothing typed before this point would arrive.
  await waitFor(() => peer.stderr().includes('demo console on'), 'the demo router to open its port');
  return peer;
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

  async expect(pattern: string | RegExp, timeoutMs = 5000): Promise<void> {
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
