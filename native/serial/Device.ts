import { existsSync, realpathSync } from 'node:fs';
import { DEFAULT_BREAK_MS } from '../api/index.js';
import { Emitter, type Disposable } from '../events/Emitter.js';
import { lowerLatency, type LatencyTuning } from './latencyTimer.js';
import type { PortInfo } from './portList.js';
import type { ControlLines, ModemLines, SerialLine } from './SerialLine.js';
import { formatSerialSettings, type SerialSettings } from './serialSettings.js';

export type DeviceStatus =
  | { readonly kind: 'open'; readonly path: string }
  /** Not there (or not openable) yet; retrying. `message` says why, once. */
  | { readonly kind: 'waiting'; readonly message: string }
  | { readonly kind: 'unplugged'; readonly message: string }
  /** Back after an unplug, with the same settings. */
  | { readonly kind: 'replugged'; readonly path: string };

export interface DeviceOptions {
  readonly open: (path: string, settings: SerialSettings) => Promise<SerialLine>;
  /** Lists ports, to find a USB adapter again by its serial number when its path changed. */
  readonly listPorts?: () => Promise<PortInfo[]>;
  readonly retryMs?: number;
  /** How often the modem lines are read while someone watches them. */
  readonly modemPollMs?: number;
  /** Where sysfs is (a test builds its own tree); FTDI's latency_timer is lowered there. */
  readonly sysRoot?: string;
}

const DEFAULT_MODEM_POLL_MS = 250;

/**
 * The one owner of a physical port: lines, the UI's serial tabs and the operator's views
 * attach to it, never to the port. It opens the port and keeps it open across unplugs
 * (found again by USB serial number, or path), and carries out every operation — settings,
 * DTR/RTS, BREAK, purge, modem reads — in one queue, in the order asked: each sees the
 * result of the one before, and each reports the state in force afterwards.
 */
export class Device {
  private readonly _onData = new Emitter<Uint8Array>();
  readonly onData = this._onData.event;
  private readonly _onDrain = new Emitter<void>();
  readonly onDrain = this._onDrain.event;
  private readonly _onStatus = new Emitter<DeviceStatus>();
  readonly onStatus = this._onStatus.event;
  private readonly _onModemLines = new Emitter<ModemLines>();
  /** The modem lines changed (read only while someone called watchModemLines). */
  readonly onModemLines = this._onModemLines.event;
  /** Something worth a line in the operator's log ("latency_timer 16 → 1 ms"). */
  private readonly _onNote = new Emitter<string>();
  readonly onNote = this._onNote.event;

  private current: SerialLine | undefined;
  private currentSettings: SerialSettings;
  private control: ControlLines = { dtr: true, rts: true };
  private breakOn = false;
  private serialNumber: string | undefined;
  private latency: LatencyTuning | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private timedBreak: Promise<boolean> | undefined;
  private readonly pausedBy = new Set<object>();
  private stopped = false;
  private everOpened = false;
  private lastWaitMessage = '';
  private modemWatchers = 0;
  private modemTimer: ReturnType<typeof setInterval> | undefined;
  private lastModem: ModemLines | undefined;
  private modemReadable = true;

  constructor(
    readonly path: string,
    settings: SerialSettings,
    private readonly options: DeviceOptions,
    /** Lower an FTDI adapter's latency_timer to 1 ms while the port is held. */
    private readonly lowLatency = true,
  ) {
    this.currentSettings = settings;
  }

  get present(): boolean {
    return this.current !== undefined;
  }

  get settings(): SerialSettings {
    return this.currentSettings;
  }

  get controlLines(): ControlLines {
    return this.control;
  }

  get breakCondition(): boolean {
    return this.breakOn;
  }

  /** The last modem lines read; undefined until read, or where the device has none (a pty). */
  get modemLines(): ModemLines | undefined {
    return this.lastModem;
  }

  start(): void {
    void this.attempt();
  }

  /**
   * Straight to the device (typing is never queued behind a slow setting). False only
   * when the device's backlog is full: wait for onDrain. Without a device the bytes are
   * dropped (the caller says so) and nothing is waited for.
   */
  write(data: Uint8Array): boolean {
    return this.current ? this.current.write(data) : true;
  }

