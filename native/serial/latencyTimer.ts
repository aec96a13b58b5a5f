import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** A lowered latency_timer and the way to put the old value back. */
export interface LatencyTuning {
  readonly file: string;
  readonly previous: number;
  restore(): void;
}

/**
 * FTDI adapters hold received bytes up to latency_timer ms (16 by default) before sending
 * them over USB, which dominates keystroke echo on a console. On Linux the driver exposes
 * it in sysfs; this sets it to 1 ms. Undefined where there is no such file (not Linux, not
 * FTDI, a pty); throws where the file is there but cannot be written (no permission).
 */
export function lowerLatency(devicePath: string, sysRoot = '/sys'): LatencyTuning | undefined {
  let name: string;
  try {
    name = basename(realpathSync(devicePath));
  } catch {
    return undefined;
  }
  const file = join(sysRoot, 'class', 'tty', name, 'device', 'latency_timer');
  let previous: number;
  try {
    previous = Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(previous) || previous <= 1) return undefined;
  writeFileSync(file, '1');
  return { file, previous, restore: () => writeFileSync(file, String(previous)) };
}
