import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMAND_USAGE } from '../../../native/cli/usage.js';
import { hashPassword, verifyPassword } from '../../../native/server/passwords.js';
import { freePort, startProcess, waitFor } from '../../support/peers.js';
import { repoPath } from '../../support/repo.js';
import { revtelBin, revtelInProcess, type RevtelRun as Run } from '../../support/revtel.js';

// The conventions every `revtel` command follows: --help and -h, --version and -v, and a
// mistake answered with one sentence and the command's usage line. Every answer is checked
// on the command line run in this process (a `revtel` process costs a Node start-up each),
// and the installed command, a real process, is shown to give the same answers.

/** `revtel ARGS` as a process, its standard input `input` (or none), to its exit. */
function revtel(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [revtelBin, ...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin?.end(input);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const commandLineAll = (runs: string[][]): Promise<Run[]> => Promise.all(runs.map((args) => revtelInProcess(args)));
const commands = Object.keys(COMMAND_USAGE);

describe('the installed command', () => {
  it('answers as the command line does: help, a command\'s usage, the version, and a mistake with exit status 2', async () => {
    const runs = [['--help'], ['serve', '-h'], ['-v'], ['telnet', '--frobnicate']];
    const processes = await Promise.all(runs.map((args) => revtel(args)));
    for (const [at, args] of runs.entries()) assert.deepEqual(processes[at], await revtelInProcess(args), args.join(' '));
    assert.deepEqual(processes.map(({ status }) => status), [0, 0, 0, 2]);
  });
});

describe('revtel help and version', () => {
  it('--help, -h, help and no arguments list every command', async () => {
    const runs = [['--help'], ['-h'], ['help'], []];
    for (const [at, { status, stdout, stderr }] of (await commandLineAll(runs)).entries()) {
      const args = runs[at]!;
      assert.equal(status, 0, args.join(' '));
      assert.equal(stderr, '');
      for (const command of commands) assert.match(stdout, new RegExp(`^  revtel ${command}\\b`, 'm'), `${args.join(' ')} lists ${command}`);
    }
  });

  it('COMMAND --help, COMMAND -h and help COMMAND print that command\'s usage and run nothing', async () => {
    const runs = commands.flatMap((command) => [[command, '--help'], [command, '-h'], ['help', command], [command, 'x', '--help']]);
    for (const [at, { status, stdout, stderr }] of (await commandLineAll(runs)).entries()) {
      const args = runs[at]!;
      assert.equal(status, 0, args.join(' '));
      assert.equal(stderr, '', `${args.join(' ')} ran nothing`);
      assert.ok(stdout.startsWith(`Usage: revtel ${args[0] === 'help' ? args[1] : args[0]}`), `${args.join(' ')}: ${stdout}`);
    }
  });

  it('--version and -v print the package version', async () => {
    const { version } = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
    for (const run of await commandLineAll([['--version'], ['-v']])) assert.deepEqual(run, { status: 0, stdout: `revtel ${version}\n`, stderr: '' });
  });
});

describe('mistakes on the command line', () => {
  it('an unknown option: one sentence, the usage line, exit 2, none of Node\'s hints', async () => {
    const runs = await commandLineAll(commands.map((command) => [command, '--frobnicate']));
    for (const [at, { status, stdout, stderr }] of runs.entries()) {
      const command = commands[at]!;
      assert.equal(status, 2, command);
      assert.equal(stdout, '');
      const [sentence, usage] = stderr.split('\n');
      assert.match(sentence!, /^revtel: (Unknown option "--frobnicate"|hash-password takes no arguments.*)$/, command);
      assert.equal(usage, `Usage: ${COMMAND_USAGE[command as keyof typeof COMMAND_USAGE].split('\n')[0]}`);
      assert.doesNotMatch(stderr, /positional|'--'|\n\s+at /);
    }
  });

  it('a missing value and an unexpected argument', async () => {
    const [line, demo, ports, uiBind] = await commandLineAll([['serve', '--line'], ['serve', '--demo=yes'], ['ports', 'all'], ['serve', '--demo', '--ui-bind', '0.0.0.0']]);
    assert.equal(line!.status, 2);
    assert.match(line!.stderr, /^revtel: --line needs a value\nUsage: revtel serve --line TCPPORT/);
    assert.match(demo!.stderr, /^revtel: --demo takes no value\nUsage: revtel serve/);
    assert.match(ports!.stderr, /^revtel: Unexpected argument "all"\nUsage: revtel ports \[--json\]\n$/);
    assert.match(uiBind!.stderr, /^revtel: --ui-bind goes with --ui\nUsage: revtel serve/);
  });

  it('an unknown command or option before the command', async () => {
    const [command, option] = await commandLineAll([['srve'], ['--port', '2001']]);
    assert.deepEqual(command, { status: 2, stdout: '', stderr: 'revtel: Unknown command "srve": run "revtel help" for the list\n' });
    assert.deepEqual(option, { status: 2, stdout: '', stderr: 'revtel: Unknown option "--port": run "revtel help" for the commands and their options\n' });
  });
});

describe('npm start', () => {
  it('passes its arguments to `revtel serve` when it runs headless', async () => {
    const port = await freePort();
    // build/start.mjs is what `npm start` runs after the build; npm appends `-- ARGS` to it.
    const start = startProcess(process.execPath, [repoPath('build', 'start.mjs'), '--ui', '0', '--line', `${port}:demo`], { stdout: 'pipe' });
    try {
      await waitFor(() => /UI ready: open http:\/\/127\.0\.0\.1:(?!8020)\d+\//.test(start.stderr()), 'the UI on the port asked for');
      assert.match(start.stderr(), new RegExp(`listening on 127\\.0\\.0\\.1:${port} `));
      assert.doesNotMatch(start.stderr(), /127\.0\.0\.1:2001/, 'no demo line on the fixed port');
    } finally {
      await start.stop();
    }
  });
});

describe('revtel hash-password', () => {
  it('reads one line from a pipe', async () => {
    const { status, stdout, stderr } = await revtel(['hash-password'], 's3cret pass\nthe next line is not read\n');
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '', 'no prompt on a pipe');
    assert.ok(await verifyPassword('s3cret pass', stdout.trim()), 'the hash is of the first line');
  });

  it('an empty pipe is a mistake', async () => {
    const { status, stderr } = await revtel(['hash-password'], '');
    assert.equal(status, 2);
    assert.match(stderr, /^revtel: No password given/);
  });

  it('refuses a password longer than a line prompt takes, counted in bytes of UTF-8', async () => {
    // 129 characters, 258 bytes.
    const { status, stdout, stderr } = await revtel(['hash-password'], `${'é'.repeat(129)}\n`);
    assert.equal(status, 2);
    assert.equal(stdout, '');
    assert.equal(stderr, 'revtel: A line password is at most 256 bytes of UTF-8 (256 plain ASCII characters); this one has 258\n');
    assert.equal(await verifyPassword('x'.repeat(257), await hashPassword('x'.repeat(257))), false, 'nor is one that long ever right');
  });

  it('on a terminal, asks twice without echo', async () => {
    const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', `revtel-hash-${process.pid}`, ...args]).toString();
    const screen = (): string => tmux('capture-pane', '-p', '-t', 'hash');
    try {
      tmux('new-session', '-d', '-s', 'hash', '-x', '120', '-y', '10', `${process.execPath} ${revtelBin} hash-password; sleep 30`);
      // capture-pane drops the trailing space of a prompt.
      await waitFor(() => screen().includes('Password:'), 'the prompt');
      tmux('send-keys', '-t', 'hash', '-l', 'hunter2');
      tmux('send-keys', '-t', 'hash', 'Enter');
      await waitFor(() => screen().includes('Again:'), 'the second prompt');
      tmux('send-keys', '-t', 'hash', '-l', 'hunter2');
      tmux('send-keys', '-t', 'hash', 'Enter');
      await waitFor(() => /scrypt\$/.test(screen()), 'the hash');
      const shown = screen();
      assert.doesNotMatch(shown, /hunter2/, 'the password was not echoed');
      const hash = /(scrypt\$\S+)/.exec(shown.replaceAll('\n', ''))![1]!;
      assert.ok(await verifyPassword('hunter2', hash));
    } finally {
      tmux('kill-server');
    }
  });
});
