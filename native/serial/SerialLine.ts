import type { Event } from '../events/Emitter.js';
import type { SerialSettings } from './serialSettings.js';

/** The modem status lines a DTE reads. */
export interface ModemLines {
  readonly cts: boolean;
  readonly dsr: boolean;
  readonly dcd: boolean;
  /** Absent where the driver does not report it (serialport reads only CTS, DSR and DCD). */
  readonly ri?: boolean;
}

/** The lines a DTE drives. */
export interface ControlLines {
  readonly dtr: boolean;
  readonly rts: boolean;
}

/**
 * One open serial device, as the terminal server needs it. A real port (SerialPortLine)
 * and the in-process demo console (DemoLine) both implement it, so a line cannot tell
 * them apart.
 */
export interface SerialLine {
  /** What the user calls it: "/dev/ttyUSB0", "COM7", "demo". */
  readonly name: string;
  readonly settings: SerialSettings;
  /** Our own copy: a port's set() re-applies every flag, so it is never read back. */
  readonly controlLines: ControlLines;
  readonly onData: Event<Uint8Array>;
  /** The device is gone (unplugged, or closed underneath us); the object is finished. */
  readonly onLost: Event<Error>;
  /** write() returned false and the device has taken its backlog. */
  readonly onDrain: Event<void>;
  /** Queues bytes for the device; false when its backlog is full (wait for onDrain). */
  write(data: Uint8Array): boolean;
  applySettings(settings: SerialSettings): Promise<void>;
  setControlLines(lines: Partial<ControlLines>): Promise<void>;
  /** Holds (true) or releases (false) a break condition on the transmit line. */
  setBreak(on: boolean): Promise<void>;
  /** Rejects with a SerialError where the device has no modem lines (a pty, say). */
  readModemLines(): Promise<ModemLines>;
  /** Discards what the device has received and not yet delivered, and what waits to be sent. */
  purge(): Promise<void>;
  /** Stops reading the device (every client is behind); resume() reads on. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** A serial problem a user can act on; the message is the sentence to show. */
export class SerialError extends Error {
  override readonly name = 'SerialError';
}
