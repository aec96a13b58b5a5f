import { asciiBytes, latin1Text } from './ascii.js';

// NEW-ENVIRON, RFC 1572.
const IS = 0;
const SEND = 1;
const INFO = 2;
const VAR = 0;
const VALUE = 1;
const ESC = 2;
const USERVAR = 3;

export type EnvironKind = 'is' | 'send' | 'info';

export interface EnvironVariable {
  readonly type: 'var' | 'uservar';
  readonly name: string;
  /** Absent: no VALUE was sent (in SEND, or "defined but no value"); '' is an empty value. */
  readonly value?: string;
}

export interface EnvironMessage {
  readonly kind: EnvironKind;
  readonly variables: readonly EnvironVariable[];
}

const KIND_CODES: Record<EnvironKind, number> = { is: IS, send: SEND, info: INFO };

export function encodeEnviron(message: EnvironMessage): Uint8Array {
  const out: number[] = [KIND_CODES[message.kind]];
  for (const variable of message.variables) {
    out.push(variable.type === 'var' ? VAR : USERVAR);
    pushEscaped(out, variable.name);
    if (variable.value !== undefined) {
      out.push(VALUE);
      pushEscaped(out, variable.value);
    }
  }
  return Uint8Array.from(out);
}

function pushEscaped(out: number[], text: string): void {
  for (const byte of asciiBytes(text)) {
    if (byte <= USERVAR) out.push(ESC);
    out.push(byte);
  }
}

/** Decodes a NEW-ENVIRON payload; undefined when the qualifier is unknown or a value has no name. */
export function decodeEnviron(payload: Uint8Array): EnvironMessage | undefined {
  const kind = payload[0] === IS ? 'is' : payload[0] === SEND ? 'send' : payload[0] === INFO ? 'info' : undefined;
  if (kind === undefined) return undefined;
  const variables: EnvironVariable[] = [];
  let current: { type: 'var' | 'uservar'; name: number[]; value?: number[] } | undefined;
  const finish = (): void => {
    if (!current) return;
    const name = latin1Text(Uint8Array.from(current.name));
    variables.push(current.value === undefined
      ? { type: current.type, name }
      : { type: current.type, name, value: latin1Text(Uint8Array.from(current.value)) });
  };
  for (let i = 1; i < payload.length; i++) {
    const byte = payload[i]!;
    if (byte === VAR || byte === USERVAR) {
      finish();
      current = { type: byte === VAR ? 'var' : 'uservar', name: [] };
    } else if (byte === VALUE) {
      if (!current || current.value !== undefined) return undefined;
      current.value = [];
    } else {
      if (!current) return undefined;
      const literal = byte === ESC && i + 1 < payload.length ? payload[++i]! : byte;
      (current.value ?? current.name).push(literal);
    }
  }
  finish();
  return { kind, variables };
}
