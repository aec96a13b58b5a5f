import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { decodeFrame, encodeFrame, type LineDto } from '../../../native/api/index.js';
import { openDevice } from '../../../native/hub/openDevice.js';
import { Cmd, Opt, TelnetEngine } from '../../../native/telnet/index.js';
import { LOGIN_LIMITS, LoginGuard, type LoginLimits } from '../../../native/server/LoginGuard.js';
import { hashPassword } from '../../../native/server/passwords.js';
import { makeLineConfig } from '../../../native/server/LineConfig.js';
import { TerminalServer } from '../../../native/server/TerminalServer.js';
import { freePort, scratchDir, waitFor } from '../../support/peers.js';
import { startServe, TestClient, type Served } from '../../support/revtel.js';

// Revtel as an attacker on the LAN meets it: plain sockets on loopback that reset at every
// stage (SO_LINGER 0, as Node's resetAndDestroy sends), guess passwords one per connection,
// sit at the password prompt, and send control characters and floods.

/** A raw TCP peer: what it received, and a reset whenever the test says. */
interface Peer {
  readonly socket: Socket;
  text(): string;
  readonly closed: Promise<void>;
  waitFor(pattern: string | RegExp, what?: string): Promise<void>;
}

/**
 * How a peer meets the server's opening offers. By default it answers them through Revtel's
 * own engine as a client that wants no option but those it `offers` (the engine sends their
 * WILL at once), so that the server's first output waits for no timer: the server holds it
 * back until its offers are answered. A `silent` peer answers nothing: its bytes are the
 * test's alone. (The UI's HTTP answers are text, and no test reads past a WebSocket's 101.)
 */
interface PeerOptions {
  readonly from?: string;
  readonly offers?: readonly number[];
  readonly silent?: boolean;
}