  /** Applies a change; resolves with the settings in force afterwards (unchanged if refused). */
  applySettings(change: Partial<SerialSettings>): Promise<SerialSettings> {
    return this.enqueue(async () => {
      const wanted = { ...this.currentSettings, ...change };
      if (formatSerialSettings(wanted) === formatSerialSettings(this.currentSettings)) return this.currentSettings;
      if (!this.current) {
        // Used when the device is opened.
        this.currentSettings = wanted;
        return wanted;
      }
      try {
        await this.current.applySettings(wanted);
      } catch (error) {
        this.note(`cannot use ${formatSerialSettings(wanted)}: ${(error as Error).message}`);
      }
      // What the port reports, not what was asked: a pty keeps 8 data bits whatever it is told.
      const before = formatSerialSettings(this.currentSettings);
      this.currentSettings = this.current?.settings ?? this.currentSettings;
      if (formatSerialSettings(this.currentSettings) !== before) this.note(`settings changed to ${formatSerialSettings(this.currentSettings)}`);
      return this.currentSettings;
    });
  }

  /** Resolves with DTR/RTS as they stand afterwards; a device without them (a pty) keeps its copy. */
  setControlLines(lines: Partial<ControlLines>): Promise<ControlLines> {
    return this.enqueue(async () => {
      const wanted = { ...this.control, ...lines };
      if (!this.current) {
        this.control = wanted;
        return wanted;
      }
      try {
        await this.current.setControlLines(wanted);
        this.control = wanted;
      } catch (error) {
        this.note(`cannot set ${Object.keys(lines).join('/').toUpperCase()}: ${(error as Error).message}`);
      }
      return this.control;
    });
  }

  /** Holds or releases BREAK; resolves with the break condition in force afterwards. */
  setBreak(on: boolean): Promise<boolean> {
    return this.enqueue(() => this.applyBreak(on));
  }

  /**
   * A timed BREAK, one queued step: nothing else reaches the device while it is held. A
   * BREAK asked for while one is queued or held is that one: a flood of IAC BRK cannot
   * fill the queue and hold everyone's settings back.
   */
  sendBreak(durationMs: number = DEFAULT_BREAK_MS, wait: (ms: number) => Promise<void> = sleep): Promise<boolean> {
    this.timedBreak ??= this.enqueue(async () => {
      try {
        if (!(await this.applyBreak(true))) return false;
        try {
          await wait(durationMs);
        } finally {
          await this.applyBreak(false);
        }
        return true;
      } finally {
        this.timedBreak = undefined;
      }
    });
    return this.timedBreak;
  }

  purge(): Promise<void> {
    return this.enqueue(async () => {
      await this.current?.purge();
    });
  }

  /** Rejects where the device is absent or has no modem lines. */
  readModemLines(): Promise<ModemLines> {
    return this.enqueue(async () => {
      if (!this.current) throw new Error(`${this.path} is not present`);
      return this.current.readModemLines();
    });
  }

