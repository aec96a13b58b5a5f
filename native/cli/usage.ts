// What each command takes, for `revtel help`, `revtel COMMAND --help` and the usage line
// after a mistake. Kept apart from the commands so that help loads none of them.

const SERVE_USAGE = `revtel serve --line TCPPORT:DEVICE[:SETTINGS] … [--bind ADDR] [--protocol telnet|raw]
             [--multi exclusive|kick|shared|spectate] [--max-clients N] [--allow CIDR …]
             [--password-file FILE] [--idle-timeout SECONDS] [--banner TEXT] [--log-dir DIR]
             [--config FILE] [--demo] [--ui [PORT]] [--ui-bind ADDR] [--ui-token-file FILE]
             [--ssh [ADDR:]PORT] [--authorized-keys FILE] [--data-dir DIR]
  Serves each serial device as telnet on its TCP port (2001 → line 1), on 127.0.0.1 unless
  --bind says otherwise. --ssh adds one SSH listener for every line: ssh -p PORT
  USER:LINE@host, the line by name or TCP port; keys from --authorized-keys (%u in the
  path: a file per user), passwords from --password-file. The host keys are made once in
  --data-dir (~/.local/share/revtel). --demo adds a simulated router console on port 2001. --ui serves
  the Revtel UI to a browser (port 8020 by default) and prints the URL with its token;
  --ui-token-file keeps that token in FILE (made 0600 on the first run, reused after).
  SIGHUP rereads the config file; lines whose settings did not change keep their sessions.`;

const TELNET_USAGE = `revtel telnet HOST [PORT] [--trace] [--term TYPE] [--raw] [--negotiate auto|always|passive|never]
             [-l USER] [--env NAME=VALUE]... [--size COLSxROWS] [--crlf] [-e CHAR]
             [--rfc2217 SETTINGS] [--reconnect] [--linger MS]
  Standard input goes to the connection and the connection to standard output. Ctrl-] (or
  -e CHAR) opens the telnet> prompt; 'help' there lists its commands. --trace prints the
  negotiation on standard error as the BSD client's 'toggle options' does; Revtel's own
  messages there start with 'revtel:'. Exit status: 0 closed, 2 usage, 3 could not
  connect, 4 connection lost.`;

export const COMMAND_USAGE = {
  serve: SERVE_USAGE,
  telnet: TELNET_USAGE,
  ports: `revtel ports [--json]
  Lists the serial ports with their names, USB IDs, serial numbers and chips.`,
  'demo-device': `revtel demo-device PATH [SETTINGS]
  Runs the demo router console on a serial device (e.g. one end of a socat pty pair);
  exits 4 if the device goes away. REVTEL_DEMO_BOOT_STEP_MS sets its boot's pace.`,
  'hash-password': `revtel hash-password
  Asks for a password (without echo on a terminal, or reads one line from a pipe) and
  prints its hash for a --password-file.`,
  decode: `revtel decode [--hex] [--short] [FILE|-]
  Prints the telnet commands in a capture of what one peer sent, as the BSD client's
  'toggle options' does.`,
} as const;

export type CommandName = keyof typeof COMMAND_USAGE;
