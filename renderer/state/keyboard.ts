import type { EnterSends } from './store.js';

// What typing and pasting send: Enter as the user chose, text in the tab's encoding.

const ENTER: Record<EnterSends, string> = { CR: '\r', LF: '\n', CRLF: '\r\n' };

/** xterm.js reports Enter as CR; it becomes CR, LF or CR LF. */
export function translateEnter(text: string, enterSends: EnterSends): string {
  return enterSends === 'CR' ? text : text.replace(/\r/g, ENTER[enterSends]);
}

export function encodeText(text: string, encoding: 'utf-8' | 'latin1'): Uint8Array {
  if (encoding === 'utf-8') return new TextEncoder().encode(text);
  // A character Latin-1 has no byte for goes out as "?", not as some other character's byte.
  return Uint8Array.from(text, (char) => (char.charCodeAt(0) <= 0xff ? char.charCodeAt(0) : 0x3f));
}

/**
 * A session's output as text, chunk after chunk: a UTF-8 character cut between two chunks
 * (batches end wherever 5 ms or 256 KiB end) comes out whole, not as two U+FFFD.
 */
export class OutputDecoder {
  private utf8 = new TextDecoder();

  decode(bytes: Uint8Array, encoding: 'utf-8' | 'latin1'): string {
    if (encoding === 'utf-8') return this.utf8.decode(bytes, { stream: true });
    // A switch to Latin-1 drops a half character left from UTF-8.
    this.utf8 = new TextDecoder();
    return latin1(bytes);
  }
}

// ISO 8859-1 itself: TextDecoder's "latin1" is windows-1252, which gives 0x80–0x9F other meanings.
function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let start = 0; start < bytes.length; start += 8192) text += String.fromCharCode(...bytes.subarray(start, start + 8192));
  return text;
}

/** A paste split into the lines to send one by one, each ending with the chosen Enter. */
export function pasteLines(text: string, enterSends: EnterSends): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, index) => (index < lines.length - 1 || text.endsWith('\n') || text.endsWith('\r') ? line + ENTER[enterSends] : line));
}

/** "00000000  41 42 0d 0a                                      AB.." — for the hex view. */
export function hexDump(bytes: Uint8Array, offset: number): string {
  let out = '';
  for (let line = 0; line < bytes.length; line += 16) {
    const row = bytes.subarray(line, line + 16);
    const hex = [...row].map((byte) => byte.toString(16).padStart(2, '0')).join(' ').padEnd(47);
    const text = [...row].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
    out += `${(offset + line).toString(16).padStart(8, '0')}  ${hex}  ${text}\r\n`;
  }
  return out;
}
