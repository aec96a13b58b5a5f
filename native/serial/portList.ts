import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { PortDto } from '../api/index.js';

/** A serial port as the port picker and `revtel ports` show it: the contract's PortDto. */
export type PortInfo = PortDto;

const CHIPS: [RegExp, string][] = [
  [/^0403:/, 'FTDI'],
  [/^067b:/, 'Prolific PL2303'],
  [/^10c4:ea[67]/, 'Silicon Labs CP210x'],
  [/^1a86:(7523|5523|7522)/, 'WCH CH340'],
  [/^1a86:55d/, 'WCH CH9102'],
  [/^05a6:/, 'Cisco USB console'],
];

export function chipOf(vendorId?: string, productId?: string): string | undefined {
  if (!vendorId || !productId) return undefined;
  const id = `${vendorId}:${productId}`.toLowerCase();
  return CHIPS.find(([pattern]) => pattern.test(id))?.[1];
}

/**
 * Lists serial ports, and lists them again only when the device nodes have changed: a
 * server looks for an unplugged adapter five times a second and the UI every two, and on
 * Linux each listing runs udevadm. (udev adds the by-id link once it knows the adapter,
 * so its folder is watched too.)
 */
export const listPorts: () => Promise<PortInfo[]> = process.platform === 'win32'
  ? listPortsNow
  : cachedUntilDevicesChange(listPortsNow, ['/dev', '/dev/serial/by-id']);

/**
 * The ports as a Device looks them up, for USB serial numbers (to find an adapter again
 * after a replug, on whatever path it comes back): on Linux read from sysfs, as the
 * fallback does, rather than by udevadm printing the whole udev database for each look.
 */
export const listPortsForDevices: () => Promise<PortInfo[]> = process.platform === 'linux'
  ? cachedUntilDevicesChange(async () => listLinuxPorts(), ['/dev', '/dev/serial/by-id'])
  : listPorts;

/** `list`, run again only when the entries of one of `dirs` have changed since its last run. */
export function cachedUntilDevicesChange(list: () => Promise<PortInfo[]>, dirs: readonly string[]): () => Promise<PortInfo[]> {
  let last: { devices: string; ports: Promise<PortInfo[]> } | undefined;
  return () => {
    const devices = dirs.map(entriesOf).join('\0');
    if (last?.devices !== devices) last = { devices, ports: list() };
    return last.ports;
  };
}

function entriesOf(dir: string): string {
  try {
    return readdirSync(dir).join('/');
  } catch {
    return '(none)';
  }
}

/**
 * On Linux, serialport asks udevadm, which minimal systems (and these test machines)
 * lack; there the list is read from /sys/class/tty and /dev/serial/by-id.
 */
async function listPortsNow(): Promise<PortInfo[]> {
  if (process.platform === 'linux' && !onPath('udevadm')) return listLinuxPorts();
  try {
    // Only here: a Device's look-ups on Linux (listPortsForDevices) need no native binding.
    const { SerialPort } = await import('./serialport.js');
    const ports = await SerialPort.list();
    return ports.map((port) => describePort({
      path: port.path,
      ...(port.manufacturer ? { manufacturer: port.manufacturer } : {}),
      ...(port.vendorId ? { vendorId: port.vendorId } : {}),
      ...(port.productId ? { productId: port.productId } : {}),
      ...(port.serialNumber ? { serialNumber: port.serialNumber } : {}),
    }, (port as { friendlyName?: string }).friendlyName));
  } catch {
    return process.platform === 'linux' ? listLinuxPorts() : [];
  }
}

type RawPort = Omit<PortInfo, 'friendlyName' | 'chip'> & { readonly product?: string };

function describePort(port: RawPort, friendlyName?: string): PortInfo {
  const chip = chipOf(port.vendorId, port.productId);
  const label = friendlyName ?? [port.manufacturer, port.product].filter(Boolean).join(' ');
  return {
    path: port.path,
    ...optional('manufacturer', port.manufacturer),
    ...optional('vendorId', port.vendorId),
    ...optional('productId', port.productId),
    ...optional('serialNumber', port.serialNumber),
    friendlyName: label ? `${label}${port.serialNumber ? ` (${port.serialNumber})` : ''}` : port.path,
    ...(chip ? { chip } : {}),
  };
}

// Hardware serial drivers only: /sys/class/tty also holds every virtual console and pty.
const SERIAL_NAMES = /^(ttyUSB|ttyACM|ttyAMA|ttyS|ttySC|ttyTHS|ttyMFD|ttyO|rfcomm)\d+$/;

/** The Linux fallback; `sysRoot` and `devRoot` are parameters so tests can give a recorded tree. */
export function listLinuxPorts(sysRoot = '/sys', devRoot = '/dev'): PortInfo[] {
  const classDir = join(sysRoot, 'class', 'tty');
  let names: string[];
  try {
    names = readdirSync(classDir).filter((name) => SERIAL_NAMES.test(name));
  } catch {
    return [];
  }
  const byId = readByIdLinks(join(devRoot, 'serial', 'by-id'));
  const ports: PortInfo[] = [];
  for (const name of names.sort()) {
    const deviceDir = join(classDir, name, 'device');
    if (!existsSync(deviceDir)) continue;
    // A legacy 8250 port without hardware behind it reports type 0 ("unknown").
    if (name.startsWith('ttyS') && readText(join(classDir, name, 'type')) === '0') continue;
    const usb = findUsbDevice(deviceDir, sysRoot);
    const path = join(devRoot, name);
    const raw: RawPort = {
      path,
      ...optional('manufacturer', usb && readText(join(usb, 'manufacturer'))),
      ...optional('product', usb && readText(join(usb, 'product'))),
      ...optional('vendorId', usb && readText(join(usb, 'idVendor'))),
      ...optional('productId', usb && readText(join(usb, 'idProduct'))),
      ...optional('serialNumber', usb && readText(join(usb, 'serial'))),
    };
    ports.push(describePort(raw, raw.manufacturer || raw.product ? undefined : byId.get(name)));
  }
  return ports;
}

/** Walks up from a tty's device directory to the USB device that holds idVendor. */
function findUsbDevice(deviceDir: string, sysRoot: string): string | undefined {
  let dir: string;
  try {
    dir = realpathSync(deviceDir);
  } catch {
    return undefined;
  }
  const root = realpathSync(sysRoot);
  for (let depth = 0; depth < 6 && dir.startsWith(root) && dir !== root; depth++) {
    if (existsSync(join(dir, 'idVendor'))) return dir;
    dir = dirname(dir);
  }
  return undefined;
}

/** tty name → the by-id link's name made readable ("usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0"). */
function readByIdLinks(dir: string): Map<string, string> {
  const names = new Map<string, string>();
  try {
    for (const link of readdirSync(dir)) {
      const target = readlinkSync(join(dir, link)).split('/').pop()!;
      names.set(target, link.replace(/^usb-/, '').replace(/-if\d+(-port\d+)?$/, '').replace(/_+/g, ' ').trim());
    }
  } catch {
    // No by-id folder: no USB serial devices, or no udev.
  }
  return names;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}
