// npm run bench:telnet — parse throughput of Revtel's telnet engine beside the npm package
// telnet-stream, on the same input in the same run. Targets: ≥ 1 GB/s on plain text and
// ≥ 10× telnet-stream on every input. Not a test: machines here are shared and noisy.
import { createRequire } from 'node:module';
import { CLIENT_POLICY, Cmd, Opt, TelnetEngine } from '../native/telnet/index.js';

interface TelnetInputLike {
  _transform(chunk: Buffer, encoding: null, callback: () => void): void;
  push(chunk: Buffer): boolean;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
const { TelnetInput } = createRequire(import.meta.url)('telnet-stream') as { TelnetInput: new () => TelnetInputLike };

const CHUNK = 64 * 1024;
const TOTAL = 128 * 1024 * 1024;

/** One continuous stream of the unit repeated, cut into chunks wherever they fall. */
function repeatToChunks(unit: Uint8Array): Buffer[] {
  const stream = Buffer.alloc(TOTAL);
  for (let offset = 0; offset < TOTAL; offset += unit.length) stream.set(unit.subarray(0, TOTAL - offset), offset);
  return Array.from({ length: TOTAL / CHUNK }, (_, n) => stream.subarray(n * CHUNK, (n + 1) * CHUNK));
}

const text = (s: string): number[] => [...Buffer.from(s, 'latin1')];

// Console output: a running-config, CR LF line ends.
const config = Array.from({ length: 200 }, (_, n) => `interface GigabitEthernet0/${n}\r\n description uplink ${n}\r\n ip address 10.0.${n % 256}.1 255.255.255.0\r\n!\r\n`).join('');
const plain = Uint8Array.from(text(config));

// The same text with 1% of its bytes 0xFF, which the wire carries as IAC IAC.
const withIacs: number[] = [];
text(config).forEach((byte, i) => (i % 100 === 0 ? withIacs.push(Cmd.IAC, Cmd.IAC) : withIacs.push(byte)));

// A chatty session: short data runs between keep-alives, option toggles, window-size
// updates and RFC 2217 modem-state notifications.
const chatty: number[] = [];
for (let n = 0; n < 512; n++) {
  chatty.push(...text('Router#'));
  chatty.push(Cmd.IAC, Cmd.NOP);
  chatty.push(Cmd.IAC, n % 2 ? Cmd.WILL : Cmd.WONT, Opt.ECHO);
  chatty.push(Cmd.IAC, Cmd.SB, Opt.NAWS, 0, 80 + (n % 40), 0, 24, Cmd.IAC, Cmd.SE);
  chatty.push(Cmd.IAC, Cmd.SB, Opt.COM_PORT, 107, n % 2 ? 0xb0 : 0x30, Cmd.IAC, Cmd.SE);
  chatty.push(Cmd.IAC, Cmd.GA);
}

function measure(run: (chunks: Buffer[]) => number, chunks: Buffer[]): number {
  run(chunks.slice(0, 64)); // warm up the JIT
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint();
    const delivered = run(chunks);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (delivered <= 0) throw new Error('nothing was parsed');
    best = Math.min(best, seconds);
  }
  return TOTAL / best;
}

function revtel(chunks: Buffer[]): number {
  let delivered = 0;
  const engine = new TelnetEngine({
    policy: CLIENT_POLICY,
    onEvent: (event) => {
      if (event.type === 'data') delivered += event.data.length;
    },
  });
  for (const chunk of chunks) engine.receive(chunk);
  return delivered;
}

// telnet-stream's parser alone, called as its stream would call it, minus the stream.
function telnetStream(chunks: Buffer[]): number {
  let delivered = 0;
  const input = new TelnetInput();
  input.push = (chunk: Buffer) => {
    delivered += chunk.length;
    return true;
  };
  for (const event of ['command', 'do', 'dont', 'will', 'wont', 'sub', 'error']) input.on(event, () => {});
  const done = (): void => {};
  for (const chunk of chunks) input._transform(chunk, null, done);
  return delivered;
}

/**
 * A ceiling, not a parser: walks the bytes with the fewest states that still find every
 * command and skip every subnegotiation, and only counts them — no data delivered, no
 * trace, no option state. What it reaches is about the most a parser in JS can reach here.
 */
function countOnly(chunks: Buffer[]): number {
  let found = 0;
  let state = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      switch (state) {
        case 0: // data
          if (byte === Cmd.IAC) state = 1;
          break;
        case 1: // after IAC
          if (byte >= Cmd.WILL) state = 2;
          else if (byte === Cmd.SB) state = 3;
          else state = 0;
          found++;
          break;
        case 2: // the option of a negotiation
          state = 0;
          break;
        case 3: // inside SB
          if (byte === Cmd.IAC) state = 4;
          break;
        case 4: // IAC inside SB
          state = byte === Cmd.SE ? 0 : 3;
          break;
      }
    }
  }
  return found;
}

const inputs: [string, Uint8Array][] = [
  ['plain text', plain],
  ['text with 1% IAC IAC', Uint8Array.from(withIacs)],
  ['negotiation-heavy', Uint8Array.from(chatty)],
];

const mb = (rate: number): string => `${(rate / 1e6).toFixed(0).padStart(6)} MB/s`;
console.log(`telnet parse throughput, ${TOTAL / 1048576} MiB per input in ${CHUNK / 1024} KiB chunks (best of 3)`);
for (const [name, unit] of inputs) {
  const chunks = repeatToChunks(unit);
  const ours = measure(revtel, chunks);
  const theirs = measure(telnetStream, chunks);
  const target = name === 'plain text' ? ` (target ≥ 1000 MB/s: ${ours >= 1e9 ? 'met' : 'MISSED'})` : '';
  console.log(`${name.padEnd(22)} revtel ${mb(ours)}  telnet-stream ${mb(theirs)}  ratio ${(ours / theirs).toFixed(1)}× (target ≥ 10×: ${ours / theirs >= 10 ? 'met' : 'MISSED'})${target}`);
  if (name === 'negotiation-heavy') {
    const ceiling = measure(countOnly, chunks);
    console.log(`${''.padEnd(22)} ceiling: a loop that only counts the commands ${mb(ceiling)} = ${(ceiling / theirs).toFixed(1)}× telnet-stream`);
  }
}
