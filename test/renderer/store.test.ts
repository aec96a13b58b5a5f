import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SessionDto, TraceEntryDto } from '../../native/api/index.js';
import { encodeText, hexDump, OutputDecoder, pasteLines, translateEnter } from '../../renderer/state/keyboard.js';
import { createRevtelStore, settingsOf, TRACE_LIMIT, type Destination } from '../../renderer/state/store.js';

const session = (sessionId: string, state: SessionDto['state'] = 'open'): SessionDto => ({ sessionId, kind: 'telnet', title: `host-${sessionId}:23`, state });
const entry = (short: string, direction: 'SENT' | 'RCVD' = 'RCVD'): TraceEntryDto => ({ time: 0, direction, text: short, short: `${direction} ${short}`, bytes: new Uint8Array() });

describe('the UI store', () => {
  it('opens tabs, activates the newest, and picks a neighbour when the active one closes', () => {
    const store = createRevtelStore();
    for (const id of ['a', 'b', 'c']) store.getState().opened(session(id));
    assert.deepEqual(store.getState().order, ['a', 'b', 'c']);
    assert.equal(store.getState().active, 'c');
    store.getState().activate('b');
    store.getState().closeTab('b');
    assert.equal(store.getState().active, 'c');
    store.getState().closeTab('c');
    assert.equal(store.getState().active, 'a');
    store.getState().closeTab('a');
    assert.equal(store.getState().active, undefined);
  });

  it('follows session events: state, bytes in, mode, modem lamps', () => {
    const store = createRevtelStore();
    store.getState().opened(session('s', 'connecting'));
    store.getState().applyEvent('sessionState', { ...session('s', 'unplugged'), message: 'device unplugged, waiting for it' });
    // Output is counted by main.tsx, a few times a second, not per sessionData event.
    store.getState().countIn('s', 1500, 1500);
    store.getState().countIn('s', 500, 1500);
    store.getState().applyEvent('sessionMode', { sessionId: 's', localEcho: false, lineEditing: false });
    store.getState().applyEvent('modemLines', { sessionId: 's', cts: true, dsr: false, dcd: true });
    store.getState().applyEvent('sessionState', session('ignored-unknown-session'));
    const view = store.getState().sessions['s']!;
    assert.equal(view.dto.state, 'unplugged');
    assert.equal(view.dto.message, 'device unplugged, waiting for it');
    assert.equal(view.bytesIn, 1500);
    assert.deepEqual(view.mode, { localEcho: false, lineEditing: false });
    assert.deepEqual(view.modem, { cts: true, dsr: false, dcd: true });
    assert.deepEqual(Object.keys(store.getState().sessions), ['s']);
  });

  it('holds trace lines while paused, shows them on resume, and keeps at most TRACE_LIMIT', () => {
    const store = createRevtelStore();
    store.getState().opened(session('t'));
    store.getState().applyEvent('sessionTrace', { sessionId: 't', entries: [entry('WILL ECHO')] });
    store.getState().setPrefs('t', { tracePaused: true });
    store.getState().applyEvent('sessionTrace', { sessionId: 't', entries: [entry('DO SGA', 'SENT')] });
    assert.equal(store.getState().sessions['t']!.trace.length, 1);
    assert.equal(store.getState().sessions['t']!.heldTrace.length, 1);
    store.getState().setPrefs('t', { tracePaused: false });
    assert.deepEqual(store.getState().sessions['t']!.trace.map((line) => line.short), ['RCVD WILL ECHO', 'SENT DO SGA']);
    store.getState().applyEvent('sessionTrace', { sessionId: 't', entries: Array.from({ length: TRACE_LIMIT + 10 }, (_, n) => entry(`IAC NOP ${n}`)) });
    const trace = store.getState().sessions['t']!.trace;
    assert.equal(trace.length, TRACE_LIMIT);
    assert.equal(trace.at(-1)!.short, `RCVD IAC NOP ${TRACE_LIMIT + 9}`);
  });

  it('saves telnet destinations once each, as the settings file keeps them', () => {
    let persisted: readonly Destination[] = [];
    const store = createRevtelStore();
    store.subscribe((state) => (persisted = settingsOf(state).destinations ?? []));
    store.getState().saveDestination({ host: 'ts1.lab', port: 2001 });
    store.getState().saveDestination({ host: 'ts1.lab', port: 2001, rfc2217: '9600,8N1' });
    store.getState().saveDestination({ host: 'ts1.lab', port: 2002 });
    assert.deepEqual(persisted, [{ host: 'ts1.lab', port: 2001, rfc2217: '9600,8N1' }, { host: 'ts1.lab', port: 2002 }]);
    store.getState().forgetDestination({ host: 'ts1.lab', port: 2001 });
    assert.deepEqual(store.getState().destinations, [{ host: 'ts1.lab', port: 2002 }]);
  });

  // A toast's fade is a timer: mock timers keep it from holding the process 8 s after the tests.
  it('puts contract field names and errno text in words', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const store = createRevtelStore();
    store.getState().showError('openTelnet.port must be a whole number from 1 to 65535');
    store.getState().showError('/dev/ttyS9 could not be opened: Inappropriate ioctl for device');
    store.getState().showError('listLines.extra is not expected');
    assert.deepEqual(store.getState().errors.map((error) => error.message), [
      'The port must be a whole number from 1 to 65535.',
      '/dev/ttyS9 is not a serial port — pick a device such as /dev/ttyUSB0',
      'This page and the Revtel server do not agree on that request: reload the page.',
    ]);
  });

  it('lets a toast fade after its time', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const store = createRevtelStore({ toastMs: 20 });
    store.getState().showError('Something the user should read');
    t.mock.timers.tick(19);
    assert.equal(store.getState().errors.length, 1);
    t.mock.timers.tick(1);
    assert.equal(store.getState().errors.length, 0);
  });

  it('lets a toast about another tab fade only after its own tab has shown it for its time', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const store = createRevtelStore({ toastMs: 20 });
    for (const id of ['a', 'b']) store.getState().opened(session(id));
    store.getState().showError('host-a:23 refused the BREAK', 'a');
    // Tab b is shown: the toast about a waits, however long.
    t.mock.timers.tick(1000);
    assert.equal(store.getState().errors.length, 1);
    store.getState().activate('a');
    t.mock.timers.tick(15);
    // Shown for 15 of its 20 ms, then hidden again: it waits once more, and gets its whole time back.
    store.getState().activate('b');
    t.mock.timers.tick(1000);
    store.getState().activate('a');
    t.mock.timers.tick(19);
    assert.equal(store.getState().errors.length, 1);
    t.mock.timers.tick(1);
    assert.deepEqual(store.getState().errors, []);
  });

  it('collects errors as sentences to show and dismiss, and bounds the font size', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const store = createRevtelStore();
    store.getState().showError('COM7 is in use by another program — close it or pick another port');
    const [error] = store.getState().errors;
    store.getState().dismissError(error!.id);
    assert.deepEqual(store.getState().errors, []);
    store.getState().setFontSize(100);
    assert.equal(store.getState().fontSize, 32);
  });
});

