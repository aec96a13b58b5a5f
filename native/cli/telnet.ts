import { execFileSync } from 'node:child_process';
import type { CloseReason } from '../client/ConnectionLifecycle.js';
import { DEFAULT_TERMINAL_TYPES, DEFAULT_WINDOW_SIZE, TelnetClientSession, type RemoteSerialState, type SpecialCommand } from '../client/TelnetClientSession.js';
import { parseSerialSettings, SettingsError, type SerialSettings } from '../serial/serialSettings.js';
import { showText } from '../api/showText.js';
import { EscapeReader } from './EscapeReader.js';
import { parseCommandLine } from './args.js';
import { CommandLineError } from './UsageError.js';
import { DEFAULT_BREAK_MS } from '../api/index.js';


const EXIT_CODES: Record<CloseReason, number> = { user: 0, peer: 0, 'connect-failed': 3, lost: 4 };
// The BSD client's command table, in its words.
const PROMPT_HELP = [
  'Commands may be abbreviated.  Commands are:',
  '',
  'close       close current connection',
  'open        connect to a site (only one session at a time: close this one first)',
  'quit        exit telnet',
  'send        transmit special characters (\'send ?\' for more)',
  'set         set operating parameters (\'set ?\' for more)',
  'toggle      toggle operating parameters (\'toggle ?\' for more)',
  'mode        try to enter line or character mode (\'mode ?\' for more)',
  'status      print status information',
  'z           suspend telnet',
  '?           print help information',
  '(an empty line returns to the session)',
];
const SEND_HELP = [
  'ao          Send Telnet Abort output',
  'ayt         Send Telnet \'Are You There\'',
  'brk         Send Telnet Break [MS: a real BREAK this long with RFC 2217]',
  'break       Send Telnet Break',
  'ec          Send Telnet Erase Character',
  'el          Send Telnet Erase Line',
  'eof         Send Telnet End of File Character',
  'ga          Send Telnet \'Go Ahead\' sequence',
  'getstatus   Send request for STATUS',
  'ip          Send Telnet Interrupt Process',
  'nop         Send Telnet \'No operation\'',
  'abort       Send Telnet \'Abort Process\'',
  'susp        Send Telnet \'Suspend Process\'',
  'synch       Perform Telnet \'Synch operation\'',
];
const TOGGLE_HELP = [
  'binary      toggle sending and receiving of binary data',
  'crlf        toggle sending carriage returns as telnet <CR><LF>',
  'localchars  toggle local recognition of certain control characters',
  'netdata     toggle printing of hexadecimal network data (debugging)',
  'options     toggle viewing of options processing (debugging)',
];
const SET_HELP = [
  'escape      character to escape back to telnet command mode (^X, a character, or off)',
  'dtr on|off  DTR of the remote serial port (RFC 2217)',
  'rts on|off  RTS of the remote serial port (RFC 2217)',
];
const MODE_HELP = [
  'character   Disable LINEMODE option (or disable obsolete line-by-line mode)',
  'line        Enable LINEMODE option (or enable obsolete line-by-line mode)',
];
const SPECIALS = new Set<string>(['ip', 'ao', 'ayt', 'ec', 'el', 'nop', 'synch', 'eof', 'susp', 'abort', 'ga']);

/** '^]' for 0x1d, as the BSD client names a control character. */
export function controlName(byte: number | undefined): string {
  if (byte === undefined) return 'off';
  if (byte === 0x7f) return '^?';
  return byte < 0x20 ? `^${String.fromCharCode(byte + 0x40)}` : String.fromCharCode(byte);
}

/** '^]' or ']' or 'off' → the escape byte; undefined for something that is not one character. */
function parseEscape(text: string): number | null | undefined {
  if (text === 'off') return null;
  if (/^\^[@-_?]$/i.test(text)) return text[1] === '?' ? 0x7f : text.toUpperCase().charCodeAt(1) - 0x40;
  if (text.length === 1 && text.charCodeAt(0) < 0x80) return text.charCodeAt(0);
  return undefined;
}

