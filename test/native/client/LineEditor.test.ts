import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineEditor } from '../../../native/client/LineEditor.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

describe('kludge line mode editing', () => {
  it('sends a line only on Enter, as CR LF, and echoes the typing', () => {
    const editor = new LineEditor();
    let edit = editor.edit(Buffer.from('sho'));
    assert.deepEqual(edit.lines, []);
    assert.equal(text(edit.echo), 'sho');
    edit = editor.edit(Buffer.from('w ver\r\n'));
    assert.deepEqual(edit.lines.map(text), ['show ver\r\n']);
    assert.equal(text(edit.echo), 'w ver\r\n');
  });

  it('erases with BS or DEL and kills the line with ^U, echoing the effect', () => {
    const editor = new LineEditor();
    const edit = editor.edit(Buffer.from('enablx\x7fe\r\x15junk\x15conf x\x08t\r'));
    assert.deepEqual(edit.lines.map(text), ['enable\r\n', 'conf t\r\n']);
    assert.match(text(edit.echo), /^enablx\x08 \x08e\r\n/);
  });

  it('treats CR LF, CR NUL and a lone LF each as one Enter', () => {
    const editor = new LineEditor();
    assert.deepEqual(editor.edit(Buffer.from('a\r\nb\r\0c\nd\r')).lines.map(text), ['a\r\n', 'b\r\n', 'c\r\n', 'd\r\n']);
    assert.deepEqual(editor.edit(Buffer.from('\ne')).lines, [], 'the LF after a CR from the previous chunk is not a second Enter');
    assert.equal(text(editor.takePending()), 'e');
  });
});