describe('keyboard, paste and trace helpers', () => {
  it('sends Enter as the tab says and encodes in its encoding', () => {
    assert.equal(translateEnter('show\r', 'CRLF'), 'show\r\n');
    assert.equal(translateEnter('show\r', 'LF'), 'show\n');
    assert.deepEqual([...encodeText('é', 'utf-8')], [0xc3, 0xa9]);
    assert.deepEqual([...encodeText('é', 'latin1')], [0xe9]);
    assert.deepEqual([...encodeText('5€ 🔌', 'latin1')], [0x35, 0x3f, 0x20, 0x3f], 'no byte of another character for what Latin-1 lacks');
    assert.equal(new OutputDecoder().decode(Uint8Array.of(0xe9, 0x85), 'latin1'), 'é\u0085', 'ISO 8859-1, not windows-1252');
  });

  it('shows a UTF-8 character whole however the output batches cut it', () => {
    const text = 'Router> │ port │ état │ 🔌\r\n';
    const bytes = encodeText(text, 'utf-8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decoder = new OutputDecoder();
      assert.equal(decoder.decode(bytes.subarray(0, cut), 'utf-8') + decoder.decode(bytes.subarray(cut), 'utf-8'), text, `cut at ${cut}`);
    }
  });

  it('splits a paste into lines that each end with Enter', () => {
    assert.deepEqual(pasteLines('interface Gi0/1\r\n shutdown\nend\n', 'CR'), ['interface Gi0/1\r', ' shutdown\r', 'end\r']);
    assert.deepEqual(pasteLines('no newline at the end', 'CR'), ['no newline at the end']);
  });

  it('dumps bytes in hex with offsets', () => {
    assert.equal(hexDump(Uint8Array.of(0x41, 0x0d, 0x0a), 16), `00000010  ${'41 0d 0a'.padEnd(47)}  A..\r\n`);
  });
});
