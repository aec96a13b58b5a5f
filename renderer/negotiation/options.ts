import type { Party } from './parties.js';

// What each option Revtel names means, in words a class can follow. `owner` is the side
// that would do the thing: the sender of WILL/WONT, the receiver of DO/DONT (RFC 854).

export interface OptionWords {
  /** An infinitive for the owner while the option is on: "echo back the characters it receives". */
  readonly act: (owner: Party, other: Party) => string;
  /** What changes, on screen or on the wire, once it is on. */
  readonly on?: (owner: Party, other: Party) => string | undefined;
  /** An infinitive for turning it off, where "no longer" + `act` would be a double negative. */
  readonly undo?: string;
  /** What stays so when it is refused or turned off. */
  readonly off?: (owner: Party, other: Party) => string | undefined;
}

const fixed = (text: string) => (): string => text;

export const OPTION_WORDS: Readonly<Record<string, OptionWords>> = {
  BINARY: {
    act: fixed('send 8-bit binary data, without the NVT translation of carriage returns'),
    on: (owner) => `bytes from ${owner.name} now arrive exactly as sent, all 8 bits (as UTF-8, Latin-1 and file transfers need)`,
    off: (owner) => `${owner.name} keeps to NVT ASCII: text with CR LF line ends`,
  },
  ECHO: {
    act: fixed('echo back the characters it receives'),
    on: (owner) => (owner.role === 'server'
      ? `your characters now come back from ${owner.name}: what you see on screen is its echo, not your own typing`
      : `${owner.name} sends back whatever it is sent`),
    off: (owner) => (owner.role === 'server' ? 'the client goes on echoing what you type itself' : undefined),
  },
  SGA: {
    act: fixed('stop sending GO AHEAD after its output (suppress go-ahead)'),
    undo: 'send GO AHEAD after its output again',
    on: (owner) => (owner.role === 'server'
      ? `the line is full duplex: with ${owner.name} also echoing, each key goes to it as you type it (character at a time)`
      : `${owner.name} will not send GO AHEAD either: the line is full duplex both ways`),
    off: (owner) => (owner.role === 'server'
      ? 'the client works a line at a time (kludge line mode): it echoes and edits each line itself and sends it on Enter'
      : `${owner.name} may send GO AHEAD, which few clients ever do`),
  },
  STATUS: {
    act: fixed('report, when asked, which options it believes are in force'),
    on: (_owner, other) => `${other.name} may now ask with SB STATUS SEND`,
  },
  TTYPE: {
    act: fixed('tell its terminal type'),
    on: (_owner, other) => `${other.name} will ask for it with SB TTYPE SEND`,
    off: fixed('programs on the server do not learn the terminal type and may treat it as a dumb terminal'),
  },
  EOR: {
    act: fixed('mark the end of each record, such as a prompt, with IAC EOR'),
  },
  NAWS: {
    act: fixed('tell its window size'),
    on: (owner) => `${owner.name} sends its size now (SB NAWS) and again whenever the window is resized, so full-screen programs fit the window`,
    off: fixed('programs on the server do not learn the window size and assume one, often 80×24'),
  },
  TSPEED: {
    act: fixed('tell its terminal speed'),
    on: (_owner, other) => `${other.name} will ask for it with SB TSPEED SEND`,
  },
  LFLOW: {
    act: (_owner, other) => `handle Ctrl-S and Ctrl-Q (XON/XOFF flow control) itself, switched on and off by ${other.name}`,
    on: (owner, other) => `${other.name} can now tell ${owner.name} with SB LFLOW ON or OFF where Ctrl-S and Ctrl-Q take effect`,
    off: fixed('Ctrl-S and Ctrl-Q go to the server like any other key'),
  },
  LINEMODE: {
    act: fixed('edit each line itself and send whole lines (real line mode, RFC 1184)'),
    on: (_owner, other) => `${other.name} now sets the details with SB LINEMODE MODE`,
    off: fixed('there is no real line mode: ECHO and SGA decide between character at a time and kludge line mode'),
  },
  XDISPLOC: {
    act: fixed('tell its X display location (RFC 1096)'),
    on: (_owner, other) => `${other.name} will ask for it with SB XDISPLOC SEND`,
  },
  'OLD-ENVIRON': {
    act: fixed('send environment variables such as USER and DISPLAY (the older ENVIRON option, RFC 1408)'),
  },
  'NEW-ENVIRON': {
    act: fixed('send environment variables such as USER (NEW-ENVIRON, RFC 1572)'),
    on: (_owner, other) => `${other.name} will ask for them with SB NEW-ENVIRON SEND`,
  },
  AUTHENTICATION: {
    act: fixed('take part in authentication (RFC 2941: Kerberos or SRA instead of a typed password)'),
    off: fixed('the user logs in at the server\'s ordinary login prompt'),
  },
  ENCRYPT: {
    act: fixed('encrypt the data it sends (RFC 2946)'),
    off: fixed('the session stays unencrypted, as plain telnet is'),
  },
  CHARSET: {
    act: fixed('agree on a character set such as UTF-8 (RFC 2066)'),
  },
  'COM-PORT': {
    act: (_owner, other) => `control the serial port at ${other.name}'s end (RFC 2217: baud rate, data bits, parity, stop bits, DTR, RTS, BREAK)`,
    on: (owner) => `${owner.name} can now set the port with SB COM-PORT commands`,
    off: fixed('the serial port keeps the settings the server gave it'),
  },
};

/** The options with words of their own; TIMING-MARK has sentences of its own (it is a question, not a mode). */
export const EXPLAINED_OPTIONS = [...Object.keys(OPTION_WORDS), 'TM'];

/** An option Revtel only knows by name or number. */
export function unknownOption(option: string): OptionWords {
  return { act: fixed(`use option ${option}, which Revtel does not implement`) };
}

/** Commands other than negotiation: IAC x. */
export const COMMAND_WORDS: Readonly<Record<string, (sender: Party, receiver: Party) => string>> = {
  AYT: (_sender, receiver) => `"Are you there?": ${receiver.name} should answer with something visible, such as "[yes]"`,
  BRK: (sender) => (sender.role === 'client'
    ? 'BREAK: a terminal server turns it into a serial BREAK (on a Cisco router during boot, that drops it to ROMMON)'
    : 'BREAK, the attention key of old terminals (RFC 854)'),
  IP: fixed('Interrupt Process: stop the program that is running, like Ctrl-C'),
  AO: fixed('Abort Output: throw away the output still on its way to the screen'),
  EC: fixed('Erase Character: delete the last character typed'),
  EL: fixed('Erase Line: delete the line being typed'),
  NOP: fixed('No Operation: nothing to do, often sent to keep the connection alive'),
  DM: fixed('Data Mark: the end of an urgent Synch; what came before it may be skipped'),
  GA: (_sender, receiver) => `Go Ahead: ${receiver.name} may send now (half-duplex turn-taking)`,
  EOR: fixed('End of Record: the end of a prompt or record'),
  EOF: fixed('End of File, like Ctrl-D'),
  SUSP: fixed('Suspend: stop the running program for now, like Ctrl-Z'),
  ABORT: fixed('Abort: end the running program, like Ctrl-\\'),
  SE: fixed('the end of a subnegotiation that never began: a protocol error'),
};
