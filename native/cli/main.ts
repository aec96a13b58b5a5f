#!/usr/bin/env node
// The `revtel` command. Each command's module is loaded only when that command runs, so
// that `revtel serve` does not carry the telnet client's or the decoder's code, and
// `--help` loads nothing at all.
import { readFileSync } from 'node:fs';
import { CommandLineError, UsageError } from './UsageError.js';
import { COMMAND_USAGE, type CommandName } from './usage.js';

type Run = (args: readonly string[]) => Promise<void>;

const COMMANDS: Record<CommandName, Run> = {
  serve: async (args) => (await import('./serve.js')).runServe(args, packageVersion()),
  telnet: async (args) => {
    const status = await (await import('./telnet.js')).runTelnet(args);
    // Exit once standard output has been written out: the session's handles are closed,
    // but a paused standard input could keep the process waiting.
    process.stdout.write('', () => process.exit(status));
  },
  ports: async (args) => {
    const { parseCommandLine } = await import('./args.js');
    const { values } = parseCommandLine({ args: [...args], options: { json: { type: 'boolean' } }, allowPositionals: false });
    process.stdout.write(await (await import('./ports.js')).runPorts(values.json === true));
  },
  'demo-device': async (args) => {
    process.exitCode = await (await import('./demoDevice.js')).runDemoDevice(args);
  },
  'hash-password': async (args) => {
    if (args.length > 0) throw new CommandLineError(`hash-password takes no arguments; it reads the password on standard input`);
    await (await import('./hashPassword.js')).runHashPassword();
  },
  decode: async (args) => {
    const { parseCommandLine } = await import('./args.js');
    const { values, positionals } = parseCommandLine({ args: [...args], options: { hex: { type: 'boolean' }, short: { type: 'boolean' } }, allowPositionals: true });
    if (positionals.length > 1) throw new CommandLineError('decode takes one capture file (or - for standard input)');
    const { decodeCapture, readCapture } = await import('./decode.js');
    const file = positionals[0] ?? '-';
    const lines = await decodeCapture({ file, hex: values.hex === true, short: values.short === true }, readCapture(file));
    process.stdout.write(lines.map((line) => `${line}\n`).join(''));
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

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(help());
    return;
  }
  if (command === 'help') {
    const [topic, ...extra] = rest;
    if (topic === undefined) process.stdout.write(help());
    else if (isCommand(topic) && extra.length === 0) process.stdout.write(`Usage: ${COMMAND_USAGE[topic]}\n`);
    else throw new UsageError(`There is no command "${rest.join(' ')}": run "revtel help" for the list`);
    return;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`revtel ${packageVersion()}\n`);
    return;
  }
  if (!isCommand(command)) {
    throw new UsageError(command.startsWith('-') ? `Unknown option "${command}": run "revtel help" for the commands and their options` : `Unknown command "${command}": run "revtel help" for the list`);
  }
  if (asksForHelp(rest)) {
    process.stdout.write(`Usage: ${COMMAND_USAGE[command]}\n`);
    return;
  }
  try {
    await COMMANDS[command](rest);
  } catch (error) {
    if (error instanceof CommandLineError) error.usage = usageLine(command);
    throw error;
  }
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

// Last resort: a bug must still end in one line, not a stack trace. A stray rejection is
// reported and the server goes on; an exception leaves the process in an unknown state.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`revtel: internal error (please report it): ${reason instanceof Error ? reason.message : String(reason)}\n`);
});
process.on('uncaughtException', (error) => {
  process.stderr.write(`revtel: internal error (please report it): ${error.message}\n`);
  process.exit(1);
});

// A failed start exits even if something it started (a listener) is still open.
main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    const usage = error instanceof CommandLineError && error.usage ? `Usage: ${error.usage}\n` : '';
    process.stderr.write(`revtel: ${error.message}\n${usage}`, () => process.exit(2));
  } else {
    process.stderr.write(`revtel: internal error: ${error instanceof Error ? error.message : String(error)}\n`, () => process.exit(1));
  }
});
