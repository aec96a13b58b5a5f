import { asciiBytes, latin1Text } from './ascii.js';

// TERMINAL-TYPE, RFC 1091.
const IS = 0;
const SEND = 1;

export type TerminalTypeMessage = { readonly kind: 'is'; readonly name: string } | { readonly kind: 'send' };

export function encodeTerminalType(message: TerminalTypeMessage): Uint8Array {
  if (message.kind === 'send') return Uint8Array.of(SEND);
  return Uint8Array.of(IS, ...asciiBytes(message.name));
}

export function decodeTerminalType(payload: Uint8Array): TerminalTypeMessage | undefined {
  if (payload.length === 1 && payload[0] === SEND) return { kind: 'send' };
  if (payload.length >= 1 && payload[0] === IS) return { kind: 'is', name: latin1Text(payload, 1) };
  return undefined;
}

/**
 * The client's answers to successive SENDs (RFC 1091): each type in turn, the last one
 * once more to say the list is exhausted, then from the top again.
 */
export class TerminalTypeCycle {
  private next = 0;

  constructor(private readonly types: readonly string[]) {
    if (types.length === 0) throw new RangeError('A terminal-type list needs at least one type');
  }

  answer(): string {
    const last = this.types.length - 1;
    if (this.next > last + 1) this.next = 0;
    const type = this.types[Math.min(this.next, last)]!;
    this.next++;
    return type;
  }
}
