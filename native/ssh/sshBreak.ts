// RFC 4335's "break" channel request (OpenSSH's ~B), both ways. ssh2 has no API for it:
// its server answers every request type it does not know with a failure, and its client
// sends only the request types it names. This file reaches into ssh2's internals (its
// protocol object, its packet writer, a channel's numbers and reply callbacks), the one
// place Revtel does. Tests send and take real break requests (OpenSSH's client against
// Revtel's server, Revtel's client against it), so an ssh2 release that moves these names
// fails there; in use, the session then says that BREAK over SSH is unavailable, and
// everything else works.
import type { ClientChannel, Connection, Session } from 'ssh2';

type ChannelRequestHandler = (protocol: unknown, recipient: number, type: string, wantReply: boolean, data: unknown) => void;

interface Ssh2Protocol {
  _handlers?: { CHANNEL_REQUEST?: ChannelRequestHandler };
  channelSuccess(channel: number): void;
  channelFailure(channel: number): void;
  _packetRW?: { write?: { allocStart: number; alloc(size: number): Buffer; finalize(packet: Buffer): Buffer } };
  /** Set while keys are being exchanged: packets wait in _queue meanwhile. */
  _kexinit?: unknown;
  _queue?: Buffer[];
  _cipher?: { encrypt(packet: Buffer): void };
}

interface Ssh2Internals {
  _protocol?: Ssh2Protocol;
}

interface SessionInternals {
  _chanInfo?: { incoming: { id: number }; outgoing: { id: number } };
}

interface ClientChannelInternals {
  _client?: Ssh2Internals;
  outgoing?: { id?: number; state?: string };
  /** One callback per request sent with want-reply, called in order with "failed?". */
  _callbacks?: ((failed: boolean) => void)[];
}

/** SSH_MSG_CHANNEL_REQUEST (RFC 4254). */
const CHANNEL_REQUEST = 98;

/** A break request: its length in milliseconds; the answer says whether a BREAK was sent. */
export type BreakHandler = (lengthMs: number) => boolean;

/**
 * Lets `session` take break requests. False when ssh2's internals are not as expected:
 * the request is then refused as ssh2 refuses it.
 */
export function acceptBreakRequests(connection: Connection, session: Session, onBreak: BreakHandler): boolean {
  const protocol = (connection as unknown as Ssh2Internals)._protocol;
  const handlers = protocol?._handlers;
  const original = handlers?.CHANNEL_REQUEST;
  const channel = (session as unknown as SessionInternals)._chanInfo;
  if (!protocol || !handlers || !original || !channel) return false;
  handlers.CHANNEL_REQUEST = (self, recipient, type, wantReply, data) => {
    if (type !== 'break' || recipient !== channel.incoming.id) {
      original(self, recipient, type, wantReply, data);
      return;
    }
    // uint32 break-length in milliseconds (RFC 4335 §3).
    const lengthMs = Buffer.isBuffer(data) && data.length >= 4 ? data.readUInt32BE(0) : 0;
    const sent = onBreak(lengthMs);
    if (!wantReply) return;
    if (sent) protocol.channelSuccess(channel.outgoing.id);
    else protocol.channelFailure(channel.outgoing.id);
  };
  return true;
}

/**
 * Sends a break request of `lengthMs` on a client's session channel, with want-reply.
 * Resolves true when the server says it sent a BREAK, false when it refused (or the
 * channel closed first); undefined when ssh2's internals are not as expected.
 */
export function requestBreak(channel: ClientChannel, lengthMs: number): Promise<boolean> | undefined {
  const send = breakSender(channel);
  if (!send) return undefined;
  return new Promise((resolve) => send(lengthMs, (failed) => resolve(!failed)));
}

function breakSender(channel: ClientChannel): ((lengthMs: number, onReply: (failed: boolean) => void) => void) | undefined {
  const internals = channel as unknown as ClientChannelInternals;
  const protocol = internals._client?._protocol;
  const writer = protocol?._packetRW?.write;
  const callbacks = internals._callbacks;
  const recipient = internals.outgoing?.id;
  if (!protocol || !writer || !protocol._cipher || !Array.isArray(callbacks) || typeof recipient !== 'number') return undefined;
  return (lengthMs, onReply) => {
    const type = 'break';
    let offset = writer.allocStart;
    // byte CHANNEL_REQUEST, uint32 recipient, string "break", boolean want-reply, uint32 length.
    const packet = writer.alloc(1 + 4 + 4 + type.length + 1 + 4);
    packet[offset] = CHANNEL_REQUEST;
    packet.writeUInt32BE(recipient, offset += 1);
    packet.writeUInt32BE(type.length, offset += 4);
    packet.write(type, offset += 4, 'latin1');
    packet[offset += type.length] = 1;
    packet.writeUInt32BE(lengthMs, offset + 1);
    // The replies come in the order of the requests; ssh2 answers each callback in turn.
    callbacks.push(onReply);
    const finished = writer.finalize(packet);
    // As ssh2's own sendPacket: during a key exchange, packets wait their turn.
    if (protocol._kexinit !== undefined) (protocol._queue ??= []).push(finished);
    else protocol._cipher!.encrypt(finished);
  };
}
