import type { ScryptOptions } from 'node:crypto';

// Line passwords, stored scrypt-hashed: "scrypt$N$r$p$<salt base64>$<hash base64>".
// A password file has one hash per line, either alone (for every line) or after the
// line's TCP port ("2001 scrypt$…"); '#' starts a comment. `revtel hash-password` makes one.

// node:crypto is loaded at the first password hashed or checked, and node:fs/promises for
// a password file: a server whose lines have no password never needs them.
async function scrypt(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  const { scrypt: scryptCallback } = await import('node:crypto');
  return new Promise((resolve, reject) => scryptCallback(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}
const COST = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

/**
 * The longest line password, in bytes of UTF-8 (what a telnet client sends at the prompt). A
 * client at the prompt is not yet anyone: what it types is held only up to this, so that it
 * cannot grow the server's memory; a longer password can never be right, and none is made.
 */
export const MAX_PASSWORD_BYTES = 256;

/** Why `password` cannot be a line password, if it cannot. */
export function passwordProblem(password: string): string | undefined {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes <= MAX_PASSWORD_BYTES) return undefined;
  return `A line password is at most ${MAX_PASSWORD_BYTES} bytes of UTF-8 (${MAX_PASSWORD_BYTES} plain ASCII characters); this one has ${bytes}`;
}

export class PasswordFileError extends Error {
  override readonly name = 'PasswordFileError';
}

export async function hashPassword(password: string): Promise<string> {
  const salt = (await import('node:crypto')).randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...COST, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (passwordProblem(password)) return false;
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 256 * 1024 * 1024 });
  const { timingSafeEqual } = await import('node:crypto');
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** The hashes of a password file: by TCP port, and `default` for lines not named. */
export interface PasswordTable {
  readonly byPort: ReadonlyMap<number, string>;
  readonly default?: string;
}

export async function readPasswordFile(path: string): Promise<PasswordTable> {
  let text: string;
  try {
    text = await (await import('node:fs/promises')).readFile(path, 'utf8');
  } catch (error) {
    throw new PasswordFileError(`The password file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const byPort = new Map<number, string>();
  let fallback: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const words = line.split(/\s+/);
    const hash = words[words.length - 1]!;
    if (!/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(hash) || words.length > 2) {
      throw new PasswordFileError(`${path} line ${index + 1}: expected "[TCPPORT] scrypt$…" (make one with: revtel hash-password)`);
    }
    if (words.length === 2) {
      const port = /^\d{1,5}$/.test(words[0]!) ? Number(words[0]) : NaN;
      // A port that cannot be read would leave its line with no password at all.
      if (!(port >= 1 && port <= 65535)) throw new PasswordFileError(`${path} line ${index + 1}: "${words[0]}" is not a TCP port (1–65535); write "2001 scrypt$…", or the hash alone for every line`);
      if (byPort.has(port)) throw new PasswordFileError(`${path} line ${index + 1}: TCP port ${port} has a password already; keep one line per port`);
      byPort.set(port, hash);
    } else if (fallback !== undefined) {
      throw new PasswordFileError(`${path} line ${index + 1}: a second password for every line; keep one, or put a TCP port before it`);
    } else {
      fallback = hash;
    }
  });
  return fallback ? { byPort, default: fallback } : { byPort };
}
