import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { PortInfo } from '../../../native/serial/portList.js';
import { SerialPortLine } from '../../../native/serial/SerialPortLine.js';
import { DEFAULT_SETTINGS } from '../../../native/serial/serialSettings.js';
import { Device, type DeviceStatus } from '../../../native/serial/Device.js';
import { scratchDir, startPtyPair, waitFor } from '../../support/peers.js';

describe('device device', () => {
  it('finds a USB adapter again by its serial number when it comes back on another path', async () => {
    const dir = scratchDir();
    let pty = await startPtyPair(dir, 'ttyUSB0');
    // There is no USB here: the port list is the one thing played by the test, as udev
    // would report an FTDI adapter that re-enumerates as ttyUSB1 after a replug.
    let ports: PortInfo[] = [{ path: pty.device, friendlyName: 'FTDI', serialNumber: 'A50285BI' }];
    const statuses: DeviceStatus[] = [];
    let lookups = 0;
    const listPorts = async (): Promise<PortInfo[]> => {
      lookups++;
      return ports;
    };
    const device = new Device(pty.device, DEFAULT_SETTINGS, { open: SerialPortLine.open, listPorts, retryMs: 100 });
    device.onStatus((status) => statuses.push(status));
    let received = '';
    device.onData((data) => (received += Buffer.from(data).toString()));
    device.start();
    try {
      await waitFor(() => statuses.some((status) => status.kind === 'open'), 'the first open');
      // A pty has no DTR: the Device reports the lines in force, and keeps them across the replug.
      const inForce = await device.setControlLines({ dtr: false });

      ports = [];
      await pty.stop();
      await waitFor(() => statuses.some((status) => status.kind === 'unplugged'), 'the unplug');

      pty = await startPtyPair(dir, 'ttyUSB1');
      ports = [{ path: pty.device, friendlyName: 'FTDI', serialNumber: 'A50285BI' }];
      const lookupsWhenBack = lookups;
      await waitFor(() => statuses.some((status) => status.kind === 'replugged'), 'the replug', 5000);
      // Found on the next look (every retryMs: 100 ms here, 200 ms by default), not by time.
      assert.ok(lookups - lookupsWhenBack <= 2, `reopened after ${lookups - lookupsWhenBack} lookups`);
      assert.deepEqual(statuses.at(-1), { kind: 'replugged', path: pty.device });
      assert.deepEqual(device.controlLines, inForce, 'the DTR/RTS in force survive the replug');
      writeFileSync(pty.remote, 'Router>');
      await waitFor(() => received.includes('Router>'), 'data from the new path');
    } finally {
      await device.close();
      await pty.stop();
    }
  });
});
