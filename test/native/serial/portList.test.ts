import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cachedUntilDevicesChange, chipOf, listLinuxPorts } from '../../../native/serial/portList.js';
import { scratchDir } from '../../support/peers.js';
import { revtelBin } from '../../support/revtel.js';

/** A /sys and /dev laid out as Linux lays them out for an FTDI adapter, a CDC-ACM board and UARTs. */
function recordedTree(): { sys: string; dev: string } {
  const root = scratchDir();
  const sys = join(root, 'sys');
  const dev = join(root, 'dev');
  const file = (path: string, text: string): void => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, `${text}\n`);
  };
  const usb = join(sys, 'devices', 'pci0000:00', 'usb1', '1-1');
  for (const [name, value] of Object.entries({ idVendor: '0403', idProduct: '6001', manufacturer: 'FTDI', product: 'FT232R USB UART', serial: 'A50285BI' })) file(join(usb, name), value);
  const ftdiPort = join(usb, '1-1:1.0', 'ttyUSB0');
  mkdirSync(ftdiPort, { recursive: true });
  const acmPort = join(sys, 'devices', 'pci0000:00', 'usb1', '1-2', '1-2:1.0');
  mkdirSync(acmPort, { recursive: true });
  const uart = join(sys, 'devices', 'platform', 'serial8250');
  mkdirSync(uart, { recursive: true });
  const tty = (name: string, device?: string, type?: string): void => {
    const dir = join(sys, 'class', 'tty', name);
    mkdirSync(dir, { recursive: true });
    if (device) symlinkSync(device, join(dir, 'device'));
    if (type) file(join(dir, 'type'), type);
  };
  tty('ttyUSB0', ftdiPort);
  tty('ttyACM0', acmPort);
  tty('ttyS0', uart, '4');
  tty('ttyS1', uart, '0');
  tty('tty0');
  tty('ptmx');
  mkdirSync(join(dev, 'serial', 'by-id'), { recursive: true });
  symlinkSync('../../ttyACM0', join(dev, 'serial', 'by-id', 'usb-Arduino__www.arduino.cc__Uno_85734323-if00'));
  return { sys, dev };
}

describe('serial port listing', () => {
  it('reads /sys/class/tty and /dev/serial/by-id when there is no udevadm', () => {
    const { sys, dev } = recordedTree();
    assert.deepEqual(listLinuxPorts(sys, dev), [
      { path: join(dev, 'ttyACM0'), friendlyName: 'Arduino www.arduino.cc Uno 85734323' },
      { path: join(dev, 'ttyS0'), friendlyName: join(dev, 'ttyS0') },
      {
        path: join(dev, 'ttyUSB0'),
        friendlyName: 'FTDI FT232R USB UART (A50285BI)',
        manufacturer: 'FTDI',
        vendorId: '0403',
        productId: '6001',
        serialNumber: 'A50285BI',
        chip: 'FTDI',
      },
    ]);
  });

  it('lists again only when a device node comes or goes', async () => {
    const dev = scratchDir();
    let listings = 0;
    const list = cachedUntilDevicesChange(async () => {
      listings++;
      return [];
    }, [dev, join(dev, 'serial', 'by-id')]);
    await list();
    await list();
    assert.equal(listings, 1, 'nothing changed: no second udevadm run');
    writeFileSync(join(dev, 'ttyUSB0'), '');
    await list();
    assert.equal(listings, 2, 'an adapter plugged in');
    mkdirSync(join(dev, 'serial', 'by-id'), { recursive: true });
    symlinkSync('../../ttyUSB0', join(dev, 'serial', 'by-id', 'usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0'));
    await list();
    assert.equal(listings, 3, 'udev has named it');
    rmSync(join(dev, 'ttyUSB0'));
    await list();
    await list();
    assert.equal(listings, 4, 'unplugged');
  });

  it('names the common USB-serial chips', () => {
    assert.equal(chipOf('067b', '2303'), 'Prolific PL2303');
    assert.equal(chipOf('10c4', 'EA60'), 'Silicon Labs CP210x');
    assert.equal(chipOf('1a86', '7523'), 'WCH CH340');
    assert.equal(chipOf('2341', '0043'), undefined);
  });

  // Each test sets the child's PATH: whether this machine has udevadm does not matter.
  const ports = (path: string, args: string[]): SpawnSyncReturns<string> =>
    spawnSync(process.execPath, [revtelBin, 'ports', ...args], { encoding: 'utf8', env: { ...process.env, PATH: path } });

  it('`revtel ports` works where there is no udevadm (reading /sys)', () => {
    const emptyPath = scratchDir();
    const json = ports(emptyPath, ['--json']);
    assert.equal(json.status, 0, json.stderr);
    assert.ok(Array.isArray(JSON.parse(json.stdout)));
    const table = ports(emptyPath, []);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^(PORT +NAME|No serial ports found)/);
  });

  it('`revtel ports` works where udevadm is on the PATH (serialport asks it)', () => {
    // udev is a test dependency (.ci/run installs it): a machine without it fails here, saying so.
    const udevadm = ['/usr/bin/udevadm', '/bin/udevadm', '/sbin/udevadm', '/usr/sbin/udevadm'].find((path) => existsSync(path));
    assert.ok(udevadm, 'udevadm is not installed: apt-get install udev');
    // The real udevadm behind a wrapper that notes each call: proof that this path was taken.
    const onlyUdevadm = scratchDir();
    const calls = join(onlyUdevadm, 'calls');
    writeFileSync(join(onlyUdevadm, 'udevadm'), `#!/bin/sh\necho "$@" >> '${calls}'\nexec '${udevadm}' "$@"\n`, { mode: 0o755 });
    const json = ports(onlyUdevadm, ['--json']);
    assert.equal(json.status, 0, json.stderr);
    assert.ok(Array.isArray(JSON.parse(json.stdout)));
    assert.equal(json.stderr, '', 'no complaint from serialport or udevadm');
    assert.match(readFileSync(calls, 'utf8'), /info/, 'the listing asked udevadm');
  });
});
