import { isIPv4, isIPv6 } from 'node:net';

// --allow CIDR lists: "10.0.0.0/8", "192.168.1.7", "::1", "fd00::/8". IPv4-mapped IPv6
// addresses (::ffff:10.1.2.3, as Node reports IPv4 clients of a dual-stack listener) match
// IPv4 rules.

export interface Cidr {
  readonly text: string;
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
}

export class AccessListError extends Error {
  override readonly name = 'AccessListError';
}

export function parseCidr(text: string): Cidr {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
  if (!family || rest.length > 0) throw new AccessListError(`"${text}" is not an address or CIDR range (e.g. 192.168.1.0/24 or ::1)`);
  const bits = family === 4 ? 32 : 128;
  // "10.0.0.0/" must not read as /0, which would admit every address.
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) throw new AccessListError(`"${text}": the prefix length must be 0–${bits}`);
  return { text, family, network: mask(toBigInt(address, family), prefix, bits), prefix };
}

/** Whether a peer address is allowed; an empty list allows everyone. */
export function isAllowed(address: string, allow: readonly Cidr[]): boolean {
  if (allow.length === 0) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const peer = mapped ? mapped[1]! : address;
  const family = isIPv4(peer) ? 4 : isIPv6(peer) ? 6 : undefined;
  if (!family) return false;
  const value = toBigInt(peer, family);
  const bits = family === 4 ? 32 : 128;
  return allow.some((cidr) => cidr.family === family && mask(value, cidr.prefix, bits) === cidr.network);
}

function mask(value: bigint, prefix: number, bits: number): bigint {
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}

function toBigInt(address: string, family: 4 | 6): bigint {
  if (family === 4) return address.split('.').reduce((sum, part) => (sum << 8n) | BigInt(Number(part)), 0n);
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string): string[] => (part ? part.split(':') : []);
  let tailGroups = groups(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const last = tailGroups[tailGroups.length - 1] ?? '';
  if (isIPv4(last)) {
    const v4 = toBigInt(last, 4);
    tailGroups = [...tailGroups.slice(0, -1), (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
  }
  const headGroups = groups(head);
  const missing = address.includes('::') ? 8 - headGroups.length - tailGroups.length : 0;
  const all = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return all.reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group || '0', 16)), 0n);
}
