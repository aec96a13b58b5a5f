import { asciiBytes, latin1Text } from './ascii.js';

// TERMINAL-SPEED, RFC 1079: "transmit,receive" in bits per second, as ASCII.
const IS = 0;
const SEND = 1;

export type TerminalSpeedMessage =
  | { readonly kind: 'is'; readonly transmit: number; readonly receive: number }
  | { readonly kind: 'send' };

export function encodeTerminalSpeed(message: TerminalSpeedMessage): Uint8Array {
  if (message.kind === 'send') return Uint8Array.of(SEND);
  return Uint8Array.of(IS, ...asciiBytes(`${message.transmit},${message.receive}`));
}

export function decodeTerminalSpeed(payload: Uint8Array): TerminalSpeedMessage | undefined {
  if (payload.length === 1 && payload[0] === SEND) return { kind: 'send' };
  if (payload[0] !== IS) return undefined;
  const match = /^(\d+),(\d+)$/.exec(latin1Text(payload, 1));
  if (!match) return undefined;
  return { kind: 'is', transmit: Number(match[1]), receive: Number(match[2]) };
}
