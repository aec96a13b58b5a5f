#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeCapture, readCapture } from './decode.js';
import { runDemoDevice } from './demoDevice.js';
import { runPorts } from './ports.js';
import { runServe, SERVE_USAGE } from './serve.js';
import { runTelnet, TELNET_USAGE } from './telnet.js';
import { hashPassword } from '../server/passwords.js';
import { UsageError } from './UsageError.js';

const HELP = `revtel — serial consoles as reverse-telnet lines, and a telnet client that shows its negotiation

Usage:
  ${SERVE_USAGE.replaceAll('\n', '\n  ')}

  ${TELNET_USAGE.replaceAll('\n', '\n  ')}

  revtel ports [--json]
  Lists the serial ports with their names, USB IDs, serial numbers and chips.

  revtel demo-device PATH [SETTINGS]
  Runs the demo router console on a serial device (e.g. one end of a socat pty pair);
  exits 4 if the device goes away.

  revtel hash-password
  Reads a password on standard input and prints the line for a --password-file.

  revtel decode [--hex] [--short] [FILE|-]
  Prints the telnet commands in a capture of what one peer sent, as the BSD client's
  'toggle options' does.

  revtel --version
  revtel help
`;

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return;
    case '--version':
      process.stdout.write(`revtel ${packageVersion()}\n`);
      return;
    case 'decode': {
      const { values, positionals } = asUsageError(() => parseArgs({
        args: rest,
        options: { hex: { type: 'boolean' }, short: { type: 'boolean' } },
        allowPositionals: true,
      }));
      if (positionals.length > 1) throw new UsageError('decode takes one capture file (or - for standard input)');
      const file = positionals[0] ?? '-';
      const options = { file, hex: values.hex === true, short: values.short === true };
      const lines = await decodeCapture(options, readCapture(file));
      process.stdout.write(lines.map((line) => `${line}\n`).join(''));
      return;
    }
    case 'serve':
      await runServe(rest, packageVersion());
      return;
    case 'ports': {
      const { values } = asUsageError(() => parseArgs({ args: rest, options: { json: { type: 'boolean' } } }));
      process.stdout.write(await runPorts(values.json === true));
      return;
    }
    case 'demo-device':
      process.exitCode = await runDemoDevice(rest);
      return;
    case 'hash-password': {
      const password = (await readStandardInput()).replace(/\r?\n$/, '');
      if (!password) throw new UsageError('hash-password reads the password on standard input, e.g. printf %s "secret" | revtel hash-password');
      process.stdout.write(`${await hashPassword(password)}\n`);
      return;
    }
    case 'telnet': {
      const status = await runTelnet(rest);
      // Exit once standard output has been written out: the session's handles are closed,
      // but a paused standard input could keep the process waiting.
      process.stdout.write('', () => process.exit(status));
      return;
    }
    default:
      throw new UsageError(`Unknown command "${command}": run "revtel help" for the list`);
  }
}

/** parseArgs throws plain errors ("Unknown option '--x'"); they are the user's to fix. */
function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
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

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`revtel: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`revtel: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
});
