import type { TraceEntryDto } from '../../native/api/index.js';

// One sentence per trace line, for trainers: what the command asks and what follows.

const MEANINGS: Record<string, string> = {
  BINARY: 'send 8-bit binary data instead of NVT ASCII',
  ECHO: 'echo back the characters it receives',
  SGA: 'suppress go-ahead, so that the line is full duplex and characters go one at a time',
  STATUS: 'report the state of the options on request',
  TM: 'mark the point in the data stream it has reached (a timing mark)',
  TTYPE: 'say which terminal type it is',
  EOR: 'mark the end of each record',
  NAWS: 'report its window size',
  TSPEED: 'report its terminal speed',
  LFLOW: 'let the other side switch XON/XOFF flow control',
  LINEMODE: 'edit lines locally (real line mode)',
  'NEW-ENVIRON': 'send environment variables such as USER',
  ENVIRON: 'send environment variables (the old option)',
  CHARSET: 'agree on a character set',
  'COM-PORT': 'control a remote serial port (RFC 2217: baud, parity, DTR, BREAK)',
};

const NOTES: Record<string, string> = {
  'WILL ECHO': ' When the other side agrees (DO ECHO), typed characters are not echoed locally any more.',
  'DO ECHO': ' Agreeing means the server echoes what is typed, so the client stops echoing locally.',
  'WILL SGA': ' With SGA on both ways and the server echoing, the client sends each key as it is typed.',
  'WONT SGA': ' Without SGA the client falls back to line mode: it edits each line locally and sends it on Enter.',
  'DO NAWS': ' The client answers with its size (IAC SB NAWS) and again whenever the window is resized.',
  'DO TTYPE': ' The server will then ask with SB TTYPE SEND.',
};

const COMMANDS: Record<string, string> = {
  AYT: '"Are you there?" — the other side should answer with something visible.',
  BRK: 'BREAK: a terminal server turns it into a serial break (Cisco: drop to ROMMON during boot).',
  IP: 'Interrupt process, like Ctrl-C.',
  AO: 'Abort output: discard what is still buffered for the screen.',
  EC: 'Erase the last character.',
  EL: 'Erase the current line.',
  NOP: 'No operation (often a keep-alive).',
  DM: 'Data mark: the end of an urgent Synch.',
  GA: 'Go ahead: your turn to send (half-duplex).',
  EOR: 'End of record.',
  EOF: 'End of file.',
  SUSP: 'Suspend the current process.',
  ABORT: 'Abort the current process.',
  SE: 'End of a subnegotiation, seen on its own: a protocol error.',
};

export function explain(entry: TraceEntryDto): string {
  const who = entry.direction === 'SENT' ? 'Revtel' : 'The peer';
  const body = entry.short.replace(/^(SENT|RCVD) /, '');
  const negotiation = /^(WILL|WONT|DO|DONT) (\S+)$/.exec(body);
  if (negotiation) {
    const [, verb, option] = negotiation as unknown as [string, string, string];
    const meaning = MEANINGS[option] ?? `use option ${option}`;
    const sentence = {
      WILL: `${who} offers (or agrees) to ${meaning}.`,
      WONT: `${who} will not (or will no longer) ${meaning}.`,
      DO: `${who} asks the other side to ${meaning} (or agrees that it should).`,
      DONT: `${who} tells the other side not to ${meaning}.`,
    }[verb as 'WILL' | 'WONT' | 'DO' | 'DONT'];
    return sentence + (NOTES[`${verb} ${option}`] ?? '');
  }
  const command = /^IAC (\S+)$/.exec(body);
  if (command) return `${who} sends ${command[1]}. ${COMMANDS[command[1]!] ?? 'An unknown command.'}`;
  if (body.startsWith('SB TTYPE SEND')) return `${who} asks for the terminal type.`;
  if (body.startsWith('SB TTYPE IS')) return `${who} says its terminal type is ${body.slice('SB TTYPE IS '.length)}.`;
  if (body.startsWith('SB NAWS')) return `${who} reports its window size (width, then height).`;
  if (body.startsWith('SB COM-PORT')) return `${who} sends an RFC 2217 serial-port command: ${body.slice('SB COM-PORT '.length)}.`;
  if (body.startsWith('SB STATUS')) return `${who} ${body.includes('SEND') ? 'asks for' : 'reports'} the state of every option.`;
  return `${who} sends a subnegotiation.`;
}
