import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CLIENT_POLICY, Opt, TelnetEngine, encodeComPort, withOption } from '../../../native/telnet/index.js';
import { freePort, scratchDir, startPtyPair, waitFor, type PtyPair } from '../../support/peers.js';
import { startServe, TestClient, type Served } from '../../support/revtel.js';

/** An RFC 2217 client driven byte by byte: Revtel's engine on a plain socket. */
async function comPortClient(port: number): Promise<{ socket: Socket; engine: TelnetEngine; text: () => string; trace: () => string[] }> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  const trace: string[] = [];
  const engine = new TelnetEngine({
    policy: withOption(CLIENT_POLICY, { option: Opt.COM_PORT, local: true, remote: false }),
    onEvent: (event) => {
      if (event.type === 'send') socket.write(event.data);
      if (event.type === 'data') text += Buffer.from(event.data).toString('latin1');
      if (event.type === 'trace') trace.push(event.entry.text);
    },
  });
  socket.on('data', (chunk) => engine.receive(chunk));
  await new Promise((resolve) => socket.once('connect', resolve));
  engine.enableLocal(Opt.COM_PORT);
  await waitFor(() => engine.isEnabled('local', Opt.COM_PORT), 'COM-PORT-OPTION to be agreed');
  return { socket, engine, text: () => text, trace: () => trace };
}

describe('RFC 2217 flow control and line limits', () => {
  let dir: string;
  let pty: PtyPair;
  let served: Served;
  let port: number;
  before(async () => {
    dir = scratchDir();
    pty = await startPtyPair(dir);
    port = await freePort();
    served = await startServe(['--line', `${port}:${pty.device}`, '--max-clients', '1', '--bind', '0.0.0.0']);
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
    // A sole client's suspend stops the reading of the device, so nothing positive can come
    // first here: the output is given half a second in which it would have arrived.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.doesNotMatch(client.text(), /while suspended/, 'nothing arrives while suspended');
    client.engine.subnegotiate(Opt.COM_PORT, encodeComPort({ fromServer: false, command: 'FLOWCONTROL-RESUME' }));
    await waitFor(() => client.text().includes('while suspended\r\n'), 'the held output after RESUME');
    client.socket.destroy();
    await served.waitForLog(/disconnected/);
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
