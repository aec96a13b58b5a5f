import type { ModemLinesDto, OptionStateDto, SessionDto } from '../api/index.js';
import { sendBreak } from '../serial/SerialLine.js';
import { formatSerialSettings, type SerialSettings } from '../serial/serialSettings.js';
import { DeviceSupervisor, type DeviceSupervisorOptions } from '../server/DeviceSupervisor.js';
import type { Emit, HubSession } from './HubSession.js';
import { OutputChannel } from './OutputChannel.js';

const MODEM_POLL_MS = 500;

/** A direct serial console in a tab (a real port or the demo router), with hot-plug. */
export class SerialHubSession implements HubSession {
  private readonly base: Omit<SessionDto, 'state' | 'message'>;
  private current: SessionDto;
  private readonly supervisor: DeviceSupervisor;
  private readonly output: OutputChannel;
  private modemTimer: ReturnType<typeof setInterval> | undefined;
  private lastModem = '';

  constructor(sessionId: string, readonly path: string, settings: SerialSettings, device: DeviceSupervisorOptions, private readonly emit: Emit) {
    this.base = { sessionId, kind: 'serial', title: path === 'demo' ? 'demo router' : path, path, settings: formatSerialSettings(settings) };
    this.current = { ...this.base, state: 'connecting' };
    this.supervisor = new DeviceSupervisor(path, settings, device);
    this.output = new OutputChannel({
      send: (data) => emit('sessionData', { sessionId, data }),
      pause: () => this.supervisor.pause(),
      resume: () => this.supervisor.resume(),
    });
    this.supervisor.onData((data) => this.output.push(data));
    this.supervisor.onStatus((status) => {
      switch (status.kind) {
        case 'open':
          this.setState('open');
          this.watchModemLines();
          break;
        case 'waiting':
          this.setState(this.current.state === 'unplugged' ? 'unplugged' : 'connecting', `${status.message}; waiting for it`);
          break;
        case 'unplugged':
          this.setState('unplugged', 'device unplugged, waiting for it');
          break;
        case 'replugged':
          this.setState('open', `device back, reopened with ${formatSerialSettings(this.supervisor.settings)}`);
          break;
      }
    });
  }

  get dto(): SessionDto {
    return this.current;
  }

  open(): void {
    this.supervisor.start();
  }

  write(data: Uint8Array): void {
    this.supervisor.write(data);
  }

  resize(): void {
    // A serial console has no window size to tell.
  }

  sendBreak(durationMs: number): void {
    const line = this.supervisor.line;
    if (line) void sendBreak(line, durationMs).catch(() => {});
  }

  sendCommand(): void {
    throw new Error('Telnet commands do not apply to a serial console; use BREAK');
  }

  async setControlLines(lines: { dtr?: boolean; rts?: boolean }): Promise<void> {
    await this.supervisor.setControlLines(lines);
  }

  optionStates(): OptionStateDto[] {
    return [];
  }

  acknowledge(bytes: number): void {
    this.output.acknowledge(bytes);
  }

  async close(): Promise<void> {
    clearInterval(this.modemTimer);
    this.output.flush();
    this.output.dispose();
    await this.supervisor.close();
    this.setState('closed', 'Closed.');
  }

  private setState(state: SessionDto['state'], message?: string): void {
    this.current = { ...this.base, state, ...(message ? { message } : {}) };
    this.emit('sessionState', this.current);
  }

  /** The modem lamps: read while the device is there; a device without modem lines has none. */
  private watchModemLines(): void {
    if (this.modemTimer) return;
    this.modemTimer = setInterval(() => {
      if (this.current.state !== 'open') return;
      this.supervisor.readModemLines().then((lines) => {
        const modem: ModemLinesDto = lines.ri === undefined ? { cts: lines.cts, dsr: lines.dsr, dcd: lines.dcd } : lines;
        const key = JSON.stringify(modem);
        if (key === this.lastModem) return;
        this.lastModem = key;
        this.emit('modemLines', { sessionId: this.base.sessionId, ...modem });
      }, () => {
        clearInterval(this.modemTimer);
      });
    }, MODEM_POLL_MS);
    this.modemTimer.unref();
  }
}
