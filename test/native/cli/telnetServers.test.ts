import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { descendantsRunning, scratchDir, startBusyboxTelnetd, startTelnetd, waitFor } from '../../support/peers.js';
import { revtelBin as bin } from '../../support/revtel.js';
import { Tmux } from '../../support/tmux.js';

// `revtel telnet` on a real terminal (tmux) against the telnet servers Linux systems ship,
// each running /bin/sh in a pty: what a user sees as they type, and the trace on stderr.

/** The screen's lines from the last one matching `marker` on, trailing blanks cut. */
function linesFrom(screen: string, marker: string): string[] {
  const lines = screen.split('\n').map((line) => line.trimEnd());
  const at = lines.map((line) => line.endsWith(marker)).lastIndexOf(true);
  return at === -1 ? [] : lines.slice(at);
}

const PROMPT = /^[#$]$/;

/** Types `echo abc`: seen before Enter; after it, the output and exactly one prompt. */
async function echoAbc(tmux: Tmux, window: string): Promise<void> {
  tmux.type(window, 'echo abc');
  await waitFor(() => tmux.screen(window).endsWith('echo abc'), 'the typing on screen before Enter');
  tmux.keys(window, 'Enter');
  await waitFor(() => linesFrom(tmux.screen(window), 'echo abc').length >= 3, 'the output and the next prompt');
  const [, output, prompt, ...rest] = linesFrom(tmux.screen(window), 'echo abc');
  assert.equal(output, 'abc');
  assert.match(prompt!, PROMPT, 'the next line is the prompt: no blank line, no doubled prompt');
  assert.deepEqual(rest, []);
}

function revtelIn(tmux: Tmux, window: string, port: number, traceFile: string, extra = ''): void {
  const command = `env -u DISPLAY TERM=vt100 ${process.execPath} ${bin} telnet 127.0.0.1 ${port} --trace ${extra} 2>${traceFile}; echo "exit status $?"; sleep 60`;
  tmux.start(window, command, 100, 30);
}

describe('revtel telnet against inetutils telnetd running /bin/sh (tmux)', () => {
  const tmux = new Tmux();
  const dir = scratchDir();
  const traceFile = join(dir, 'trace.txt');
  const trace = (): string[] => readFileSync(traceFile, 'utf8').split('\n');
  let telnetd: Awaited<ReturnType<typeof startTelnetd>>;
  const screen = (): string => tmux.screen('sh');
  const prompts = (): number => screen().split('\n').filter((line) => /^[#$] ?/.test(line)).length;

  before(async () => {
    telnetd = await startTelnetd('/bin/sh');
    revtelIn(tmux, 'sh', telnetd.port, traceFile, '--negotiate always');
    await waitFor(() => PROMPT.test(screen().split('\n').at(-1)!.trim()), 'the shell prompt');
  });
  after(async () => {
    tmux.kill();
    await telnetd.stop();
  });

  it('negotiates LINEMODE and exchanges the SLC table, and the trace shows it in the BSD client\'s words', () => {
    const lines = trace();
    assert.ok(lines.indexOf('SENT WILL LINEMODE') < lines.indexOf('RCVD DO LINEMODE'), lines.join('\n'));
    const ourSlc = lines.find((line) => line.startsWith('SENT IAC SB LINEMODE SLC '));
    assert.match(ourSlc ?? '', /^SENT IAC SB LINEMODE SLC SYNCH NOSUPPORT 0; IP VARIABLE\|FLUSHIN\|FLUSHOUT 3; AO VARIABLE 15;/);
    const mode = lines.findIndex((line) => /^RCVD IAC SB LINEMODE MODE /.test(line));
    assert.ok(mode > 0, 'the server set a MODE');
    assert.equal(lines[mode + 1], `SENT IAC SB LINEMODE MODE ${lines[mode]!.slice('RCVD IAC SB LINEMODE MODE '.length)}|ACK`);
    assert.ok(lines.some((line) => line.startsWith('RCVD IAC SB LINEMODE SLC IP VARIABLE|ACK|FLUSHIN|FLUSHOUT 3;')), 'the server acknowledged our table');
    assert.ok(lines.includes('SENT WILL TSPEED') && lines.includes('SENT IAC SB TERMINAL-SPEED IS 38400,38400'));
  });

  it('shows `echo abc` as it is typed, before Enter, and gives one prompt per Enter', async () => {
    await echoAbc(tmux, 'sh');

    const before = prompts();
    tmux.keys('sh', 'Enter');
    await waitFor(() => prompts() === before + 1, 'one more prompt');
    assert.doesNotMatch(screen(), /[#$] [#$]/, 'never "# #"');
  });

  it('interrupts `sleep 30` with Ctrl-C, and the prompt comes back long before the sleep would end', async () => {
    tmux.type('sh', 'sleep 30');
    tmux.keys('sh', 'Enter');
    await waitFor(() => descendantsRunning(telnetd.process.pid!, 'sleep 30').length === 1, 'sleep to run under the shell');
    const started = Date.now();
    tmux.keys('sh', 'C-c');
    await waitFor(() => descendantsRunning(telnetd.process.pid!, 'sleep 30').length === 0, 'sleep to be interrupted', 20_000);
    tmux.type('sh', 'echo status=$?');
    tmux.keys('sh', 'Enter');
    await waitFor(() => screen().includes('status=130'), 'the shell to report SIGINT (128 + 2)', 20_000);
    assert.ok(Date.now() - started < 25_000, 'the sleep was cut short');
  });

  it('sends NAWS when the terminal is resized, and the pty takes the new size', async () => {
    tmux.resize('sh', 120, 35);
    await waitFor(() => trace().includes('SENT IAC SB NAWS 0 120 (120) 0 35 (35)'), 'NAWS after the resize');
    tmux.type('sh', 'stty size');
    tmux.keys('sh', 'Enter');
    await waitFor(() => screen().split('\n').includes('35 120'), 'stty to report the new size');
  });

  it('names the mode at the telnet> prompt as the BSD client does', async () => {
    tmux.keys('sh', 'C-]');
    await waitFor(() => screen().endsWith('telnet>'), 'the prompt');
    tmux.type('sh', 'status');
    tmux.keys('sh', 'Enter');
    // inetutils telnetd turns LINEMODE off again on Linux (its pty has no EXTPROC): the
    // session ends in character mode with the server echoing, as for Debian's telnet.
    await waitFor(() => trace().includes('Remote character echo'), 'the status lines');
    assert.ok(trace().includes('Operating in single character mode'), trace().join('\n'));
    assert.ok(trace().includes("Escape character is '^]'."));
  });
});

describe('revtel telnet against busybox telnetd running /bin/sh (tmux)', () => {
  const tmux = new Tmux();
  const dir = scratchDir();
  const traceFile = join(dir, 'trace.txt');
  let telnetd: Awaited<ReturnType<typeof startBusyboxTelnetd>>;
  const screen = (): string => tmux.screen('bb');

  before(async () => {
    telnetd = await startBusyboxTelnetd('/bin/sh');
    revtelIn(tmux, 'bb', telnetd.port, traceFile);
    await waitFor(() => PROMPT.test(screen().split('\n').at(-1)!.trim()), 'the shell prompt');
  });
  after(async () => {
    tmux.kill();
    await telnetd.stop();
  });

  it('works in character mode: typing seen before Enter, one prompt per Enter', async () => {
    const lines = readFileSync(traceFile, 'utf8').split('\n');
    assert.ok(lines.includes('RCVD WILL ECHO') && lines.includes('RCVD WILL SUPPRESS GO AHEAD'), lines.join('\n'));
    assert.ok(lines.includes('SENT WILL LINEMODE') && !lines.includes('RCVD DO LINEMODE'), 'busybox leaves our LINEMODE offer unanswered');
    await echoAbc(tmux, 'bb');
  });
});

describe('the telnet> prompt and server output (tmux)', () => {
  const tmux = new Tmux();
  const dir = scratchDir();
  let socket: Socket | undefined;
  const server = createServer((connection) => {
    socket = connection;
    connection.on('error', () => {});
  });
  const screen = (): string => tmux.screen('prompt');

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    revtelIn(tmux, 'prompt', (server.address() as AddressInfo).port, join(dir, 'trace.txt'));
    await waitFor(() => socket !== undefined && readFileSync(join(dir, 'trace.txt'), 'utf8').includes("Escape character is '^]'."), 'the connection');
  });
  after(() => {
    tmux.kill();
    server.close();
  });

  it('holds what the server sends while a command is typed, and shows it after the command', async () => {
    tmux.keys('prompt', 'C-]');
    await waitFor(() => screen().endsWith('telnet>'), 'the prompt');
    tmux.type('prompt', 'sta');
    await waitFor(() => screen().endsWith('telnet> sta'), 'half a command');
    socket!.write('SERVER OUTPUT\r\n');
    // The output is in the client's socket now; typing goes on as if it were not.
    await waitFor(() => socket!.writableLength === 0, 'the output to leave the server');
    tmux.type('prompt', 'tus');
    tmux.keys('prompt', 'Enter');
    await waitFor(() => screen().includes('SERVER OUTPUT'), 'the held output');
    const lines = screen().split('\n');
    const command = lines.indexOf('telnet> status');
    assert.ok(command >= 0, `the command line is whole:\n${screen()}`);
    assert.ok(lines.indexOf('SERVER OUTPUT') > command, 'the output comes after the command');
  });
});

describe('revtel telnet under an interactive shell (tmux)', () => {
  const tmux = new Tmux();
  const dir = scratchDir();
  const traceFile = join(dir, 'trace.txt');
  let telnetd: Awaited<ReturnType<typeof startTelnetd>>;
  const screen = (): string => tmux.screen('job');

  before(async () => {
    telnetd = await startTelnetd('/bin/cat');
    tmux.start('job', 'env PS1="job$ " bash --norc --noprofile -i');
    await waitFor(() => screen().endsWith('job$'), 'the shell');
  });
  after(async () => {
    tmux.kill();
    await telnetd.stop();
  });

  it('sends the terminal\'s speed, and `z` suspends it to the shell until fg', async () => {
    tmux.type('job', `stty 9600; env -u DISPLAY TERM=vt100 ${process.execPath} ${bin} telnet 127.0.0.1 ${telnetd.port} --trace 2>${traceFile}`);
    tmux.keys('job', 'Enter');
    await waitFor(() => existsSync(traceFile) && readFileSync(traceFile, 'utf8').includes('SENT IAC SB TERMINAL-SPEED IS 9600,9600'), 'TSPEED from stty');
    tmux.keys('job', 'C-]');
    await waitFor(() => screen().endsWith('telnet>'), 'the prompt');
    tmux.type('job', 'z');
    tmux.keys('job', 'Enter');
    await waitFor(() => /Stopped/.test(screen()) && screen().endsWith('job$'), 'the shell after z');
    tmux.type('job', 'fg');
    tmux.keys('job', 'Enter');
    await waitFor(() => screen().includes('telnet 127.0.0.1'), 'the job back in the foreground');
    tmux.type('job', 'back again');
    tmux.keys('job', 'Enter');
    await waitFor(() => (screen().match(/back again/g) ?? []).length >= 2, 'typing to reach cat and come back, raw mode restored');
    tmux.keys('job', 'C-]');
    await waitFor(() => screen().endsWith('telnet>'), 'the prompt again');
    tmux.type('job', 'close');
    tmux.keys('job', 'Enter');
    await waitFor(() => screen().endsWith('job$'), 'the shell after close');
  });
});
