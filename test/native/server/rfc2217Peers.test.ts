import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { freePort, scratchDir, startProcess, startPtyPair, waitFor, waitForPort, type PtyPair } from '../../support/peers.js';
import { Cmd, Opt } from '../../../native/telnet/index.js';
import { startServe, TestClient, type Served } from '../../support/revtel.js';

// Real RFC 2217 clients against `revtel serve`: pyserial over its whole API (without
// ign_set_control, so every answer is checked by pyserial itself) and ser2net 4's gensio
// telnet(rfc2217) connector. What a pty can show is checked on the pty; what it cannot
// (data bits, parity, modem lines, BREAK) on the in-process demo line.

function python(script: string): string {
  return execFileSync('/usr/bin/python3', ['-c', script], { timeout: 30_000 }).toString();
}

describe("pyserial's rfc2217 client on the in-process demo line", () => {
  let served: Served;
  let port: number;
  before(async () => {
    port = await freePort();
    served = await startServe(['--line', `${port}:demo`]);
    await served.waitForLog(/device demo open/);
  });
  beforeEach(() => served.clientsGone());
  after(() => served.stop());

  it('every setter is answered with the state in force, and the getters agree', async () => {
    const client = startProcess('/usr/bin/python3', ['-c', [
      'import serial, time',
      `s = serial.serial_for_url("rfc2217://127.0.0.1:${port}", baudrate=9600, timeout=2)`,
      's.apply_settings({"baudrate": 115200, "bytesize": 7, "parity": "E", "stopbits": 2})',
      's.rtscts = True',
      's.rtscts = False',
      's.xonxoff = True',
      's.xonxoff = False',
      's.rts = False',
      's.dtr = False',
      's.break_condition = True',
      's.break_condition = False',
      's.reset_input_buffer()',
      's.reset_output_buffer()',
      'time.sleep(0.6)',  // a modem-state notification follows DTR (DSR loops back)
      'print("dsr", s.dsr, "cts", s.cts, "cd", s.cd, "ri", s.ri)',
      's.dtr = True',
      's.rts = True',
      's.send_break(0.1)',
      'print("done")',
      // Left open until the test closes standard input: the line is checked below, before
      // the last RFC 2217 client leaves.
      'import sys; sys.stdout.flush(); sys.stdin.read()',
    ].join('\n')], { stdin: 'pipe', stdout: 'pipe' });
    try {
      await waitFor(() => /done/.test(client.stdout()) || client.process.exitCode !== null, 'pyserial to finish its calls');
      assert.match(client.stdout(), /dsr False cts False cd True ri False/, client.stderr());
      assert.match(client.stdout(), /done/);
      await served.waitForLog(/settings changed to 115200,8N1/);
    } finally {
      client.process.stdin!.end();
      await client.exited;
    }
  });

  it("is answered when the client's first COM-PORT command stands for its WILL (pyserial's race)", async () => {
    // pyserial marks COM-PORT-OPTION agreed when our DO arrives before it sent its WILL, and
    // never sends the WILL; played here byte for byte so the race is certain.
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    await waitFor(() => received.includes(Buffer.from([255, 253, 44])), 'DO COM-PORT-OPTION in the opening burst');
    socket.write(Buffer.from([255, 250, 44, 1, 0, 0, 0x25, 0x80, 255, 240])); // SET-BAUDRATE 9600
    await waitFor(() => received.includes(Buffer.from([255, 250, 44, 101, 0, 0, 0x25, 0x80, 255, 240])), 'the answer');
    socket.destroy();
  });

  it('with poll_modem, every read of a modem line is answered', async () => {
    const printed = python([
      `import serial, logging, sys`,
      'logging.basicConfig(stream=sys.stdout)',
      `s = serial.serial_for_url("rfc2217://127.0.0.1:${port}?poll_modem&logging=warning", baudrate=9600, timeout=2)`,
      'print("cts", s.cts, "dsr", s.dsr)',
      's.dtr = False',
      'import time; time.sleep(0.35)',
      'print("dsr", s.dsr)',
      's.close()',
    ].join('\n'));
    assert.match(printed, /cts True dsr True\n(.*\n)*dsr False/);
    // pyserial says so when a poll goes unanswered (after waiting 3 s for it).
    assert.doesNotMatch(printed, /poll for modem state failed/);
  });

  it('the configured settings and DTR/RTS come back when the last RFC 2217 client leaves', async () => {
    python([
      'import serial',
      `s = serial.serial_for_url("rfc2217://127.0.0.1:${port}", baudrate=115200, timeout=2)`,
      's.dtr = False',
      's.close()',
    ].join('\n'));
    await served.waitForLog(/the last RFC 2217 client left: settings back to 9600,8N1, DTR and RTS on/);
    const next = await TestClient.connect(port);
    await next.expect('demo 9600,8N1');
    next.close();
  });
});

