import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { freePort, startTelnetd, waitFor } from '../../support/peers.js';
import { revtelBin as bin, revtelInProcess } from '../../support/revtel.js';

// `revtel telnet` as a user runs it: a real process on pipes, and on a real terminal (tmux).

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `revtel ARGS` with `input` on its standard input; with `answer`, the input ends once that is on its standard output. */
function revtel(args: string[], input: string | Buffer = '', answer?: RegExp): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, TERM: 'vt100' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('latin1')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    if (answer === undefined) {
      child.stdin.end(input);
      return;
    }
    // The input ends only once its answer is on standard output, so `--linger 0` closes
    // after it: no quiet spell has to outlast the server's start on a loaded machine.
    child.stdin.write(input);
    void waitFor(() => answer.test(stdout), `${String(answer)} from the server`).finally(() => child.stdin.end());
  });
}

describe('revtel telnet on pipes', () => {
  let telnetd: Awaited<ReturnType<typeof startTelnetd>>;
  before(async () => {
    telnetd = await startTelnetd('/bin/cat');
  });
  after(() => telnetd.stop());

  it('sends standard input, prints the session, and traces the negotiation on stderr', async () => {
    const run = await revtel(['telnet', '127.0.0.1', String(telnetd.port), '--trace', '--negotiate', 'always', '--linger', '0'], 'hello from a pipe\r\n', /hello from a pipe/);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /hello from a pipe/);
    const stderr = run.stderr.split('\n');
    assert.equal(stderr[0], `Trying 127.0.0.1 port ${telnetd.port}...`);
    assert.ok(stderr.includes('SENT DO SUPPRESS GO AHEAD'));
    assert.ok(stderr.includes('RCVD IAC SB TERMINAL-TYPE SEND'));
    assert.ok(stderr.includes('SENT IAC SB TERMINAL-TYPE IS "VT100"'), 'the type comes from $TERM');
  });

  it('obeys the escape prompt as the BSD client does: status, send ayt, toggle options, help, close', async () => {
    const run = await revtel(['telnet', '127.0.0.1', String(telnetd.port)], '\x1dstatus\n\x1dtoggle options\n\x1dsend ayt\n\x1dbogus\n\x1d?\n\x1dsend ?\n\x1dclose\n');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /telnet> /);
    assert.match(run.stderr, new RegExp(`Connected to 127.0.0.1 port ${telnetd.port}\\.\\nOperating (in single character mode|in obsolete linemode|with LINEMODE option)\\n`));
    assert.match(run.stderr, /Escape character is '\^\]'\.\n/);
    assert.match(run.stderr, /Will show option processing\.\nSENT IAC AYT\n/);
    assert.match(run.stderr, /\?Invalid command\n'help' or '\?' lists the commands\.\n/);
    assert.match(run.stderr, /Commands may be abbreviated\. {2}Commands are:\n/);
    assert.match(run.stderr, /getstatus {3}Send request for STATUS\n/);
    assert.match(run.stderr, /Connection closed\.\n$/);
  });

  it('takes another escape character with -e, and none with -e off', async () => {
    const tilde = await revtel(['telnet', '127.0.0.1', String(telnetd.port), '-e', '~'], '~status\n~close\n');
    assert.equal(tilde.status, 0, tilde.stderr);
    assert.match(tilde.stderr, /Escape character is '~'\.\n/);
    assert.match(tilde.stderr, /Operating /);
    const none = await revtel(['telnet', '127.0.0.1', String(telnetd.port), '-e', 'off', '--linger', '0'], '\x1dstatus\n', /\x1dstatus/);
    assert.equal(none.status, 0, none.stderr);
    assert.doesNotMatch(none.stdout, /telnet>/, 'Ctrl-] is sent like any other key');
    assert.match(none.stdout, /\x1dstatus/, 'and comes back from cat');
  });

  it('exits 3 with one line when nothing listens', async () => {
    const port = await freePort();
    const run = await revtel(['telnet', '127.0.0.1', String(port)]);
    assert.equal(run.status, 3);
    assert.equal(run.stderr, `Trying 127.0.0.1 port ${port}...\nrevtel: 127.0.0.1 port ${port}: connection refused — nothing is listening there.\n`);
  });

  it('delivers all of a large piped input to a server that reads slowly before closing', async () => {
    // A console behind a slow line: the server takes nothing for a while, then reads on.
    const server = createServer((socket) => {
      socket.pause();
      setTimeout(() => socket.resume(), 1500);
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
      });
      socket.on('end', () => socket.end());
    });
    const chunks: Buffer[] = [];
    let received = 0;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // Twice what the kernel's socket buffers hold while the server does not read (about
      // 4 MB on loopback with Linux's defaults): the client must hold the rest back.
      const input = Buffer.alloc(8 * 1024 * 1024, 'interface Gi0/1\n no shutdown\n');
      const run = await revtel(['telnet', '127.0.0.1', String(port), '--linger', '200'], input);
      assert.equal(run.status, 0, run.stderr);
      // Lines go out with the NVT's CR LF.
      const expected = Buffer.from(input.toString('latin1').replaceAll('\n', '\r\n'), 'latin1');
      await waitFor(() => received >= expected.length, 'every byte at the server').catch(() => {});
      assert.equal(received, expected.length, 'nothing typed is lost when the session ends');
      assert.ok(Buffer.concat(chunks).equals(expected), 'and it arrives in order');
    } finally {
      server.close();
    }
  });

  it('exits 2 with the reason for a wrong command line', async () => {
    // Run in this process: main.test.ts shows the installed command answers alike.
    const cases: [string[], RegExp][] = [
      [['telnet'], /^revtel: telnet needs a host\nUsage: revtel telnet HOST \[PORT\]/],
      [['telnet', 'router', '99999'], /^revtel: "99999" is not a TCP port \(1–65535\)\nUsage: revtel telnet HOST/],
      [['telnet', 'router', '--rfc2217', '9600,8X1'], /^revtel: --rfc2217 "9600,8X1": parity "X" is not one of N, E, O, M, S/],
      [['telnet', 'router', '--negotiate', 'sometimes'], /^revtel: --negotiate sometimes: use auto, always, passive or never\nUsage: revtel telnet HOST/],
      [['telnet', 'router', '--rfc2217', '9600', '--raw'], /^revtel: --rfc2217 needs telnet: it cannot be used with --raw\nUsage: revtel telnet HOST/],
      [['telnet', 'router', '--env', 'NOVALUE'], /^revtel: --env NOVALUE: give NAME=VALUE\n/],
      [['telnet', 'router', '--size', '80by24'], /^revtel: --size 80by24: give COLSxROWS, such as 80x24\n/],
      [['telnet', 'router', '-e', 'ab'], /^revtel: -e ab: give one character, such as \^\] or ~, or off\n/],
    ];
    for (const [args, message] of cases) {
      const run = await revtelInProcess(args);
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, message);
    }
  });
});

