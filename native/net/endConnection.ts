import type { Duplex } from 'node:stream';

// Every listener (a line's telnet port, the UI server) closes the connections it will not
// serve through here. A peer may reset at any moment — before, during or after our last
// words — and a socket without an 'error' listener turns that reset into the end of the
// process; one that never reads would hold a half-closed socket for ever.

/** How long a closing peer has to take our last words before the socket is destroyed. */
export const CLOSE_DEADLINE_MS = 2000;

/**
 * Ends a connection: from the call on, this owns the socket until it is gone. The error
 * listener comes first, then the last words, then end, and destroy once `deadlineMs` passes.
 */
export function endConnection(socket: Duplex, lastWords?: string | Uint8Array, deadlineMs = CLOSE_DEADLINE_MS): void {
  socket.on('error', () => {
    // A reset peer is simply gone; 'close' follows.
  });
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), deadlineMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  // Nothing it sends now is read: let it drain, so that its FIN (or reset) is seen.
  socket.removeAllListeners('data');
  socket.resume();
  if (lastWords !== undefined && socket.writable) socket.end(lastWords);
  else socket.end();
}
