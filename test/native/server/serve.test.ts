import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { freePort, scratchDir, startPtyPair, waitFor, type PtyPair } from '../../support/peers.js';
import { revtelBin, revtelInProcess, startDemoDevice, startPtyLine, startServe, TestClient, type PtyLine, type Served } from '../../support/revtel.js';

// `revtel serve` end to end: real processes, socat ptys as serial ports, the demo console
// behind them, and real clients from Debian (telnet, plink, pyserial's rfc2217).

describe('a pty line with the demo router behind it', () => {
  let line: PtyLine;
  let port: number;
  let pty: PtyPair;
  let served: Served;
  before(async () => {
    line = await startPtyLine({ settings: '9600,8N1', args: ['--multi', 'kick'] });
    ({ port, pty, served } = line);
  });
  after(() => line.stop());

  it("Debian's telnet, on a terminal, reaches the router and enables", async () => {
    const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', `revtel-serve-${process.pid}`, ...args]).toString();
    const screen = (): string => tmux('capture-pane', '-p', '-t', 'console');
    try {
      tmux('new-session', '-d', '-s', 'console', '-x', '100', '-y', '30', `telnet 127.0.0.1 ${port}`);
      await waitFor(() => screen().includes('[revtel] port'), 'the banner');
      tmux('send-keys', '-t', 'console', 'Enter');
      await waitFor(() => /Router>\s*$/m.test(screen()), 'the user prompt');
      tmux('send-keys', '-t', 'console', 'enable', 'Enter');
      await waitFor(() => /Router#\s*$/m.test(screen()), 'the enable prompt');
      tmux('send-keys', '-t', 'console', 'show version', 'Enter');
      await waitFor(() => screen().includes('Configuration register is 0x2102'), 'show version');
    } finally {
      tmux('kill-server');
    }
  });

  it('plink -telnet types to the device and reads its output', async () => {
    const plink = spawn('plink', ['-telnet', '-P', String(port), '127.0.0.1'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let output = '';
    plink.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
    try {
      await waitFor(() => output.includes('[revtel]'), 'the banner');
      plink.stdin.write('\r');
      await waitFor(() => /Router[>#]$/.test(output), 'a prompt');
      plink.stdin.write('enable\rshow clock\r');
      await waitFor(() => /Router#show clock\r\n\*\d\d:\d\d:\d\d/.test(output), 'the clock');
    } finally {
      plink.kill();
    }
  });

  it("pyserial's rfc2217:// client changes the baud rate, seen on the device's pty", async () => {
    const script = [
      'import serial, sys',
      `s = serial.serial_for_url("rfc2217://127.0.0.1:${port}", baudrate=9600, timeout=2)`,
      's.baudrate = 38400',
      's.write(b"\\r")',
      'print(s.read_until(b"Router#", 400).decode("latin1"))',
      // While the client holds the line: when the last RFC 2217 client leaves, 9600 comes back.
      `import subprocess; print(subprocess.run(["stty", "-F", "${pty.device}"], capture_output=True).stdout.decode())`,
      's.close()',
    ].join('\n');
    const printed = execFileSync('/usr/bin/python3', ['-c', script], { timeout: 20_000 }).toString();
    assert.match(printed, /Router[>#]/);
    assert.match(printed, /speed 38400 baud/);
    await served.waitForLog(/settings changed to 38400,8N1/);
    await served.waitForLog(/settings back to 9600,8N1/);
    assert.match(execFileSync('stty', ['-F', pty.device]).toString(), /speed 9600 baud/);
  });
});

describe('BREAK and RFC 2217 control on the in-process demo line', () => {
  let served: Served;
  let port: number;
  before(async () => {
    port = await freePort();
    served = await startServe(['--line', `${port}:demo`], { open: 1 });
  });
  beforeEach(() => served.clientsGone());
  after(() => served.stop());

  it('IAC BRK during boot drops the router into ROM monitor', async () => {
    const client = await TestClient.connect(port);
    client.type('\r');
    await client.expect('Router>');
    client.type('enable\rreload\r');
    await client.expect('[confirm]');
    client.type('\r');
    await client.expect('System Bootstrap');
    client.session.sendCommand('brk');
    await client.expect('rommon 1 >');
    await served.waitForLog(/sent BREAK \(300 ms\)/);
    // Boot again, so that the next test finds a running router.
    client.type('boot\r');
    await client.expect('Press RETURN to get started!');
    client.close();
  });

  it("pyserial drops DTR and sees DSR fall (the console cable's loop), and sends a timed BREAK", async () => {
    const script = [
      'import serial, time',
      `s = serial.serial_for_url("rfc2217://127.0.0.1:${port}?poll_modem", baudrate=9600, timeout=2)`,
      'print("dsr before", s.dsr)',
      's.dtr = False',
      'time.sleep(0.3)',
      'print("dsr after", s.dsr)',
      's.write(b"\\renable\\rreload\\r\\r")',
      's.read_until(b"System Bootstrap", 100000)',
      's.send_break(0.3)',
      'print(s.read_until(b"rommon 1 >", 100000).decode("latin1")[-40:])',
      's.close()',
    ].join('\n');
    const printed = execFileSync('/usr/bin/python3', ['-c', script], { timeout: 20_000 }).toString();
    assert.match(printed, /dsr before True\ndsr after False\n/);
    assert.match(printed, /rommon 1 >/);
  });
});

describe('bad starts give one clear sentence', () => {
  const run = (args: string[]): Promise<{ status: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [revtelBin, 'serve', ...args]);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => resolve({ status, stderr }));
    });

  it('a TCP port that is taken', async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const { status, stderr } = await run(['--line', `${port}:demo`]);
      assert.equal(status, 2);
      assert.equal(stderr, `revtel: port ${port}: TCP port ${port} on 127.0.0.1 is already in use by another program — pick another port\n`);
    } finally {
      holder.close();
    }
  });

  // A mistake found before anything starts (here, and the access list below) is checked on
  // the command line in this process (main.test.ts shows the bin answers alike); a start
  // that fails (a port taken, a log folder) in a process of its own.
  it('a settings string or policy that is wrong', async () => {
    let result = await revtelInProcess(['serve', '--line', '2001:/dev/ttyUSB0:9600,8X1']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^revtel: --line 2001:\/dev\/ttyUSB0:9600,8X1: "9600,8X1": parity "X" is not one of N, E, O, M, S/);
    result = await revtelInProcess(['serve', '--demo', '--multi', 'polite']);
    assert.match(result.stderr, /^revtel: --demo: client policy "polite" is not one of exclusive, kick, shared, spectate\n$/);
    result = await revtelInProcess(['serve']);
    assert.match(result.stderr, /^revtel: No lines to serve: give --line TCPPORT:DEVICE\[:SETTINGS\], --demo or --config FILE\n$/);
  });

  it('ends the process when the --ui port is taken', async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const { status, stderr } = await run(['--line', `${await freePort()}:demo`, '--ui', String(port)]);
      assert.equal(status, 2);
      assert.match(stderr, new RegExp(`The UI port ${port} on 127\\.0\\.0\\.1 is already in use by another program`));
      assert.doesNotMatch(stderr, /internal error/);
    } finally {
      holder.close();
    }
  });

  it('refuses an access list entry with an empty prefix instead of admitting everyone', async () => {
    const { status, stderr } = await revtelInProcess(['serve', '--line', `${await freePort()}:demo`, '--allow', '10.0.0.0/']);
    assert.equal(status, 2);
    assert.match(stderr, /"10\.0\.0\.0\/": the prefix length must be 0–32/);
    assert.doesNotMatch(stderr, /listening/);
  });

  it('a session log folder that cannot be made', async () => {
    const file = join(scratchDir(), 'notes.txt');
    writeFileSync(file, '');
    const port = await freePort();
    const { status, stderr } = await run(['--line', `${port}:demo`, '--log-dir', join(file, 'logs')]);
    assert.equal(status, 2);
    assert.equal(stderr, `revtel: port ${port}: the session log ${join(file, 'logs', `port-${port}.log`)} cannot be written: a part of the path is a file, not a folder\n`);
  });

  it('a device that is missing: said once, and the line waits for it', async () => {
    const dir = scratchDir();
    const port = await freePort();
    const device = join(dir, 'ttyUSB7');
    const served = await startServe(['--line', `${port}:${device}`]);
    try {
      await served.waitForLog(new RegExp(`${device} is not present; waiting for it`));
      const client = await TestClient.connect(port);
      await client.expect('the device is not there yet; waiting for it');
      const pty = await startPtyPair(dir, 'late');
      // socat makes its own link names; give the line's path to the new pty.
      execFileSync('ln', ['-s', pty.device, device]);
      await client.expect('[revtel] port');
      await client.expect('device ready, opened with 9600,8N1');
      client.type('hello\r');
      await served.waitForLog(/device .* open/);
      client.close();
      await pty.stop();
    } finally {
      await served.stop();
    }
  });
});

describe('unplugging and replugging the device', () => {
  let dir: string;
  let line: PtyLine;
  let port: number;
  before(async () => {
    dir = scratchDir();
    line = await startPtyLine({ dir, settings: '19200,8N1', args: ['--log-dir', join(dir, 'logs')] });
    port = line.port;
  });
  after(() => line.stop());

  it('keeps the client, tells it, and reopens the same path with the same settings', async () => {
    const client = await TestClient.connect(port);
    client.type('\r');
    await client.expect('Router>');
    await line.router!.stop();
    await line.pty.stop();
    await client.expect(/\[revtel\] port \d+: device unplugged, waiting for it/);
    assert.equal(client.session.state, 'open', 'the client stays connected');

    // The line looks for the device every 200 ms (no wall-clock assertion: machines here are noisy).
    line.pty = await startPtyPair(dir);
    line.router = await startDemoDevice(line.pty.remote);
    await client.expect('device back, reopened with 19200,8N1');
    assert.match(execFileSync('stty', ['-F', line.pty.device]).toString(), /speed 19200 baud/);
    client.type('\r');
    await waitFor(() => (client.output.match(/Router>/g) ?? []).length >= 2, 'the router again');
    client.close();
    const log = readFileSync(join(dir, 'logs', `port-${port}.log`), 'utf8');
    assert.match(log, /\[revtel\] device unplugged\n/);
  });
});

describe('the session log and a client that never reads', () => {
  let dir: string;
  let line: PtyLine;
  let served: Served;
  let port: number;
  let pty: PtyPair;
  before(async () => {
    dir = scratchDir();
    line = await startPtyLine({ dir, router: false, args: ['--multi', 'shared', '--log-dir', join(dir, 'logs')] });
    ({ served, port, pty } = line);
  });
  after(() => line.stop());

  it('drops the client that stopped reading, keeps the one that reads, and logs every byte until the unplug', async () => {
    const stalled = connect(port, '127.0.0.1');
    await new Promise((resolve) => stalled.once('connect', resolve));
    stalled.pause();
    const reader = await TestClient.connect(port, { raw: true });
    await served.waitForLog(/on the line[\s\S]*on the line/);

    // 8 MiB of numbered lines from the device, then the device is pulled out.
    const lines = Array.from({ length: 8 * 1024 * 1024 / 32 }, (_, n) => `${String(n).padStart(10, '0')} console output...\n`.slice(0, 32));
    const flood = Buffer.from(lines.join(''), 'latin1');
    const device = createWriteStream(pty.remote);
    // In 64 KiB writes, as a UART's driver hands them on (a write per line is mostly the test's own CPU).
    for (let at = 0; at < flood.length; at += 65536) if (!device.write(flood.subarray(at, at + 65536))) await new Promise<void>((resolve) => device.once('drain', () => resolve()));
    await new Promise<void>((resolve) => device.end(() => resolve()));

    await served.waitForLog(/fell more than 1024 KiB behind: dropped/, 'the stalled client to be dropped', 20_000);
    await waitFor(() => reader.output.includes(lines[lines.length - 1]!), 'the reading client to get everything', 20_000);
    assert.ok(reader.output.includes(lines.join('')), 'the reading client got every byte in order');

    await pty.stop();
    await served.waitForLog(/device unplugged/);
    // 8 MiB and a time stamp per line pass the 10 MiB rotation size: the log is in two files.
    const logFile = join(dir, 'logs', `port-${port}.log`);
    const logged = readFileSync(`${logFile}.1`, 'latin1') + readFileSync(logFile, 'latin1');
    assert.ok(readFileSync(`${logFile}.1`).length >= 10 * 1024 * 1024);
    const unstamped = logged.replace(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] /gm, '');
    assert.ok(unstamped.startsWith(lines.join('')), 'the log holds every byte, each line stamped');
    assert.match(logged, /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] 0000000000 console output/);
    reader.close();
    stalled.destroy();
  });
});

