import { DEFAULT_TERMINAL_TYPES, TelnetClientSession, type CloseReason, type RemoteSerialState, type SpecialCommand } from '../client/TelnetClientSession.js';
import { parseSerialSettings, SettingsError, type SerialSettings } from '../serial/serialSettings.js';
import { showText } from '../api/showText.js';
import { EscapeReader } from './EscapeReader.js';
import { parseCommandLine } from './args.js';
import { CommandLineError } from './UsageError.js';


const EXIT_CODES: Record<CloseReason, number> = { user: 0, peer: 0, 'connect-failed': 3, lost: 4 };
const PROMPT_HELP = [
  'send brk [MS]   BREAK (a real one on the remote serial port with RFC 2217)',
  'send ayt|ip|ao|ec|el|nop|synch|eof|susp|abort|ga',
  'set dtr|rts on|off   modem control lines (RFC 2217)',
  'status   toggle trace   close   (an empty line returns to the session)',
];
const SPECIALS = new Set<string>(['brk', 'ip', 'ao', 'ayt', 'ec', 'el', 'nop', 'synch', 'eof', 'susp', 'abort', 'ga']);

interface TelnetCommandLine {
  readonly host: string;
  readonly port: number;
  readonly trace: boolean;
  readonly terminalTypes: readonly string[];
  readonly raw: boolean;
  readonly negotiate: 'auto' | 'always' | 'never';
  readonly rfc2217?: SerialSettings;
  readonly reconnect: boolean;
  readonly lingerMs: number;
}

function parseTelnetArgs(args: readonly string[], env: NodeJS.ProcessEnv): TelnetCommandLine {
  const parsed = parseCommandLine({
    args: [...args],
    allowPositionals: true,
    options: {
      trace: { type: 'boolean' },
      term: { type: 'string' },
      raw: { type: 'boolean' },
      negotiate: { type: 'string' },
      rfc2217: { type: 'string' },
      reconnect: { type: 'boolean' },
      linger: { type: 'string' },
    },
  });
  const { values, positionals } = parsed;
  const [host, portText, ...extra] = positionals;
  if (!host) throw new CommandLineError('telnet needs a host');
  if (extra.length > 0) throw new CommandLineError(`telnet takes a host and a port, not "${extra.join(' ')}"`);
  const port = portText === undefined ? 23 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CommandLineError(`"${portText}" is not a TCP port (1–65535)`);
  const negotiate = values.negotiate ?? 'auto';
  if (negotiate !== 'auto' && negotiate !== 'always' && negotiate !== 'never') {
    throw new CommandLineError(`--negotiate ${negotiate}: use auto, always or never`);
  }
  const lingerMs = values.linger === undefined ? 1000 : Number(values.linger);
  if (!Number.isFinite(lingerMs) || lingerMs < 0) throw new CommandLineError(`--linger ${values.linger}: give milliseconds`);
  let rfc2217: SerialSettings | undefined;
  if (values.rfc2217 !== undefined) {
    if (values.raw) throw new CommandLineError('--rfc2217 needs telnet: it cannot be used with --raw');
    try {
      rfc2217 = parseSerialSettings(values.rfc2217);
    } catch (error) {
      if (error instanceof SettingsError) throw new CommandLineError(`--rfc2217 ${error.message}`);
      throw error;
    }
  }
  const fromEnv = env['TERM'] ? [env['TERM'].toUpperCase()] : [];
  const terminalTypes = values.term ? [values.term.toUpperCase()] : [...new Set([...fromEnv, ...DEFAULT_TERMINAL_TYPES])];
  return {
    host,
    port,
    trace: values.trace === true,
    terminalTypes,
    raw: values.raw === true,
    negotiate,
    reconnect: values.reconnect === true,
    lingerMs,
    ...(rfc2217 ? { rfc2217 } : {}),
  };
}

/** "19200 7E1 flow none, DTR on, modem lines 0x30" — what an RFC 2217 server has confirmed. */
function describeRemotePort(remote: RemoteSerialState): string {
  const { baudRate, dataBits, parity, stopBits, flowControl } = remote.settings;
  const parts = [
    [baudRate ?? '?', `${dataBits ?? '?'}${parity ? parity[0]!.toUpperCase() : '?'}${stopBits ?? '?'}`, flowControl ? `flow ${flowControl}` : ''].filter(Boolean).join(' '),
  ];
  if (remote.dtr !== undefined) parts.push(`DTR ${remote.dtr ? 'on' : 'off'}`);
  if (remote.rts !== undefined) parts.push(`RTS ${remote.rts ? 'on' : 'off'}`);
  if (remote.modemState !== undefined) parts.push(`modem lines 0x${remote.modemState.toString(16).padStart(2, '0')}`);
  if (remote.signature) parts.push(`signature "${showText(remote.signature)}"`);
  return parts.join(', ');
}

