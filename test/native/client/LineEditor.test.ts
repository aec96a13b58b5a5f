import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineEditor, type KeyAction, type KeySettings } from '../../../native/client/LineEditor.js';
import { Cmd, Slc, SlcTable } from '../../../native/telnet/index.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const terminal = new SlcTable();
const CRLF = Uint8Array.of(13, 10);

/** Kludge line mode with local echo, the terminal's own characters. */
const lineMode: KeySettings = {
  edit: true, echo: true, signals: true, linemode: false, softTab: false, litEcho: false,
  lineEnd: CRLF, enter: Uint8Array.of(13), character: (func) => terminal.character(func),
};
const characterMode: KeySettings = { ...lineMode, edit: false, echo: false, signals: false };

/** What went out, data as text and commands by name. */
function wire(actions: readonly KeyAction[]): string[] {
  return actions.map((action) => {
    if (action.kind === 'data') return text(action.bytes);
    if (action.kind === 'flow') return action.stop ? '<XOFF>' : '<XON>';
    return `<${Object.entries(Cmd).find(([, code]) => code === action.command)![0]}${action.flush ? ' flush' : ''}>`;
  });
}

describe('local line editing (kludge line mode and LINEMODE EDIT)', () => {
  it('sends a line only on Enter, as CR LF, and echoes the typing', () => {
    const editor = new LineEditor();
    let edit = editor.edit(Buffer.from('sho'), lineMode);
    assert.deepEqual(edit.actions, []);
    assert.equal(text(edit.echo), 'sho');
    edit = editor.edit(Buffer.from('w ver\r\n'), lineMode);
    assert.deepEqual(wire(edit.actions), ['show ver\r\n']);
    assert.equal(text(edit.echo), 'w ver\r\n');
  });

  it('erases with BS or DEL, kills the line with ^U and a word with ^W, echoing the effect', () => {
    const editor = new LineEditor();
    const edit = editor.edit(Buffer.from('enablx\x7fe\r\x15junk\x15conf x\x08t\rshow ip  int\x17\x17run\r'), lineMode);
    assert.deepEqual(wire(edit.actions), ['enable\r\nconf t\r\nshow run\r\n']);
    assert.match(text(edit.echo), /^enablx\x08 \x08e\r\n/);
  });

  it('treats CR LF, CR NUL and a lone LF each as one Enter', () => {
    const editor = new LineEditor();
    assert.deepEqual(wire(editor.edit(Buffer.from('a\r\nb\r\0c\nd\r'), lineMode).actions), ['a\r\nb\r\nc\r\nd\r\n']);
    assert.deepEqual(editor.edit(Buffer.from('\ne'), lineMode).actions, [], 'the LF after a CR from the previous chunk is not a second Enter');
    assert.equal(text(editor.takePending()), 'e');
  });

  it('reprints the line on ^R and takes the character after ^V literally', () => {
    const editor = new LineEditor();
    const edit = editor.edit(Buffer.from('ab\x16\x15c\x12\r'), lineMode);
    assert.deepEqual(wire(edit.actions), ['ab\x15c\r\n'], 'the ^U after ^V is data, not kill');
    assert.equal(text(edit.echo), 'ab^Uc^R\r\nab^Uc\r\n');
  });

  it('uses the characters the server set by SLC, and forwards on a FORWARDMASK character', () => {
    const table = new SlcTable();
    table.receive([{ func: Slc.EC, flags: 2, value: 0x08 }, { func: Slc.EL, flags: 2, value: 0x18 }]);
    const settings: KeySettings = { ...lineMode, linemode: true, character: (func) => table.character(func), forwardMask: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1) };
    const editor = new LineEditor();
    // ^X kills the line now; '?' (63: octet 7, low bit) sends the buffer without an Enter.
    assert.deepEqual(wire(editor.edit(Buffer.from('junk\x18show ?'), settings).actions), ['show ?']);
  });

  it('expands a tab to the next multiple of eight under SOFT_TAB, and echoes controls literally under LIT_ECHO', () => {
    const editor = new LineEditor();
    const edit = editor.edit(Buffer.from('ab\tc\x07\r'), { ...lineMode, softTab: true, litEcho: true });
    assert.deepEqual(wire(edit.actions), ['ab      c\x07\r\n']);
    assert.equal(text(edit.echo), 'ab      c\x07\r\n');
  });

  it('ends an edited line as CR LF in NVT text and as the terminal\'s LF in BINARY', () => {
    const binary = { ...lineMode, lineEnd: Uint8Array.of(10) };
    assert.deepEqual(wire(new LineEditor().edit(Buffer.from('ls\r'), binary).actions), ['ls\n']);
  });

  it('sends EOF at the start of a line as IAC EOF in LINEMODE, and a partial line as it stands', () => {
    const editor = new LineEditor();
    const settings = { ...lineMode, linemode: true };
    assert.deepEqual(wire(editor.edit(Buffer.from('cat\x04\x04'), settings).actions), ['cat', '<EOF>']);
  });
});

describe('signal keys', () => {
  it('become IAC IP, ABORT, SUSP and AO, each asking for the flush, and drop the line being edited', () => {
    const editor = new LineEditor();
    const edit = editor.edit(Buffer.from('sleep 30\x03\x1c\x1a\x0f'), lineMode);
    assert.deepEqual(wire(edit.actions), ['<IP flush>', '<ABORT flush>', '<SUSP flush>', '<AO flush>']);
    assert.equal(text(editor.takePending()), '');
    assert.equal(text(edit.echo), 'sleep 30^C^\\^Z^O');
  });

  it('go as plain bytes when signals are not trapped (character mode)', () => {
    assert.deepEqual(wire(new LineEditor().edit(Buffer.from('\x03'), characterMode).actions), ['\x03']);
  });

  it('are trapped character at a time too, after the typing before them', () => {
    const edit = new LineEditor().edit(Buffer.from('yes\x03'), { ...characterMode, signals: true });
    assert.deepEqual(wire(edit.actions), ['yes', '<IP flush>']);
  });
});

describe('character at a time', () => {
  it('sends Enter as CR (the engine makes it CR NUL in NVT text), or CR LF with crlf', () => {
    assert.deepEqual(wire(new LineEditor().edit(Buffer.from('ls\r'), characterMode).actions), ['ls\r']);
    assert.deepEqual(wire(new LineEditor().edit(Buffer.from('ls\r'), { ...characterMode, enter: CRLF }).actions), ['ls\r\n']);
  });

  it('stops and restarts output with ^S and ^Q under LFLOW, and any key restarts it under RESTART-ANY', () => {
    const flow = { restartAny: false, stopped: false };
    assert.deepEqual(wire(new LineEditor().edit(Buffer.from('a\x13b\x11c'), { ...characterMode, flow }).actions), ['a', '<XOFF>', 'b', '<XON>', 'c']);
    const restartAny = new LineEditor().edit(Buffer.from('x'), { ...characterMode, flow: { restartAny: true, stopped: true } });
    assert.deepEqual(wire(restartAny.actions), ['<XON>', 'x']);
  });
});
