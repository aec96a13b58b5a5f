import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { StateChange } from '../../../native/client/ConnectionLifecycle.js';
import { TelnetClientSession, type TelnetClientOptions } from '../../../native/client/TelnetClientSession.js';
import { parseSerialSettings } from '../../../native/serial/serialSettings.js';
import { Cmd, encodeComPort, Opt, SERVER_POLICY, TelnetEngine, withOption, type TraceEntry } from '../../../native/telnet/index.js';
import { repoPath } from '../../support/repo.js';
import { collect, freePort, scratchDir, startPtyPair, startSer2net, startTelnetd, waitFor, waitForPort, type PtyPair } from '../../support/peers.js';
import { startServe, type Served } from '../../support/revtel.js';
import { scriptedServer } from '../../support/scriptedServer.js';

/** A session with everything it emits collected, for assertions. */
function observe(options: TelnetClientOptions) {
  const session = new TelnetClientSession(options);
  const trace: TraceEntry[] = [];
  const states: StateChange[] = [];
  let output = '';
  session.onTrace((entry) => trace.push(entry));
  session.onState((change) => states.push(change));
  session.onData((data) => (output += Buffer.from(data).toString('latin1')));
  const closed = new Promise<StateChange>((resolve) => session.onState((change) => change.state === 'closed' && resolve(change)));
  return { session, trace, states, closed, output: () => output, lines: () => trace.map((entry) => entry.text) };
}

describe('telnet client against inetutils telnetd running /bin/cat', () => {
  let telnetd: Awaited<ReturnType<typeof startTelnetd>>;
  before(async () => {
    telnetd = await startTelnetd('/bin/cat');
  });
  after(() => telnetd.stop());

  it('answers TTYPE with our type, sends NAWS only after DO NAWS and again on resize, and lets the server echo', async () => {
    const client = observe({ host: '127.0.0.1', port: telnetd.port, terminalTypes: ['VT220'], negotiate: 'always', windowSize: { cols: 100, rows: 30 } });
    client.session.open();
    await waitFor(() => client.lines().includes('RCVD WILL ECHO'), 'the server to offer echo');
    const lines = client.lines();
    const doNaws = lines.indexOf('RCVD DO NAWS');
    const firstNaws = lines.indexOf('SENT IAC SB NAWS 0 100 (100) 0 30 (30)');
    assert.ok(doNaws >= 0 && firstNaws > doNaws, `NAWS sent before DO NAWS:\n${lines.join('\n')}`);
    assert.ok(lines.indexOf('SENT IAC SB TERMINAL-TYPE IS "VT220"') > lines.indexOf('RCVD IAC SB TERMINAL-TYPE SEND'));
    assert.ok(lines.includes('SENT DO ECHO'));
    assert.equal(client.session.mode.localEcho, false, 'the server echoes, so we do not');

    client.session.resize({ cols: 132, rows: 43 });
    await waitFor(() => client.lines().includes('SENT IAC SB NAWS 0 132 (132) 0 43 (43)'), 'NAWS after resize');

    client.session.write(Buffer.from('hello revtel\r'));
    await waitFor(() => client.output().includes('hello revtel'), 'cat to send the line back');
    client.session.close();
    const closed = await client.closed;
    assert.deepEqual(closed, { state: 'closed', reason: 'user', message: 'Connection closed.' });
  });

  it('waits for the server on a port other than 23 (auto), then negotiates once it starts', async () => {
    const client = observe({ host: '127.0.0.1', port: telnetd.port, terminalTypes: ['VT100'] });
    client.session.open();
    await waitFor(() => client.lines().includes('SENT IAC SB TERMINAL-TYPE IS "VT100"'), 'the TTYPE answer');
    const lines = client.lines();
    assert.match(lines[0]!, /^RCVD /, 'the server spoke first');
    assert.ok(lines.includes('SENT DO SUPPRESS GO AHEAD') || lines.includes('RCVD WILL SUPPRESS GO AHEAD'));
    client.session.close();
    await client.closed;
  });
});

