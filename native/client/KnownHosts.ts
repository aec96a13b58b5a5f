// Revtel's own known-hosts file, in OpenSSH's format so that lines can be copied to and
// from ~/.ssh/known_hosts: "host[,host…] type base64", "[host]:port" for other ports than
// 22, hashed names (|1|salt|hash), wildcards and negation, and @revoked. Certificates
// (@cert-authority) are not used by Revtel: such lines are skipped.
import { createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { patternListMatches, wildcardMatches } from '../ssh/patterns.js';
import { formatPublicKey, keyTypeName, parsePublicKeyField, type PublicKey } from '../ssh/publicKeys.js';
import { userConfigDir } from '../ssh/userFolders.js';

export type HostKeyCheck =
  | { readonly status: 'known'; readonly line: number }
  /** No key of this type is recorded; `recordedTypes` are the types that are. */
  | { readonly status: 'unknown'; readonly recordedTypes: readonly string[] }
  /** A different key of the same type is recorded on `line`: someone may be in between. */
  | { readonly status: 'changed'; readonly line: number; readonly recorded: PublicKey }
  | { readonly status: 'revoked'; readonly line: number };

/** The file cannot be read or holds a line that is not a known-hosts line. */
export class KnownHostsError extends Error {}

interface Entry {
  readonly line: number;
  readonly marker: '' | '@revoked';
  readonly patterns: string;
  readonly key: PublicKey;
}

/** Where OpenSSH's own file would be, but Revtel's: the user's config folder. */
export function defaultKnownHostsPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return join(userConfigDir(env, platform), 'known_hosts');
}

/** How a host is named in the file: the bare name on port 22, "[host]:port" elsewhere. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}

export class KnownHosts {
  constructor(readonly path: string) {}

  /** Read afresh each time: the file is small, and the user may have edited it. */
  check(host: string, port: number, key: PublicKey): HostKeyCheck {
    const name = knownHostName(host, port);
    const entries = this.read().filter((entry) => hostMatches(entry.patterns, name));
    const same = (entry: Entry): boolean => entry.key.blob.equals(key.blob);
    const revoked = entries.find((entry) => entry.marker === '@revoked' && same(entry));
    if (revoked) return { status: 'revoked', line: revoked.line };
    const recorded = entries.filter((entry) => entry.marker === '');
    const known = recorded.find(same);
    if (known) return { status: 'known', line: known.line };
    const sameType = recorded.find((entry) => keyTypeName(entry.key.type) === keyTypeName(key.type));
    if (sameType) return { status: 'changed', line: sameType.line, recorded: sameType.key };
    return { status: 'unknown', recordedTypes: [...new Set(recorded.map((entry) => entry.key.type))] };
  }

  /** The key types recorded for a host, to ask the server for one of those first (as OpenSSH does). */
  recordedTypes(host: string, port: number): string[] {
    const name = knownHostName(host, port);
    return [...new Set(this.read().filter((entry) => entry.marker === '' && hostMatches(entry.patterns, name)).map((entry) => entry.key.type))];
  }

  /** Records a key the user has accepted; the folder and file are made private to the user. */
  add(host: string, port: number, key: PublicKey): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      const existing = this.readText() ?? '';
      const separator = existing.length > 0 && !existing.endsWith('\n') ? '\n' : '';
      appendFileSync(this.path, `${separator}${knownHostName(host, port)} ${formatPublicKey(key)}\n`, { mode: 0o600 });
    } catch (error) {
      if (error instanceof KnownHostsError) throw error;
      throw new KnownHostsError(`Cannot record the host key in ${this.path}: ${(error as Error).message}.`);
    }
  }

  private readText(): string | undefined {
    try {
      return readFileSync(this.path, 'latin1');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new KnownHostsError(`Cannot read the known-hosts file ${this.path}: ${(error as Error).message}.`);
    }
  }

  private read(): Entry[] {
    const text = this.readText();
    if (text === undefined) return [];
    const entries: Entry[] = [];
    text.split('\n').forEach((raw, index) => {
      const line = index + 1;
      const fields = raw.trim().split(/\s+/);
      if (fields[0] === '' || fields[0]!.startsWith('#')) return;
      let marker: Entry['marker'] = '';
      if (fields[0]!.startsWith('@')) {
        const named = fields.shift()!;
        if (named === '@cert-authority') return;
        if (named !== '@revoked') throw new KnownHostsError(`${this.path} line ${line}: unknown marker "${named}" (only @revoked and @cert-authority exist).`);
        marker = '@revoked';
      }
      const [patterns, type, base64] = fields;
      const key = type && base64 ? parsePublicKeyField(type, base64) : undefined;
      if (!patterns || !key) throw new KnownHostsError(`${this.path} line ${line} is not "host key-type base64-key": fix or delete that line.`);
      entries.push({ line, marker, patterns, key });
    });
    return entries;
  }
}

function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) return hashedMatches(patterns, name);
  return patternListMatches(patterns.split(','), (pattern) => wildcardMatches(pattern, name));
}

/** "|1|base64(salt)|base64(HMAC-SHA1(salt, name))" (OpenSSH's HashKnownHosts). */
function hashedMatches(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (!salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}
