// Golden-file scripts for the telnet engine: a fixture says how the engine is set up, what
// the application calls and which bytes arrive; the transcript is every event it emits.
//
//   policy server|client|none          the preset to start from (default none)
//   accept local|remote OPT…           add options to the policy
//   terminal-types A B …               answers to TERMINAL-TYPE SEND
//   window COLS ROWS                   setWindowSize
//   max-sb N                           cap on a subnegotiation
//   terminal-speed TX RX               answer to TERMINAL-SPEED SEND
//   environ NAME=VALUE …               variables exported by NEW-ENVIRON
//   enable|disable local|remote OPT    enableLocal/disableLocal/enableRemote/disableRemote
//   send-data "text"                   sendData
//   send-command NAME                  sendCommand (AYT, BRK, …)
//   subnegotiate OPT HEX…              subnegotiate (payload without IAC SB OPT / IAC SE)
//   request-timing-mark
//   recv HEX|"text" …                 bytes from the peer, one receive() call per line
//
// OPT is a short name (SGA, TTYPE, COM-PORT) or a number. Strings take \r \n \0 \xNN.

import {
  CLIENT_POLICY,
  SERVER_POLICY,
  TelnetEngine,
  commandName,
  describeMode,
  shortOptionName,
  withOption,
  type OptionPolicy,
  type TelnetEvent,
} from '../../../native/telnet/index.js';

export type Step =
  | { readonly kind: 'recv'; readonly bytes: Uint8Array }
  | { readonly kind: 'call'; readonly line: string; readonly run: (engine: TelnetEngine) => void };

export interface TelnetScript {
  readonly policy: OptionPolicy;
  readonly terminalTypes?: readonly string[];
  readonly maxSubnegotiationLength?: number;
  readonly terminalSpeed?: { readonly transmit: number; readonly receive: number };
  readonly environment?: readonly { readonly name: string; readonly value: string }[];
  readonly steps: readonly Step[];
}

const OPTION_NUMBERS = new Map<string, number>();
for (let option = 0; option < 256; option++) {
  const name = shortOptionName(option);
  if (name !== undefined) OPTION_NUMBERS.set(name, option);
}

const COMMAND_NUMBERS = new Map<string, number>();
for (let command = 236; command < 256; command++) COMMAND_NUMBERS.set(commandName(command)!, command);

export function parseScript(source: string): TelnetScript {
  let policy: OptionPolicy = [];
  let terminalTypes: string[] | undefined;
  let maxSubnegotiationLength: number | undefined;
  let terminalSpeed: { transmit: number; receive: number } | undefined;
  let environment: { name: string; value: string }[] | undefined;
  const steps: Step[] = [];
  source.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [word, ...args] = line.split(/\s+/);
    const rest = line.slice(word!.length).trim();
    const fail = (why: string): never => {
      throw new Error(`script line ${index + 1} (${line}): ${why}`);
    };
    switch (word) {
      case 'policy':
        policy = args[0] === 'server' ? SERVER_POLICY : args[0] === 'client' ? CLIENT_POLICY : args[0] === 'none' ? [] : fail('unknown preset');
        break;
      case 'accept': {
        const side = parseSide(args[0], fail);
        for (const name of args.slice(1)) {
          const option = parseOption(name, fail);
          const current = policy.find((entry) => entry.option === option) ?? { option, local: false, remote: false };
          policy = withOption(policy, { ...current, [side]: true });
        }
        break;
      }
      case 'terminal-types':
        terminalTypes = args;
        break;
      case 'terminal-speed':
        terminalSpeed = { transmit: Number(args[0]), receive: Number(args[1]) };
        break;
      case 'environ':
        environment = args.map((pair) => {
          const [name, ...value] = pair.split('=');
          return { name: name!, value: value.join('=') };
        });
        break;
      case 'max-sb':
        maxSubnegotiationLength = Number(args[0]);
        break;
      case 'window': {
        const [cols, rows] = args.map(Number);
        steps.push({ kind: 'call', line, run: (engine) => engine.setWindowSize({ cols: cols!, rows: rows! }) });
        break;
      }
      case 'enable':
      case 'disable': {
        const side = parseSide(args[0], fail);
        const option = parseOption(args[1], fail);
        const method = `${word}${side === 'local' ? 'Local' : 'Remote'}` as const;
        steps.push({ kind: 'call', line, run: (engine) => engine[method](option) });
        break;
      }
      case 'send-data': {
        const bytes = parseString(rest, fail);
        steps.push({ kind: 'call', line, run: (engine) => engine.sendData(bytes) });
        break;
      }
      case 'send-command': {
        const command = COMMAND_NUMBERS.get(args[0] ?? '') ?? fail('unknown command');
        steps.push({ kind: 'call', line, run: (engine) => engine.sendCommand(command) });
        break;
      }
      case 'subnegotiate': {
        const option = parseOption(args[0], fail);
        const payload = parseBytes(args.slice(1).join(' '), fail);
        steps.push({ kind: 'call', line, run: (engine) => engine.subnegotiate(option, payload) });
        break;
      }
      case 'request-timing-mark':
        steps.push({ kind: 'call', line, run: (engine) => engine.requestTimingMark() });
        break;
      case 'recv':
        steps.push({ kind: 'recv', bytes: parseBytes(rest, fail) });
        break;
      default:
        fail('unknown directive');
    }
  });
  return {
    policy,
    steps,
    ...(terminalTypes ? { terminalTypes } : {}),
    ...(maxSubnegotiationLength ? { maxSubnegotiationLength } : {}),
    ...(terminalSpeed ? { terminalSpeed } : {}),
    ...(environment ? { environment } : {}),
  };
}

