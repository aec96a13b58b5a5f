import type { TraceEntryDto } from '../api/index.js';
import { TelnetEngine } from '../telnet/index.js';

// A recorded telnet conversation, replayed for a class without a network: what each side
// sent, in the order it happened. Each side's bytes go through a passive engine of their
// own (it accepts nothing, and what it would answer is dropped), so every command is
// traced in the engine's words and the recording itself decides who said what.

export type Speaker = 'client' | 'server';

export interface RecordingChunk {
  readonly from: Speaker;
  readonly bytes: Uint8Array;
}

/** As many trace lines as a tab keeps: a capture's opening negotiation, not a flood that follows it. */
export const MAX_REPLAY_TRACE = 5000;

export interface Replay {
  /** Seen from the client: what it sent is SENT, what the server sent is RCVD; the first MAX_REPLAY_TRACE. */
  readonly trace: TraceEntryDto[];
  /** Commands past MAX_REPLAY_TRACE, counted and not described. */
  readonly omitted: number;
  /** For each trace line: how many bytes of `output` the server had sent before it. */
  readonly outputBefore: number[];
  /** What the server sent for the screen. */
  readonly output: Uint8Array;
}

export class CaptureError extends Error {
  override readonly name = 'CaptureError';
}

/** What the server's screen showed once trace line `step` had happened: everything sent before the next line. */
export function screenAfter(content: Replay, step: number): Uint8Array {
  return content.output.subarray(0, content.outputBefore[step + 1] ?? content.output.length);
}

export function replay(chunks: readonly RecordingChunk[], time: number): Replay {
  const trace: TraceEntryDto[] = [];
  const output: Uint8Array[] = [];
  const outputBefore: number[] = [];
  let outputLength = 0;
  let omitted = 0;
  const listen = (from: Speaker): TelnetEngine => new TelnetEngine({
    policy: [],
    now: () => time,
    onEvent: (event) => {
      if (event.type === 'data' && from === 'server') {
        output.push(event.data.slice());
        outputLength += event.data.length;
      }
      if (event.type !== 'trace' || event.entry.direction !== 'RCVD') return;
      if (trace.length >= MAX_REPLAY_TRACE) {
        omitted++;
        return;
      }
      const { entry } = event;
      const direction = from === 'client' ? 'SENT' : 'RCVD';
      outputBefore.push(outputLength);
      trace.push({ time: entry.time, direction, text: `${direction}${entry.text.slice(4)}`, short: `${direction}${entry.short.slice(4)}`, bytes: entry.bytes });
    },
  });
  const engines = { client: listen('client'), server: listen('server') };
  for (const chunk of chunks) engines[chunk.from].receive(chunk.bytes);
  const joined = new Uint8Array(outputLength);
  let offset = 0;
  for (const part of output) {
    joined.set(part, offset);
    offset += part.length;
  }
  return { trace, omitted, outputBefore, output: joined };
}

/** "ff fb 03 …" as `revtel decode --hex` reads it: pairs of hex digits, spaces and newlines anywhere. */
export function parseHexCapture(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) {
    throw new CaptureError('The capture is not hex text: expected pairs of hex digits such as "ff fb 03"');
  }
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
