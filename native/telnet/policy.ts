import { Opt } from './codes.js';

/**
 * Which options a side accepts when the peer asks: `local` — we agree to perform it (the
 * peer sends DO, we answer WILL); `remote` — we agree that the peer performs it (the peer
 * sends WILL, we answer DO). Anything not listed is refused (and the refusal traced).
 */
export interface OptionPolicyEntry {
  readonly option: number;
  readonly local: boolean;
  readonly remote: boolean;
}

export type OptionPolicy = readonly OptionPolicyEntry[];

/**
 * A terminal server's line: it echoes and suppresses go-ahead, speaks BINARY both ways
 * when the client agrees, learns the client's window size and terminal type, and serves
 * RFC 2217 to a client that offers COM-PORT-OPTION. LINEMODE is refused.
 */
export const SERVER_POLICY: OptionPolicy = [
  { option: Opt.BINARY, local: true, remote: true },
  { option: Opt.ECHO, local: true, remote: false },
  { option: Opt.SGA, local: true, remote: true },
  { option: Opt.STATUS, local: true, remote: false },
  { option: Opt.TTYPE, local: false, remote: true },
  { option: Opt.NAWS, local: false, remote: true },
  { option: Opt.COM_PORT, local: false, remote: true },
];

/**
 * A terminal user's client, as the BSD client: character-at-a-time with the server
 * echoing, or LINEMODE (RFC 1184) when the server asks; BINARY when offered; terminal
 * type, speed, window size, environment and flow control on request. COM-PORT-OPTION is
 * added by `withOption` when the user asks for RFC 2217.
 */
export const CLIENT_POLICY: OptionPolicy = [
  { option: Opt.BINARY, local: true, remote: true },
  { option: Opt.ECHO, local: false, remote: true },
  { option: Opt.SGA, local: true, remote: true },
  { option: Opt.STATUS, local: false, remote: true },
  { option: Opt.TTYPE, local: true, remote: false },
  { option: Opt.NAWS, local: true, remote: false },
  { option: Opt.TSPEED, local: true, remote: false },
  { option: Opt.LFLOW, local: true, remote: false },
  { option: Opt.LINEMODE, local: true, remote: false },
  { option: Opt.NEW_ENVIRON, local: true, remote: false },
];

/** The policy with one entry added or replaced. */
export function withOption(policy: OptionPolicy, entry: OptionPolicyEntry): OptionPolicy {
  return [...policy.filter((e) => e.option !== entry.option), entry];
}
