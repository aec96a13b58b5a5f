import { spawn } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import tty from 'node:tty';
import { SerialPort } from './serialport.js';
import { Emitter } from '../events/Emitter.js';
import { SerialError, type ControlLines, type ModemLines, type SerialLine } from './SerialLine.js';
import type { SerialSettings } from './serialSettings.js';

/** A real serial device through node-serialport. */
export class SerialPortLine implements SerialLine {
  private readonly _onData = new Emitter<Uint8Array>();
  readonly onData = this._onData.event;
  private readonly _onLost = new Emitter<Error>();
  readonly onLost = this._onLost.event;
  private readonly _onDrain = new Emitter<void>();
  readonly onDrain = this._onDrain.event;
  private lines: ControlLines = { dtr: true, rts: true };
  private breakOn = false;
  private closing = false;
  private reopening = false;
  private lost = false;

  private constructor(
    readonly name: string,
    private port: SerialPort,
    private currentSettings: SerialSettings,
    /** Where the bytes are read on POSIX systems (see `open`); serialport reads elsewhere. */
    private readonly reader: tty.ReadStream | undefined,
    /** Where keystrokes are written on POSIX systems while serialport has nothing queued. */
    private writer: number | undefined,
    /** The reader's descriptor: stty changes the frame through it (see applySettings). */
    private readonly readerFd: number | undefined,
  ) {
    this.attach(port);
    if (reader) {
      reader.on('data', (chunk: Buffer) => this._onData.fire(chunk));
      // Reading an unplugged device fails (EIO) or ends: the device is gone.
      reader.on('error', (error: Error) => this.lose(error.message));
      reader.on('end', () => this.lose('closed'));
    }
  }

  /**
   * Opens `path`; a failure is a SerialError that says what to do. On POSIX systems the
   * device is also opened twice more, before serialport's exclusive lock: a descriptor
   * read by libuv's event loop as a tty, not by reads queued in its thread pool, and one
   * that keystrokes are written to at once (see `write`): a keystroke's echo comes back
   * sooner. Backlogs and settings stay serialport's.
   */
  static async open(path: string, settings: SerialSettings): Promise<SerialPortLine> {
    const readerFd = process.platform === 'win32' ? undefined : openOwn(path, constants.O_RDONLY);
    const writerFd = process.platform === 'win32' ? undefined : openOwn(path, constants.O_WRONLY);
    let port: SerialPort;
    try {
      port = await openPort(path, settings);
    } catch (error) {
      if (readerFd !== undefined) closeSync(readerFd);
      if (writerFd !== undefined) closeSync(writerFd);
      throw error;
    }
    return new SerialPortLine(path, port, settings, readerFd === undefined ? undefined : new tty.ReadStream(readerFd), writerFd, readerFd);
  }

  get settings(): SerialSettings {
    return this.currentSettings;
  }

  get controlLines(): ControlLines {
    return this.lines;
  }

  write(data: Uint8Array): boolean {
    let written = 0;
    // Straight to the device while serialport has nothing queued (so order is kept): a
    // keystroke then needs no trip through libuv's thread pool. What the device does not
    // take at once goes to serialport, which waits for room.
    if (this.writer !== undefined && this.port.writableLength === 0) {
      try {
        written = writeSync(this.writer, data);
      } catch {
        // No room (EAGAIN) or a failing device: serialport takes it all and reports.
      }
      if (written === data.length) return true;
    }
    return this.port.write(Buffer.from(data.buffer, data.byteOffset + written, data.length - written));
  }

  /**
   * The speed through serialport; the frame and flow control through stty on our own
   * descriptor, so the port stays open (DTR does not drop) and the result is read back:
   * a pty, say, keeps 8 data bits whatever it is told. Where stty cannot run (Windows),
   * serialport's only way is one close and reopen.
   */
  async applySettings(settings: SerialSettings): Promise<void> {
    const current = this.currentSettings;
    const frameChanged = settings.dataBits !== current.dataBits || settings.parity !== current.parity
      || settings.stopBits !== current.stopBits || settings.flowControl !== current.flowControl;
    if (settings.baudRate !== current.baudRate) {
      await call((done) => this.port.update({ baudRate: settings.baudRate }, done), this.name);
      this.currentSettings = { ...this.currentSettings, baudRate: settings.baudRate };
    }
    if (!frameChanged) return;
    const fd = this.readerFd;
    if (fd !== undefined) {
      const failure = await stty(fd, sttyArguments(settings), this.name).then(() => undefined, (error: Error) => error);
      // Read back even after a failure: part of the change may have been applied.
      this.currentSettings = { ...this.currentSettings, ...parseStty(await stty(fd, ['-a'], this.name)) };
      if (failure) throw failure;
      return;
    }
    this.reopening = true;
    try {
      await call((done) => this.port.close(done), this.name);
      this.port = await openPort(this.name, settings);
      this.attach(this.port);
      await this.applyControl();
    } finally {
      this.reopening = false;
    }
    this.currentSettings = settings;
  }

  async setControlLines(lines: Partial<ControlLines>): Promise<void> {
    this.lines = { ...this.lines, ...lines };
    await this.applyControl();
  }

  async setBreak(on: boolean): Promise<void> {
    this.breakOn = on;
    await this.applyControl();
  }

  async readModemLines(): Promise<ModemLines> {
    const status = await call<{ cts: boolean; dsr: boolean; dcd: boolean }>((done) => this.port.get(done), this.name);
    return { cts: status.cts, dsr: status.dsr, dcd: status.dcd };
  }

