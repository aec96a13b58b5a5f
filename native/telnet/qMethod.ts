// RFC 1143's Q method for one side of one option. A state byte holds the state in its
// low bits and the queue bit above them, so a connection's table is two Uint8Arrays.

export const NO = 0;
export const YES = 1;
export const WANTNO = 2;
export const WANTYES = 3;
const STATE_MASK = 3;
/** The queue bit: while a request is in flight, the user asked for the opposite. */
const OPPOSITE = 4;

export function stateOf(q: number): number {
  return q & STATE_MASK;
}

export interface Transition {
  /** The new state byte. */
  readonly q: number;
  /** What to send: true = WILL/DO, false = WONT/DONT, undefined = nothing. */
  readonly send?: boolean;
  /** Set when the peer broke the protocol (RFC 1143 calls these errors). */
  readonly complaint?: string;
}

/**
 * The peer said WILL/DO (`positive`) or WONT/DONT about this side; `accept` is the
 * policy's answer to an unsolicited positive.
 */
export function receive(q: number, positive: boolean, accept: boolean): Transition {
  const queued = (q & OPPOSITE) !== 0;
  switch (stateOf(q)) {
    case NO:
      if (!positive) return { q };
      return accept ? { q: YES, send: true } : { q: NO, send: false };
    case YES:
      return positive ? { q } : { q: NO, send: false };
    case WANTNO:
      if (positive) {
        // The peer answered our disable with an enable: RFC 1143 takes it as enabled
        // only when the user meanwhile asked for it again.
        const complaint = 'answered a disable request with an enable';
        return queued ? { q: YES, complaint } : { q: NO, complaint };
      }
      return queued ? { q: WANTYES, send: true } : { q: NO };
    case WANTYES:
    default:
      if (positive) return queued ? { q: WANTNO, send: false } : { q: YES };
      return { q: NO };
  }
}

/** Our user asks for the option on (`enable`) or off. No send means nothing to do yet. */
export function request(q: number, enable: boolean): Transition {
  const wanted = enable ? YES : NO;
  switch (stateOf(q)) {
    case NO:
    case YES:
      if (stateOf(q) === wanted) return { q };
      return { q: enable ? WANTYES : WANTNO, send: enable };
    case WANTNO:
      // In flight towards off: queue a turn back on, or cancel a queued one.
      return { q: enable ? WANTNO | OPPOSITE : WANTNO };
    case WANTYES:
    default:
      return { q: enable ? WANTYES : WANTYES | OPPOSITE };
  }
}
