import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PortInfo } from '../../../native/serial/portList.js';
import { SerialPortLine } from '../../../native/serial/SerialPortLine.js';
import { DEFAULT_SETTINGS } from '../../../native/serial/serialSettings.js';
import { Device, type DeviceStatus } from '../../../native/serial/Device.js';
import { collect, scratchDir, startPtyPair, waitFor } from '../../support/peers.js';

describe('Device', () => {
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
      await waitFor(() => statuses.some((status) => status.kind === 'replugged'), 'the replug');
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

  it('is open when typing reaches the device: a slow port listing does not hold "open" back', async () => {
    const dir = scratchDir();
    const pty = await startPtyPair(dir);
    const far = collect(pty.remote);
    // The USB serial-number lookup never finishes here: "open" must not wait for it.
    const device = new Device(pty.device, DEFAULT_SETTINGS, { open: SerialPortLine.open, listPorts: () => new Promise(() => {}) });
    device.onStatus((status) => {
      if (status.kind === 'open') device.write(Buffer.from('typed at once\r'));
    });
    device.start();
    try {
      await waitFor(() => far.text().includes('typed at once'), 'the keystrokes on the far end');
    } finally {
      far.stop();
      await device.close();
      await pty.stop();
    }
  });

  it("sets an FTDI adapter's latency_timer to 1 ms while it holds the port, and puts the old value back", async () => {
    // A sysfs tree as the ftdi_sio driver lays it out, built by the test; the device is a pty named ttyUSB0.
    const dir = scratchDir();
    const pty = await startPtyPair(dir, 'dev');
    const devDir = join(dir, 'devices');
    mkdirSync(devDir);
    const ttyName = realpathSync(pty.device).split('/').pop()!;
    const timer = join(dir, 'sys', 'class', 'tty', ttyName, 'device', 'latency_timer');
    mkdirSync(join(dir, 'sys', 'class', 'tty', ttyName, 'device'), { recursive: true });
    writeFileSync(timer, '16\n');
    symlinkSync(pty.device, join(devDir, 'ttyUSB0'));
    const notes: string[] = [];
    const device = new Device(join(devDir, 'ttyUSB0'), DEFAULT_SETTINGS, { open: SerialPortLine.open, sysRoot: join(dir, 'sys') });
    device.onNote((note) => notes.push(note));
    const opened = new Promise<void>((resolve) => device.onStatus((status) => status.kind === 'open' && resolve()));
    device.start();
    try {
      await opened;
      assert.equal(readFileSync(timer, 'utf8').trim(), '1');
      assert.match(notes.join('\n'), /latency_timer 16 → 1 ms/);
    } finally {
      await device.close();
      await pty.stop();
    }
    assert.equal(readFileSync(timer, 'utf8').trim(), '16');
    assert.match(notes.join('\n'), /latency_timer back to 16 ms/);
  });

  it('leaves latency_timer alone when the line says low-latency: false', async () => {
    const dir = scratchDir();
    const pty = await startPtyPair(dir, 'dev');
    const ttyName = realpathSync(pty.device).split('/').pop()!;
    const timer = join(dir, 'sys', 'class', 'tty', ttyName, 'device', 'latency_timer');
    mkdirSync(join(dir, 'sys', 'class', 'tty', ttyName, 'device'), { recursive: true });
    writeFileSync(timer, '16');
    const device = new Device(pty.device, DEFAULT_SETTINGS, { open: SerialPortLine.open, sysRoot: join(dir, 'sys') }, false);
    const opened = new Promise<void>((resolve) => device.onStatus((status) => status.kind === 'open' && resolve()));
    device.start();
    try {
      await opened;
      assert.equal(readFileSync(timer, 'utf8').trim(), '16');
    } finally {
      await device.close();
      await pty.stop();
    }
  });
});
