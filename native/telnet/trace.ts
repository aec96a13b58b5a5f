import { Opt, bsdCommandName, commandName, optionName, shortOptionName, verbName, type NegotiationVerb } from './codes.js';
import { decodeComPort, describeComPortValue } from './options/comPort.js';
import { decodeStatus } from './options/status.js';
import { describeLinemode } from './options/linemode.js';
import { wrapSubnegotiation } from './wire.js';

// Trace lines in the format of the BSD telnet client's `toggle options` (its
// printoption() and printsub()), and a short form of the same line for the UI.

export type TraceDirection = 'SENT' | 'RCVD';

export interface TraceEntry {
  /** The caller's clock at the time the bytes were parsed or produced. */
  readonly time: number;
  readonly direction: TraceDirection;
  /** The BSD client's line: "SENT DO SUPPRESS GO AHEAD". */
  readonly text: string;
  /** The same with short names: "SENT DO SGA". */
  readonly short: string;
  /** The bytes on the wire, IAC included. */
  readonly bytes: Uint8Array;
}

export type TraceText = Pick<TraceEntry, 'text' | 'short'>;

/**
 * A trace entry whose text (and, for a subnegotiation, whose wire bytes) are worked out
 * when first read: the engine traces every command, and most entries of a busy session
 * are never displayed.
 */
export class TraceRecord implements TraceEntry {
  private described: TraceText | undefined;
  private wire: Uint8Array | undefined;

  /**
   * `source` is the command as it stands on the wire (IAC x, IAC verb option) or, when
   * `sbOption` is given, the unescaped payload of a subnegotiation of that option.
   */
  constructor(
    readonly time: number,
    readonly direction: TraceDirection,
    private readonly source: Uint8Array,
    private readonly sbOption?: number,
  ) {}

  get bytes(): Uint8Array {
    return (this.wire ??= this.sbOption === undefined ? this.source : wrapSubnegotiation(this.sbOption, this.source));
  }

  get text(): string {
    return this.describe().text;
  }

  get short(): string {
    return this.describe().short;
  }

  private describe(): TraceText {
    if (this.described) return this.described;
    const { direction, source, sbOption } = this;
    if (sbOption !== undefined) return (this.described = subnegotiationText(direction, sbOption, source));
    if (source.length === 3) return (this.described = negotiationText(direction, source[1] as NegotiationVerb, source[2]!));
    return (this.described = commandText(direction, source[1]!));
  }
}

function negotiationText(direction: TraceDirection, verb: NegotiationVerb, option: number): TraceText {
  const verbText = verbName(verb);
  return {
    text: `${direction} ${verbText} ${optionName(option) ?? option}`,
    short: `${direction} ${verbText} ${shortOptionName(option) ?? option}`,
  };
}

function commandText(direction: TraceDirection, command: number): TraceText {
  return {
    text: `${direction} IAC ${bsdCommandName(command) ?? command}`,
    short: `${direction} IAC ${commandName(command) ?? command}`,
  };
}

function subnegotiationText(direction: TraceDirection, option: number, payload: Uint8Array): TraceText {
  return {
    text: `${direction} IAC SB ${describeSubnegotiation(option, payload, optionName, '\n')}`,
    short: `${direction} SB ${describeSubnegotiation(option, payload, shortOptionName, '', shortOptionName(option))}`,
  };
}

type OptionNamer = (option: number) => string | undefined;

/**
 * printsub() of the BSD client: option name and decoded arguments. `lineBreak` separates
 * the entries of a STATUS IS (BSD prints one per line); `title` replaces BSD's own
 * heading for the option in the short form.
 */
