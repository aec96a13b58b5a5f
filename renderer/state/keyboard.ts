import type { EnterSends } from './store.js';

// What typing and pasting send: Enter as the user chose, text in the tab's encoding.

const ENTER: Record<EnterSends, string> = { CR: '\r', LF: '\n', CRLF: '\r\n' };

/** xterm.js reports Enter as CR; it becomes CR, LF or CR LF. */
export function translateEnter(text: string, enterSends: EnterSends): string {
  return enterSends === 'CR' ? text : text.replace(/\r/g, ENTER[enterSends]);
}

export function encodeText(text: string, encoding: 'utf-8' | 'latin1'): Uint8Array {
  if (encoding === 'utf-8') return new TextEncoder().encode(text);
  return Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
}

export function decodeBytes(bytes: Uint8Array, encoding: 'utf-8' | 'latin1'): string {
  if (encoding === 'utf-8') return new TextDecoder().decode(bytes);
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
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