async function peer(port: number, { from = '127.0.0.1', offers = [], silent = false }: PeerOptions = {}): Promise<Peer> {
  const socket = connect({ port, host: '127.0.0.1', localAddress: from });
  let text = '';
  const engine = silent ? undefined : new TelnetEngine({
    policy: offers.map((option) => ({ option, local: true, remote: false })),
    onEvent: (event) => {
      if (event.type === 'send') socket.write(event.data);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    engine?.receive(chunk);
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  offers.forEach((option) => engine?.enableLocal(option));
  return {
    socket,
    text: () => text,
    closed,
    waitFor: (pattern, what = String(pattern)) =>
      waitFor(() => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)), `${what}; got ${JSON.stringify(text.slice(-300))}`),
  };
}

const bytes = (...values: number[]): Buffer => Buffer.from(values);

/** RevtelApi over the UI's WebSocket, as a page with the token calls it. */
async function uiApi(url: URL): Promise<{ call: (method: string, request: unknown) => Promise<unknown>; close: () => void }> {
  const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
  const ws = new WebSocket(`ws://${url.host}/api`);
  const replies: { type: string; id?: number; result?: unknown; message?: string }[] = [];
  ws.on('message', (data: Buffer) => replies.push(decodeFrame(new Uint8Array(data)) as (typeof replies)[number]));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(encodeFrame({ type: 'hello', token }));
  await waitFor(() => replies.some((reply) => reply.type === 'welcome'), 'the welcome');
  let nextId = 1;
  return {
    call: async (method, request) => {
      const id = nextId++;
      ws.send(encodeFrame({ type: 'call', id, method, request }));
      await waitFor(() => replies.some((reply) => reply.id === id), `the answer to ${method}`);
      const reply = replies.find((candidate) => candidate.id === id)!;
      if (reply.type === 'error') throw new Error(reply.message);
      return reply.result;
    },
    close: () => ws.close(),
  };
}

describe('resets at every refusal point and every stage', () => {
  let dir: string;
  let served: Served;
  let fullPort: number;
  let passwordPort: number;
  let allowPort: number;
  let openPort: number;
  let ui: URL;
  let holder: TestClient;
  before(async () => {
    dir = scratchDir();
    [fullPort, passwordPort, allowPort, openPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const passwords = join(dir, 'passwords');
    writeFileSync(passwords, `${passwordPort} ${await hashPassword('s3cret')}\n`);
    const config = join(dir, 'revtel.yaml');
    writeFileSync(config, [
      'lines:',
      `  - { port: ${fullPort}, device: demo, max-clients: 1 }`,
      `  - { port: ${passwordPort}, device: demo }`,
      `  - { port: ${allowPort}, device: demo, allow: [10.0.0.0/8] }`,
      `  - { port: ${openPort}, device: demo, multi: shared }`,
      `password-file: ${passwords}`,
      '',
    ].join('\n'));
    served = await startServe(['--config', config, '--ui', '0'], { listening: 4, open: 4 });
    await served.waitForLog(/UI ready: open \S+/);
    ui = new URL(/UI ready: open (\S+)/.exec(served.log())![1]!);
    holder = await TestClient.connect(fullPort);
    await holder.expect('[revtel]');
  });
  after(async () => {
    holder.close();
    await served.stop();
  });

  it('survives every kind of reset, and its other lines and its UI go on', async () => {
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      // Refused by the access list: reset at once (before or after the server accepts it: one
      // reset before has no address left, and is not logged), and one the server closes.
      (await peer(allowPort)).socket.resetAndDestroy();
      await (await peer(allowPort)).closed;
      // Refused for --max-clients: reset before the refusal is written, and after reading it.
      (await peer(fullPort)).socket.resetAndDestroy();
      const late = await peer(fullPort);
      await late.waitFor('already has 1 client');
      late.socket.resetAndDestroy();
      // At the password prompt, while a guess is checked, and while the wrong one waits.
      const prompt = await peer(passwordPort);
      await prompt.waitFor('Password: ');
      prompt.socket.resetAndDestroy();
      const checking = await peer(passwordPort);
      await checking.waitFor('Password: ');
      checking.socket.write(`guess${round}\r\n`);
      checking.socket.resetAndDestroy();
      // In the middle of negotiation (once the server has made its offers): half a
      // subnegotiation, then a reset.
      const negotiating = await peer(openPort);
      await negotiating.waitFor('\xff', "the server's offers");
      negotiating.socket.write(bytes(Cmd.IAC, Cmd.WILL, Opt.TTYPE, Cmd.IAC, Cmd.SB, Opt.TTYPE, 0, 0x78, 0x74));
      negotiating.socket.resetAndDestroy();
      // During RFC 2217: a SET-BAUDRATE and a SIGNATURE request, then a reset before the answers.
      const comPort = await peer(openPort, { offers: [Opt.COM_PORT] });
      comPort.socket.write(Buffer.concat([
        bytes(Cmd.IAC, Cmd.SB, Opt.COM_PORT, 1, 0, 0, 0x96, 0, Cmd.IAC, Cmd.SE),
        bytes(Cmd.IAC, Cmd.SB, Opt.COM_PORT, 0, Cmd.IAC, Cmd.SE),
        bytes(Cmd.IAC, Cmd.SB, Opt.COM_PORT, 12, 3, Cmd.IAC, Cmd.SE),
      ]));
      await comPort.waitFor(/\[revtel\]/, 'the banner');
      comPort.socket.resetAndDestroy();
      // The UI: a refused upgrade (wrong path, foreign Origin, foreign Host), reset before and after the 403.
      for (const headers of [`GET /nope HTTP/1.1\r\nHost: ${ui.host}`, `GET /api HTTP/1.1\r\nHost: ${ui.host}\r\nOrigin: http://evil.example`, 'GET /api HTTP/1.1\r\nHost: evil.example']) {
        const request = `${headers}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
        const early = await peer(Number(ui.port));
        early.socket.write(request);
        early.socket.resetAndDestroy();
        const refused = await peer(Number(ui.port));
        refused.socket.write(request);
        await refused.waitFor('403 Forbidden');
        refused.socket.resetAndDestroy();
      }
      // An accepted upgrade, reset before the hello.
      const upgraded = await peer(Number(ui.port));
      upgraded.socket.write(`GET /api HTTP/1.1\r\nHost: ${ui.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      await upgraded.waitFor('101 Switching Protocols');
      upgraded.socket.resetAndDestroy();
    }
    // Every reset has been seen: each connection's end is logged.
    // Refusals are logged three times a minute, then counted.
    await waitFor(() => (served.log().match(/refused by the access list/g) ?? []).length >= 3, 'the access-list refusals');
    await waitFor(() => (served.log().match(new RegExp(`port ${openPort}: client \\S+ disconnected`, 'g')) ?? []).length >= 2 * rounds, 'the reset clients to be gone');
    await waitFor(() => (served.log().match(new RegExp(`port ${passwordPort}: client \\S+ disconnected`, 'g')) ?? []).length >= 2 * rounds, 'the reset logins to be gone');
    assert.equal(served.process.exitCode, null, served.log());
    assert.doesNotMatch(served.log(), /internal error/);
    // The client that held a line all along still works.
    holder.type('\r');
    await holder.expect('Router>');
    const page = await fetch(`http://${ui.host}/`);
    assert.equal(page.status, 200);
  });

  it('the UI server refuses a Host that is not its own before the upgrade, and serves its own', async () => {
    for (const host of ['evil.example', `evil.example:${ui.port}`, `127.0.0.1:${Number(ui.port) + 1}`, `127.0.0.2:${ui.port}`]) {
      const client = await peer(Number(ui.port));
      client.socket.write(`GET /api HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      await client.closed;
      assert.match(client.text(), /^HTTP\/1\.1 403 Forbidden/, host);
    }
    // The page itself is not served under a foreign name either.
    const page = await peer(Number(ui.port));
    page.socket.write(`GET / HTTP/1.1\r\nHost: evil.example:${ui.port}\r\nConnection: close\r\n\r\n`);
    await page.closed;
    assert.match(page.text(), /^HTTP\/1\.1 421 /);
    for (const host of [ui.host, `localhost:${ui.port}`, `[::1]:${ui.port}`]) {
      const client = await peer(Number(ui.port));
      client.socket.write(`GET /api HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      await client.waitFor('101 Switching Protocols', host);
      client.socket.destroy();
    }
  });

  it("shows control characters from the network escaped in the log and in the UI's clients table; the UI opens only terminals", async () => {
    // Its terminal type is the forged one alone: nothing answers for it.
    const client = await peer(openPort, { silent: true });
    const forged = '\x1b]0;pwned\x07\x1b[2J\nFORGED 2026-01-01T00:00:00.000Z line 9: client 10.9.9.9 connected';
    client.socket.write(bytes(Cmd.IAC, Cmd.WILL, Opt.TTYPE));
    await client.waitFor(String.fromCharCode(Cmd.IAC, Cmd.SB, Opt.TTYPE, 1, Cmd.IAC, Cmd.SE), 'SB TTYPE SEND');
    client.socket.write(Buffer.concat([bytes(Cmd.IAC, Cmd.SB, Opt.TTYPE, 0), Buffer.from(forged, 'latin1'), bytes(Cmd.IAC, Cmd.SE)]));
    await served.waitForLog(/negotiated .*TTYPE \\x1b\]0;pwned/, 'the negotiation line');
    // The UI's clients table shows what the hub sends it: escaped too.
    const api = await uiApi(ui);
    try {
      const lines = await api.call('listLines', {}) as LineDto[];
      const negotiated = lines.find((line) => line.tcpPort === openPort)!.clients.map((entry) => entry.negotiated).join(' ');
      assert.match(negotiated, /TTYPE \\x1b\]0;pwned\\x07\\x1b\[2J\\nFORGED/);
      assert.doesNotMatch(negotiated, /[\x00-\x1f]/);
      // And the UI opens no path that is not a terminal.
      await assert.rejects(api.call('openSerial', { path: '/etc/passwd', settings: '9600,8N1' }), /\/etc\/passwd is a file, not a serial device/);
      await assert.rejects(api.call('openSerial', { path: '/dev/zero', settings: '9600,8N1' }), /\/dev\/zero is a character device that is not a terminal/);
    } finally {
      api.close();
    }
    client.socket.destroy();
    assert.match(served.log(), /TTYPE \\x1b\]0;pwned\\x07\\x1b\[2J\\nFORGED/);
    assert.doesNotMatch(served.log(), /[\x00-\x09\x0b-\x1f\x7f]/, 'no control character but the line ends');
    assert.doesNotMatch(served.log(), /^FORGED/m);
  });

  it('writes a bounded number of log lines however many stray commands an unauthenticated client sends', async () => {
    const before = served.log().split('\n').length;
    const client = await peer(passwordPort);
    await client.waitFor('Password: ');
    // 1 MiB of IAC SE outside a subnegotiation and IAC followed by a byte below 236.
    const unit = bytes(Cmd.IAC, Cmd.SE, Cmd.IAC, 0x41);
    const flood = Buffer.alloc(1024 * 1024);
    for (let at = 0; at < flood.length; at += unit.length) unit.copy(flood, at);
    await new Promise<void>((resolve) => client.socket.write(flood, () => resolve()));
    client.socket.end();
    await client.closed;
    await served.waitForLog(/more like it/, 'the count of the warnings left out');
    await served.waitForLog(new RegExp(`port ${passwordPort}: client \\S+ disconnected`));
    const lines = served.log().split('\n').length - before;
    assert.ok(lines <= 12, `${lines} log lines for ${flood.length} bytes`);
    assert.match(served.log(), /stray|IAC SE/i);
    assert.match(served.log(), /… and 262,14\d more like it/);
  });
});

/** Lines in this process, with the login limits a test sets (a product constant is never waited out). */
async function lineServer(limits: Partial<LoginLimits>, lines: { port: number; password?: string; maxClients?: number }[]): Promise<{ server: TerminalServer; log: string[] }> {
  const log: string[] = [];
  const write = (message: string): void => {
    log.push(message);
  };
  const server = new TerminalServer({
    device: { open: openDevice },
    log: write,
    version: 'test',
    loginGuard: new LoginGuard({ ...LOGIN_LIMITS, ...limits }, write),
  });
  const configs = await Promise.all(lines.map(async (line) => makeLineConfig(line.port, 'demo', { maxClients: line.maxClients ?? 8 }, `port ${line.port}`, line.password ? await hashPassword(line.password) : undefined)));
  await server.apply(configs);
  // Typing before the device is open would be discarded.
  await waitFor(() => server.lines.every((line) => line.devicePresent), 'the demo devices to open');
  return { server, log };
}

const count = (log: readonly string[], pattern: RegExp): number => log.filter((line) => pattern.test(line)).length;

describe('password guessing and pending logins', () => {
  it('checks one guess at a time per address, across connections and lines, however many connections guess', async () => {
    const [one, two] = [await freePort(), await freePort()];
    // The wait after a wrong password is an hour: every other guess meanwhile must be turned away, not checked.
    const { server, log } = await lineServer({ firstDelayMs: 3_600_000, maxDelayMs: 3_600_000, maxPendingPerAddress: 16 }, [{ port: one, password: 'right' }, { port: two, password: 'right' }]);
    try {
      const guessers = await Promise.all(Array.from({ length: 8 }, () => peer(one)));
      await Promise.all(guessers.map((guesser) => guesser.waitFor('Password: ')));
      guessers.forEach((guesser, index) => guesser.socket.write(`guess${index}\r`));
      const turnedAway = (guesser: Peer): boolean => guesser.text().includes('Too many wrong passwords from your address');
      await waitFor(() => count(log, /wrong password/) === 1 && guessers.filter(turnedAway).length === 7, 'one guess checked and seven turned away');
      // The other line shares the limit, and the right password waits its turn too.
      const other = await peer(two);
      await other.waitFor('Password: ');
      other.socket.write('right\r\r');
      await other.waitFor('Too many wrong passwords from your address: wait');
      assert.doesNotMatch(other.text(), /Router>/);
      assert.equal(count(log, /wrong password/), 1, log.join('\n'));
      for (const guesser of [...guessers, other]) guesser.socket.destroy();
    } finally {
      await server.stop();
    }
  });

  it('locks an address out after N wrong passwords, says so once in the log, and lets other addresses in', async () => {
    const port = await freePort();
    const { server, log } = await lineServer({ firstDelayMs: 0, maxDelayMs: 0, lockoutAfter: 3, lockoutMs: 5 * 60_000 }, [{ port, password: 'right' }]);
    try {
      const guesser = await peer(port);
      for (const [index, guess] of ['a', 'b'].entries()) {
        await waitFor(() => (guesser.text().match(/Password: /g) ?? []).length === index + 1, 'the prompt');
        guesser.socket.write(`${guess}\r`);
      }
      await waitFor(() => (guesser.text().match(/Password: /g) ?? []).length === 3, 'the third prompt');
      guesser.socket.write('c\r');
      await guesser.waitFor('% Access denied');
      await guesser.closed;
      // The seconds are the machine's: the back-off waits come first, and a loaded machine is slower.
      const lockouts = log.filter((line) => /wrong passwords or keys from/.test(line));
      assert.equal(lockouts.length, 1);
      assert.match(lockouts[0]!, new RegExp(`^3 wrong passwords or keys from 127\\.0\\.0\\.1 on port ${port} in \\d+ s; refusing it for 5 min$`));
      // Locked out: even the right password is never asked for.
      const again = await peer(port);
      await again.closed;
      assert.match(again.text(), /too many wrong passwords from your address; try again in 5 min/);
      assert.doesNotMatch(again.text(), /Password:/);
      // Another address is not locked out.
      const owner = await peer(port, { from: '127.0.0.2' });
      await owner.waitFor('Password: ');
      owner.socket.write('right\r\r');
      await owner.waitFor('Router>');
      owner.socket.destroy();
    } finally {
      await server.stop();
    }
  });

  it('gives pending logins their own caps, so that they never lock the owner out, and times them out', async () => {
    const port = await freePort();
    const { server, log } = await lineServer({ maxPendingPerAddress: 2, maxPendingPerLine: 3, loginTimeoutMs: 60_000 }, [{ port, password: 'right', maxClients: 1 }]);
    try {
      // An attacker's address fills its share of the prompt and is refused past it.
      const squatters = [await peer(port, { from: '127.0.0.2' }), await peer(port, { from: '127.0.0.2' })];
      await Promise.all(squatters.map((squatter) => squatter.waitFor('Password: ')));
      squatters.forEach((squatter) => squatter.socket.write(bytes(Cmd.IAC, Cmd.NOP)));
      const third = await peer(port, { from: '127.0.0.2' });
      await third.closed;
      assert.match(third.text(), /too many connections logging in from your address/);
      // Another address takes the line's last pending slot; past it the line refuses anyone.
      const otherSquatter = await peer(port, { from: '127.0.0.3' });
      await otherSquatter.waitFor('Password: ');
      const late = await peer(port, { from: '127.0.0.4' });
      await late.closed;
      assert.match(late.text(), /too many connections logging in; try again later/);
      // The pending ones hold no client slot: once one leaves, the owner logs in to a line of --max-clients 1.
      otherSquatter.socket.destroy();
      await waitFor(() => count(log, /127\.0\.0\.3:\d+ disconnected/) === 1, 'the squatter to be gone');
      const owner = await peer(port, { from: '127.0.0.1' });
      await owner.waitFor('Password: ');
      owner.socket.write('right\r\r');
      await owner.waitFor('Router>');
      assert.doesNotMatch(owner.text(), /already has/);
      for (const squatter of squatters) squatter.socket.destroy();
      owner.socket.destroy();
    } finally {
      await server.stop();
    }
  });

  it('closes a connection that has not given the right password within the login timeout, however busy it keeps it', async () => {
    const port = await freePort();
    const { server, log } = await lineServer({ loginTimeoutMs: 200 }, [{ port, password: 'right' }]);
    try {
      const idle = await peer(port);
      await idle.waitFor('Password: ');
      // IAC NOP keeps a connection busy, not logged in.
      const keepAlive = setInterval(() => idle.socket.write(bytes(Cmd.IAC, Cmd.NOP)), 20);
      await idle.closed;
      clearInterval(keepAlive);
      assert.match(idle.text(), /% Login timed out/);
      assert.equal(count(log, /gave no right password within 1 s: disconnected/), 1);
    } finally {
      await server.stop();
    }
  });
});

describe('what a client can make a line log', () => {
  it('logs BREAK three times and then a count, however many a client sends', async () => {
    const port = await freePort();
    const { server, log } = await lineServer({}, [{ port }]);
    let stopped = false;
    try {
      const client = await peer(port);
      await client.waitFor('[revtel]');
      const breaks = Buffer.concat(Array.from({ length: 50 }, () => bytes(Cmd.IAC, Cmd.BRK)));
      client.socket.write(Buffer.concat([breaks, bytes(Cmd.IAC, Cmd.AYT)]));
      // AYT is answered after every BREAK before it has been handled.
      await client.waitFor('[Yes]');
      client.socket.destroy();
      await server.stop();
      stopped = true;
      assert.equal(count(log, /sent BREAK \(300 ms\)$/), 3, log.join('\n'));
      assert.equal(count(log, /sent BREAK \(300 ms\) … and 47 more like it$/), 1, log.join('\n'));
    } finally {
      if (!stopped) await server.stop();
    }
  });
});
