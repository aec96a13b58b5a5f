import { closeSync, constants, openSync, statSync } from 'node:fs';
import { isatty } from 'node:tty';

// A directory, /etc/passwd or /dev/zero given as a serial device would be retried for
// ever ("does not accept these settings"). The CLI, the config file, the UI's serial tabs
// and its exposed lines all ask this one question before opening a path.

/**
 * Why `path` cannot be a serial device, in a sentence, or undefined if it can be. A path
 * that does not exist (yet) passes: a line waits for its USB adapter to be plugged in.
 */
export function serialDeviceProblem(path: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  let kind: string;
  try {
    const stat = statSync(path);
    if (stat.isCharacterDevice()) kind = 'character device';
    else kind = stat.isDirectory() ? 'folder' : stat.isFile() ? 'file' : 'special file';
  } catch {
    return undefined;
  }
  if (kind === 'character device') {
    let fd: number | undefined;
    try {
      // O_NONBLOCK: a modem port waiting for carrier must not hang the check.
      fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
      if (isatty(fd)) return undefined;
    } catch {
      // Busy or not permitted: opening it for real will say which, in its own words.
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  return `${path} is a ${kind === 'character device' ? 'character device that is not a terminal' : kind}, not a serial device — give a tty such as /dev/ttyUSB0 or /dev/serial/by-id/…`;
}
