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

/** The parts of a KeyboardEvent the shortcuts look at. */
export interface KeyPress {
  readonly type: string;
  readonly key: string;
  readonly code?: string;
  readonly ctrlKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
  readonly metaKey: boolean;
}

/**
 * Copy and paste as terminal users expect: Ctrl+C copies when text is selected and is ^C
 * otherwise; Ctrl+Shift+C / Ctrl+Shift+V always copy / paste (never reach the device);
 * Shift+Insert pastes. On macOS Cmd+C / Cmd+V, and Ctrl+C is always ^C.
 */
export function clipboardKey(press: KeyPress, hasSelection: boolean, mac: boolean): 'copy' | 'paste' | 'pass' {
  if (press.type !== 'keydown' || press.altKey) return 'pass';
  const key = press.key.toLowerCase();
  if (mac) {
    if (press.metaKey && !press.ctrlKey && key === 'c') return 'copy';
    if (press.metaKey && !press.ctrlKey && key === 'v') return 'paste';
    return 'pass';
  }
  if (press.ctrlKey && press.shiftKey && key === 'c') return 'copy';
  if (press.ctrlKey && press.shiftKey && key === 'v') return 'paste';
  if (press.ctrlKey && !press.shiftKey && key === 'c' && hasSelection) return 'copy';
  if (press.shiftKey && !press.ctrlKey && press.key === 'Insert') return 'paste';
  return 'pass';
}

export type TabShortcut =
  | { readonly kind: 'next' | 'previous' | 'close' | 'new' }
  | { readonly kind: 'goto'; readonly index: number };

/**
 * Tab shortcuts, all with Ctrl+Shift (Cmd+Shift on macOS): a console never sees those, since
 * a terminal sends the same control byte with or without Shift. Left/Right or PageUp/PageDown
 * switch, 1–9 go to a tab, T opens a telnet session, W closes the tab (in a browser, Ctrl+Shift+T
 * and W belong to the browser; Alt+Shift+T and W do the same there).
 */
export function tabShortcut(press: KeyPress, mac: boolean): TabShortcut | undefined {
  if (press.type !== 'keydown' || !press.shiftKey) return undefined;
  const primary = mac ? press.metaKey && !press.ctrlKey : press.ctrlKey && !press.metaKey;
  const alternative = press.altKey && !press.ctrlKey && !press.metaKey;
  if (!primary && !alternative) return undefined;
  if (primary && press.altKey) return undefined;
  const digit = /^Digit([1-9])$/.exec(press.code ?? '');
  if (digit) return { kind: 'goto', index: Number(digit[1]) - 1 };
  switch (press.key) {
    case 'ArrowRight': case 'PageDown': return { kind: 'next' };
    case 'ArrowLeft': case 'PageUp': return { kind: 'previous' };
  }
  switch (press.key.toLowerCase()) {
    case 't': return { kind: 'new' };
    case 'w': return { kind: 'close' };
  }
  return undefined;
}

/** Whether a paste is more than one line, and how many lines it sends. */
export function pasteLineCount(text: string): number {
  return text.replace(/\r?\n$/, '').split(/\r?\n/).length;
}
