import { readFile } from 'node:fs/promises';
import { TelnetEngine, type TelnetEvent } from '../telnet/index.js';
import { CaptureError, parseHexCapture } from '../replay/Recording.js';
import { UsageError } from './UsageError.js';

export interface DecodeOptions {
  /** Path of the capture, or '-' for standard input. */
  readonly file: string;
  /** The capture is hex text ("ff fb 03 …") rather than raw bytes. */
  readonly hex: boolean;
  /** Short option names ("RCVD DO SGA") instead of the BSD client's. */
  readonly short: boolean;
}

/**
 * The negotiation in a capture of what one peer sent, as the BSD client would print it
 * with `toggle options`, with data runs summarised in between. Nothing is answered: the
 * engine is given a policy that accepts nothing and its replies are not printed.
 */
export async function decodeCapture(options: DecodeOptions, read: () => Promise<Buffer>): Promise<string[]> {
  const raw = await read();
  const bytes = options.hex ? parseHex(raw.toString('latin1')) : raw;
  const lines: string[] = [];
  const engine = new TelnetEngine({ policy: [], onEvent: (event) => describe(event, options.short, lines) });
  engine.receive(bytes);
  return lines;
}

export function readCapture(file: string): () => Promise<Buffer> {
  return async () => {
    if (file === '-') return readStream(process.stdin);
    try {
      return await readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot be read (${code ?? String(error)})`);
    }
  };
}

function describe(event: TelnetEvent, short: boolean, lines: string[]): void {
  switch (event.type) {
    case 'trace':
      if (event.entry.direction === 'RCVD') lines.push(short ? event.entry.short : event.entry.text);
      break;
    case 'data':
      lines.push(`(${event.data.length} data byte${event.data.length === 1 ? '' : 's'})`);
      break;
    case 'warning':
      lines.push(`warning: ${event.message}`);
      break;
  }
}

function parseHex(text: string): Uint8Array {
  try {
    return parseHexCapture(text);
  } catch (error) {
    throw error instanceof CaptureError ? new UsageError(error.message) : error;
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
