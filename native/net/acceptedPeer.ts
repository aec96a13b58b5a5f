import type { Socket } from 'node:net';

// Who is at the other end of a connection a listener has just accepted, read once, there.
// Node asks the kernel (getpeername), which has no answer for a connection its peer reset
// while it waited in the accept queue — a port scanner, a client that gave up on a loaded
// server. Such a connection has nobody left to answer, log or count against a limit.

export interface Peer {
  /** "192.0.2.7" */
  readonly host: string;
  /** "192.0.2.7:51234" */
  readonly address: string;
}

/** The peer of a connection just accepted; undefined when it reset before it was accepted. */
export function acceptedPeer(socket: Socket): Peer | undefined {
  const { remoteAddress: host, remotePort: port } = socket;
  if (host === undefined || port === undefined) return undefined;
  return { host, address: `${host}:${port}` };
}
