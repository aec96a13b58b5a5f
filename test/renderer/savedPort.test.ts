import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serialPathOf } from '../../renderer/state/saved.js';

// A saved serial session finds its adapter again by USB serial number when the path moved.

describe('the port a saved serial session opens', () => {
  const ports = [
    { path: '/dev/ttyUSB1', friendlyName: 'FTDI', serialNumber: 'A50285BI' },
    { path: '/dev/ttyUSB0', friendlyName: 'CP2102', serialNumber: '0001' },
  ];

  it('is the adapter with its USB serial number, wherever it is now', () => {
    assert.equal(serialPathOf({ path: '/dev/ttyUSB0', serialNumber: 'A50285BI' }, ports), '/dev/ttyUSB1');
  });

  it('is its saved path when that adapter is not plugged in, or it has no serial number', () => {
    assert.equal(serialPathOf({ path: '/dev/ttyUSB3', serialNumber: 'GONE' }, ports), '/dev/ttyUSB3');
    assert.equal(serialPathOf({ path: '/dev/ttyS0' }, ports), '/dev/ttyS0');
  });
});

describe('the tab choices a session keeps', () => {
  it('keeps a paste delay typed past its range at the range end, so the server never refuses it', async () => {
    const { keptPrefs } = await import('../../renderer/state/store.js');
    const { tabPrefs } = await import('../../native/api/index.js');
    const base = { encoding: 'utf-8', localEcho: 'auto', enterSends: 'CR', lfToCrlf: false, hexView: false, tracePaused: false, traceFilter: '', traceNames: 'short', showBytes: false, pasteWaitForEcho: false } as const;
    const kept = keptPrefs({ ...base, pasteCharDelayMs: 5000, pasteLineDelayMs: -3 });
    assert.equal(kept.pasteCharDelayMs, 1000);
    assert.equal(kept.pasteLineDelayMs, 0);
    assert.deepEqual(tabPrefs.parse(kept), kept);
  });
});