describe('telnet client against ser2net with RFC 2217 on a socat pty', () => {
  let dir: string;
  let pty: PtyPair;
  let ser2net: Awaited<ReturnType<typeof startSer2net>>;
  before(async () => {
    dir = scratchDir();
    pty = await startPtyPair(dir);
    ser2net = await startSer2net(dir, pty.device);
  });
  after(async () => {
    await ser2net.stop();
    await pty.stop();
  });

  it('negotiates as netkit did, sets the port to 19200,7E1 (seen on the pty) and carries data both ways', async () => {
    const client = observe({ host: '127.0.0.1', port: ser2net.port, rfc2217: parseSerialSettings('19200,7E1') });
    const remote: unknown[] = [];
    client.session.onRemoteSerial((state) => remote.push(state));
    client.session.open();
    await waitFor(() => client.session.remoteSerialState.settings.flowControl !== undefined, 'ser2net to confirm the last setting');

    // ser2net's opening, as in the netkit reference trace, except that we take COM-PORT-OPTION.
    const netkit = readFileSync(repoPath('test', 'fixtures', 'telnet', 'reference', 'netkit-vs-ser2net.trace'), 'utf8').split('\n').filter(Boolean);
    const expected = netkit.slice(0, 12).map((line) => line.replace(/ 44$/, ' COM-PORT-OPTION'));
    assert.deepEqual(client.lines().slice(0, 12), expected);
    assert.ok(client.lines().includes('SENT WILL COM-PORT-OPTION'));
    assert.ok(client.lines().includes('RCVD IAC SB COM-PORT-OPTION SET-BAUDRATE 19200'));
    assert.deepEqual(client.session.remoteSerialState.settings, { baudRate: 19200, dataBits: 7, parity: 'even', stopBits: 1, flowControl: 'none' });
    assert.equal(client.session.remoteSerialState.signature, 'ser2net');

    // A Linux pty keeps the speed but forces CS8 without parity, so only the speed shows.
    assert.match(execFileSync('stty', ['-F', pty.device]).toString(), /speed 19200 baud/);

    const device = collect(pty.remote);
    client.session.write(Buffer.from('show version\r'));
    await waitFor(() => device.text() === 'show version\r', 'the keystrokes on the device side');
    device.stop();
    writeFileSync(pty.remote, 'Cisco IOS Software\r\n');
    await waitFor(() => client.output().includes('Cisco IOS Software'), 'device output through ser2net');
    client.session.close();
    await client.closed;
  });
});

