import { SerialError } from './SerialLine.js';
import type { SerialPortLine } from './SerialPortLine.js';

let loading: Promise<typeof SerialPortLine> | undefined;

/**
 * SerialPortLine, loaded when a real port is first opened. Loading it loads serialport's
 * native binding, which an install can lack (built for another Node, or not built): that
 * becomes a SerialError saying so, not node-gyp-build's multi-line dump. Loaded once, and a
 * failure is kept: a module that failed to start is not run again (a bundle's would come
 * back half made).
 */
export function loadSerialPortLine(): Promise<typeof SerialPortLine> {
  loading ??= import('./SerialPortLine.js').then(
    (module) => module.SerialPortLine,
    (error: Error) => {
      if (!/No native build was found/i.test(error.message)) throw error;
      throw new SerialError(`serialport's native part (@serialport/bindings-cpp) has no build for Node ${process.versions.node} on ${process.platform}-${process.arch}: reinstall revtel with this Node`);
    },
  );
  return loading;
}
