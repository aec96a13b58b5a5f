import { existsSync, realpathSync } from 'node:fs';
import { Emitter } from '../events/Emitter.js';
import { SerialError, type ControlLines, type ModemLines, type SerialLine } from '../serial/SerialLine.js';
import type { PortInfo } from '../serial/portList.js';
import type { SerialSettings } from '../serial/serialSettings.js';

export type DeviceStatus =
  | { readonly kind: 'open'; readonly path: string }
  /** Not there (or not openable) yet; retrying. `message` says why, once. */
  | { readonly kind: 'waiting'; readonly message: string }
  | { readonly kind: 'unplugged'; readonly message: string }
  /** Back after an unplug, with the same settings. */
  | { readonly kind: 'replugged'; readonly path: string };

export interface DeviceSupervisorOptions {
  readonly open: (path: string, settings: SerialSettings) => Promise<SerialLine>;
  /** Lists ports, to find a USB adapter again by its serial number when its path changed. */
  readonly listPorts?: () => Promise<PortInfo[]>;
  readonly retryMs?: number;
}

/**
 * Keeps a line's device open: opens it, and when it disappears (a USB adapter pulled out)
 * waits for a device with the same USB serial number — or the same path when it has none —
 * and reopens it with the same settings, DTR and RTS.
 */
export class DeviceSupervisor {
  private readonly _onData = new Emitter<Uint8Array>();
  readonly onData = this._onData.event;
  private readonly _onDrain = new Emitter<void>();
  readonly onDrain = this._onDrain.event;
  private readonly _onStatus = new Emitter<DeviceStatus>();
  readonly onStatus = this._onStatus.event;

  private current: SerialLine | undefined;
  private currentSettings: SerialSettings;
  private control: ControlLines | undefined;
  private serialNumber: string | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private paused = false;
  private stopped = false;
  private everOpened = false;
  private lastWaitMessage = '';

  constructor(
    private readonly path: string,
    settings: SerialSettings,
    private readonly options: DeviceSupervisorOptions,
  ) {
    this.currentSettings = settings;
  }

  get line(): SerialLine | undefined {
    return this.current;
  }

  get settings(): SerialSettings {
    return this.currentSettings;
  }

  get controlLines(): ControlLines | undefined {
    return this.control ?? this.current?.controlLines;
  }

  start(): void {
    void this.attempt();
  }

  /**
   * False only when the device's backlog is full: wait for onDrain. Without a device the
   * bytes are dropped (the caller says so to the user) and nothing is waited for.
   */
  write(data: Uint8Array): boolean {
    return this.current ? this.current.write(data) : true;
  }

  async applySettings(settings: SerialSettings): Promise<void> {
    if (this.current) await this.current.applySettings(settings);
    this.currentSettings = settings;
  }

  /** Remembered even when the device refuses (a pty), and applied again after a replug. */
  async setControlLines(lines: Partial<ControlLines>): Promise<void> {
    if (!this.current) throw new SerialError(`${this.path} is not present`);
    this.control = { ...this.current.controlLines, ...lines };
    await this.current.setControlLines(lines);
  }

  async setBreak(on: boolean): Promise<void> {
    if (!this.current) throw new SerialError(`${this.path} is not present`);
    await this.current.setBreak(on);
  }

  async readModemLines(): Promise<ModemLines> {
    if (!this.current) throw new SerialError(`${this.path} is not present`);
    return this.current.readModemLines();
  }

  async purge(): Promise<void> {
    await this.current?.purge();
  }

  pause(): void {
    this.paused = true;
    this.current?.pause();
  }

  resume(): void {
    this.paused = false;
    this.current?.resume();
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const line = this.current;
    this.current = undefined;
    await line?.close();
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    const path = await this.findDevice();
    if (path !== undefined) {
      try {
        const line = await this.options.open(path, this.currentSettings);
        if (this.stopped) {
          await line.close();
          return;
        }
        await this.adopt(line, path);
        return;
      } catch (error) {
        this.waiting(error instanceof Error ? error.message : String(error));
      }
    } else {
      this.waiting(`${this.path} is not present`);
    }
    this.retryTimer = setTimeout(() => void this.attempt(), this.options.retryMs ?? 200);
  }

  private async adopt(line: SerialLine, path: string): Promise<void> {
    this.current = line;
    this.lastWaitMessage = '';
    if (this.control) await line.setControlLines(this.control).catch(() => {});
    if (this.paused) line.pause();
    line.onData((data) => this._onData.fire(data));
    line.onDrain(() => this._onDrain.fire());
    line.onLost((error) => {
      if (this.current !== line) return;
      this.current = undefined;
      this.lastWaitMessage = `${this.path} is not present`;
      void line.close();
      this._onStatus.fire({ kind: 'unplugged', message: error.message });
      this.retryTimer = setTimeout(() => void this.attempt(), this.options.retryMs ?? 200);
    });
    if (!this.everOpened) {
      this.everOpened = true;
      this.serialNumber = await this.usbSerialNumber(path);
      this._onStatus.fire({ kind: 'open', path });
    } else {
      this._onStatus.fire({ kind: 'replugged', path });
    }
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
    const target = resolve(path);
    const ports = await this.options.listPorts().catch(() => []);
    return ports.find((port) => resolve(port.path) === target)?.serialNumber;
  }
}

function resolve(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
