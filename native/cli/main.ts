#!/usr/bin/env node
// The `revtel` process: its command line (commandLine.ts) on the process's own streams, and
// the exit of a start that failed.
import { runCommandLine } from './commandLine.js';

// Last resort: a bug must still end in one line, not a stack trace. A stray rejection is
// reported and the server goes on; an exception leaves the process in an unknown state.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`revtel: internal error (please report it): ${reason instanceof Error ? reason.message : String(reason)}\n`);
});
process.on('uncaughtException', (error) => {
  process.stderr.write(`revtel: internal error (please report it): ${error.message}\n`);
  process.exit(1);
});

const output = { stdout: (text: string) => void process.stdout.write(text), stderr: (text: string) => void process.stderr.write(text) };
void runCommandLine(process.argv.slice(2), output).then((status) => {
  // A failed start exits even if something it started (a listener) is still open, once its sentence is written out.
  if (status !== undefined) process.stderr.write('', () => process.exit(status));
});
