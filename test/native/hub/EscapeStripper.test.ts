import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SessionDto } from '../../../native/api/index.js';
import { EscapeStripper } from '../../../native/hub/EscapeStripper.js';
import { logName } from '../../../native/hub/logName.js';

const OUTPUT = '\x1b]0;core-sw1\x07\x1b[?2004h\x1b[1;32mcore-sw1#\x1b[0m show int\r\n\x1bMGi0/1\tup\x1b]8;;x\x1b\\link\r\n';
const READABLE = 'core-sw1# show int\nGi0/1\tuplink\n';

describe('a log without escape sequences', () => {
  it('keeps the text and drops CSI, OSC and two-byte sequences, however the output is cut', () => {
    const bytes = Buffer.from(OUTPUT, 'latin1');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const stripper = new EscapeStripper();
      const text = Buffer.concat([stripper.strip(bytes.subarray(0, cut)), stripper.strip(bytes.subarray(cut))]).toString('latin1');
      assert.equal(text, READABLE, `cut at ${cut}`);
    }
  });

  it('names a log from a template, safe as one file name', () => {
    const session: SessionDto = { sessionId: 'x', kind: 'telnet', title: 'ts1.lab:2003', state: 'open', host: 'ts1.lab', port: 2003 };
    assert.equal(logName('{host}_{port}-{date}-{time}', session, new Date(2026, 10, 24, 5, 6, 7)), 'ts1.lab_2003-2026-11-24-050607');
    assert.equal(logName('../../{title}', session, new Date()), '__.._ts1.lab_2003', 'no folder, no hidden file');
  });
});