describe('revtel telnet on a terminal (tmux)', () => {
  let telnetd: Awaited<ReturnType<typeof startTelnetd>>;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', `revtel-test-${process.pid}`, ...args]).toString();
  const screen = (): string => tmux('capture-pane', '-p', '-t', 'telnet');
  before(async () => {
    telnetd = await startTelnetd('/bin/cat');
  });
  after(async () => {
    try {
      tmux('kill-server');
    } catch {
      // Already gone with its last window.
    }
    await telnetd.stop();
  });

  it('runs in raw mode: the server echoes, Ctrl-] opens the prompt, close ends it', async () => {
    const command = `${process.execPath} ${bin} telnet 127.0.0.1 ${telnetd.port}; echo "exit status $?"; sleep 30`;
    tmux('new-session', '-d', '-s', 'telnet', '-x', '100', '-y', '30', command);
    await waitFor(() => screen().includes("Escape character is '^]'."), 'the connection');
    tmux('send-keys', '-t', 'telnet', 'show clock', 'Enter');
    await waitFor(() => (screen().match(/show clock/g) ?? []).length >= 2, 'the echo of the pty and the line from cat');
    tmux('send-keys', '-t', 'telnet', 'C-]');
    await waitFor(() => screen().includes('telnet>'), 'the prompt');
    tmux('send-keys', '-t', 'telnet', 'status', 'Enter');
    await waitFor(() => screen().includes(`Connected to 127.0.0.1 port ${telnetd.port}.`), 'the status');
    tmux('send-keys', '-t', 'telnet', 'C-]');
    tmux('send-keys', '-t', 'telnet', 'close', 'Enter');
    await waitFor(() => screen().includes('exit status 0'), 'revtel to exit');
    assert.match(screen(), /Connection closed\.\s*\n\s*exit status 0/);
  });
});
