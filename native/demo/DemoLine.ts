import { Emitter } from '../events/Emitter.js';
import type { ControlLines, ModemLines, SerialLine } from '../serial/SerialLine.js';
import { DEFAULT_SETTINGS, type SerialSettings } from '../serial/serialSettings.js';
import { DemoConsole, type DemoConsoleOptions } from './DemoConsole.js';

/**
 * The demo console as an in-process serial line (`revtel serve --demo`): no device, the
 * same interface as a real port, on every OS. Output produced while the line is paused
 * waits in a queue, as it would in a device's buffer.
 */
export class DemoLine implements SerialLine {
  readonly name = 'demo';
  private readonly _onData = new Emitter<Uint8Array>();
  readonly onData = this._onData.event;
  private readonly _onLost = new Emitter<Error>();
  readonly onLost = this._onLost.event;
  private readonly _onDrain = new Emitter<void>();
  readonly onDrain = this._onDrain.event;
  readonly console: DemoConsole;
  private currentSettings: SerialSettings = DEFAULT_SETTINGS;
  private lines: ControlLines = { dtr: true, rts: true };
  private paused = false;
  private readonly held: Uint8Array[] = [];

  constructor(options?: DemoConsoleOptions) {
    this.console = new DemoConsole(options);
    this.console.onOutput((bytes) => {
      if (this.paused) this.held.push(bytes);
      else this._onData.fire(bytes);
    });
  }

  get settings(): SerialSettings {
    return this.currentSettings;
  }

  get controlLines(): ControlLines {
    return this.lines;
  }

  write(data: Uint8Array): boolean {
    this.console.input(data);
    return true;
  }

  async applySettings(settings: SerialSettings): Promise<void> {
    this.currentSettings = settings;
  }

  async setControlLines(lines: Partial<ControlLines>): Promise<void> {
    this.lines = { ...this.lines, ...lines };
  }

  async setBreak(on: boolean): Promise<void> {
    if (on) this.console.break();
  }

  async readModemLines(): Promise<ModemLines> {
    // A console cable's DSR and CTS are up while the router is powered.
    return { cts: this.lines.rts, dsr: this.lines.dtr, dcd: true, ri: false };
  }

  async purge(): Promise<void> {
    this.held.length = 0;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    // A listener may pause again while the backlog is handed over.
    while (!this.paused && this.held.length > 0) this._onData.fire(this.held.shift()!);
  }

  async close(): Promise<void> {
    this.console.stop();
  }
}
