import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { PortInfo } from '../../../native/serial/portList.js';
import { SerialPortLine } from '../../../native/serial/SerialPortLine.js';
import { DEFAULT_SETTINGS } from '../../../native/serial/serialSettings.js';
import { DeviceSupervisor, type DeviceStatus } from '../../../native/server/DeviceSupervisor.js';
import { scratchDir, startPtyPair, waitFor } from '../../support/peers.js';

describe('device supervisor', () => {
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
    const supervisor = new DeviceSupervisor(pty.device, DEFAULT_SETTINGS, { open: SerialPortLine.open, listPorts, retryMs: 100 });
    supervisor.onStatus((status) => statuses.push(status));
    let received = '';
    supervisor.onData((data) => (received += Buffer.from(data).toString()));
    supervisor.start();
    try {
      await waitFor(() => statuses.some((status) => status.kind === 'open'), 'the first open');
      await supervisor.setControlLines({ dtr: false }).catch(() => {});

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
      assert.deepEqual(supervisor.controlLines, { dtr: false, rts: true }, 'our DTR/RTS copy survives the replug');
      writeFileSync(pty.remote, 'Router>');
      await waitFor(() => received.includes('Router>'), 'data from the new path');
    } finally {
      await supervisor.close();
      await pty.stop();
    }
  });
});
