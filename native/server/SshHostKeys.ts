// The SSH server's identity: an Ed25519 key, and an RSA key for clients too old for
// Ed25519, made once on first start and kept in the data folder, private to the user.
// A key is never made again behind the user's back: clients would see a changed host key,
// the warning that is meant to stop them. Anything wrong with the files is a start error.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';
import { describeKey, publicKeyFromBlob, type PublicKey } from '../ssh/publicKeys.js';

export interface HostKey {
  readonly path: string;
  /** The private key as ssh2's server takes it (OpenSSH format). */
  readonly privateKey: Buffer;
  readonly publicKey: PublicKey;
  /** "ED25519 SHA256:…", for the start-up log and the UI. */
  readonly description: string;
}

export class HostKeyError extends Error {}

const KEY_FILES = [
  { file: 'ssh_host_ed25519_key', make: () => ssh2.utils.generateKeyPairSync('ed25519') },
  { file: 'ssh_host_rsa_key', make: () => ssh2.utils.generateKeyPairSync('rsa', { bits: 3072 }) },
] as const;

/**
 * The host keys in `dir`: made when none of them exists (first start), read otherwise.
 * `made` says whether they were made now, so that the caller can say so.
 */
export function loadHostKeys(dir: string): { keys: HostKey[]; made: boolean } {
  const paths = KEY_FILES.map(({ file }) => join(dir, file));
  const present = paths.filter(exists);
  if (present.length === 0) {
    makeHostKeys(dir);
    return { keys: paths.map(readHostKey), made: true };
  }
  const missing = paths.find((path) => !present.includes(path));
  if (missing) {
    throw new HostKeyError(`The SSH host key ${missing} is missing while ${present[0]} is there: restore it from a backup, or delete all of ${paths.join(', ')} to make new keys (every client will then warn that the host key changed).`);
  }
  return { keys: paths.map(readHostKey), made: false };
}

function makeHostKeys(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const { file, make } of KEY_FILES) {
      const pair = makeReadablePair(make);
      // 'wx': never over a file that appeared meanwhile; 0600 from the start, not after.
      writeFileSync(join(dir, file), pair.private, { mode: 0o600, flag: 'wx' });
      writeFileSync(join(dir, `${file}.pub`), `${pair.public.trim()}\n`, { mode: 0o644, flag: 'wx' });
      chmodSync(join(dir, file), 0o600);
    }
  } catch (error) {
    throw new HostKeyError(`Cannot make the SSH host keys in ${dir}: ${(error as Error).message}.`);
  }
}

// ssh2's generator now and then writes a broken Ed25519 key (about 1 in 200 here; its own
// parser and OpenSSH's ssh-keygen both refuse it): such a key would fail every later start,
// so it is made again before anything is written. Bounded, so a generator that never works is an error.
const MAKE_ATTEMPTS = 10;

function makeReadablePair(make: () => { private: string; public: string }): { private: string; public: string } {
  for (let attempt = 0; attempt < MAKE_ATTEMPTS; attempt++) {
    const pair = make();
    if (parsePrivateKey(Buffer.from(pair.private))) return pair;
  }
  throw new Error(`ssh2 made ${MAKE_ATTEMPTS} keys it cannot read back`);
}

function parsePrivateKey(text: Buffer): ParsedKey | undefined {
  const parsed = ssh2.utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return key && !(key instanceof Error) && key.isPrivateKey() ? key : undefined;
}

function readHostKey(path: string): HostKey {
  let text: Buffer;
  try {
    if (process.platform !== 'win32') {
      const mode = statSync(path).mode & 0o777;
      if ((mode & 0o077) !== 0) {
        throw new HostKeyError(`The SSH host key ${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 ${path}.`);
      }
    }
    text = readFileSync(path);
  } catch (error) {
    if (error instanceof HostKeyError) throw error;
    throw new HostKeyError(`The SSH host key ${path} cannot be read: ${(error as Error).message}.`);
  }
  const key = parsePrivateKey(text);
  const publicKey = key ? publicKeyFromBlob(key.getPublicSSH()) : undefined;
  if (!publicKey) {
    throw new HostKeyError(`The SSH host key ${path} is not a private key Revtel can read: restore it from a backup (making a new one makes every client warn that the host key changed).`);
  }
  return { path, privateKey: text, publicKey, description: describeKey(publicKey) };
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new HostKeyError(`The SSH host key ${path} cannot be read: ${(error as Error).message}.`);
  }
}
