// RFC 4335's "break" channel request (OpenSSH's ~B), which ssh2's server does not pass
// on: it answers every request type it does not know with a failure. This reaches into
// ssh2's connection object (its protocol handlers and a session's channel numbers), the
// one place Revtel does. The SSH server test sends a real ~B with OpenSSH's client, so an
// ssh2 release that moves these names fails there; in use, the session then says that
// BREAK over SSH is unavailable, and everything else works.
import type { Connection, Session } from 'ssh2';

type ChannelRequestHandler = (protocol: unknown, recipient: number, type: string, wantReply: boolean, data: unknown) => void;

interface Ssh2Internals {
  _protocol?: {
    _handlers?: { CHANNEL_REQUEST?: ChannelRequestHandler };
    channelSuccess(channel: number): void;
    channelFailure(channel: number): void;
  };
}

interface SessionInternals {
  _chanInfo?: { incoming: { id: number }; outgoing: { id: number } };
}

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
