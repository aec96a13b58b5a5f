// A telnet server played by Revtel's own engine, for tests of the client side.
import { createServer, type AddressInfo } from 'node:net';
import { Cmd, TelnetEngine, withOption, type OptionPolicy } from '../../native/telnet/index.js';

/**
 * A telnet server played by our own engine on a loopback socket, for the client's side of
 * LINEMODE, LFLOW and NEW-ENVIRON: what it receives is recorded in order, commands and
 * subnegotiations included, so a test can tell what went out before what.
 */
export async function scriptedServer(accept: { local?: number[]; remote?: number[] }, onCommand?: (command: number, engine: TelnetEngine) => void) {
  let engine: TelnetEngine | undefined;
  const received: string[] = [];
  let policy: OptionPolicy = [];
  for (const option of accept.local ?? []) policy = withOption(policy, { option, local: true, remote: (accept.remote ?? []).includes(option) });
  for (const option of accept.remote ?? []) policy = withOption(policy, { option, local: (accept.local ?? []).includes(option), remote: true });
  const listener = createServer((socket) => {
    engine = new TelnetEngine({
      policy,
      onEvent: (event) => {
        if (event.type === 'send') socket.write(event.data);
        if (event.type === 'data') received.push(Buffer.from(event.data).toString('latin1'));
        if (event.type === 'command') {
          received.push(`<${Object.entries(Cmd).find(([, code]) => code === event.command)![0]}>`);
          onCommand?.(event.command, engine!);
        }
        if (event.type === 'subnegotiation') received.push(`<SB ${event.option} ${Buffer.from(event.payload).toString('hex')}>`);
      },
    });
    socket.on('data', (chunk: Buffer) => engine!.receive(chunk));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  return {
    port: (listener.address() as AddressInfo).port,
    engine: () => engine!,
    ready: () => engine !== undefined,
    received: () => received.join(''),
    close: () => listener.close(),
  };
}

