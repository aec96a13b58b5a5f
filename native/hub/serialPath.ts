import { realpathSync, statSync } from 'node:fs';

/**
 * Why a path cannot be a serial port, as a sentence, or undefined when it may be one. Asked
 * before a tab opens it, so "/dev/null" or a config file is refused at once instead of
 * failing inside the serial library with errno text. Nothing is opened to find out (opening a
 * port can drop DTR, which resets some boards). A path that does not exist yet is not judged:
 * the tab waits for the adapter to be plugged in. (A tty check in native/serial may replace this.)
 */
export function notASerialPort(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return undefined;
  }
  if (stats.isDirectory()) return `${path} is a folder, not a serial port — pick a device such as /dev/ttyUSB0`;
  if (!stats.isCharacterDevice()) return `${path} is a file, not a serial port — pick a device such as /dev/ttyUSB0`;
  // Linux says which subsystem a character device belongs to; ptys have no entry and pass.
  const major = Math.floor(stats.rdev / 256) & 0xfff;
  const minor = (stats.rdev & 0xff) | ((Math.floor(stats.rdev / 4096) & 0xfff00));
  try {
    const subsystem = realpathSync(`/sys/dev/char/${major}:${minor}/subsystem`);
    if (!subsystem.endsWith('/tty')) return `${path} is not a serial port — pick a device such as /dev/ttyUSB0`;
  } catch {
    // No sysfs entry (a pty, or not Linux): the open will tell.
  }
  return undefined;
}
