import type { Line } from './Line.js';
import { SSH_USER_NAME } from './LineConfig.js';

// Kept apart from SshGateway so that a line can route its own SSH logins without loading
// the SSH library: `revtel serve` loads ssh2 only when an SSH port is asked for.

/** Which line a login name reaches, or why it reaches none. */
export type SshRoute = { readonly line: Line; readonly user: string } | { readonly refusal: string };

/**
 * The Opengear convention on the shared listener: "alice:core-sw1" (a line's name) or
 * "alice:2001" (its TCP port). On a line's own port (`fixed`), the login name is the user.
 */
export function routeLogin(username: string, lines: readonly Line[], fixed?: Line): SshRoute {
  const colon = username.indexOf(':');
  const user = fixed || colon === -1 ? username : username.slice(0, colon);
  if (!SSH_USER_NAME.test(user)) return { refusal: `${JSON.stringify(username.slice(0, 80))}: not a user name (letters, digits, . _ -)` };
  if (fixed) return { line: fixed, user };
  if (colon === -1) return { refusal: `${user} named no line: log in as USER:LINE, the line by name or TCP port (e.g. ${user}:2001)` };
  const target = username.slice(colon + 1).toLowerCase();
  const line = lines.find((candidate) => candidate.config.name.toLowerCase() === target || String(candidate.config.tcpPort) === target);
  return line ? { line, user } : { refusal: `${user} asked for ${JSON.stringify(target.slice(0, 80))}, which is no line here` };
}
