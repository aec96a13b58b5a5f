import { DemoLine } from '../demo/DemoLine.js';
import type { SerialLine } from '../serial/SerialLine.js';
import { SerialPortLine } from '../serial/SerialPortLine.js';
import type { SerialSettings } from '../serial/serialSettings.js';
import { DEMO_DEVICE } from '../server/LineConfig.js';

/** Opens a line's device: the in-process demo router for "demo", a serial port otherwise. */
export function openDevice(path: string, settings: SerialSettings): Promise<SerialLine> {
  return path === DEMO_DEVICE ? Promise.resolve(new DemoLine()) : SerialPortLine.open(path, settings);
}