/** Runs `revtel telnet` on this process's standard streams; resolves to the exit status. */
export function runTelnet(args: readonly string[]): Promise<number> {
  const options = parseTelnetArgs(args, process.env);
  const { stdin, stdout, stderr } = process;
  const interactive = stdin.isTTY === true;
  const say = (line: string): void => {
    stderr.write(`${line}\n`);
  };
  let tracing = options.trace;

  const session = new TelnetClientSession({
    host: options.host,
    port: options.port,
    negotiate: options.negotiate,
    raw: options.raw,
    terminalTypes: options.terminalTypes,
    reconnect: options.reconnect,
    now: Date.now,
    ...(options.rfc2217 ? { rfc2217: options.rfc2217 } : {}),
    ...(stdout.isTTY ? { windowSize: { cols: stdout.columns, rows: stdout.rows } } : {}),
  });

  let lastOutput = Date.now();
  session.onData((data) => {
    lastOutput = Date.now();
    if (!stdout.write(data)) {
      session.pause();
      stdout.once('drain', () => session.resume());
    }
  });
  // Without a terminal there is nobody to show local echo to.
  session.onEcho((echo) => {
    if (interactive) stdout.write(echo);
  });
  session.onTrace((entry) => {
    if (tracing) say(entry.text);
  });
  session.onWarning((message) => {
    if (tracing) say(`revtel: warning: ${message}`);
  });
  let lastRemote = '';
  session.onRemoteSerial((remote) => {
    const text = describeRemotePort(remote);
    if (tracing && text !== lastRemote) say(`revtel: remote port ${text}`);
    lastRemote = text;
  });
  if (stdout.isTTY) stdout.on('resize', () => session.resize({ cols: stdout.columns, rows: stdout.rows }));

  const escape = new EscapeReader();
  const runPromptCommand = (line: string): void => {
    const [verb, ...words] = line.split(/\s+/);
    if (verb === '' || verb === undefined) return;
    if (verb === 'close' || verb === 'quit') {
      session.close();
    } else if (verb === 'status') {
      for (const statusLine of session.status()) say(statusLine);
    } else if (verb === 'toggle' && words[0] === 'trace') {
      tracing = !tracing;
      say(`Trace of option negotiation ${tracing ? 'on' : 'off'}.`);
    } else if (verb === 'send' && words[0] === 'brk') {
      const durationMs = words[1] === undefined ? 300 : Number(words[1]);
      if (!Number.isFinite(durationMs) || durationMs <= 0) say(`"${words[1]}" is not a duration in milliseconds.`);
      else session.sendBreak(durationMs);
    } else if (verb === 'send' && SPECIALS.has(words[0] ?? '')) {
      session.sendCommand(words[0] as SpecialCommand);
    } else if (verb === 'set' && (words[0] === 'dtr' || words[0] === 'rts') && (words[1] === 'on' || words[1] === 'off')) {
      if (!session.setModemControl({ [words[0]]: words[1] === 'on' })) say('The remote port is not under RFC 2217 control (use --rfc2217).');
    } else {
      say(`?Invalid command "${line}". Commands:`);
      PROMPT_HELP.forEach((helpLine) => say(`  ${helpLine}`));
    }
  };

  // Input faster than the connection takes it (a file piped to a slow console) waits in its pipe.
  let waitingForDrain = false;
  session.onDrain(() => {
    if (!waitingForDrain) return;
    waitingForDrain = false;
    stdin.resume();
  });
  stdin.on('data', (chunk: Buffer) => {
    for (const action of escape.feed(chunk)) {
      if (action.kind === 'session') {
        if (!session.write(action.bytes)) {
          waitingForDrain = true;
          stdin.pause();
        }
      }
      else if (action.kind === 'prompt') stdout.write('\r\ntelnet> ');
      else if (action.kind === 'echo') {
        if (interactive) stdout.write(action.bytes);
      }
      else runPromptCommand(action.line);
    }
  });
  // Piped input: once it ends and all of it is on its way, close when the connection has
  // been quiet for --linger ms.
  stdin.on('end', () => {
    session.endInput();
    const check = setInterval(() => {
      if (session.unsentBytes === 0 && Date.now() - lastOutput >= options.lingerMs) {
        clearInterval(check);
        session.close();
      }
    }, Math.max(10, Math.min(100, options.lingerMs)));
  });

  return new Promise((resolve) => {
    session.onState((change) => {
      switch (change.state) {
        case 'connecting':
          say(`Trying ${options.host} port ${options.port}...`);
          break;
        case 'open':
          say(`Connected to ${options.host}.`);
          say("Escape character is '^]'.");
          if (interactive) stdin.setRawMode(true);
          stdin.resume();
          break;
        case 'reconnecting':
          say(`revtel: ${change.message} Reconnecting in ${(change.delayMs / 1000).toFixed(1)} s.`);
          break;
        case 'closed':
          if (interactive) stdin.setRawMode(false);
          stdin.pause();
          say(change.reason === 'user' ? 'Connection closed.' : `revtel: ${change.message}`);
          resolve(EXIT_CODES[change.reason]);
          break;
      }
    });
    stdin.pause();
    session.open();
  });
}