describe("pyserial's rfc2217 client on a socat pty", () => {
  let dir: string;
  let pty: PtyPair;
  let served: Served;
  let port: number;
  before(async () => {
    dir = scratchDir();
    pty = await startPtyPair(dir);
    port = await freePort();
    served = await startServe(['--line', `${port}:${pty.device}:9600,8N1`]);
    await served.waitForLog(/device .* open/);
  });
  beforeEach(() => served.clientsGone());
  after(async () => {
    await served.stop();
    await pty.stop();
  });

  const stty = (): string => execFileSync('stty', ['-a', '-F', pty.device]).toString();

  it('speed, stop bits and flow control reach the pty; what a pty refuses is refused truthfully and leaves the line serving', async () => {
    const printed = python([
      'import serial, sys',
      `s = serial.serial_for_url("rfc2217://127.0.0.1:${port}", baudrate=9600, timeout=2)`,
      's.apply_settings({"baudrate": 57600, "stopbits": 2, "rtscts": True})',
      'print("applied"); sys.stdout.flush()',
      'open(sys.argv[1], "w").close()' ,
      'try:',
      '    s.bytesize = 7',
      '    print("bytesize accepted")',
      'except Exception as e:',
      '    print("bytesize refused:", e)',
      'try:',
      '    s.break_condition = True',
      '    print("break accepted")',
      'except Exception as e:',
      '    print("break refused:", e)',
      's.reset_input_buffer()',
      'print("purged")',
      's.close()',
    ].join('\n').replace('sys.argv[1]', JSON.stringify(join(dir, 'applied'))));
    assert.match(printed, /applied/);
    assert.match(printed, /bytesize refused: remote rejected value for option 'datasize'/);
    assert.match(printed, /break refused: remote rejected value for option 'control'/);
    assert.match(printed, /purged/);
    await served.waitForLog(/settings back to 9600,8N1/);
    assert.match(stty(), /speed 9600 baud/);
    // The line still serves, and what runs is what the log says.
    const next = await TestClient.connect(port);
    await next.expect('9600,8N1');
    next.close();
  });

  it('every answer equals the pty: settings seen by stty while the client holds the line', async () => {
    const marker = join(dir, 'set');
    const child = startProcess('/usr/bin/python3', ['-c', [
      'import serial, time',
      `s = serial.serial_for_url("rfc2217://127.0.0.1:${port}", baudrate=38400, stopbits=2, rtscts=True, timeout=2)`,
      `open(${JSON.stringify(marker)}, "w").write("%d %s %s" % (s.baudrate, s.stopbits, s.rtscts))`,
      'time.sleep(5)',
    ].join('\n')]);
    try {
      const { existsSync, readFileSync } = await import('node:fs');
      await waitFor(() => existsSync(marker) && readFileSync(marker, 'utf8').length > 0, 'pyserial to open');
      assert.equal(readFileSync(marker, 'utf8'), '38400 2 True');
      const seen = stty();
      assert.match(seen, /speed 38400 baud/);
      assert.match(seen, /\bcstopb\b/);
      assert.match(seen, /\bcrtscts\b/);
    } finally {
      await child.stop();
    }
  });
});

describe('ser2net 4 as an RFC 2217 client', () => {
  it("opens a line through its telnet(rfc2217) connector without a stall", async () => {
    const dir = scratchDir();
    const port = await freePort();
    const served = await startServe(['--line', `${port}:demo`, '--banner', 'none']);
    // What gensio and Revtel say to each other, recorded on the way.
    const said = { byGensio: Buffer.alloc(0), byRevtel: Buffer.alloc(0) };
    const relay = createServer((inbound) => {
      const outbound = connect(port, '127.0.0.1');
      inbound.on('data', (chunk: Buffer) => (said.byGensio = Buffer.concat([said.byGensio, chunk])));
      outbound.on('data', (chunk: Buffer) => (said.byRevtel = Buffer.concat([said.byRevtel, chunk])));
      inbound.pipe(outbound).on('error', () => inbound.destroy());
      outbound.pipe(inbound).on('error', () => outbound.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const front = await freePort();
    const config = join(dir, 'ser2net.yaml');
    writeFileSync(config, [
      'connection: &front',
      `  accepter: tcp,127.0.0.1,${front}`,
      `  connector: telnet(rfc2217),tcp,127.0.0.1,${(relay.address() as AddressInfo).port}`,
      '',
    ].join('\n'));
    const ser2net = startProcess('ser2net', ['-n', '-d', '-c', config, '-P', join(dir, 'ser2net.pid')]);
    try {
      await waitForPort(front);
      const socket = connect(front, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write('\r');
      await waitFor(() => text.includes('Router>'), 'the prompt through ser2net');
      assert.doesNotMatch(text, /revtel/, 'banner: none sends no banner');
      // gensio's connector offers COM-PORT-OPTION (WILL) and waits 4 s for a server that does
      // not agree to it (the stall): Revtel agrees (DO).
      assert.ok(said.byGensio.includes(Buffer.from([Cmd.IAC, Cmd.WILL, Opt.COM_PORT])), 'gensio offers COM-PORT-OPTION');
      assert.ok(said.byRevtel.includes(Buffer.from([Cmd.IAC, Cmd.DO, Opt.COM_PORT])), 'Revtel agrees to COM-PORT-OPTION');
      socket.destroy();
    } finally {
      await ser2net.stop();
      relay.close();
      await served.stop();
    }
  });
});
