import { createRequire } from 'node:module';
import type * as serialport from 'serialport';

// serialport is required, not imported: for an `import` of a CommonJS package Node lexes
// every file it re-exports (serialport's parsers, some thirty) to learn their export
// names, and that work alone makes V8 compile its optimizing tier early — megabytes of
// resident memory in an idle `revtel serve`. The library is the same either way. (The
// installed `revtel` is a bundle that holds serialport's files: see build/bundle.mjs.)

export const { SerialPort } = createRequire(import.meta.url)('serialport') as typeof serialport;
export type SerialPort = serialport.SerialPort;
