import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CLIENT_POLICY, Cmd, Control, Opt, TelnetEngine, decodeComPort, encodeComPort, withOption, type ComPortMessage } from '../../../native/telnet/index.js';
import { hashPassword } from '../../../native/server/passwords.js';
import { freePort, scratchDir, startPtyPair, waitFor, type PtyPair } from '../../support/peers.js';
import { startServe, TestClient, type Served } from '../../support/revtel.js';

/** An RFC 2217 client driven byte by byte: Revtel's engine on a plain socket. */
async function comPortClient(port: number): Promise<{ socket: Socket; engine: TelnetEngine; text: () => string; trace: () => string[]; answers: ComPortMessage[] }> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  const trace: string[] = [];
  const answers: ComPortMessage[] = [];
  const engine = new TelnetEngine({
    policy: withOption(CLIENT_POLICY, { option: Opt.COM_PORT, local: true, remote: false }),
    onEvent: (event) => {
      if (event.type === 'send') socket.write(event.data);
      if (event.type === 'data') text += Buffer.from(event.data).toString('latin1');
      if (event.type === 'trace') trace.push(event.entry.text);
      if (event.type === 'subnegotiation' && event.option === Opt.COM_PORT) answers.push(decodeComPort(event.payload)!);
    },
  });
  socket.on('data', (chunk) => engine.receive(chunk));
  await new Promise((resolve) => socket.once('connect', resolve));
  engine.enableLocal(Opt.COM_PORT);
  await waitFor(() => engine.isEnabled('local', Opt.COM_PORT), 'COM-PORT-OPTION to be agreed');
  return { socket, engine, text: () => text, trace: () => trace, answers };
}

describe('RFC 2217 flow control and line limits', () => {
  let dir: string;
  let logDir: string;
  let pty: PtyPair;
  let served: Served;
  let port: number;
  before(async () => {
    dir = scratchDir();
    pty = await startPtyPair(dir);
    port = await freePort();
    logDir = join(dir, 'logs');
    served = await startServe(['--line', `${port}:${pty.device}`, '--max-clients', '1', '--bind', '0.0.0.0', '--log-dir', logDir]);
    await served.waitForLog(/device .* open/);
  });
  after(async () => {
    await served.stop();
    await pty.stop();
  });

  it('says at start that a line is exposed to the network, and to whom', () => {
    assert.match(served.log(), new RegExp(`WARNING port ${port} is exposed to the network on 0\\.0\\.0\\.0:${port} to anyone who can reach this machine \\(limit it with --allow\\), without a password`));
  });

  it('FLOWCONTROL-SUSPEND stops the output until FLOWCONTROL-RESUME, losing nothing', async () => {
    const client = await comPortClient(port);
    await waitFor(() => client.text().includes('[revtel]'), 'the banner');
    client.engine.subnegotiate(Opt.COM_PORT, encodeComPort({ fromServer: false, command: 'FLOWCONTROL-SUSPEND' }));
    // The server handles a client's commands in order: its answer to a later query means the suspend is in force.
    client.engine.subnegotiate(Opt.COM_PORT, encodeComPort({ fromServer: false, command: 'SET-BAUDRATE', value: 0 }));
    await waitFor(() => client.trace().some((line) => line.startsWith('RCVD IAC SB COM-PORT-OPTION SET-BAUDRATE')), 'the answer to the baud rate query');
    writeFileSync(pty.remote, 'while suspended\r\n');
    // The device reads on (the session log has the line), and output the server has read
    // goes out before its answers to later queries: without the suspend, the line would be
    // here before this answer.
    await waitFor(() => readdirSync(logDir).some((name) => readFileSync(join(logDir, name), 'latin1').includes('while suspended')), 'the line in the session log');
    client.engine.subnegotiate(Opt.COM_PORT, encodeComPort({ fromServer: false, command: 'SET-BAUDRATE', value: 0 }));
    await waitFor(() => client.trace().filter((line) => line.startsWith('RCVD IAC SB COM-PORT-OPTION SET-BAUDRATE')).length === 2, 'the answer to a second query');
    assert.doesNotMatch(client.text(), /while suspended/, 'nothing arrives while suspended');
    client.engine.subnegotiate(Opt.COM_PORT, encodeComPort({ fromServer: false, command: 'FLOWCONTROL-RESUME' }));
    await waitFor(() => client.text().includes('while suspended\r\n'), 'the held output after RESUME');
    client.socket.destroy();
    await served.clientsGone();
  });

  it('refuses a client past --max-clients with a message', async () => {
    const first = await TestClient.connect(port);
    await first.expect('[revtel]');
    const second = await TestClient.connect(port);
    await second.expect('already has 1 client; try again later');
    await waitFor(() => second.closed, 'the refused client to be closed');
    first.close();
  });
});

