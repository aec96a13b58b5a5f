import { asciiBytes, latin1Text } from './ascii.js';

// COM-PORT-OPTION, RFC 2217. A client sends command codes 0–12; the server answers with
// the same command plus 100. Value 0 in a SET-* command asks for the current setting.

/** Offset the server adds to a command code in its answers and notifications. */
const SERVER_OFFSET = 100;

type Shape = 'text' | 'u32' | 'u8' | 'none';

const COMMANDS = [
  ['SIGNATURE', 'text'],
  ['SET-BAUDRATE', 'u32'],
  ['SET-DATASIZE', 'u8'],
  ['SET-PARITY', 'u8'],
  ['SET-STOPSIZE', 'u8'],
  ['SET-CONTROL', 'u8'],
  ['NOTIFY-LINESTATE', 'u8'],
  ['NOTIFY-MODEMSTATE', 'u8'],
  ['FLOWCONTROL-SUSPEND', 'none'],
  ['FLOWCONTROL-RESUME', 'none'],
  ['SET-LINESTATE-MASK', 'u8'],
  ['SET-MODEMSTATE-MASK', 'u8'],
  ['PURGE-DATA', 'u8'],
] as const satisfies readonly (readonly [string, Shape])[];

type CommandOfShape<S extends Shape> = Extract<(typeof COMMANDS)[number], readonly [string, S]>[0];

/** One COM-PORT-OPTION subnegotiation; `fromServer` tells the 100+ codes apart. */
export type ComPortMessage = { readonly fromServer: boolean } & (
  | { readonly command: CommandOfShape<'text'>; readonly text: string }
  | { readonly command: CommandOfShape<'u32'> | CommandOfShape<'u8'>; readonly value: number }
  | { readonly command: CommandOfShape<'none'> }
);

export type ComPortCommand = ComPortMessage['command'];

export const Parity = { REQUEST: 0, NONE: 1, ODD: 2, EVEN: 3, MARK: 4, SPACE: 5 } as const;
export const StopSize = { REQUEST: 0, ONE: 1, TWO: 2, ONE_AND_HALF: 3 } as const;
export const Purge = { RECEIVE: 1, TRANSMIT: 2, BOTH: 3 } as const;

/** SET-CONTROL values (RFC 2217 section 3, "SET-CONTROL"). */
export const Control = {
  FLOW_REQUEST: 0,
  FLOW_NONE: 1,
  FLOW_XONXOFF: 2,
  FLOW_HARDWARE: 3,
  BREAK_REQUEST: 4,
  BREAK_ON: 5,
  BREAK_OFF: 6,
  DTR_REQUEST: 7,
  DTR_ON: 8,
  DTR_OFF: 9,
  RTS_REQUEST: 10,
  RTS_ON: 11,
  RTS_OFF: 12,
  INBOUND_FLOW_REQUEST: 13,
  INBOUND_FLOW_NONE: 14,
  INBOUND_FLOW_XONXOFF: 15,
  INBOUND_FLOW_HARDWARE: 16,
  FLOW_DCD: 17,
  INBOUND_FLOW_DTR: 18,
  FLOW_DSR: 19,
} as const;

/** NOTIFY-LINESTATE bits, high to low. */
export const LineState = {
  TIMEOUT: 0x80,
  TRANSMIT_SHIFT_EMPTY: 0x40,
  TRANSMIT_HOLDING_EMPTY: 0x20,
  BREAK: 0x10,
  FRAMING_ERROR: 0x08,
  PARITY_ERROR: 0x04,
  OVERRUN_ERROR: 0x02,
  DATA_READY: 0x01,
} as const;

/** NOTIFY-MODEMSTATE bits, high to low. */
export const ModemState = {
  DCD: 0x80,
  RI: 0x40,
  DSR: 0x20,
  CTS: 0x10,
  DELTA_DCD: 0x08,
  TRAILING_EDGE_RI: 0x04,
  DELTA_DSR: 0x02,
  DELTA_CTS: 0x01,
} as const;

export function encodeComPort(message: ComPortMessage): Uint8Array {
  const code = COMMANDS.findIndex(([name]) => name === message.command);
  const wireCode = code + (message.fromServer ? SERVER_OFFSET : 0);
  if ('text' in message) return Uint8Array.of(wireCode, ...asciiBytes(message.text));
  if (!('value' in message)) return Uint8Array.of(wireCode);
  const value = message.value;
  if (COMMANDS[code]![1] === 'u32') {
    return Uint8Array.of(wireCode, (value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
  }
  return Uint8Array.of(wireCode, value & 0xff);
}

/** Decodes a COM-PORT-OPTION payload; undefined for an unknown command or a wrong length. */
export function decodeComPort(payload: Uint8Array): ComPortMessage | undefined {
  if (payload.length === 0) return undefined;
  const fromServer = payload[0]! >= SERVER_OFFSET;
  const entry = COMMANDS[payload[0]! - (fromServer ? SERVER_OFFSET : 0)];
  if (!entry) return undefined;
  const [command, shape] = entry;
  const argumentLength = payload.length - 1;
  switch (shape) {
    case 'text':
      return { fromServer, command: command as CommandOfShape<'text'>, text: latin1Text(payload, 1) };
    case 'none':
      return argumentLength === 0 ? { fromServer, command: command as CommandOfShape<'none'> } : undefined;
    case 'u32':
      if (argumentLength !== 4) return undefined;
      return {
        fromServer,
        command: command as CommandOfShape<'u32'>,
        value: ((payload[1]! << 24) | (payload[2]! << 16) | (payload[3]! << 8) | payload[4]!) >>> 0,
      };
    case 'u8':
      return argumentLength === 1 ? { fromServer, command: command as CommandOfShape<'u8'>, value: payload[1]! } : undefined;
  }
}

/** The command's argument in words, for traces: "EVEN", "DTR-ON", "DCD DSR CTS". */
export function describeComPortValue(message: ComPortMessage): string {
  if ('text' in message) return JSON.stringify(message.text);
  if (!('value' in message)) return '';
  const { command, value } = message;
  if (value === 0 && command.startsWith('SET-') && !command.endsWith('-MASK')) return 'REQUEST';
  switch (command) {
    case 'SET-PARITY': return nameOf(Parity, value);
    case 'SET-STOPSIZE': return nameOf(StopSize, value);
    case 'SET-CONTROL': return nameOf(Control, value);
    case 'PURGE-DATA': return nameOf(Purge, value);
    case 'NOTIFY-LINESTATE':
    case 'SET-LINESTATE-MASK': return bitNames(LineState, value);
    case 'NOTIFY-MODEMSTATE':
    case 'SET-MODEMSTATE-MASK': return bitNames(ModemState, value);
    default: return String(value);
  }
}

function nameOf(table: Readonly<Record<string, number>>, value: number): string {
  const name = Object.keys(table).find((key) => table[key] === value);
  return name ? name.replaceAll('_', '-') : `${value} (unknown)`;
}

function bitNames(table: Readonly<Record<string, number>>, value: number): string {
  const names = Object.keys(table).filter((key) => (value & table[key]!) !== 0);
  return `0x${value.toString(16).padStart(2, '0')}${names.length ? ` (${names.join(' ').replaceAll('_', '-')})` : ''}`;
}
