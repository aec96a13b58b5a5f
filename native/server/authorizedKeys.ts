// authorized_keys files in OpenSSH's format (sshd(8), "AUTHORIZED_KEYS FILE FORMAT"):
// "[options] key-type base64 [comment]". Options that restrict a key are obeyed (from=,
// expiry-time=, no-pty) or make the key unusable here (command=: Revtel runs no commands);
// those about forwarding change nothing, since Revtel refuses all forwarding. An option
// Revtel does not know, or a line it cannot read, stops the file from loading: a key file
// is configuration, and configuration fails closed.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { AccessListError, isAllowed, parseCidr } from './accessList.js';
import { patternListMatches, wildcardMatches } from '../ssh/patterns.js';
import { parsePublicKeyField, type PublicKey } from '../ssh/publicKeys.js';

export interface AuthorizedKey {
  readonly line: number;
  readonly key: PublicKey;
  readonly comment: string;
  /** from="…": the client addresses the key may come from (OpenSSH's pattern list). */
  readonly from?: readonly string[];
  /** expiry-time="…": not accepted after this. */
  readonly expires?: Date;
  /** command="…": a forced command, which Revtel cannot honour; the key is refused. */
  readonly command?: string;
  readonly noPty: boolean;
}

export class AuthorizedKeysError extends Error {}

const KEY_TYPES = /^(ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;
/** Options with no effect here: Revtel refuses forwarding, runs no rc file and sets no environment. */
const INERT_OPTIONS = new Set([
  'restrict', 'no-port-forwarding', 'port-forwarding', 'no-agent-forwarding', 'agent-forwarding',
  'no-x11-forwarding', 'x11-forwarding', 'no-user-rc', 'user-rc', 'pty', 'no-touch-required', 'verify-required',
  'permitopen', 'permitlisten', 'environment', 'tunnel',
]);

export function readAuthorizedKeys(path: string): AuthorizedKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuthorizedKeysError(`The authorized-keys file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  return parseAuthorizedKeys(text, path);
}

export function parseAuthorizedKeys(text: string, source: string): AuthorizedKey[] {
  const keys: AuthorizedKey[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const where = `${source} line ${index + 1}`;
    const [options, rest] = KEY_TYPES.test(line.split(/\s+/)[0]!) ? ['', line] : splitOptions(line, where);
    const [type = '', base64 = '', ...comment] = rest.split(/\s+/);
    if (!KEY_TYPES.test(type)) throw new AuthorizedKeysError(`${where}: "${type}" is not an SSH key type (ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256…).`);
    const key = parsePublicKeyField(type, base64);
    if (!key) throw new AuthorizedKeysError(`${where}: the ${type} key is damaged (its base64 does not hold a ${type} key).`);
    const entry = applyOptions({ line: index + 1, key, comment: comment.join(' '), noPty: false }, options, where);
    if (entry) keys.push(entry);
  });
  return keys;
}

/** Whether the key may log in now from `address`, or the sentence saying why not. */
export function keyRefusal(entry: AuthorizedKey, address: string, now: Date): string | undefined {
  if (entry.command !== undefined) return `its line has command="${entry.command}", and Revtel runs no commands`;
  if (entry.expires && now > entry.expires) return `it expired on ${entry.expires.toISOString()}`;
  if (entry.from && !fromMatches(entry.from, address)) return `it may only come from ${entry.from.join(',')}`;
  return undefined;
}

/** Options end at the first space outside double quotes. */
function splitOptions(line: string, where: string): [string, string] {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === '\\' && quoted) i++;
    else if (char === '"') quoted = !quoted;
    else if (/\s/.test(char) && !quoted) return [line.slice(0, i), line.slice(i).trim()];
  }
  throw new AuthorizedKeysError(`${where}: ${quoted ? 'an option\'s quote is never closed' : 'no key after the options'}.`);
}

/** The entry with its options applied; undefined for a certificate authority (Revtel takes no certificates). */
function applyOptions(entry: AuthorizedKey, options: string, where: string): AuthorizedKey | undefined {
  let result: AuthorizedKey = entry;
  for (const option of options.match(/(?:[^,"]|"(?:\\.|[^"\\])*")+/g) ?? []) {
    const [, rawName = '', quotedValue] = /^([A-Za-z0-9-]+)(?:="((?:\\.|[^"\\])*)")?$/.exec(option) ?? [];
    if (!rawName) throw new AuthorizedKeysError(`${where}: cannot read the option ${option} (write name or name="value").`);
    const name = rawName.toLowerCase();
    const value = quotedValue?.replace(/\\(.)/g, '$1');
    if (name === 'cert-authority') return undefined;
    if (name === 'from' && value !== undefined) result = { ...result, from: value.split(',') };
    else if (name === 'expiry-time' && value !== undefined) result = { ...result, expires: parseExpiry(value, where) };
    else if (name === 'command' && value !== undefined) result = { ...result, command: value };
    else if (name === 'no-pty') result = { ...result, noPty: true };
    else if (!INERT_OPTIONS.has(name) && name !== 'principals') throw new AuthorizedKeysError(`${where}: the option ${rawName} is not one Revtel knows; remove it or the key.`);
  }
  return result;
}

/** YYYYMMDD[HHMM[SS]], in local time unless it ends in Z (as sshd reads it). */
function parseExpiry(value: string, where: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/i.exec(value);
  if (!match) throw new AuthorizedKeysError(`${where}: expiry-time="${value}" is not YYYYMMDD[HHMM[SS]][Z].`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = match;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  return zone ? new Date(Date.UTC(...parts)) : new Date(...parts);
}

/** OpenSSH's address pattern list, with CIDR ranges as sshd allows them in from=. */
function fromMatches(patterns: readonly string[], address: string): boolean {
  const peer = address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  return patternListMatches(patterns, (pattern) => addressMatches(pattern, peer));
}

function addressMatches(pattern: string, address: string): boolean {
  if (!pattern.includes('/') && !isIP(pattern)) return wildcardMatches(pattern, address);
  try {
    return isAllowed(address, [parseCidr(pattern)]);
  } catch (error) {
    if (error instanceof AccessListError) return false;
    throw error;
  }
}