describe('SIGHUP reloads the configuration', () => {
  it('keeps sessions on unchanged lines, restarts changed ones, stops removed ones', async () => {
    const dir = scratchDir();
    const [keep, change, remove] = [await freePort(), await freePort(), await freePort()];
    const config = join(dir, 'revtel.yaml');
    const write = (banner: string, withRemoved: boolean): void => writeFileSync(config, [
      'lines:',
      `  - { port: ${keep}, device: demo }`,
      `  - { port: ${change}, device: demo, banner: "${banner}" }`,
      ...(withRemoved ? [`  - { port: ${remove}, device: demo }`] : []),
      '',
    ].join('\n'));
    write('first banner', true);
    // Typing before a line's device is open is discarded: wait for all three.
    const served = await startServe(['--config', config], { listening: 3, open: 3 });
    try {
      const kept = await TestClient.connect(keep);
      kept.type('\renable\r');
      await kept.expect('Router#');
      write('second banner', false);
      served.process.kill('SIGHUP');
      await served.waitForLog(/configuration reloaded/);
      assert.match(served.log(), new RegExp(`port ${change}: configuration changed: restarted`));
      assert.match(served.log(), new RegExp(`port ${remove}: removed`));
      const fresh = await TestClient.connect(change);
      await fresh.expect('second banner');
      kept.type('show clock\r');
      await kept.expect(/Router#show clock\r\n\*/);
      assert.equal(kept.session.state, 'open');
      const gone = await TestClient.connect(remove);
      await waitFor(() => gone.closed, 'the removed line to refuse');
      kept.close();
      fresh.close();
    } finally {
      await served.stop();
    }
  });

  it('two in a row end on the file the second one read, however long the first takes to read', async () => {
    const dir = scratchDir();
    const [line, added] = [await freePort(), await freePort()];
    const config = join(dir, 'revtel.yaml');
    // The first reload's password file is a FIFO: reading it waits until the test writes it.
    const fifo = join(dir, 'passwords-fifo');
    execFileSync('mkfifo', [fifo]);
    const write = (lines: string[], passwordFile?: string): void => writeFileSync(config, ['lines:', ...lines, ...(passwordFile ? [`password-file: ${passwordFile}`] : []), ''].join('\n'));
    write([`  - { port: ${line}, device: demo, banner: "first" }`]);
    const served = await startServe(['--config', config], { listening: 1, open: 1 });
    try {
      write([`  - { port: ${line}, device: demo, banner: "second" }`, `  - { port: ${added}, device: demo }`], fifo);
      served.process.kill('SIGHUP');
      await served.waitForLog(/SIGHUP: rereading/);
      write([`  - { port: ${line}, device: demo, banner: "third" }`]);
      served.process.kill('SIGHUP');
      await waitFor(() => (served.log().match(/SIGHUP: rereading/g) ?? []).length === 2, 'the second SIGHUP');
      await writeFile(fifo, '# no passwords\n');
      await waitFor(() => (served.log().match(/configuration reloaded/g) ?? []).length === 2, 'both reloads');
      const client = await TestClient.connect(line);
      await client.expect('third');
      client.close();
      const gone = await TestClient.connect(added);
      await waitFor(() => gone.closed, `port ${added} of the first file to be gone`);
    } finally {
      await served.stop();
    }
  });
});
