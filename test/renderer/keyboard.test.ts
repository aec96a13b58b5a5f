import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clipboardKey, pasteLineCount, tabShortcut, type KeyPress } from '../../renderer/state/keyboard.js';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({ type: 'keydown', key, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...mods });

// What the keys mean on macOS, where Chromium here cannot be: Cmd copies and pastes, and
// Ctrl+C stays ^C for the console whatever is selected.
describe('keys on each platform', () => {
  it('copies and pastes with Cmd on macOS and leaves every Ctrl key to the console', () => {
    assert.equal(clipboardKey(press('c', { metaKey: true }), false, true), 'copy');
    assert.equal(clipboardKey(press('v', { metaKey: true }), false, true), 'paste');
    assert.equal(clipboardKey(press('c', { ctrlKey: true }), true, true), 'pass');
    assert.equal(clipboardKey(press('C', { ctrlKey: true, shiftKey: true }), true, true), 'pass');
  });

  it('elsewhere: Ctrl+C copies only with a selection, Ctrl+Shift+C/V and Shift+Insert always', () => {
    assert.equal(clipboardKey(press('c', { ctrlKey: true }), true, false), 'copy');
    assert.equal(clipboardKey(press('c', { ctrlKey: true }), false, false), 'pass');
    assert.equal(clipboardKey(press('C', { ctrlKey: true, shiftKey: true }), false, false), 'copy');
    assert.equal(clipboardKey(press('V', { ctrlKey: true, shiftKey: true }), false, false), 'paste');
    assert.equal(clipboardKey(press('v', { ctrlKey: true }), false, false), 'pass', 'Ctrl+V is ^V (literal next) for the console');
    assert.equal(clipboardKey(press('Insert', { shiftKey: true }), false, false), 'paste');
  });

  it('takes tab shortcuts with Ctrl+Shift (Cmd+Shift on macOS) and nothing a console types', () => {
    assert.deepEqual(tabShortcut(press('ArrowRight', { ctrlKey: true, shiftKey: true }), false), { kind: 'next' });
    assert.deepEqual(tabShortcut(press('!', { code: 'Digit1', ctrlKey: true, shiftKey: true }), false), { kind: 'goto', index: 0 });
    assert.deepEqual(tabShortcut(press('W', { altKey: true, shiftKey: true }), false), { kind: 'close' });
    assert.deepEqual(tabShortcut(press('T', { metaKey: true, shiftKey: true }), true), { kind: 'new' });
    assert.equal(tabShortcut(press('ArrowRight', { ctrlKey: true }), false), undefined, 'Ctrl+Right is a word jump in a shell');
    assert.equal(tabShortcut(press('w', { ctrlKey: true }), false), undefined, 'Ctrl+W erases a word');
    assert.equal(tabShortcut(press('T', { ctrlKey: true, shiftKey: true }), true), undefined, 'on macOS Ctrl is the console\'s');
  });

  it('counts the lines of a paste, a last line feed not making one more', () => {
    assert.equal(pasteLineCount('show run'), 1);
    assert.equal(pasteLineCount('show run\n'), 1);
    assert.equal(pasteLineCount('conf t\r\nhostname r1\nend\n'), 3);
  });
});
