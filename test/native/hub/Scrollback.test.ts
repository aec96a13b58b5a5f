import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Scrollback } from '../../../native/hub/Scrollback.js';

const text = (scrollback: Scrollback): string => Buffer.from(scrollback.contents()).toString('latin1');
const bytes = (value: string): Uint8Array => Buffer.from(value, 'latin1');

describe('a session scrollback', () => {
  it('keeps the last lines up to the line limit, starting at a line start', () => {
    const scrollback = new Scrollback({ maxLines: 3, maxBytes: 1 << 20 });
    for (let n = 1; n <= 10; n++) scrollback.append(bytes(`line ${n}\r\n`));
    assert.equal(text(scrollback), 'line 8\r\nline 9\r\nline 10\r\n');
    assert.equal(scrollback.end, 'line N\r\n'.length * 9 + 'line 10\r\n'.length);
  });

  it('cuts inside one large chunk at the first line start past the excess', () => {
    const scrollback = new Scrollback({ maxLines: 100, maxBytes: 20 });
    scrollback.append(bytes('aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc\n'));
    assert.equal(text(scrollback), 'cccccccccc\n');
  });

  it('keeps to the byte limit when the output has no line feeds at all', () => {
    const scrollback = new Scrollback({ maxLines: 100, maxBytes: 1000 });
    for (let n = 0; n < 50; n++) scrollback.append(new Uint8Array(300).fill(0x41 + (n % 26)));
    const kept = scrollback.contents();
    assert.equal(kept.length, 1000);
    assert.equal(scrollback.end, 15_000);
    // The newest bytes are the ones kept.
    assert.equal(kept.at(-1), 0x41 + (49 % 26));
  });

  it('keeps a copy: a buffer the session reuses does not change what is kept', () => {
    const scrollback = new Scrollback({ maxLines: 10, maxBytes: 100 });
    const buffer = bytes('first\n');
    scrollback.append(buffer);
    buffer.fill(0x58);
    assert.equal(text(scrollback), 'first\n');
  });
});
