import { loadSerialPortLine } from '../serial/loadSerialPortLine.js';
import type { SerialLine } from '../serial/SerialLine.js';
import type { SerialSettings } from '../serial/serialSettings.js';
import { DEMO_DEVICE } from '../server/LineConfig.js';

/**
 * Opens a line's device: the in-process demo router for "demo", a serial port otherwise.
 * Each is loaded when first opened: a demo needs no serial port library, a serial line no router.
 */
export async function openDevice(path: string, settings: SerialSettings): Promise<SerialLine> {
  if (path === DEMO_DEVICE) return new (await import('../demo/DemoLine.js')).DemoLine();
  return (await loadSerialPortLine()).open(path, settings);
}
