import type { OptionStateDto, SessionDto, SessionKind } from '../api/index.js';
import { TelnetClientSession, type SpecialCommand, type TelnetClientOptions } from '../client/TelnetClientSession.js';
import { sessionOutput, sessionTrace, type Emit, type HubSession } from './HubSession.js';
import type { OutputChannel } from './OutputChannel.js';
import type { TraceBatcher } from './TraceBatcher.js';

/** A telnet session in a tab: to a remote host, or to one of our own lines (a line view). */
export class TelnetHubSession implements HubSession {
  private readonly base: Omit<SessionDto, 'state' | 'message'>;
  private current: SessionDto;
  private readonly session: TelnetClientSession;
  private readonly output: OutputChannel;
  private readonly trace: TraceBatcher;

  constructor(
    sessionId: string,
    kind: Extract<SessionKind, 'telnet' | 'line-view'>,
    title: string,
    options: TelnetClientOptions,
    emit: Emit,
    tcpPort?: number,
  ) {
    this.base = { sessionId, kind, title, host: options.host, port: options.port, ...(tcpPort ? { tcpPort } : {}) };
    this.current = { ...this.base, state: 'connecting' };
    this.session = new TelnetClientSession({ ...options, now: Date.now });
    this.output = sessionOutput(sessionId, emit, this.session);
    this.trace = sessionTrace(sessionId, emit);
    this.session.onData((data) => this.output.push(data));
    this.session.onEcho((echo) => this.output.push(echo));
    this.session.onTrace((entry) => this.trace.push(entry));
    this.session.onMode(({ localEcho, lineEditing, linemode }) => emit('sessionMode', { sessionId, localEcho, lineEditing, linemode }));
    this.session.onState((change) => {
      if (change.state === 'closed') this.output.flush();
      this.current = { ...this.base, state: change.state, ...('message' in change ? { message: change.message } : {}) };
      emit('sessionState', this.current);
    });
  }

  get dto(): SessionDto {
    return this.current;
  }

  open(): void {
    this.session.open();
  }

  write(data: Uint8Array): void {
    this.output.typed();
    this.session.write(data);
  }

  resize(cols: number, rows: number): void {
    this.session.resize({ cols, rows });
  }

  sendBreak(durationMs: number): void {
    this.session.sendBreak(durationMs);
  }

  sendCommand(command: SpecialCommand): void {
    this.session.sendCommand(command);
  }

  async setControlLines(lines: { dtr?: boolean; rts?: boolean }): Promise<void> {
    if (!this.session.setModemControl(lines)) {
      throw new Error('DTR and RTS of a telnet session need RFC 2217: open it with COM-PORT-OPTION settings');
    }
  }

  optionStates(): OptionStateDto[] {
    return this.session.optionStates();
  }

  acknowledge(bytes: number): void {
    this.output.acknowledge(bytes);
  }

  async close(): Promise<void> {
    this.session.close();
    this.output.dispose();
    this.trace.flush();
    this.trace.dispose();
  }
}
