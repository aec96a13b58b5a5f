import type { ModemLinesDto, OptionStateDto, SessionDto } from '../api/index.js';
import type { Disposable } from '../events/Emitter.js';
import { describeStatus, Device, type DeviceOptions } from '../serial/Device.js';
import { formatSerialSettings, type SerialSettings } from '../serial/serialSettings.js';
import { sessionOutput, type Emit, type HubSession } from './HubSession.js';
import type { OutputChannel } from './OutputChannel.js';

/** A direct serial console in a tab (a real port or the demo router): an attachment to its Device. */
export class SerialHubSession implements HubSession {
  private readonly base: Omit<SessionDto, 'state' | 'message'>;
  private current: SessionDto;
  private readonly device: Device;
  private readonly output: OutputChannel;
  private modemWatch: Disposable | undefined;

  constructor(sessionId: string, readonly path: string, settings: SerialSettings, device: DeviceOptions, private readonly emit: Emit) {
    this.base = { sessionId, kind: 'serial', title: path === 'demo' ? 'demo router' : path, path, settings: formatSerialSettings(settings) };
    this.current = { ...this.base, state: 'connecting' };
    this.device = new Device(path, settings, device);
    this.output = sessionOutput(sessionId, emit, { pause: () => this.device.pause(this), resume: () => this.device.resume(this) });
    this.device.onData((data) => this.output.push(data));
    this.device.onModemLines((lines) => {
      const modem: ModemLinesDto = lines.ri === undefined ? { cts: lines.cts, dsr: lines.dsr, dcd: lines.dcd } : lines;
      this.emit('modemLines', { sessionId: this.base.sessionId, ...modem });
    });
    this.device.onStatus((status) => {
      const sentence = describeStatus(status, this.device.settings);
      switch (status.kind) {
        case 'open':
          this.setState('open');
          // The modem lamps, read by the Device while the tab is open.
          this.modemWatch ??= this.device.watchModemLines();
          break;
        case 'waiting':
          this.setState(this.current.state === 'unplugged' ? 'unplugged' : 'connecting', sentence);
          break;
        case 'unplugged':
          this.setState('unplugged', sentence);
          break;
        case 'replugged':
          this.setState('open', sentence);
          break;
      }
    });
  }

  get dto(): SessionDto {
    return this.current;
  }

  open(): void {
    this.device.start();
  }

  write(data: Uint8Array): void {
    this.output.typed();
    this.device.write(data);
  }

  resize(): void {
    // A serial console has no window size to tell.
  }

  sendBreak(durationMs: number): void {
    void this.device.sendBreak(durationMs);
  }

  sendCommand(): void {
    throw new Error('Telnet commands do not apply to a serial console; use BREAK');
  }

  async setControlLines(lines: { dtr?: boolean; rts?: boolean }): Promise<void> {
    await this.device.setControlLines(lines);
  }

  optionStates(): OptionStateDto[] {
    return [];
  }

  acknowledge(bytes: number): void {
    this.output.acknowledge(bytes);
  }

  async close(): Promise<void> {
    this.modemWatch?.dispose();
    this.output.flush();
    this.output.dispose();
    await this.device.close();
    this.setState('closed', 'Closed.');
  }

  private setState(state: SessionDto['state'], message?: string): void {
    this.current = { ...this.base, state, ...(message ? { message } : {}) };
    this.emit('sessionState', this.current);
  }
}
