// Debian's OpenSSH client (and sshpass) driving Revtel's SSH server: a process whose
// output can be awaited and whose standard input is the keyboard (with -tt, OpenSSH reads
// its ~ escapes from it as from a terminal).
import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor, WAIT_MS } from './peers.js';

export interface SshRun {
  readonly process: ChildProcess;
  /** Standard output and standard error, as they came. */
  output(): string;
  type(text: string): void;
  expect(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  /** The exit status, once the process has exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Options every test run uses: its own known_hosts, no user config, nothing asked on a terminal. */
export function sshOptions(knownHosts: string): string[] {
  return ['-F', 'none', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=accept-new', '-o', 'LogLevel=ERROR'];
}

export function runSsh(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): SshRun {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'vt220', ...env } });
  running.add(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  child.stdin!.on('error', () => {});
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    running.delete(child);
    resolve(code);
  }));
  return {
    process: child,
    output: () => text,
    type: (input) => void child.stdin!.write(input),
    expect: async (pattern, timeoutMs = WAIT_MS) => {
      const test = typeof pattern === 'string' ? (seen: string) => seen.includes(pattern) : (seen: string) => pattern.test(seen);
      try {
        await waitFor(() => test(text), String(pattern), timeoutMs);
      } catch {
        throw new Error(`timed out waiting for ${String(pattern)}; ${command} printed:\n${JSON.stringify(text.slice(-800))}`);
      }
    },
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
