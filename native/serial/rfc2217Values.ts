import { Control, Parity as ComPortParity, StopSize } from '../telnet/index.js';
import type { FlowControl, Parity, SerialSettings } from './serialSettings.js';

// Serial settings as RFC 2217 codes them, both ways. Unknown codes give undefined, so that
// a server can answer with the current value and a client can ignore what it cannot show.

const PARITIES: [Parity, number][] = [
  ['none', ComPortParity.NONE],
  ['odd', ComPortParity.ODD],
  ['even', ComPortParity.EVEN],
  ['mark', ComPortParity.MARK],
  ['space', ComPortParity.SPACE],
];
const STOP_BITS: [SerialSettings['stopBits'], number][] = [[1, StopSize.ONE], [2, StopSize.TWO], [1.5, StopSize.ONE_AND_HALF]];
const FLOWS: [FlowControl, number][] = [['none', Control.FLOW_NONE], ['xonxoff', Control.FLOW_XONXOFF], ['rtscts', Control.FLOW_HARDWARE]];

function lookup<T>(table: [T, number][], value: T): number {
  return table.find(([name]) => name === value)![1];
}

function reverse<T>(table: [T, number][], code: number): T | undefined {
  return table.find(([, value]) => value === code)?.[0];
}

export const parityCode = (parity: Parity): number => lookup(PARITIES, parity);
export const parityFromCode = (code: number): Parity | undefined => reverse(PARITIES, code);
export const stopBitsCode = (stopBits: SerialSettings['stopBits']): number => lookup(STOP_BITS, stopBits);
export const stopBitsFromCode = (code: number): SerialSettings['stopBits'] | undefined => reverse(STOP_BITS, code);
export const flowControlCode = (flow: FlowControl): number => lookup(FLOWS, flow);
export const flowControlFromCode = (code: number): FlowControl | undefined => reverse(FLOWS, code);

export function isDataBits(value: number): value is SerialSettings['dataBits'] {
  return value >= 5 && value <= 8;
}
