// Telnet command and option codes (RFC 854, 855 and the IANA registry), with the names
// the BSD client prints under `toggle options` and the short names Revtel's UI uses.

/** Telnet commands: the byte after IAC (RFC 854). */
export const Cmd = {
  EOF: 236,
  SUSP: 237,
  ABORT: 238,
  EOR: 239,
  SE: 240,
  NOP: 241,
  DM: 242,
  BRK: 243,
  IP: 244,
  AO: 245,
  AYT: 246,
  EC: 247,
  EL: 248,
  GA: 249,
  SB: 250,
  WILL: 251,
  WONT: 252,
  DO: 253,
  DONT: 254,
  IAC: 255,
} as const;

/** The lowest byte that is a command after IAC; bytes below it are unknown commands. */
export const FIRST_COMMAND = Cmd.EOF;

export type NegotiationVerb = typeof Cmd.WILL | typeof Cmd.WONT | typeof Cmd.DO | typeof Cmd.DONT;

/** Options Revtel implements or names in its traces. */
export const Opt = {
  BINARY: 0,
  ECHO: 1,
  SGA: 3,
  STATUS: 5,
  TM: 6,
  TTYPE: 24,
  EOR: 25,
  NAWS: 31,
  TSPEED: 32,
  LFLOW: 33,
  LINEMODE: 34,
  XDISPLOC: 35,
  ENVIRON: 36,
  AUTHENTICATION: 37,
  ENCRYPT: 38,
  NEW_ENVIRON: 39,
  CHARSET: 42,
  COM_PORT: 44,
} as const;

// Command names as BSD's arpa/telnet.h spells them (telcmds[]): DM is "DMARK" there.
const BSD_COMMAND_NAMES = [
  'EOF', 'SUSP', 'ABORT', 'EOR', 'SE', 'NOP', 'DMARK', 'BRK', 'IP', 'AO',
  'AYT', 'EC', 'EL', 'GA', 'SB', 'WILL', 'WONT', 'DO', 'DONT', 'IAC',
];

const SHORT_COMMAND_NAMES = [
  'EOF', 'SUSP', 'ABORT', 'EOR', 'SE', 'NOP', 'DM', 'BRK', 'IP', 'AO',
  'AYT', 'EC', 'EL', 'GA', 'SB', 'WILL', 'WONT', 'DO', 'DONT', 'IAC',
];

/** BSD's name for a command byte (236–255), or undefined below 236. */
export function bsdCommandName(command: number): string | undefined {
  return BSD_COMMAND_NAMES[command - FIRST_COMMAND];
}

/** The RFC 854 mnemonic for a command byte (236–255), or undefined below 236. */
export function commandName(command: number): string | undefined {
  return SHORT_COMMAND_NAMES[command - FIRST_COMMAND];
}

// Option names as BSD's telopts[] prints them (0–39). Option 36 is OLD-ENVIRON as in
// today's inetutils and netkit clients (the BSD/386 client of Figure 26.12 said ENVIRON).
const BSD_OPTION_NAMES = [
  'BINARY', 'ECHO', 'RCP', 'SUPPRESS GO AHEAD', 'NAME',
  'STATUS', 'TIMING MARK', 'RCTE', 'NAOL', 'NAOP',
  'NAOCRD', 'NAOHTS', 'NAOHTD', 'NAOFFD', 'NAOVTS',
  'NAOVTD', 'NAOLFD', 'EXTEND ASCII', 'LOGOUT', 'BYTE MACRO',
  'DATA ENTRY TERMINAL', 'SUPDUP', 'SUPDUP OUTPUT', 'SEND LOCATION', 'TERMINAL TYPE',
  'END OF RECORD', 'TACACS UID', 'OUTPUT MARKING', 'TTYLOC', '3270 REGIME',
  'X.3 PAD', 'NAWS', 'TSPEED', 'LFLOW', 'LINEMODE',
  'XDISPLOC', 'OLD-ENVIRON', 'AUTHENTICATION', 'ENCRYPT', 'NEW-ENVIRON',
];

// Options registered after BSD's table was frozen (IANA "Telnet Options").
const LATER_OPTION_NAMES: ReadonlyMap<number, string> = new Map([
  [40, 'TN3270E'],
  [41, 'XAUTH'],
  [42, 'CHARSET'],
  [43, 'RSP'],
  [44, 'COM-PORT-OPTION'],
  [45, 'SUPPRESS-LOCAL-ECHO'],
  [46, 'START-TLS'],
  [47, 'KERMIT'],
  [48, 'SEND-URL'],
  [49, 'FORWARD-X'],
  [138, 'PRAGMA-LOGON'],
  [139, 'SSPI-LOGON'],
  [140, 'PRAGMA-HEARTBEAT'],
  [255, 'EXOPL'],
]);

const SHORT_OPTION_NAMES: ReadonlyMap<number, string> = new Map([
  [Opt.SGA, 'SGA'],
  [Opt.TM, 'TM'],
  [Opt.TTYPE, 'TTYPE'],
  [Opt.EOR, 'EOR'],
  [Opt.COM_PORT, 'COM-PORT'],
]);

/** The long option name of the BSD trace, or undefined for an unregistered option. */
export function optionName(option: number): string | undefined {
  return BSD_OPTION_NAMES[option] ?? LATER_OPTION_NAMES.get(option);
}

/** The short option name for the UI ("SGA", "TTYPE"); long names stand where they are short. */
export function shortOptionName(option: number): string | undefined {
  return SHORT_OPTION_NAMES.get(option) ?? optionName(option);
}

export function verbName(verb: NegotiationVerb): 'WILL' | 'WONT' | 'DO' | 'DONT' {
  switch (verb) {
    case Cmd.WILL: return 'WILL';
    case Cmd.WONT: return 'WONT';
    case Cmd.DO: return 'DO';
    case Cmd.DONT: return 'DONT';
  }
}
