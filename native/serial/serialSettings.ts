// Serial line settings and their text form, as terminal servers write them:
// "9600,8N1", "115200,7E1,rtscts", "2400,8N1.5,xonxoff". A bare "9600" means 8N1.

export type Parity = 'none' | 'even' | 'odd' | 'mark' | 'space';
export type FlowControl = 'none' | 'rtscts' | 'xonxoff';

export interface SerialSettings {
  readonly baudRate: number;
  readonly dataBits: 5 | 6 | 7 | 8;
  readonly parity: Parity;
  readonly stopBits: 1 | 1.5 | 2;
  readonly flowControl: FlowControl;
}

export const DEFAULT_SETTINGS: SerialSettings = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'none' };

/** A settings string that cannot be used; the message names what is wrong. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

const PARITY_LETTERS: Record<string, Parity> = { N: 'none', E: 'even', O: 'odd', M: 'mark', S: 'space' };
const MAX_BAUD = 20_000_000;

export function parseSerialSettings(text: string): SerialSettings {
  const fail = (why: string): never => {
    throw new SettingsError(`"${text}": ${why} (expected e.g. 9600,8N1 or 115200,7E1,rtscts)`);
  };
  const [baud, frame, flow, ...extra] = text.trim().split(',').map((part) => part.trim());
  if (extra.length > 0) fail('too many fields');
  if (!baud || !/^\d+$/.test(baud)) fail(`the baud rate "${baud ?? ''}" is not a whole number`);
  const baudRate = Number(baud);
  if (baudRate < 50 || baudRate > MAX_BAUD) fail(`the baud rate ${baudRate} is outside 50–${MAX_BAUD}`);
  let { dataBits, parity, stopBits } = DEFAULT_SETTINGS;
  if (frame !== undefined) {
    const match = /^(\d)([A-Za-z])(1|1\.5|2)$/.exec(frame);
    if (!match) fail(`"${frame}" is not data bits, parity and stop bits such as 8N1`);
    const bits = Number(match![1]);
    if (bits < 5 || bits > 8) fail(`${bits} data bits: use 5, 6, 7 or 8`);
    dataBits = bits as SerialSettings['dataBits'];
    parity = PARITY_LETTERS[match![2]!.toUpperCase()] ?? fail(`parity "${match![2]}" is not one of N, E, O, M, S`);
    stopBits = Number(match![3]) as SerialSettings['stopBits'];
  }
  let flowControl: FlowControl = 'none';
  if (flow !== undefined) {
    const lower = flow.toLowerCase();
    if (lower !== 'none' && lower !== 'rtscts' && lower !== 'xonxoff') fail(`flow control "${flow}" is not none, rtscts or xonxoff`);
    flowControl = lower as FlowControl;
  }
  return { baudRate, dataBits, parity, stopBits, flowControl };
}

export function formatSerialSettings(settings: SerialSettings): string {
  const parity = Object.keys(PARITY_LETTERS).find((letter) => PARITY_LETTERS[letter] === settings.parity);
  const frame = `${settings.baudRate},${settings.dataBits}${parity}${settings.stopBits}`;
  return settings.flowControl === 'none' ? frame : `${frame},${settings.flowControl}`;
}
