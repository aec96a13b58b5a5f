import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EscapeReader, type EscapeAction } from '../../../native/cli/EscapeReader.js';

const show = (actions: EscapeAction[]): string[] =>
  actions.map((action) => {
    switch (action.kind) {
      case 'session': return `session ${Buffer.from(action.bytes).toString('latin1')}`;
      case 'echo': return `echo ${JSON.stringify(Buffer.from(action.bytes).toString('latin1'))}`;
      case 'prompt': return 'prompt';
      case 'command': return `command ${action.line}`;
    }
  });

describe('the escape key and the telnet> prompt', () => {
  it('passes keystrokes through until Ctrl-], then reads one command line', () => {
    const reader = new EscapeReader();
    assert.deepEqual(show(reader.feed(Buffer.from('ls\r\x1dsend a'))), ['session ls\r', 'prompt', 'echo "s"', 'echo "e"', 'echo "n"', 'echo "d"', 'echo " "', 'echo "a"']);
    assert.deepEqual(show(reader.feed(Buffer.from('yt\r\nmore'))), ['echo "y"', 'echo "t"', 'echo "\\r\\n"', 'command send ayt', 'session more']);
  });

  it('edits the command line and takes an empty line as "back to the session"', () => {
    const reader = new EscapeReader();
    const actions = reader.feed(Buffer.from('\x1dstatx\x7fus\r\x1d\rx'));
    assert.deepEqual(show(actions).filter((line) => !line.startsWith('echo')), ['prompt', 'command status', 'prompt', 'command ', 'session x']);
  });

  it('does not send the LF of a CR LF that ended a command, even in the next chunk', () => {
    const reader = new EscapeReader();
    reader.feed(Buffer.from('\x1dclose\r'));
    assert.deepEqual(show(reader.feed(Buffer.from('\nabc'))), ['session abc']);
  });
});
