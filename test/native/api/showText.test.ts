import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { showText } from '../../../native/api/showText.js';

describe('text from the network, shown to a person', () => {
  it('shows control characters, line breaks and direction overrides as escapes, and leaves the rest', () => {
    assert.equal(showText('\x1b]0;pwned\x07\x1b[2J\r\nFORGED\t\x00\x7f\x9b'), '\\x1b]0;pwned\\x07\\x1b[2J\\r\\nFORGED\\t\\x00\\x7f\\x9b');
    assert.equal(showText('admin\u202egnp.exe\u2028x'), 'admin\\u202egnp.exe\\u2028x');
    assert.equal(showText('XTERM-256COLOR café 10.0.0.7:5123 C:\\dev'), 'XTERM-256COLOR café 10.0.0.7:5123 C:\\dev');
  });
});