function describeSubnegotiation(
  option: number,
  payload: Uint8Array,
  names: OptionNamer,
  lineBreak: string,
  title?: string,
): string {
  const named = (bsdTitle: string): string => title ?? bsdTitle;
  const qualifier = payload[0];
  const rest = payload.subarray(1);
  switch (option) {
    case Opt.TTYPE:
    case Opt.XDISPLOC: {
      const heading = named(option === Opt.TTYPE ? 'TERMINAL-TYPE' : 'X-DISPLAY-LOCATION');
      if (qualifier === 0) return `${heading} IS "${printable(rest)}"`;
      if (qualifier === 1) return `${heading} SEND`;
      return `${heading} - unknown qualifier ${qualifier ?? '(empty)'}`;
    }
    case Opt.TSPEED: {
      const heading = named('TERMINAL-SPEED');
      if (qualifier === undefined) return `${heading} (empty suboption???)`;
      if (qualifier === 0) return `${heading} IS ${printable(rest)}`;
      return `${heading}${qualifier === 1 ? ' SEND' : ` ${qualifier} (unknown)`}${unexpected(rest)}`;
    }
    case Opt.LFLOW: {
      const heading = named('TOGGLE-FLOW-CONTROL');
      if (qualifier === undefined) return `${heading} (empty suboption???)`;
      const mode = ['OFF', 'ON', 'RESTART-ANY', 'RESTART-XON'][qualifier] ?? `${qualifier} (unknown)`;
      return `${heading} ${mode}${unexpected(rest)}`;
    }
    case Opt.NAWS: {
      const heading = named('NAWS');
      if (payload.length === 0) return `${heading} (empty suboption???)`;
      const pairs: string[] = [];
      for (let i = 0; i + 1 < payload.length && i < 4; i += 2) {
        const [high, low] = [payload[i]!, payload[i + 1]!];
        pairs.push(` ${high} ${low} (${(high << 8) | low})`);
      }
      const odd = payload.length < 4 && payload.length % 2 === 1 ? `?${payload[payload.length - 1]}?` : '';
      return `${heading}${pairs.join('')}${odd}${unexpected(payload.subarray(4))}`;
    }
    case Opt.STATUS:
      return `${named('STATUS')}${describeStatus(payload, names, lineBreak)}`;
    case Opt.NEW_ENVIRON:
      return `${named('NEW-ENVIRON')} ${describeEnviron(payload)}`;
    case Opt.LINEMODE:
      return `${named('LINEMODE')} ${describeLinemode(payload)}`;
    case Opt.COM_PORT: {
      const message = decodeComPort(payload);
      if (!message) break;
      const value = describeComPortValue(message);
      return `${named('COM-PORT-OPTION')} ${message.command}${value ? ` ${value}` : ''}`;
    }
  }
  const name = names(option);
  return `${name ?? option} (unknown)${[...payload].map((byte) => ` ${byte}`).join('')}`;
}

function describeStatus(payload: Uint8Array, names: OptionNamer, lineBreak: string): string {
  if (payload[0] === 1) return ` SEND${unexpected(payload.subarray(1))}`;
  const status = decodeStatus(payload);
  if (!status || status.kind !== 'is') return ` ${payload[0] ?? ''} (unknown)${unexpected(payload.subarray(1))}`;
  const lines = [' IS'];
  for (const { verb, option } of status.options) lines.push(` ${verbName(verb)} ${names(option) ?? option}`);
  for (const sub of status.subnegotiations) {
    const [option, ...args] = sub;
    lines.push(` SB ${option === undefined ? '' : describeSubnegotiation(option, Uint8Array.from(args), names, ' ')} SE`);
  }
  return lines.join(lineBreak);
}

// NEW-ENVIRON as the BSD client prints it, spaces and all: IS VAR "USER" VALUE "root";
// a keyword or an octal byte is followed by a space, so "SEND " ends in one.
function describeEnviron(payload: Uint8Array): string {
  const qualifier = ['IS', 'SEND', 'INFO'][payload[0] ?? -1];
  if (qualifier === undefined) return `${payload[0] ?? ''} (unknown)${unexpected(payload.subarray(1))}`;
  let text = `${qualifier} `;
  let quoted = false;
  for (const byte of payload.subarray(1)) {
    const keyword = ['VAR', 'VALUE', 'ESC', 'USERVAR'][byte];
    if (keyword !== undefined) {
      text += `${quoted ? '" ' : ''}${keyword} `;
      quoted = false;
    } else if (byte >= 0x20 && byte < 0x7f && byte !== 0x22) {
      text += `${quoted ? '' : '"'}${String.fromCharCode(byte)}`;
      quoted = true;
    } else {
      text += `${quoted ? '" ' : ''}${byte.toString(8).padStart(3, '0')} `;
      quoted = false;
    }
  }
  return quoted ? `${text}"` : text;
}

function printable(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, '0')}`;
  return text;
}

function unexpected(bytes: Uint8Array): string {
  return [...bytes].map((byte) => ` ?${byte}?`).join('');
}