describe('what a role may do, on a password-protected spectate line', () => {
  let served: Served;
  let port: number;
  before(async () => {
    const dir = scratchDir();
    const passwords = join(dir, 'passwords');
    writeFileSync(passwords, `${await hashPassword('secret')}\n`);
    port = await freePort();
    served = await startServe(['--line', `${port}:demo`, '--multi', 'spectate', '--password-file', passwords]);
    await served.waitForLog(/device demo open/);
  });
  after(() => served.stop());

  const send = (client: Awaited<ReturnType<typeof comPortClient>>, command: ComPortMessage['command'], value: number): void => {
    client.engine.subnegotiate(Opt.COM_PORT, encodeComPort({ fromServer: false, command, value } as ComPortMessage));
  };

  it("a pending client's BREAK, baud rate and DTR change nothing", async () => {
    const pending = await comPortClient(port);
    await waitFor(() => pending.text().includes('Password: '), 'the password prompt');
    send(pending, 'SET-BAUDRATE', 1);
    send(pending, 'SET-CONTROL', Control.DTR_OFF);
    pending.engine.sendCommand(Cmd.BRK);
    send(pending, 'SET-CONTROL', Control.BREAK_ON);
    await waitFor(() => pending.answers.length >= 3, 'the answers');
    assert.ok(pending.answers.every((answer) => answer.command !== 'NOTIFY-MODEMSTATE'), 'nothing told before admission');
    assert.deepEqual(pending.answers.map((answer) => 'value' in answer && answer.value), [9600, Control.DTR_ON, Control.BREAK_OFF]);
    await served.waitForLog(/BREAK ignored \(a pending may not send it\)/);
    assert.doesNotMatch(served.log(), /settings changed|sent BREAK/);
    pending.socket.destroy();
  });

  it("a reader's IAC BRK and RFC 2217 commands change nothing; the writer's do", async () => {
    const writer = await TestClient.connect(port);
    await writer.expect('Password: ');
    writer.type('secret\r');
    await writer.expect('you have the keyboard');
    const reader = await comPortClient(port);
    await waitFor(() => reader.text().includes('Password: '), 'the password prompt');
    reader.engine.sendData(Buffer.from('secret\r'));
    await waitFor(() => reader.text().includes('you are watching'), 'the reader admitted as a watcher');
    reader.engine.sendCommand(Cmd.BRK);
    send(reader, 'SET-BAUDRATE', 115200);
    send(reader, 'SET-CONTROL', Control.BREAK_ON);
    await waitFor(() => reader.answers.filter((answer) => answer.command !== 'NOTIFY-MODEMSTATE').length >= 2, 'the answers');
    assert.deepEqual(reader.answers.filter((answer) => answer.command !== 'NOTIFY-MODEMSTATE').map((answer) => 'value' in answer && answer.value), [9600, Control.BREAK_OFF]);
    await served.waitForLog(/BREAK ignored \(a reader may not send it\)/);
    writer.session.sendCommand('brk');
    await served.waitForLog(/sent BREAK \(300 ms\)/);
    writer.close();
    reader.socket.destroy();
  });
});
