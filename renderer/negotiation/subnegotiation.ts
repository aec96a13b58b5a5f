import type { TraceEntryDto } from '../../native/api/index.js';
import { capitalized, type Party } from './parties.js';

// Subnegotiations in plain words, values spelled out: "80×24", "XTERM", "9600 baud",
// "MODE EDIT". The engine's short trace text names things (its decoders are the one
// source of names: COM-PORT commands, parity words); the few values it prints raw are
// read from the wire bytes here.

export interface Subnegotiation {
  /** Short option name as the trace has it: "NAWS", "TTYPE", "COM-PORT". */
  readonly option: string;
  /** The arrow's label: "SB NAWS 80×24", "SB TTYPE IS "XTERM"". */
  readonly label: string;
  /** For request/answer pairs: what the other side answers with, or undefined. */
  readonly asks?: string;
  /** What this line answers (the key its request gave as `asks`). */
  readonly answers?: string;
  /** The sentence, given who sent it and who gets it. */
  explain(sender: Party, receiver: Party): string;
}

const IAC = 255;

/** The payload between IAC SB <option> and IAC SE, IAC IAC undone. */
export function subnegotiationPayload(bytes: Uint8Array): Uint8Array {
  const inner = bytes.subarray(3, bytes.length >= 5 ? bytes.length - 2 : bytes.length);
  const out: number[] = [];
  for (let i = 0; i < inner.length; i++) {
    out.push(inner[i]!);
    if (inner[i] === IAC && inner[i + 1] === IAC) i++;
  }
  return Uint8Array.from(out);
}

export function readSubnegotiation(entry: TraceEntryDto): Subnegotiation {
  const body = entry.short.replace(/^(SENT|RCVD) SB /, '');
  const option = body.split(' ')[0] ?? '';
  const rest = body.slice(option.length + 1);
  const payload = subnegotiationPayload(entry.bytes);
  const reader = READERS[option];
  return reader?.(payload, rest) ?? {
    option,
    label: `SB ${body}`,
    explain: (sender, receiver) => `${capitalized(sender.name)} sends ${receiver.name} a subnegotiation of option ${option}, which Revtel does not decode: ${spaced(payload)}.`,
  };
}

type Reader = (payload: Uint8Array, rest: string) => Subnegotiation | undefined;

