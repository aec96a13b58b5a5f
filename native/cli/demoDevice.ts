import { DemoConsole } from '../demo/DemoConsole.js';
import { loadSerialPortLine } from '../serial/loadSerialPortLine.js';
import type { SerialPortLine } from '../serial/SerialPortLine.js';
import { SerialError } from '../serial/SerialLine.js';
import { DEFAULT_SETTINGS, parseSerialSettings, SettingsError } from '../serial/serialSettings.js';
import { parseCommandLine } from './args.js';
import { CommandLineError, UsageError } from './UsageError.js';

/**
 * `revtel demo-device PATH [SETTINGS]`: the demo router console on a real serial device —
 * the far end of a socat pty pair in tests, or a USB-serial adapter looped to another.
 * A UART delivers a received BREAK as a NUL byte, so a NUL during boot counts as one.
 */
/** Resolves to the exit status: 0 when stopped by a signal, 4 when the device went away. */
export async function runDemoDevice(args: readonly string[]): Promise<number> {
  const { positionals } = parseCommandLine({ args: [...args], options: {}, allowPositionals: true });
  const [path, settingsText, ...extra] = positionals;
  if (!path || extra.length > 0) throw new CommandLineError('demo-device takes a device path and optional settings');
  let settings = DEFAULT_SETTINGS;
  try {
    if (settingsText) settings = parseSerialSettings(settingsText);
  } catch (error) {
    if (error instanceof SettingsError) throw new CommandLineError(error.message);
    throw error;
  }
  let line: SerialPortLine;
  try {
    line = await (await loadSerialPortLine()).open(path, settings);
  } catch (error) {
    if (error instanceof SerialError) throw new UsageError(error.message);
    throw error;
  }
  const console = new DemoConsole();
  console.onOutput((bytes) => line.write(bytes));
  line.onData((bytes) => {
    if (bytes.includes(0)) console.break();
    console.input(bytes);
  });
  // It starts as a router that is already up; "reload" shows the boot (and BREAK during it).
  process.stderr.write(`revtel: demo console on ${path}; Ctrl-C stops it\n`);
  const status = await new Promise<number>((resolve) => {
    line.onLost((error) => {
      process.stderr.write(`revtel: ${error.message}\n`);
      resolve(4);
    });
    process.once('SIGINT', () => resolve(0));
    process.once('SIGTERM', () => resolve(0));
  });
  console.stop();
  await line.close();
  return status;
}