  /** Reads the modem lines every modemPollMs while at least one watcher holds this. */
  watchModemLines(): Disposable {
    this.modemWatchers++;
    if (!this.modemTimer) {
      this.modemTimer = setInterval(() => this.pollModemLines(), this.options.modemPollMs ?? DEFAULT_MODEM_POLL_MS);
      this.modemTimer.unref();
      this.pollModemLines();
    }
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        if (--this.modemWatchers === 0) {
          clearInterval(this.modemTimer);
          this.modemTimer = undefined;
        }
      },
    };
  }

  /** Stops reading the device until every holder that paused has resumed (UI flow control). */
  pause(holder: object): void {
    this.pausedBy.add(holder);
    this.current?.pause();
  }

  resume(holder: object): void {
    this.pausedBy.delete(holder);
    if (this.pausedBy.size === 0) this.current?.resume();
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.modemTimer);
    await this.enqueue(async () => {
      const line = this.current;
      this.current = undefined;
      await line?.close();
      this.restoreLatency();
    });
  }

  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(step);
    this.queue = run.catch(() => {});
    return run;
  }

  private async applyBreak(on: boolean): Promise<boolean> {
    if (!this.current) return this.breakOn;
    try {
      await this.current.setBreak(on);
      this.breakOn = on;
    } catch (error) {
      this.note(`cannot ${on ? 'hold' : 'release'} BREAK: ${(error as Error).message}`);
    }
    return this.breakOn;
  }

  private pollModemLines(): void {
    if (!this.current || !this.modemReadable) return;
    this.readModemLines().then((lines) => {
      if (JSON.stringify(lines) === JSON.stringify(this.lastModem)) return;
      this.lastModem = lines;
      this._onModemLines.fire(lines);
    }, (error: Error) => {
      if (!this.current) return;
      this.modemReadable = false;
      this.note(`modem lines cannot be read (${error.message})`);
    });
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    const path = await this.findDevice();
    if (path !== undefined) {
      try {
        // Opening is a queued step too: nothing asked meanwhile runs against a half-open port.
        const opened = await this.enqueue(() => this.openAt(path));
        if (opened) return;
      } catch (error) {
        this.waiting(error instanceof Error ? error.message : String(error));
      }
    } else {
      this.waiting(`${this.path} is not present`);
    }
    if (!this.stopped) this.retryTimer = setTimeout(() => void this.attempt(), this.options.retryMs ?? 200);
  }

  private async openAt(path: string): Promise<boolean> {
    if (this.stopped) return true;
    const line = await this.options.open(path, this.currentSettings);
    if (this.stopped) {
      await line.close();
      return true;
    }
    this.current = line;
    this.lastWaitMessage = '';
    this.modemReadable = true;
    this.lastModem = undefined;
    this.currentSettings = line.settings;
    await line.setControlLines(this.control).catch(() => {});
    if (this.pausedBy.size > 0) line.pause();
    line.onData((data) => this._onData.fire(data));
    line.onDrain(() => this._onDrain.fire());
    line.onLost((error) => this.lose(line, error));
    if (this.lowLatency) this.tuneLatency(path);
    // "Open" means typing reaches the device: the USB serial number is looked up after.
    if (!this.everOpened) {
      this.everOpened = true;
      this._onStatus.fire({ kind: 'open', path });
      void this.usbSerialNumber(path).then((serialNumber) => (this.serialNumber ??= serialNumber));
    } else {
      this._onStatus.fire({ kind: 'replugged', path });
    }
    return true;
  }

  private lose(line: SerialLine, error: Error): void {
    if (this.current !== line) return;
    this.current = undefined;
    this.breakOn = false;
    this.lastWaitMessage = `${this.path} is not present`;
    void line.close();
    this.restoreLatency();
    this._onStatus.fire({ kind: 'unplugged', message: error.message });
    this.retryTimer = setTimeout(() => void this.attempt(), this.options.retryMs ?? 200);
  }

  private tuneLatency(path: string): void {
    try {
      this.latency = lowerLatency(path, this.options.sysRoot);
    } catch (error) {
      this.note(`latency_timer left as it is: ${(error as Error).message}`);
      return;
    }
    if (this.latency) this.note(`latency_timer ${this.latency.previous} → 1 ms while Revtel holds the port (FTDI's default delays every echo)`);
  }

  private restoreLatency(): void {
    const latency = this.latency;
    this.latency = undefined;
    if (!latency) return;
    try {
      latency.restore();
      this.note(`latency_timer back to ${latency.previous} ms`);
    } catch (error) {
      this.note(`latency_timer could not be put back to ${latency.previous} ms: ${(error as Error).message}`);
    }
  }

  private note(message: string): void {
    this._onNote.fire(`${this.path}: ${message}`);
  }

  /** Reports why the device cannot be opened, once per reason. */
  private waiting(message: string): void {
    if (message === this.lastWaitMessage) return;
    this.lastWaitMessage = message;
    this._onStatus.fire({ kind: 'waiting', message });
  }

  /** Where the device is now: its USB serial number wins over its old path. */
  private async findDevice(): Promise<string | undefined> {
    if (this.serialNumber && this.options.listPorts) {
      const ports = await this.options.listPorts().catch(() => []);
      const port = ports.find((candidate) => candidate.serialNumber === this.serialNumber);
      if (port) return port.path;
    }
    // Only POSIX paths can be watched for; "COM7" or "demo" are simply tried again.
    return !this.path.startsWith('/') || existsSync(this.path) ? this.path : undefined;
  }

  private async usbSerialNumber(path: string): Promise<string | undefined> {
    if (!this.options.listPorts) return undefined;
    const target = resolvePath(path);
    const ports = await this.options.listPorts().catch(() => []);
    return ports.find((port) => resolvePath(port.path) === target)?.serialNumber;
  }
}

/** The sentence users read for a status, in a line's log and a tab alike. */
export function describeStatus(status: DeviceStatus, settings: SerialSettings): string {
  switch (status.kind) {
    case 'open': return `device ${status.path} open with ${formatSerialSettings(settings)}`;
    case 'waiting': return `${status.message}; waiting for it`;
    case 'unplugged': return `device unplugged, waiting for it (${status.message})`;
    case 'replugged': return `device back, reopened with ${formatSerialSettings(settings)} (${status.path})`;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function resolvePath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
