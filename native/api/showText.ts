// Text that came from the network (a terminal type, an RFC 2217 signature, an address a
// peer chose) is shown to people in logs, tables and on stderr. Control characters in it
// could retitle or clear a terminal or forge a log line, so they are shown as escapes.

/**
 * C0 and C1 controls, DEL, and the Unicode line separators and direction
 * overrides (which reorder what a person reads) become visible escapes: ESC → "\x1b".
 */
export function showText(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (char) => {
    switch (char) {
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      default: {
        const code = char.charCodeAt(0);
        return code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, '0')}`;
      }
    }
  });
}
