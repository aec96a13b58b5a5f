// The `revtel` command line: which command runs, its help, and the sentence for a mistake.
// Each command's module is loaded only when that command runs, so that `revtel serve` does
// not carry the telnet client's or the decoder's code, and `--help` loads nothing at all.
// The process around it (main.ts) owns the exit; tests run this in process.
import { readFileSync } from 'node:fs';
import { CommandLineError, UsageError } from './UsageError.js';
import { COMMAND_USAGE, type CommandName } from './usage.js';

/** Where the command line's own answers go: help, version, a command's printed result, a mistake. */
export interface CommandLineOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

type Run = (args: readonly string[], output: CommandLineOutput) => Promise<void>;

const COMMANDS: Record<CommandName, Run> = {
  serve: async (args) => (await import('./serve.js')).runServe(args, packageVersion()),
  telnet: async (args) => {
    const status = await (await import('./telnet.js')).runTelnet(args);
    // Exit once standard output has been written out: the session's handles are closed,
    // but a paused standard input could keep the process waiting.
    process.stdout.write('', () => process.exit(status));
  },
  ports: async (args, output) => {
    const { parseCommandLine } = await import('./args.js');
    const { values } = parseCommandLine({ args: [...args], options: { json: { type: 'boolean' } }, allowPositionals: false });
    output.stdout(await (await import('./ports.js')).runPorts(values.json === true));
  },
  'demo-device': async (args) => {
    process.exitCode = await (await import('./demoDevice.js')).runDemoDevice(args);
  },
  'hash-password': async (args) => {
    if (args.length > 0) throw new CommandLineError(`hash-password takes no arguments; it reads the password on standard input`);
    await (await import('./hashPassword.js')).runHashPassword();
  },
  decode: async (args, output) => {
    const { parseCommandLine } = await import('./args.js');
    const { values, positionals } = parseCommandLine({ args: [...args], options: { hex: { type: 'boolean' }, short: { type: 'boolean' } }, allowPositionals: true });
    if (positionals.length > 1) throw new CommandLineError('decode takes one capture file (or - for standard input)');
    const { decodeCapture, readCapture } = await import('./decode.js');
    const file = positionals[0] ?? '-';
    const lines = await decodeCapture({ file, hex: values.hex === true, short: values.short === true }, readCapture(file));
    output.stdout(lines.map((line) => `${line}\n`).join(''));
  },
};

const isCommand = (name: string | undefined): name is CommandName => name !== undefined && Object.hasOwn(COMMANDS, name);

function help(): string {
  const sections = Object.values(COMMAND_USAGE).map((usage) => `  ${usage.replaceAll('\n', '\n  ')}`);
  return `revtel — serial consoles as reverse-telnet lines, and a telnet client that shows its negotiation

Usage:
${sections.join('\n\n')}

  revtel --version | -v
  revtel help [COMMAND] | revtel COMMAND --help | -h
`;
}

/** The synopsis of a command's usage: the lines before its description. */
function usageLine(command: CommandName): string {
  const lines = COMMAND_USAGE[command].split('\n');
  const description = lines.findIndex((line) => /^ {2}\S/.test(line));
  return lines.slice(0, description === -1 ? lines.length : description).join('\n');
}

/** Options up to a '--' that ends them. */
const asksForHelp = (args: readonly string[]): boolean => {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
};

/**
 * Runs `revtel ARGV`. Resolves once the command has started (a server goes on serving),
 * or, when it could not, with the exit status after saying why on `output.stderr`: 2 for a
 * mistake the user can fix, 1 for anything else.
 */
export async function runCommandLine(argv: readonly string[], output: CommandLineOutput): Promise<number | undefined> {
  try {
    await dispatch(argv, output);
    return undefined;
  } catch (error) {
    if (error instanceof UsageError) {
      const usage = error instanceof CommandLineError && error.usage ? `Usage: ${error.usage}\n` : '';
      output.stderr(`revtel: ${error.message}\n${usage}`);
      return 2;
    }
    output.stderr(`revtel: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function dispatch(argv: readonly string[], output: CommandLineOutput): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    output.stdout(help());
    return;
  }
  if (command === 'help') {
    const [topic, ...extra] = rest;
    if (topic === undefined) output.stdout(help());
    else if (isCommand(topic) && extra.length === 0) output.stdout(`Usage: ${COMMAND_USAGE[topic]}\n`);
    else throw new UsageError(`There is no command "${rest.join(' ')}": run "revtel help" for the list`);
    return;
  }
  if (command === '--version' || command === '-v') {
    output.stdout(`revtel ${packageVersion()}\n`);
    return;
  }
  if (!isCommand(command)) {
    throw new UsageError(command.startsWith('-') ? `Unknown option "${command}": run "revtel help" for the commands and their options` : `Unknown command "${command}": run "revtel help" for the list`);
  }
  if (asksForHelp(rest)) {
    output.stdout(`Usage: ${COMMAND_USAGE[command]}\n`);
    return;
  }
  try {
    await COMMANDS[command](rest, output);
  } catch (error) {
    if (error instanceof CommandLineError) error.usage = usageLine(command);
    throw error;
  }
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
