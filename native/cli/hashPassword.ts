import { createInterface } from 'node:readline';
import { hashPassword, passwordProblem } from '../server/passwords.js';
import { UsageError } from './UsageError.js';

/**
 * `revtel hash-password`: on a terminal it asks twice without echo; from a pipe it reads
 * one line. Prints the hash for a --password-file line ("PORT HASH").
 */
export async function runHashPassword(): Promise<void> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await askHidden('Password: ');
    if (password && (await askHidden('Again: ')) !== password) throw new UsageError('The two passwords differ; nothing was printed');
  } else {
    password = await firstLine();
  }
  if (!password) throw new UsageError('No password given: type one, or pipe it in, e.g. printf "%s\\n" "secret" | revtel hash-password');
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(problem);
  process.stdout.write(`${await hashPassword(password)}\n`);
}

/** The first line of standard input (without its line end); the rest is not read. */
async function firstLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
    process.stdin.destroy();
  }
}

/** Reads a line from the terminal in raw mode, echoing nothing; Ctrl-C or Ctrl-D gives up. */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  // Echo off before the prompt shows: a password typed the moment it appears must not echo.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: UsageError): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || (char === '\u0004' && typed === '')) return finish(new UsageError('Cancelled; nothing was printed'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else if (char >= ' ') typed += char;
      }
    };
    stdin.on('data', onData);
  });
}