describe('telnet client connection failures', () => {
  let server: Server | undefined;
  after(() => server?.close());

  it('says the connection was refused when nothing listens', async () => {
    const port = await freePort();
    const client = observe({ host: '127.0.0.1', port });
    client.session.open();
    assert.deepEqual(await client.closed, {
      state: 'closed',
      reason: 'connect-failed',
      message: `127.0.0.1 port ${port}: connection refused — nothing is listening there.`,
    });
  });

  it('says the server closed the connection when it answers and hangs up while the user types', async () => {
    // As a busy line's refusal does: one sentence, then the server's socket is gone, so the
    // keys typed meanwhile meet a closed socket (EPIPE). That is the server's close, not a failure.
    server = createServer((socket) => {
      socket.on('error', () => {});
      socket.end('line busy\r\n', () => socket.destroy());
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = observe({ host: '127.0.0.1', port, raw: true });
    client.session.onData(() => {
      for (let key = 0; key < 5; key++) client.session.write(Buffer.from('x'));
    });
    client.session.open();
    assert.deepEqual(await client.closed, { state: 'closed', reason: 'peer', message: `Connection closed by 127.0.0.1 port ${port}.` });
    assert.match(client.output(), /line busy/);
  });

  it('says the host name was not found', async () => {
    const client = observe({ host: 'no-such-console.invalid', port: 23 });
    client.session.open();
    const closed = await client.closed;
    assert.equal(closed.state === 'closed' && closed.reason, 'connect-failed');
    assert.match(closed.state === 'closed' ? closed.message : '', /^no-such-console\.invalid: host name not found/);
  });

  it('gives up after the connect timeout when the server never answers', async () => {
    // A listener that never accepts, its queue filled: the kernel drops further SYNs.
    const port = await freePort();
    const deaf = spawn('/usr/bin/python3', ['-c', `import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",${port}))\ns.listen(0)\ntime.sleep(30)`]);
    try {
      await waitForPort(port);
      const fillers = Array.from({ length: 3 }, () => connect(port, '127.0.0.1').on('error', () => {}));
      // The first one is in the queue (the kernel answered it): the queue is full.
      let queued = false;
      fillers[0]!.once('connect', () => (queued = true));
      await waitFor(() => queued, 'the first connection to fill the queue');
      const client = observe({ host: '127.0.0.1', port, connectTimeoutMs: 700 });
      client.session.open();
      assert.deepEqual(await client.closed, {
        state: 'closed',
        reason: 'connect-failed',
        message: `127.0.0.1 port ${port}: no answer within 1 s — is the host up, and the port open in its firewall?`,
      });
      fillers.forEach((socket) => socket.destroy());
    } finally {
      deaf.kill();
    }
  });

  it('starts negotiating by itself on port 23, as the BSD client does (auto)', async (t) => {
    const received: Buffer[] = [];
    const telnetPort = createServer((socket) => socket.on('data', (chunk) => received.push(chunk)));
    const listening = await new Promise<boolean>((resolve) => {
      telnetPort.once('error', () => resolve(false));
      telnetPort.listen(23, '127.0.0.1', () => resolve(true));
    });
    if (!listening) {
      t.skip('port 23 on 127.0.0.1 is taken or needs root here');
      return;
    }
    try {
      const client = observe({ host: '127.0.0.1', port: 23, windowSize: { cols: 80, rows: 24 } });
      client.session.open();
      await waitFor(() => Buffer.concat(received).length >= 9, 'the opening requests');
      assert.deepEqual([...Buffer.concat(received).subarray(0, 9)], [Cmd.IAC, Cmd.DO, Opt.SGA, Cmd.IAC, Cmd.WILL, Opt.TTYPE, Cmd.IAC, Cmd.WILL, Opt.NAWS]);
      client.session.close();
      await client.closed;
    } finally {
      telnetPort.close();
    }
  });

  it('says when the server closes during option negotiation', async () => {
    const port = await freePort();
    server = createServer((socket: Socket) => socket.end(Buffer.from([Cmd.IAC, Cmd.DO, Opt.TTYPE])));
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    const client = observe({ host: '127.0.0.1', port });
    client.session.open();
    assert.deepEqual(await client.closed, {
      state: 'closed',
      reason: 'peer',
      message: `127.0.0.1 port ${port} closed the connection during option negotiation.`,
    });
    assert.ok(client.lines().includes('RCVD DO TERMINAL TYPE'));
  });

  it('reconnects with back-off until the server is there', async () => {
    const port = await freePort();
    const client = observe({ host: '127.0.0.1', port, reconnect: true, raw: true });
    client.session.open();
    const failures = () => client.states.filter((change) => change.state === 'reconnecting').length;
    await waitFor(() => failures() >= 2, 'two failures');
    const late = createServer((socket) => socket.end('console ready\r\n'));
    await new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve));
    await waitFor(() => client.output().includes('console ready'), 'the reconnection', 10_000);
    client.session.close();
    late.close();
    const kinds = client.states.map((change) => change.state);
    assert.deepEqual(kinds.slice(0, 5), ['connecting', 'reconnecting', 'connecting', 'reconnecting', 'connecting']);
    assert.ok(kinds.includes('open'));
    const delays = client.states.flatMap((change) => (change.state === 'reconnecting' ? [change.delayMs] : []));
    assert.deepEqual(delays.slice(0, 2), [500, 1000], 'the back-off doubles');
    // The server closed after its greeting: a connection that worked starts the back-off again.
    if (delays.length > 2) assert.equal(delays[2], 500);
  });
});

