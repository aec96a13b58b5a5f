import { Cmd, type NegotiationVerb } from './codes.js';

// Telnet commands as bytes on the wire.

const { IAC, SB, SE, WILL } = Cmd;

// The wire bytes of every command and negotiation, made once: the engine sends and
// traces them often, and events' bytes are read-only.
// Filled with undefined up front: an array filled in at scattered indexes would turn
// into a slow dictionary.
const COMMAND_BYTES: (Uint8Array | undefined)[] = new Array<undefined>(256).fill(undefined);
const NEGOTIATION_BYTES: (Uint8Array | undefined)[] = new Array<undefined>(4 * 256).fill(undefined);

export function commandBytes(command: number): Uint8Array {
  return (COMMAND_BYTES[command] ??= Uint8Array.of(IAC, command));
}

export function negotiationBytes(verb: NegotiationVerb, option: number): Uint8Array {
  return (NEGOTIATION_BYTES[(verb - WILL) * 256 + option] ??= Uint8Array.of(IAC, verb, option));
}

/** IAC SB <option> <payload with IAC doubled> IAC SE. */
export function wrapSubnegotiation(option: number, payload: Uint8Array): Uint8Array {
  let iacs = 0;
  for (let i = payload.indexOf(IAC); i !== -1; i = payload.indexOf(IAC, i + 1)) iacs++;
  const out = new Uint8Array(payload.length + iacs + 5);
  out[0] = IAC;
  out[1] = SB;
  out[2] = option;
  let written = 3;
  for (const byte of payload) {
    out[written++] = byte;
    if (byte === IAC) out[written++] = IAC;
  }
  out[written++] = IAC;
  out[written] = SE;
  return out;
}