function parseSide(word: string | undefined, fail: (why: string) => never): 'local' | 'remote' {
  return word === 'local' || word === 'remote' ? word : fail('expected local or remote');
}

function parseOption(word: string | undefined, fail: (why: string) => never): number {
  if (word !== undefined && /^\d+$/.test(word)) return Number(word);
  return OPTION_NUMBERS.get(word ?? '') ?? fail(`unknown option ${word}`);
}

/** Hex bytes and quoted strings, mixed: `"hello" ff fb "x"`. */
function parseBytes(text: string, fail: (why: string) => never): Uint8Array {
  const parts = (text.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? []).map((token) => {
    if (token.startsWith('"')) return parseString(token, fail);
    return /^[0-9a-f]{2}$/i.test(token) ? Uint8Array.of(parseInt(token, 16)) : fail(`bad hex byte ${token}`);
  });
  return concat(parts);
}

function parseString(quoted: string, fail: (why: string) => never): Uint8Array {
  if (!/^".*"$/.test(quoted)) fail('expected a quoted string');
  const body = quoted.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      bytes.push(body.charCodeAt(i));
      continue;
    }
    const escape = body[++i];
    if (escape === 'x') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push({ r: 13, n: 10, '0': 0, '\\': 92, '"': 34 }[escape ?? ''] ?? fail(`unknown escape \\${escape}`));
    }
  }
  return Uint8Array.from(bytes);
}

/** How a script's recv steps are cut into receive() calls. */
export type Delivery =
  | { readonly kind: 'as-written' }
  | { readonly kind: 'split'; readonly step: number; readonly at: number }
  | { readonly kind: 'byte-by-byte' }
  | { readonly kind: 'merged' };

/** Runs a script and returns every event, data runs merged (their cut depends on delivery). */
export function runScript(script: TelnetScript, delivery: Delivery = { kind: 'as-written' }): TelnetEvent[] {
  const events: TelnetEvent[] = [];
  let clock = 0;
  const engine = new TelnetEngine({
    policy: script.policy,
    onEvent: (event) => events.push(event),
    now: () => ++clock,
    ...(script.terminalTypes ? { terminalTypes: script.terminalTypes } : {}),
    ...(script.maxSubnegotiationLength ? { maxSubnegotiationLength: script.maxSubnegotiationLength } : {}),
    ...(script.terminalSpeed ? { terminalSpeed: script.terminalSpeed } : {}),
    ...(script.environment ? { environment: script.environment } : {}),
  });
  const steps = delivery.kind === 'merged' ? mergeReceives(script.steps) : script.steps;
  steps.forEach((step, index) => {
    if (step.kind === 'call') {
      step.run(engine);
    } else if (delivery.kind === 'byte-by-byte') {
      for (let i = 0; i < step.bytes.length; i++) engine.receive(step.bytes.slice(i, i + 1));
    } else if (delivery.kind === 'split' && delivery.step === index) {
      engine.receive(step.bytes.slice(0, delivery.at));
      engine.receive(step.bytes.slice(delivery.at));
    } else {
      engine.receive(step.bytes.slice());
    }
  });
  return mergeData(events);
}

function mergeReceives(steps: readonly Step[]): Step[] {
  const merged: Step[] = [];
  for (const step of steps) {
    const last = merged[merged.length - 1];
    if (step.kind === 'recv' && last?.kind === 'recv') {
      merged[merged.length - 1] = { kind: 'recv', bytes: concat([last.bytes, step.bytes]) };
    } else {
      merged.push(step);
    }
  }
  return merged;
}

function mergeData(events: readonly TelnetEvent[]): TelnetEvent[] {
  const merged: TelnetEvent[] = [];
  for (const event of events) {
    const last = merged[merged.length - 1];
    if (event.type === 'data' && last?.type === 'data') {
      merged[merged.length - 1] = { type: 'data', data: concat([last.data, event.data]) };
    } else {
      merged.push(event);
    }
  }
  return merged;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** One line per event; the golden files hold these. */
export function transcript(events: readonly TelnetEvent[]): string {
  return events.map(describeEvent).join('\n') + '\n';
}

function describeEvent(event: TelnetEvent): string {
  switch (event.type) {
    case 'data': return `data ${quote(event.data)}`;
    case 'send': return `send ${hex(event.data)}`;
    case 'command': return `command ${commandName(event.command) ?? event.command}`;
    case 'option': return `option ${event.side} ${shortOptionName(event.option) ?? event.option} ${event.enabled ? 'on' : 'off'}`;
    case 'subnegotiation': return `subnegotiation ${shortOptionName(event.option) ?? event.option} ${hex(event.payload)}`.trimEnd();
    case 'timing-mark': return `timing-mark ${event.willing ? 'WILL' : 'WONT'}`;
    case 'linemode': return `linemode ${describeMode(event.mode)}`;
    case 'warning': return `warning ${event.code}: ${event.message}`;
    case 'trace': return `trace ${event.entry.text.replaceAll('\n', '\\n')}  |  ${event.entry.short}`;
  }
}

export function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

function quote(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    if (byte === 13) text += '\\r';
    else if (byte === 10) text += '\\n';
    else if (byte === 0x22 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `"${text}"`;
}