  async purge(): Promise<void> {
    await call((done) => this.port.flush(done), this.name);
  }

  pause(): void {
    (this.reader ?? this.port).pause();
  }

  resume(): void {
    (this.reader ?? this.port).resume();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.reader?.destroy();
    if (this.writer !== undefined) closeSync(this.writer);
    this.writer = undefined;
    if (this.port.isOpen) await call((done) => this.port.close(done), this.name).catch(() => {});
  }

  // set() writes DTR, RTS and BRK together, so each change sends our whole copy.
  private async applyControl(): Promise<void> {
    await call((done) => this.port.set({ dtr: this.lines.dtr, rts: this.lines.rts, brk: this.breakOn }, done), this.name);
  }

  private lose(reason: string): void {
    if (this.closing || this.lost) return;
    this.lost = true;
    this._onLost.fire(new SerialError(`${this.name} was unplugged or closed (${reason})`));
  }

  private attach(port: SerialPort): void {
    // With a reader of our own, serialport's stream is never read (no 'data' listener).
    if (!this.reader) port.on('data', (chunk: Buffer) => this._onData.fire(chunk));
    port.on('drain', () => this._onDrain.fire());
    port.on('error', () => {
      // Reported through the failing call or as 'close'; an unlistened error would throw.
    });
    port.on('close', (error: (Error & { disconnected?: boolean }) | null) => {
      // Our own close, or the old port of a reopen: not a loss.
      if (this.reopening || port !== this.port) return;
      this.lose(error?.disconnected ? 'disconnected' : (error?.message ?? 'closed'));
    });
  }
}

/** Runs stty on an open descriptor (its stdin): termios is the device's, whoever set it. */
function stty(fd: number, args: readonly string[], name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('stty', args, { stdio: [fd, 'pipe', 'pipe'], timeout: 5000 });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new SerialError(`${name}: stty: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new SerialError(`${name}: ${stderr.trim().replace(/^stty: /, '') || `stty exited ${code}`}`));
    });
  });
}

const STTY_PARITY: Record<SerialSettings['parity'], string[]> = {
  none: ['-parenb'],
  even: ['parenb', '-parodd', '-cmspar'],
  odd: ['parenb', 'parodd', '-cmspar'],
  mark: ['parenb', 'parodd', 'cmspar'],
  space: ['parenb', '-parodd', 'cmspar'],
};
const STTY_FLOW: Record<SerialSettings['flowControl'], string[]> = {
  none: ['-crtscts', '-ixon', '-ixoff'],
  rtscts: ['crtscts', '-ixon', '-ixoff'],
  xonxoff: ['-crtscts', 'ixon', 'ixoff'],
};

function sttyArguments(settings: SerialSettings): string[] {
  return [`cs${settings.dataBits}`, ...STTY_PARITY[settings.parity], settings.stopBits === 1 ? '-cstopb' : 'cstopb', ...STTY_FLOW[settings.flowControl]];
}

/** The frame and flow control in force, from `stty -a`. */
export function parseStty(text: string): Pick<SerialSettings, 'dataBits' | 'parity' | 'stopBits' | 'flowControl'> {
  const words = new Set(text.split(/[\s;]+/));
  const dataBits = ([5, 6, 7, 8] as const).find((bits) => words.has(`cs${bits}`)) ?? 8;
  const parity = !words.has('parenb') ? 'none'
    : words.has('cmspar') ? (words.has('parodd') ? 'mark' : 'space')
      : words.has('parodd') ? 'odd' : 'even';
  const stopBits = !words.has('cstopb') ? 1 : dataBits === 5 ? 1.5 : 2;
  const flowControl = words.has('crtscts') ? 'rtscts' : words.has('ixon') && words.has('ixoff') ? 'xonxoff' : 'none';
  return { dataBits, parity, stopBits, flowControl };
}

/** A non-blocking descriptor of our own; undefined where that fails (serialport then does the work). */
function openOwn(path: string, access: number): number | undefined {
  try {
    return openSync(path, access | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
}

async function openPort(path: string, settings: SerialSettings): Promise<SerialPort> {
  const port = new SerialPort({
    path,
    autoOpen: false,
    baudRate: settings.baudRate,
    dataBits: settings.dataBits,
    parity: settings.parity,
    stopBits: settings.stopBits,
    rtscts: settings.flowControl === 'rtscts',
    xon: settings.flowControl === 'xonxoff',
    xoff: settings.flowControl === 'xonxoff',
  });
  try {
    await call((done) => port.open(done), path);
  } catch (error) {
    throw new SerialError(describeOpenError(path, error as Error));
  }
  return port;
}

/** One sentence per way an open fails, with the fix. */
function describeOpenError(path: string, error: Error): string {
  const message = error.message;
  if (/No such file or directory|ENOENT/i.test(message)) return `${path} does not exist — is the adapter plugged in? ("revtel ports" lists the serial ports)`;
  if (/Permission denied|EACCES/i.test(message)) return `${path}: permission denied — add your user to the dialout group (then log in again)`;
  if (/lock|busy|EBUSY|temporarily unavailable/i.test(message)) return `${path} is in use by another program — close it or pick another port`;
  if (/baud|speed/i.test(message)) return `${path} does not accept these settings: ${message}`;
  return `${path} could not be opened: ${message}`;
}

function call<T = void>(start: (done: (error: Error | null, value?: T) => void) => void, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    start((error, value) => {
      if (error) reject(error instanceof SerialError ? error : new SerialError(`${name}: ${error.message}`));
      else resolve(value as T);
    });
  });
}
