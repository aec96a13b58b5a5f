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
