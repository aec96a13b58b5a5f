import { Cmd } from '../codes.js';

// STATUS, RFC 859. In an IS list every SE byte is doubled, so that the list can carry
// whole subnegotiations (IAC doubling is done by the engine for every SB).
const IS = 0;
const SEND = 1;

export interface StatusEntry {
  readonly verb: typeof Cmd.WILL | typeof Cmd.DO;
  readonly option: number;
}

export type StatusMessage =
  | { readonly kind: 'send' }
  | { readonly kind: 'is'; readonly options: readonly StatusEntry[]; readonly subnegotiations: readonly Uint8Array[] };

export function encodeStatus(message: StatusMessage): Uint8Array {
  if (message.kind === 'send') return Uint8Array.of(SEND);
  const out: number[] = [IS];
  const pushDoubled = (byte: number): void => {
    out.push(byte);
    if (byte === Cmd.SE) out.push(byte);
  };
  for (const { verb, option } of message.options) {
    out.push(verb);
    pushDoubled(option);
  }
  for (const sub of message.subnegotiations) {
    out.push(Cmd.SB);
    sub.forEach(pushDoubled);
    out.push(Cmd.SE);
  }
  return Uint8Array.from(out);
}

export function decodeStatus(payload: Uint8Array): StatusMessage | undefined {
  if (payload.length === 1 && payload[0] === SEND) return { kind: 'send' };
  if (payload[0] !== IS) return undefined;
  const options: StatusEntry[] = [];
  const subnegotiations: Uint8Array[] = [];
  let i = 1;
  // Reads one byte of the list, undoing the SE doubling.
  const take = (): number | undefined => {
    const byte = payload[i++];
    if (byte === Cmd.SE && payload[i] === Cmd.SE) i++;
    return byte;
  };
  while (i < payload.length) {
    const code = payload[i++]!;
    if (code === Cmd.WILL || code === Cmd.DO) {
      const option = take();
      if (option === undefined) return undefined;
      options.push({ verb: code, option });
    } else if (code === Cmd.SB) {
      const sub: number[] = [];
      for (;;) {
        if (i >= payload.length) return undefined;
        if (payload[i] === Cmd.SE && payload[i + 1] !== Cmd.SE) {
          i++;
          break;
        }
        sub.push(take()!);
      }
      subnegotiations.push(Uint8Array.from(sub));
    } else {
      return undefined;
    }
  }
  return { kind: 'is', options, subnegotiations };
}
