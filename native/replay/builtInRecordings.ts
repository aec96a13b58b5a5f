import type { BUILT_IN_REPLAYS } from '../api/index.js';
import { parseHexCapture, type RecordingChunk, type Speaker } from './Recording.js';

// The negotiations a trainer shows, built in so that a class needs no network. Each is
// the bytes on the wire, cut where the client's trace printed a line, so that the replay
// reads in the order the book (or the real client) printed it.

export interface BuiltInRecording {
  readonly description: string;
  readonly chunks: readonly RecordingChunk[];
}

const said = (from: Speaker, hex: string, text = ''): RecordingChunk => {
  const bytes = parseHexCapture(hex);
  const tail = Uint8Array.from(text, (char) => char.charCodeAt(0));
  const joined = new Uint8Array(bytes.length + tail.length);
  joined.set(bytes);
  joined.set(tail, bytes.length);
  return { from, bytes: joined };
};

export const BUILT_IN_RECORDINGS = {
  'fig26-12': {
    description: 'TCP/IP Illustrated vol. 1, Figure 26.12: the client offers eight options, the server takes TERMINAL-TYPE and SGA, then offers to echo (character at a time).',
    chunks: [
      // Segment 1: eight requests in 24 bytes.
      said('client', 'ff fd 03 ff fb 18 ff fb 1f ff fb 20 ff fb 21 ff fb 22 ff fb 24 ff fd 05'),
      // Segments 3 and 5: DO TERMINAL-TYPE, then seven answers and TERMINAL-TYPE SEND (27 bytes).
      said('server', 'ff fd 18'),
      said('server', 'ff fb 03 ff fe 1f ff fe 20 ff fe 21 ff fe 22 ff fe 24 ff fc 05 ff fa 18 01 ff f0'),
      // Segment 6: the terminal type (12 bytes).
      said('client', 'ff fa 18 00', 'IBMPC3\xff\xf0'),
      // Segments 8 and 9, in the order the client printed them, and segment 10.
      said('server', 'ff fb 01'),
      said('client', 'ff fd 01'),
      said('server', 'ff fd 01', '\r\n\r\nUNIX(r) System V Release 4.0 (svr4)\r\n\r\0\r\n\r\0'),
      said('client', 'ff fc 01'),
      said('server', 'ff fe 01'),
      said('server', '', 'login: '),
    ],
  },
  'ser2net': {
    description: 'What ser2net 4.3.11 sends with telnet(rfc2217), answered by netkit telnet, which does not take COM-PORT-OPTION.',
    chunks: [
      said('server', 'ff fb 03'), said('client', 'ff fd 03'),
      said('server', 'ff fd 03'), said('client', 'ff fb 03'),
      said('server', 'ff fb 01'), said('client', 'ff fd 01'),
      said('server', 'ff fe 01 ff fd 00'), said('client', 'ff fb 00'),
      said('server', 'ff fb 00'), said('client', 'ff fd 00'),
      said('server', 'ff fd 2c'), said('client', 'ff fc 2c'),
      said('server', 'ff fd 03'),
    ],
  },
  'inetutils-linemode': {
    description: 'Debian\'s inetutils telnetd against Revtel\'s client: after the usual options it asks for LINEMODE; the client offers its special characters (SLC), the server sets MODE EDIT|TRAPSIG, then turns LINEMODE off again (the Linux pty has no EXTPROC).',
    // test/fixtures/telnet/inetutils-telnetd-linemode: each command as the client traced it.
    chunks: [
      said('server', 'ff fb 25'),
      said('client', 'ff fe 25'),
      said('server', 'ff fb 26'),
      said('client', 'ff fe 26'),
      said('server', 'ff fd 18'),
      said('client', 'ff fb 18'),
      said('server', 'ff fd 20'),
      said('client', 'ff fb 20'),
      said('server', 'ff fd 23'),
      said('client', 'ff fc 23'),
      said('server', 'ff fd 27'),
      said('client', 'ff fb 27'),
      said('server', 'ff fd 24'),
      said('client', 'ff fc 24'),
      said('server', 'ff fa 20 01 ff f0'),
      said('client', 'ff fa 20 00 33 38 34 30 30 2c 33 38 34 30 30 ff f0'),
      said('server', 'ff fa 27 01 ff f0'),
      said('client', 'ff fa 27 00 00 55 53 45 52 01 74 72 61 69 6e 65 72 ff f0'),
      said('server', 'ff fa 18 01 ff f0'),
      said('client', 'ff fa 18 00 58 54 45 52 4d ff f0'),
      said('server', 'ff fb 03'),
      said('client', 'ff fd 03'),
      said('server', 'ff fd 01'),
      said('client', 'ff fc 01'),
      said('server', 'ff fd 22'),
      said('client', 'ff fb 22'),
      said('client', 'ff fa 22 03 01 00 00 03 62 03 04 02 0f 05 00 00 07 62 1c 08 02 04 09 42 1a 0a 02 7f 0b 02 15 0c 02 17 0d 02 12 0e 02 16 0f 02 11 10 02 13 11 00 00 12 00 00 ff f0'),
      said('server', 'ff fd 1f'),
      said('client', 'ff fb 1f'),
      said('client', 'ff fa 1f 00 64 00 1e ff f0'),
      said('server', 'ff fb 05'),
      said('client', 'ff fd 05'),
      said('server', 'ff fd 21'),
      said('client', 'ff fb 21'),
      said('server', 'ff fa 22 01 03 ff f0'),
      said('client', 'ff fa 22 01 07 ff f0'),
      said('server', '00'),
      said('server', 'ff fa 21 03 ff f0'),
      said('server', '00'),
      said('server', 'ff fb 01'),
      said('client', 'ff fd 01'),
      said('server', 'ff fd 00'),
      said('client', 'ff fb 00'),
      said('server', 'ff fe 22'),
      said('client', 'ff fc 22'),
      said('server', 'ff fa 22 03 03 e2 03 04 82 0f 07 e2 1c 08 82 04 09 c2 1a 0a 82 7f 0b 82 15 0c 82 17 0d 82 12 0e 82 16 0f 82 11 10 82 13 ff f0'),
      said('server', '', "# "),
    ],
  },
} satisfies Record<(typeof BUILT_IN_REPLAYS)[number]['id'], BuiltInRecording>;
