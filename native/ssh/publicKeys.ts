// SSH public keys as the wire carries them (RFC 4253 §6.6: string type, then the key's
// fields) and as people compare them: OpenSSH's "SHA256:" fingerprint and a short type name.
import { createHash } from 'node:crypto';

export interface PublicKey {
  /** The key's algorithm as named on the wire: ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256. */
  readonly type: string;
  /** The whole public key blob, the part a known_hosts or authorized_keys line holds in base64. */
  readonly blob: Buffer;
}

/** The public key in an SSH key blob, or undefined when the blob does not start with its type. */
export function publicKeyFromBlob(blob: Buffer): PublicKey | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > blob.length) return undefined;
  const type = blob.subarray(4, 4 + length).toString('latin1');
  if (!/^[\x21-\x7e]+$/.test(type)) return undefined;
  return { type, blob };
}

/** As OpenSSH prints it: SHA256, base64 without padding. */
export function fingerprint(key: PublicKey): string {
  return `SHA256:${createHash('sha256').update(key.blob).digest('base64').replace(/=+$/, '')}`;
}

/** ED25519, RSA, ECDSA…: the name OpenSSH uses in its messages. */
export function keyTypeName(type: string): string {
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type === 'ssh-rsa' || type.startsWith('rsa-sha2-')) return 'RSA';
  if (type.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (type === 'ssh-dss') return 'DSA';
  return type;
}

/** "ED25519 SHA256:…", the way a person is shown a key. */
export function describeKey(key: PublicKey): string {
  return `${keyTypeName(key.type)} ${fingerprint(key)}`;
}

/** The "type base64" part of a known_hosts or authorized_keys line. */
export function formatPublicKey(key: PublicKey): string {
  return `${key.type} ${key.blob.toString('base64')}`;
}

/** A key from its base64 field; undefined when it is not base64 or names another type. */
export function parsePublicKeyField(type: string, base64: string): PublicKey | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  const key = publicKeyFromBlob(Buffer.from(base64, 'base64'));
  return key && key.type === type ? key : undefined;
}