const spaced = (bytes: Uint8Array): string => [...bytes].join(' ') || 'no bytes';

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, '0')}`;
  return text;
}

/** SEND and IS, the shape of TTYPE, TSPEED and XDISPLOC (RFC 1091, 1079, 1096). */
function sendOrIs(option: string, payload: Uint8Array, what: string, is: (value: string, sender: Party) => string): Subnegotiation | undefined {
  const value = latin1(payload.subarray(1));
  if (payload[0] === 1) {
    return {
      option,
      label: `SB ${option} SEND`,
      asks: option,
      explain: (sender, receiver) => `${capitalized(sender.name)} asks ${receiver.name} for ${what}.`,
    };
  }
  if (payload[0] === 0) {
    return { option, label: `SB ${option} IS "${value}"`, answers: option, explain: (sender) => is(value, sender) };
  }
  return undefined;
}

const READERS: Record<string, Reader> = {
  TTYPE: (payload) => sendOrIs('TTYPE', payload, 'its terminal type (RFC 1091)', (value, sender) =>
    `${capitalized(sender.name)} says its terminal type is "${value}"${sender.role === 'client' ? ': programs on the server take it as TERM and send the escape codes of that terminal' : ''}.`),
  TSPEED: (payload) => sendOrIs('TSPEED', payload, 'its terminal speed (RFC 1079)', (value, sender) => {
    const [transmit, receive] = value.split(',');
    return receive === undefined
      ? `${capitalized(sender.name)} reports its terminal speed as "${value}".`
      : `${capitalized(sender.name)} reports its terminal speed: it sends at ${transmit} and receives at ${receive} baud.`;
  }),
  XDISPLOC: (payload) => sendOrIs('XDISPLOC', payload, 'its X display location (RFC 1096)', (value, sender) =>
    `${capitalized(sender.name)} says its X display is "${value}", so X programs started on the server can open their windows there.`),
  NAWS: (payload) => {
    if (payload.length !== 4) return undefined;
    const cols = (payload[0]! << 8) | payload[1]!;
    const rows = (payload[2]! << 8) | payload[3]!;
    return {
      option: 'NAWS',
      label: `SB NAWS ${cols}×${rows}`,
      explain: (sender) => `${capitalized(sender.name)} reports its window size: ${cols} columns by ${rows} rows (${cols}×${rows})`
        + `${cols === 0 || rows === 0 ? '; 0 means that size is not known' : ''}. Full-screen programs on the other side lay themselves out to fit, and a new size is sent whenever the window changes.`,
    };
  },
  LFLOW: (payload) => {
    const mode = (['OFF', 'ON', 'RESTART-ANY', 'RESTART-XON'] as const)[payload[0] ?? -1];
    if (mode === undefined || payload.length !== 1) return undefined;
    const effect = {
      OFF: 'to stop doing XON/XOFF flow control itself: Ctrl-S and Ctrl-Q now go to the server like any other key',
      ON: 'to do XON/XOFF flow control itself: Ctrl-S stops the output on the spot and Ctrl-Q lets it go on',
      'RESTART-ANY': 'that after Ctrl-S has stopped the output, any key starts it again',
      'RESTART-XON': 'that after Ctrl-S has stopped the output, only Ctrl-Q starts it again',
    }[mode];
    return { option: 'LFLOW', label: `SB LFLOW ${mode}`, explain: (sender, receiver) => `${capitalized(sender.name)} tells ${receiver.name} ${effect}.` };
  },
  LINEMODE: readLinemode,
  STATUS: (payload, rest) => {
    if (payload[0] === 1) {
      return { option: 'STATUS', label: 'SB STATUS SEND', asks: 'STATUS', explain: (sender, receiver) => `${capitalized(sender.name)} asks ${receiver.name} to list the options it believes are in force (RFC 859).` };
    }
    if (payload[0] !== 0) return undefined;
    const listed = rest.replace(/^IS\s*/, '').trim();
    return {
      option: 'STATUS',
      label: 'SB STATUS IS',
      answers: 'STATUS',
      explain: (sender) => `${capitalized(sender.name)} lists the options it believes are in force, as seen from its side: ${listed || 'none'}.`,
    };
  },
  'NEW-ENVIRON': (payload, rest) => readEnviron('NEW-ENVIRON', payload, rest),
  ENVIRON: (payload, rest) => readEnviron('ENVIRON', payload, rest),
  'COM-PORT': readComPort,
};

function readEnviron(option: string, payload: Uint8Array, rest: string): Subnegotiation | undefined {
  const [qualifier, ...words] = rest.split(' ');
  const variables = words.join(' ');
  switch (payload[0]) {
    case 1: return {
      option,
      label: `SB ${option} SEND`,
      asks: option,
      explain: (sender, receiver) => `${capitalized(sender.name)} asks ${receiver.name} for ${variables ? `these environment variables: ${variables}` : 'all its environment variables'}.`,
    };
    case 0:
    case 2: return {
      option,
      label: `SB ${option} ${qualifier}`,
      ...(payload[0] === 0 ? { answers: option } : {}),
      explain: (sender) => `${capitalized(sender.name)} ${payload[0] === 0 ? 'sends' : 'updates'} its environment variables: ${variables || 'none'}.`,
    };
    default: return undefined;
  }
}

// LINEMODE (RFC 1184): MODE is read from the bytes, so the sentence does not depend on
// how the trace prints it.
const MODE_BITS: readonly (readonly [number, string, string])[] = [
  [1, 'EDIT', 'the client edits each line itself (backspace, erase line) and sends it whole on Enter'],
  [2, 'TRAPSIG', 'it turns interrupt keys such as Ctrl-C into telnet commands (IP, SUSP, ABORT)'],
  [8, 'SOFT_TAB', 'it expands tabs into spaces'],
  [16, 'LIT_ECHO', 'it echoes control characters as they are'],
];

function readLinemode(payload: Uint8Array): Subnegotiation | undefined {
  const command = payload[0];
  if (command === 1 && payload.length >= 2) {
    const mode = payload[1]!;
    const names = [...MODE_BITS.filter(([bit]) => mode & bit).map(([, name]) => name), ...(mode & 4 ? ['ACK'] : [])];
    const effects = MODE_BITS.filter(([bit]) => mode & bit).map(([, , effect]) => effect);
    if (!(mode & 1)) effects.unshift('the client sends each character as it is typed');
    return {
      option: 'LINEMODE',
      label: `SB LINEMODE MODE ${names.join('|') || '0'}`,
      explain: (sender) => `${capitalized(sender.name)} ${mode & 4 ? 'acknowledges the line mode' : 'sets the line mode to'} MODE ${names.filter((name) => name !== 'ACK').join('|') || '0'}: ${effects.join('; ')}.`,
    };
  }
  if (command === 3) {
    const count = Math.floor((payload.length - 1) / 3);
    const chars = `${count} special character${count === 1 ? '' : 's'} (SLC)`;
    // Every triplet with its ACK bit (0x80): an answer that takes the other side's values.
    const acked = count > 0 && Array.from({ length: count }, (_, i) => payload[2 + 3 * i]! & 0x80).every(Boolean);
    return {
      option: 'LINEMODE',
      label: `SB LINEMODE SLC (${count})`,
      explain: (sender, receiver) => (acked
        ? `${capitalized(sender.name)} accepts ${chars} as ${receiver.name} proposed them.`
        : `${capitalized(sender.name)} tells ${receiver.name} ${chars}, such as which key interrupts, erases a character or erases the line, so that the client can act on them locally.`),
    };
  }
  const verb = (['WILL', 'WONT', 'DO', 'DONT'] as const)[(command ?? 0) - 251];
  if (verb && payload[1] === 2) {
    const sentence = (receiver: Party): string => ({
      DO: `asks ${receiver.name} to use a forward mask: a list of characters that make the client send the line at once`,
      DONT: `asks ${receiver.name} not to use a forward mask`,
      WILL: 'offers a forward mask: the characters that make the client send the line at once',
      WONT: 'will not use a forward mask',
    }[verb]);
    return { option: 'LINEMODE', label: `SB LINEMODE ${verb} FORWARDMASK`, explain: (sender, receiver) => `${capitalized(sender.name)} ${sentence(receiver)}.` };
  }
  return undefined;
}

// RFC 2217: a client sends commands 0–12, the server answers or notifies with 100–112.
// The trace names the command and its value the same way in both directions.
function readComPort(payload: Uint8Array, rest: string): Subnegotiation | undefined {
  const [command = '', ...words] = rest.split(' ');
  const value = words.join(' ');
  const fromServer = (payload[0] ?? 0) >= 100;
  const base = { option: 'COM-PORT', label: `SB COM-PORT ${rest}`.trimEnd(), ...(fromServer ? { answers: command } : { asks: command }) };
  const setting = SETTINGS[command];
  if (setting) {
    return {
      ...base,
      explain: (sender, receiver) => {
        if (value === 'REQUEST') return `${capitalized(sender.name)} asks ${receiver.name} which ${setting.noun} the serial port uses (RFC 2217).`;
        return fromServer
          ? `${capitalized(sender.name)} confirms that the serial port now uses ${setting.phrase(value)} (RFC 2217).`
          : `${capitalized(sender.name)} asks ${receiver.name} to set its serial port to ${setting.phrase(value)} (RFC 2217).`;
      },
    };
  }
  const sentence = COM_PORT_SENTENCES[command];
  if (!sentence) return undefined;
  return { ...base, explain: (sender, receiver) => `${capitalized(sender.name)} ${sentence(value, receiver.name, fromServer)}.` };
}

const SETTINGS: Record<string, { readonly noun: string; readonly phrase: (value: string) => string }> = {
  'SET-BAUDRATE': { noun: 'baud rate', phrase: (value) => `${value} baud` },
  'SET-DATASIZE': { noun: 'data size', phrase: (value) => `${value} data bits` },
  'SET-PARITY': { noun: 'parity', phrase: (value) => `parity ${value}` },
  'SET-STOPSIZE': { noun: 'number of stop bits', phrase: (value) => `${STOP_BITS[value] ?? value} stop bit${value === 'ONE' ? '' : 's'}` },
};

const STOP_BITS: Record<string, string> = { ONE: 'one', TWO: 'two', 'ONE-AND-HALF': 'one and a half' };

const CONTROL_ACTIONS: Record<string, string> = {
  'BREAK-ON': 'start a BREAK on the serial line (it lasts until BREAK-OFF)',
  'BREAK-OFF': 'end the BREAK on the serial line',
  'DTR-ON': 'raise DTR on the serial port',
  'DTR-OFF': 'drop DTR on the serial port',
  'RTS-ON': 'raise RTS on the serial port',
  'RTS-OFF': 'drop RTS on the serial port',
  'FLOW-NONE': 'use no flow control on the serial port',
  'FLOW-XONXOFF': 'use XON/XOFF flow control on the serial port',
  'FLOW-HARDWARE': 'use RTS/CTS (hardware) flow control on the serial port',
};

const COM_PORT_SENTENCES: Record<string, (value: string, receiver: string, fromServer: boolean) => string> = {
  SIGNATURE: (value, receiver) => {
    const signature = value.replace(/^"|"$/g, '');
    return signature ? `identifies itself with the signature "${signature}"` : `asks ${receiver} to identify itself with its signature`;
  },
  'SET-CONTROL': (value, receiver, fromServer) => {
    if (value === 'REQUEST') return `asks ${receiver} which flow control the serial port uses`;
    if (fromServer) return `confirms the serial port setting ${value}`;
    const action = CONTROL_ACTIONS[value];
    return action ? `asks ${receiver} to ${action}` : `asks ${receiver} for the serial port setting ${value}`;
  },
  'NOTIFY-LINESTATE': (value) => `reports the serial line's state: ${value}`,
  'NOTIFY-MODEMSTATE': (value) => `reports the serial port's modem lines: ${value}`,
  'FLOWCONTROL-SUSPEND': (_value, receiver) => `asks ${receiver} to stop sending data for now`,
  'FLOWCONTROL-RESUME': (_value, receiver) => `tells ${receiver} it may send data again`,
  'SET-LINESTATE-MASK': (value, receiver, fromServer) => (fromServer ? `confirms the line-state changes it will report: ${value}` : `tells ${receiver} which line-state changes to report: ${value}`),
  'SET-MODEMSTATE-MASK': (value, receiver, fromServer) => (fromServer ? `confirms the modem-line changes it will report: ${value}` : `tells ${receiver} which modem-line changes to report: ${value}`),
  'PURGE-DATA': (value, receiver, fromServer) => (fromServer ? `confirms it discarded the serial port's buffered data (${value})` : `asks ${receiver} to discard the serial port's buffered data (${value})`),
};