/** The one command a prefix stands for ("tog" is toggle), or the word itself. */
function abbreviated(word: string, commands: readonly string[]): string {
  if (commands.includes(word)) return word;
  const matches = commands.filter((command) => command.startsWith(word));
  return matches.length === 1 ? matches[0]! : word;
}

/** The BSD client's `toggle netdata` lines: direction, offset, up to 32 bytes in hex. */
function netdataLines(direction: '<' | '>', bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 32) {
    lines.push(`${direction} 0x${offset.toString(16)}\t${Buffer.from(bytes.subarray(offset, offset + 32)).toString('hex')}`);
  }
  return lines;
}

interface TelnetCommandLine {
  readonly host: string;
  readonly port: number;
  readonly trace: boolean;
  readonly terminalTypes: readonly string[];
  readonly raw: boolean;
  readonly negotiate: 'auto' | 'always' | 'passive' | 'never';
  readonly rfc2217?: SerialSettings;
  readonly reconnect: boolean;
  readonly lingerMs: number;
  readonly user?: string;
  readonly environment: { name: string; value: string }[];
  readonly size?: { cols: number; rows: number };
  readonly crlf: boolean;
  readonly escape: number | undefined;
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
      user: { type: 'string', short: 'l' },
      env: { type: 'string', multiple: true },
      size: { type: 'string' },
      crlf: { type: 'boolean' },
      escape: { type: 'string', short: 'e' },
    },
  });
  const { values, positionals } = parsed;
  const [host, portText, ...extra] = positionals;
  if (!host) throw new CommandLineError('telnet needs a host');
  if (extra.length > 0) throw new CommandLineError(`telnet takes a host and a port, not "${extra.join(' ')}"`);
  const port = portText === undefined ? 23 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CommandLineError(`"${portText}" is not a TCP port (1–65535)`);
  const negotiate = values.negotiate ?? 'auto';
  if (negotiate !== 'auto' && negotiate !== 'always' && negotiate !== 'passive' && negotiate !== 'never') {
    throw new CommandLineError(`--negotiate ${negotiate}: use auto, always, passive or never`);
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
  const environment = (values.env ?? []).map((pair) => {
    const match = /^([^=\s]+)=(.*)$/s.exec(pair);
    if (!match) throw new CommandLineError(`--env ${pair}: give NAME=VALUE`);
    return { name: match[1]!, value: match[2]! };
  });
  let size: { cols: number; rows: number } | undefined;
  if (values.size !== undefined) {
    const match = /^(\d{1,5})x(\d{1,5})$/.exec(values.size);
    const [cols, rows] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
    if (cols < 1 || rows < 1 || cols > 65535 || rows > 65535) throw new CommandLineError(`--size ${values.size}: give COLSxROWS, such as 80x24`);
    size = { cols, rows };
  }
  const escape = values.escape === undefined ? 0x1d : parseEscape(values.escape);
  if (escape === undefined) throw new CommandLineError(`-e ${values.escape}: give one character, such as ^] or ~, or off`);
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
    environment,
    crlf: values.crlf === true,
    escape: escape ?? undefined,
    ...(values.user !== undefined ? { user: values.user } : {}),
    ...(size ? { size } : {}),
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

/** The terminal's speed for TERMINAL-SPEED, as `stty speed` reads it (38400 when it cannot). */
function terminalSpeed(): { transmit: number; receive: number } {
  let speed = 38400;
  try {
    const read = Number(execFileSync('stty', ['speed'], { stdio: ['inherit', 'pipe', 'ignore'] }).toString().trim());
    if (Number.isInteger(read) && read > 0) speed = read;
  } catch {
    // No stty, or not a terminal after all: the usual pty speed.
  }
  return { transmit: speed, receive: speed };
}

/** Runs `revtel telnet` on this process's standard streams; resolves to the exit status. */
export function runTelnet(args: readonly string[]): Promise<number> {
  const options = parseTelnetArgs(args, process.env);
  const { stdin, stdout, stderr } = process;
  const interactive = stdin.isTTY === true;
  const say = (line: string): void => {
    stderr.write(`${line}\n`);
  };
  // Revtel's own words on the trace's stream carry a prefix, so the two never mix up.
  const note = (line: string): void => say(`revtel: ${line}`);
  let showOptions = options.trace;
  let showNetdata = false;

  const display = process.env['DISPLAY'];
  const session = new TelnetClientSession({
    host: options.host,
    port: options.port,
    negotiate: options.negotiate,
    raw: options.raw,
    terminalTypes: options.terminalTypes,
    reconnect: options.reconnect,
    now: Date.now,
    environment: options.environment,
    crlf: options.crlf,
    windowSize: stdout.isTTY ? { cols: stdout.columns, rows: stdout.rows } : options.size ?? DEFAULT_WINDOW_SIZE,
    ...(interactive ? { terminalSpeed: terminalSpeed() } : {}),
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(display ? { display } : {}),
    ...(options.rfc2217 ? { rfc2217: options.rfc2217 } : {}),
  });

  // While the telnet> prompt is open the server's output waits, so the two never interleave.
  let atPrompt = false;
  const heldOutput: Uint8Array[] = [];
  let lastOutput = Date.now();
  const show = (data: Uint8Array): void => {
    if (!stdout.write(data)) {
      session.pause();
      stdout.once('drain', () => {
        if (!atPrompt) session.resume();
      });
    }
  };
  session.onData((data) => {
    lastOutput = Date.now();
    if (atPrompt) heldOutput.push(Buffer.from(data));
    else show(data);
  });
  // Without a terminal there is nobody to show local echo to.
  session.onEcho((echo) => {
    if (interactive) stdout.write(echo);
  });
  session.onTrace((entry) => {
    if (showOptions) say(entry.text);
  });
  session.onWire(({ direction, bytes }) => {
    if (showNetdata) netdataLines(direction === 'SENT' ? '>' : '<', bytes).forEach(say);
  });
  session.onWarning((message) => {
    if (showOptions) note(`warning: ${message}`);
  });
  let lastRemote = '';
  session.onRemoteSerial((remote) => {
    const text = describeRemotePort(remote);
    if (showOptions && text !== lastRemote) note(`remote port ${text}`);
    lastRemote = text;
  });
  if (stdout.isTTY) stdout.on('resize', () => session.resize({ cols: stdout.columns, rows: stdout.rows }));

  const escape = new EscapeReader();
  // Assigned, not passed: undefined (-e off) would bring back the constructor's default.
  escape.escapeByte = options.escape;
  const toggles: Record<string, () => string> = {
    options: () => ((showOptions = !showOptions) ? 'Will show option processing.' : 'Will not show option processing.'),
    netdata: () => ((showNetdata = !showNetdata)
      ? 'Will print hexadecimal representation of network traffic.'
      : 'Will not print hexadecimal representation of network traffic.'),
    crlf: () => {
      session.setCrlf(!session.sendsCrlf);
      return session.sendsCrlf ? 'Will send carriage returns as telnet <CR><LF>.' : 'Will send carriage returns as telnet <CR><NUL>.';
    },
    localchars: () => {
      session.setLocalChars(!session.mode.localSignals);
      return session.mode.localSignals ? 'Will recognize certain control characters.' : "Won't recognize certain control characters.";
    },
    binary: () => {
      const binary = session.toggleBinary();
      if (binary === undefined) return '?Need to be connected first.';
      return binary === 'on' ? 'Negotiating binary mode on input and output.' : 'Negotiating network ascii mode on input and output.';
    },
  };
  toggles['trace'] = toggles['options']!;
  const help = (lines: readonly string[]): void => lines.forEach(say);

  const runPromptCommand = (line: string): void => {
    const [typed = '', typedFirst, second] = line.split(/\s+/);
    const verb = abbreviated(typed, ['close', 'open', 'quit', 'send', 'set', 'toggle', 'mode', 'status', 'help']);
    const first = typedFirst === undefined ? undefined
      : verb === 'send' ? abbreviated(typedFirst, ['break', 'getstatus', 'synch', ...SPECIALS])
        : verb === 'toggle' ? abbreviated(typedFirst, Object.keys(toggles))
          : verb === 'mode' ? abbreviated(typedFirst, ['line', 'character'])
            : typedFirst;
    if (verb === '') return;
    if (verb === 'close' || verb === 'quit' || verb === 'q') {
      session.close();
    } else if (verb === 'help' || verb === '?') {
      help(PROMPT_HELP);
    } else if (verb === 'status') {
      session.status().forEach(say);
      say(`Escape character is '${controlName(escape.escapeByte)}'.`);
    } else if (verb === 'open') {
      say(`?Already connected to ${options.host}`);
    } else if (verb === 'z') {
      if (!interactive) {
        say('?There is no terminal to suspend to.');
      } else {
        stdin.setRawMode(false);
        process.once('SIGCONT', () => stdin.setRawMode(true));
        process.kill(process.pid, 'SIGTSTP');
      }
    } else if (verb === 'send') {
      if (first === undefined || first === '?' || first === 'help') help(SEND_HELP);
      else if (first === 'brk' || first === 'break') {
        const durationMs = second === undefined ? DEFAULT_BREAK_MS : Number(second);
        if (!Number.isFinite(durationMs) || durationMs <= 0) say(`?"${second}" is not a duration in milliseconds.`);
        else session.sendBreak(durationMs);
      } else if (first === 'getstatus') {
        if (!session.requestStatus()) say('Remote side does not support STATUS option');
      } else if (SPECIALS.has(first)) {
        session.sendCommand(first as SpecialCommand);
      } else {
        say(`?Unknown send argument '${first}'`);
        say("'send ?' for help.");
      }
    } else if (verb === 'toggle') {
      const toggle = first === undefined ? undefined : toggles[first];
      if (toggle) say(toggle());
      else if (first === undefined || first === '?' || first === 'help') help(TOGGLE_HELP);
      else say(`'${first}': unknown argument ('toggle ?' for help).`);
    } else if (verb === 'mode') {
      if (first === 'line' || first === 'character') session.setLineMode(first === 'line');
      else if (first === undefined || first === '?' || first === 'help') help(MODE_HELP);
      else say(`'${first}': unknown argument ('mode ?' for help).`);
    } else if (verb === 'set') {
      if (first === 'escape' && second !== undefined && parseEscape(second) !== undefined) {
        escape.escapeByte = parseEscape(second) ?? undefined;
        say(`escape character is '${controlName(escape.escapeByte)}'.`);
      } else if ((first === 'dtr' || first === 'rts') && (second === 'on' || second === 'off')) {
        if (!session.setModemControl({ [first]: second === 'on' })) note('the remote port is not under RFC 2217 control (use --rfc2217).');
      } else {
        help(SET_HELP);
      }
    } else {
      say('?Invalid command');
      say("'help' or '?' lists the commands.");
    }
  };

  const leavePrompt = (): void => {
    atPrompt = false;
    for (const data of heldOutput.splice(0)) show(data);
    session.resume();
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
      } else if (action.kind === 'prompt') {
        atPrompt = true;
        session.pause();
        stdout.write('\r\ntelnet> ');
      } else if (action.kind === 'echo') {
        if (interactive) stdout.write(action.bytes);
      } else {
        runPromptCommand(action.line);
        leavePrompt();
      }
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
          say(`Escape character is '${controlName(escape.escapeByte)}'.`);
          if (interactive) stdin.setRawMode(true);
          stdin.resume();
          break;
        case 'reconnecting':
          note(`${change.message} Reconnecting in ${(change.delayMs / 1000).toFixed(1)} s.`);
          break;
        case 'closed':
          if (interactive) stdin.setRawMode(false);
          stdin.pause();
          if (change.reason === 'user') say('Connection closed.');
          else note(change.message);
          resolve(EXIT_CODES[change.reason]);
          break;
      }
    });
    stdin.pause();
    session.open();
  });
}
