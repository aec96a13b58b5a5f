import { listPorts, type PortInfo } from '../serial/portList.js';

/** `revtel ports [--json]`: the serial ports with what identifies them. */
export async function runPorts(json: boolean): Promise<string> {
  const ports = await listPorts();
  if (json) return `${JSON.stringify(ports, null, 2)}\n`;
  if (ports.length === 0) return 'No serial ports found. Plug in a USB-serial adapter, or try "revtel serve --demo".\n';
  const rows = ports.map((port: PortInfo) => [
    port.path,
    port.friendlyName === port.path ? '' : port.friendlyName,
    port.chip ?? '',
    port.vendorId && port.productId ? `${port.vendorId}:${port.productId}` : '',
    port.serialNumber ?? '',
  ]);
  const table = [['PORT', 'NAME', 'CHIP', 'USB ID', 'SERIAL'], ...rows];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}