describe('telnet client paused by its reader across a reconnection', () => {
  it('keeps the new connection paused until the reader resumes it', async () => {
    let written = 0;
    const connections: Socket[] = [];
    const server = createServer((socket) => {
      connections.push(socket);
      socket.write(['first\r\n', 'second\r\n'][connections.length - 1] ?? 'third\r\n', () => written++);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const client = observe({ host: '127.0.0.1', port, reconnect: true, raw: true });
    try {
      client.session.open();
      await waitFor(() => client.output().includes('first'), 'the first connection\'s output');
      // The terminal is behind (the hub's output channel asks): the socket stops being read.
      client.session.pause();
      connections[0]!.destroy();
      await waitFor(() => client.states.filter((change) => change.state === 'open').length === 2 && written === 2, 'the second connection open, its greeting written');
      // A round trip on another connection: by its end the greeting has reached the client's socket.
      await new Promise<void>((resolve) => connect(port, '127.0.0.1').on('data', function (this: Socket) {
        this.end();
        resolve();
      }));
      assert.doesNotMatch(client.output(), /second/, 'the new connection was read although its reader had paused it');
      client.session.resume();
      await waitFor(() => client.output().includes('second'), 'the greeting once resumed');
    } finally {
      client.session.close();
      server.close();
      for (const socket of connections) socket.destroy();
    }
  });
});

describe("telnet client against Revtel's own server", () => {
  let dir: string;
  let pty: PtyPair;
  let served: Served;
  let ptyPort: number;
  let demoPort: number;
  before(async () => {
    dir = scratchDir();
    pty = await startPtyPair(dir);
    ptyPort = await freePort();
    demoPort = await freePort();
    served = await startServe(['--line', `${ptyPort}:${pty.device}`, '--line', `${demoPort}:demo`], 2);
    await served.waitForLog(/device .*tty-device open/);
  });
  after(async () => {
    await served.stop();
    await pty.stop();
  });

  it('sets the remote port with --rfc2217 and sees the server confirm it', async () => {
    const client = observe({ host: '127.0.0.1', port: ptyPort, rfc2217: parseSerialSettings('57600,8N1') });
    client.session.open();
    await waitFor(() => client.session.remoteSerialState.settings.baudRate === 57600, 'the server to confirm the baud rate');
    assert.match(client.session.remoteSerialState.signature ?? '', /^Revtel \S+ port \d+ /);
    assert.match(execFileSync('stty', ['-F', pty.device]).toString(), /speed 57600 baud/);
    assert.ok(client.lines().includes('RCVD IAC SB COM-PORT-OPTION SET-BAUDRATE 57600'));
    client.session.close();
    await client.closed;
  });

  it('drives DTR and a timed BREAK of the remote port from the session', async () => {
    const client = observe({ host: '127.0.0.1', port: demoPort, rfc2217: parseSerialSettings('9600') });
    client.session.open();
    await waitFor(() => client.session.remoteSerialState.modemState !== undefined, 'a modem-state notification');
    assert.ok((client.session.remoteSerialState.modemState! & 0x20) !== 0, 'DSR is up with DTR up');
    assert.equal(client.session.setModemControl({ dtr: false }), true);
    await waitFor(() => (client.session.remoteSerialState.modemState! & 0x20) === 0, 'DSR to fall with DTR');
    client.session.write(Buffer.from('\renable\rreload\r\r'));
    await waitFor(() => client.output().includes('System Bootstrap'), 'the reload');
    client.session.sendBreak(300);
    await waitFor(() => client.output().includes('rommon 1 >'), 'ROM monitor after the BREAK');
    assert.ok(client.lines().includes('SENT IAC SB COM-PORT-OPTION SET-CONTROL BREAK-ON'));
    await waitFor(() => client.lines().includes('SENT IAC SB COM-PORT-OPTION SET-CONTROL BREAK-OFF'), 'the end of the BREAK');
    client.session.close();
    await client.closed;
  });
});

describe('telnet client held back by an RFC 2217 server', () => {
  it('holds typing while the server has suspended it, tells the writer to wait, and sends it in order on resume', async () => {
    // The server side played by our own engine: ser2net does not send FLOWCONTROL-SUSPEND.
    let server: TelnetEngine | undefined;
    let comPortOn = false;
    let received = '';
    let trace = '';
    const listener = createServer((socket) => {
      server = new TelnetEngine({
        policy: withOption(SERVER_POLICY, { option: Opt.COM_PORT, local: false, remote: true }),
        onEvent: (event) => {
          if (event.type === 'send') socket.write(event.data);
          if (event.type === 'trace') trace += `${event.entry.text}\n`;
          if (event.type === 'data') received += Buffer.from(event.data).toString('latin1');
          if (event.type === 'option' && event.option === Opt.COM_PORT && event.enabled) comPortOn = true;
        },
      });
      socket.on('data', (chunk: Buffer) => server!.receive(chunk));
      // Only the COM-PORT offer: without WILL ECHO the client stays in line mode.
      server.enableRemote(Opt.COM_PORT);
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const client = observe({ host: '127.0.0.1', port: (listener.address() as AddressInfo).port, rfc2217: parseSerialSettings('9600') });
    let drained = 0;
    client.session.onDrain(() => drained++);
    const flow = (command: 'FLOWCONTROL-SUSPEND' | 'FLOWCONTROL-RESUME'): void => server!.subnegotiate(Opt.COM_PORT, encodeComPort({ fromServer: true, command }));
    try {
      client.session.open();
      await waitFor(() => comPortOn, 'COM-PORT-OPTION on');
      // A serial console: keys go out as typed, not a line at a time.
      assert.equal(client.session.write(Buffer.from('before;')), true);
      await waitFor(() => received === 'before;', 'the first keys');

      flow('FLOWCONTROL-SUSPEND');
      await waitFor(() => client.lines().includes('RCVD IAC SB COM-PORT-OPTION FLOWCONTROL-SUSPEND'), 'the suspend');
      assert.equal(client.session.write(Buffer.from('held 1;')), false, 'the writer is told to wait');
      assert.equal(client.session.write(Buffer.from('held 2;')), false);
      assert.equal(client.session.unsentBytes > 0, true, 'the held keys count as unsent');
      // A question the client answers at once, after anything it had sent before it.
      server!.enableRemote(Opt.NAWS);
      await waitFor(() => /RCVD .*(WILL|WONT) NAWS/.test(trace), "the client's answer to DO NAWS");
      assert.doesNotMatch(received, /held/, 'nothing is sent while suspended');

      flow('FLOWCONTROL-RESUME');
      await waitFor(() => received.includes('held 2;'), 'the held keys after the resume');
      assert.equal(received, 'before;held 1;held 2;');
      assert.equal(drained, 1, 'the writer is told once that it may go on');
      assert.equal(client.session.unsentBytes, 0);
    } finally {
      client.session.close();
      await client.closed;
      listener.close();
    }
  });
});


/** Opens the session; the server then echoes and suppresses go-ahead (character mode). */
async function openInCharacterMode(client: ReturnType<typeof observe>, server: Awaited<ReturnType<typeof scriptedServer>>): Promise<void> {
  client.session.open();
  await waitFor(server.ready, 'the connection');
  server.engine().enableLocal(Opt.SGA);
  server.engine().enableLocal(Opt.ECHO);
}

describe('telnet client in LINEMODE (RFC 1184) against a scripted server', () => {
  it('edits locally in MODE EDIT, sends the line on Enter, and turns Ctrl-C into IAC IP with the BSD flush', async () => {
    const server = await scriptedServer({ remote: [Opt.LINEMODE], local: [Opt.SGA] }, (command, engine) => {
      // Output already on its way when the interrupt arrives: the client must drop it.
      if (command === Cmd.IP) engine.sendData(Buffer.from('output before the mark;'));
    });
    const client = observe({ host: '127.0.0.1', port: server.port, negotiate: 'never' });
    let echo = '';
    client.session.onEcho((bytes) => (echo += Buffer.from(bytes).toString('latin1')));
    try {
      client.session.open();
      await waitFor(server.ready, 'the connection');
      server.engine().enableRemote(Opt.LINEMODE);
      server.engine().enableLocal(Opt.SGA);
      await waitFor(() => client.lines().includes('RCVD DO LINEMODE'), 'DO LINEMODE');
      server.engine().subnegotiate(Opt.LINEMODE, Uint8Array.of(1, 3));
      await waitFor(() => client.session.mode.linemode && client.session.mode.lineEditing, 'MODE EDIT|TRAPSIG in force');
      assert.deepEqual(client.session.mode, { localEcho: true, lineEditing: true, linemode: true, localSignals: true });
      assert.ok(client.lines().includes('SENT IAC SB LINEMODE MODE EDIT|TRAPSIG|ACK'));

      client.session.write(Buffer.from('ls -l\x7f\x7fx'));
      client.session.sendCommand('nop');
      client.session.write(Buffer.from('\r'));
      await waitFor(() => server.received().endsWith('ls x\r\n'), 'the edited line');
      assert.match(server.received(), /<NOP>ls x\r\n$/, 'nothing of the line went before Enter');
      assert.equal(echo, 'ls -l\b \b\b \bx\r\n', 'typing and erasing are shown locally');

      client.session.write(Buffer.from('sleep 30\x03'));
      await waitFor(() => server.received().endsWith('<IP>'), 'IAC IP');
      assert.ok(client.lines().includes('SENT IAC IP') && client.lines().includes('SENT DO TIMING MARK'), 'IP, then the flush');
      await waitFor(() => client.lines().includes('RCVD WILL TIMING MARK'), 'the mark');
      server.engine().sendData(Buffer.from('output after the mark'));
      await waitFor(() => client.output().includes('output after the mark'), 'output after the mark');
      assert.doesNotMatch(client.output(), /before the mark/, 'output up to the mark was discarded');
      assert.doesNotMatch(server.received(), /sleep/, 'the interrupted line was dropped');
    } finally {
      client.session.close();
      await client.closed;
      server.close();
    }
  });

  it('sends Enter as CR NUL in NVT text, CR in BINARY, and CR LF with crlf, character at a time', async () => {
    const server = await scriptedServer({ local: [Opt.SGA, Opt.ECHO, Opt.BINARY], remote: [Opt.BINARY] });
    const client = observe({ host: '127.0.0.1', port: server.port, negotiate: 'never' });
    try {
      await openInCharacterMode(client, server);
      await waitFor(() => !client.session.mode.lineEditing && !client.session.mode.localEcho, 'character mode, remote echo');
      client.session.write(Buffer.from('a\r'));
      await waitFor(() => server.received() === 'a\r', 'the NVT Enter');
      // The engine on the server side turns CR NUL back into CR: look at the trace of bytes instead.
      const wire: number[] = [];
      client.session.onWire(({ direction, bytes }) => direction === 'SENT' && wire.push(...bytes));
      client.session.write(Buffer.from('\r'));
      await waitFor(() => wire.length >= 2, 'the bytes of Enter');
      assert.deepEqual(wire, [13, 0], 'CR NUL in NVT text');

      server.engine().enableRemote(Opt.BINARY);
      await waitFor(() => client.lines().includes('SENT WILL BINARY'), 'BINARY');
      wire.length = 0;
      client.session.write(Buffer.from('\r'));
      await waitFor(() => wire.length >= 1, 'the bytes of Enter');
      assert.deepEqual(wire, [13], 'CR alone in BINARY, as the BSD client sends it');

      client.session.setCrlf(true);
      wire.length = 0;
      client.session.write(Buffer.from('\r'));
      await waitFor(() => wire.length >= 2, 'the bytes of Enter');
      assert.deepEqual(wire, [13, 10], 'CR LF with crlf');
    } finally {
      client.session.close();
      await client.closed;
      server.close();
    }
  });

  it('opens as the BSD client does, sends USER and DISPLAY by NEW-ENVIRON, and NAWS at 80x24 without a terminal', async () => {
    const server = await scriptedServer({ remote: [Opt.TTYPE, Opt.NAWS, Opt.TSPEED, Opt.LFLOW, Opt.NEW_ENVIRON], local: [Opt.SGA, Opt.STATUS] });
    const client = observe({ host: '127.0.0.1', port: server.port, negotiate: 'always', user: 'trainer', display: 'lab:0', environment: [{ name: 'ROOM', value: '4b' }] });
    try {
      client.session.open();
      await waitFor(() => client.lines().includes('SENT DO STATUS'), 'the opening requests');
      assert.deepEqual(client.lines().slice(0, 8), [
        'SENT DO SUPPRESS GO AHEAD', 'SENT WILL TERMINAL TYPE', 'SENT WILL NAWS', 'SENT WILL TSPEED',
        'SENT WILL LFLOW', 'SENT WILL LINEMODE', 'SENT WILL NEW-ENVIRON', 'SENT DO STATUS',
      ]);
      await waitFor(() => client.lines().includes('SENT IAC SB NAWS 0 80 (80) 0 24 (24)'), 'the default size after DO NAWS');
      server.engine().subnegotiate(Opt.NEW_ENVIRON, Uint8Array.of(1));
      await waitFor(() => client.lines().some((line) => line.startsWith('SENT IAC SB NEW-ENVIRON IS')), 'the environment');
      assert.ok(client.lines().includes('SENT IAC SB NEW-ENVIRON IS USERVAR "ROOM" VALUE "4b" VAR "USER" VALUE "trainer" VAR "DISPLAY" VALUE "lab:0"'), client.lines().join('\n'));
    } finally {
      client.session.close();
      await client.closed;
      server.close();
    }
  });

  it('stops output on Ctrl-S and restarts it on Ctrl-Q under LFLOW, sending neither', async () => {
    const server = await scriptedServer({ remote: [Opt.LFLOW], local: [Opt.SGA, Opt.ECHO] });
    const client = observe({ host: '127.0.0.1', port: server.port, negotiate: 'never' });
    try {
      await openInCharacterMode(client, server);
      server.engine().enableRemote(Opt.LFLOW);
      await waitFor(() => client.lines().includes('SENT WILL LFLOW') && !client.session.mode.localEcho, 'LFLOW in character mode');
      client.session.write(Buffer.from('a\x13b'));
      await waitFor(() => server.received() === 'ab', 'the keys around Ctrl-S');
      server.engine().sendData(Buffer.from('held output'));
      server.engine().sendCommand(Cmd.NOP);
      await waitFor(() => client.lines().includes('RCVD IAC NOP'), 'what follows the output');
      assert.equal(client.output(), '', 'output waits while stopped');
      client.session.write(Buffer.from('\x11'));
      assert.equal(client.output(), 'held output');
      client.session.sendCommand('nop');
      await waitFor(() => server.received().endsWith('<NOP>'), 'the NOP after Ctrl-Q');
      assert.equal(server.received(), 'ab<NOP>', 'Ctrl-S and Ctrl-Q stayed local');
    } finally {
      client.session.close();
      await client.closed;
      server.close();
    }
  });
});

describe('telnet client against ser2net in character mode on a socat pty', () => {
  const dir = scratchDir();
  let pty: PtyPair;
  let ser2net: Awaited<ReturnType<typeof startSer2net>>;
  before(async () => {
    pty = await startPtyPair(dir, 'plain');
    ser2net = await startSer2net(dir, pty.device, '9600n81', false);
  });
  after(async () => {
    await ser2net.stop();
    await pty.stop();
  });

  it('sends each key as it is typed and Enter as the bare CR a console expects', async () => {
    const device = collect(pty.remote);
    const client = observe({ host: '127.0.0.1', port: ser2net.port });
    try {
      client.session.open();
      await waitFor(() => client.lines().includes('RCVD WILL SUPPRESS GO AHEAD') && !client.session.mode.lineEditing, 'character mode');
      await waitFor(() => client.lines().includes('SENT WILL BINARY'), 'BINARY');
      client.session.write(Buffer.from('s'));
      await waitFor(() => device.text() === 's', 'the first key at the device, alone');
      client.session.write(Buffer.from('h\r'));
      await waitFor(() => device.text().length >= 3, 'the rest');
      assert.equal(device.text(), 'sh\r', 'no LF and no NUL after the CR');
    } finally {
      device.stop();
      client.session.close();
      await client.closed;
    }
  });
});

describe('telnet client flush after a signal key, against servers that do not answer it', () => {
  async function rawServer() {
    let socket: Socket | undefined;
    let received = Buffer.alloc(0);
    const listener = createServer((connection) => {
      socket = connection;
      connection.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
      connection.on('error', () => {});
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    return { port: (listener.address() as AddressInfo).port, socket: () => socket, received: () => received, close: () => listener.close() };
  }

  it('does not wait for a TIMING-MARK from a peer that never spoke telnet', async () => {
    const server = await rawServer();
    const client = observe({ host: '127.0.0.1', port: server.port });
    try {
      client.session.open();
      await waitFor(() => server.socket() !== undefined, 'the connection');
      assert.equal(client.session.mode.localSignals, true, 'line mode by default, signals caught locally');
      client.session.write(Buffer.from('\x03'));
      await waitFor(() => server.received().length >= 2, 'IAC IP');
      assert.deepEqual([...server.received()], [Cmd.IAC, Cmd.IP], 'no DO TIMING-MARK that would never be answered');
      server.socket()!.write('still here');
      await waitFor(() => client.output() === 'still here', 'output after the interrupt');
    } finally {
      client.session.close();
      await client.closed;
      server.close();
    }
  });

  it('shows output again after flushTimeoutMs when a telnet peer ignores DO TIMING-MARK', async () => {
    const server = await rawServer();
    const client = observe({ host: '127.0.0.1', port: server.port, flushTimeoutMs: 50 });
    try {
      client.session.open();
      await waitFor(() => server.socket() !== undefined, 'the connection');
      server.socket()!.write(Buffer.from([Cmd.IAC, Cmd.WILL, Opt.SGA]));
      await waitFor(() => client.lines().includes('SENT DO SUPPRESS GO AHEAD'), 'SGA');
      client.session.setLocalChars(true);
      client.session.write(Buffer.from('\x03'));
      await waitFor(() => client.lines().includes('SENT DO TIMING MARK'), 'the flush');
      // The peer never answers; what it sends later is shown once the flush gives up.
      await waitFor(async () => {
        server.socket()!.write('x');
        await new Promise((resolve) => setTimeout(resolve, 20));
        return client.output().includes('x');
      }, 'output after the flush timed out');
    } finally {
      client.session.close();
      await client.closed;
      server.close();
    }
  });
});
