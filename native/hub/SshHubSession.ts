import type { OptionStateDto, SessionDto } from '../api/index.js';
import { SshClientSession, type SshClientOptions, type UnknownHostKey } from '../client/SshClientSession.js';
import type { Emit, HubSession } from './HubSession.js';
import { OutputChannel } from './OutputChannel.js';
import { TraceBatcher } from './TraceBatcher.js';

/** No SSH trace line is a wire byte: the trace pane shows the handshake in words. */
const NO_BYTES = new Uint8Array(0);

/**
 * An SSH session in a tab. An unknown host key is put to the user through the session's
 * state (`hostKey`) and waits for answerHostKey; a changed key closes the tab's session
 * with OpenSSH's warning as its message.
 */
export class SshHubSession implements HubSession {
  private readonly base: Omit<SessionDto, 'state' | 'message'>;
  private current: SessionDto;
  private readonly session: SshClientSession;
  private readonly output: OutputChannel;
  private readonly trace: TraceBatcher;
  private pendingAnswer: ((accept: boolean) => void) | undefined;

  constructor(sessionId: string, options: Omit<SshClientOptions, 'acceptHostKey'> & { readonly port: number }, private readonly emit: Emit) {
    this.base = { sessionId, kind: 'ssh', title: `${options.username}@${options.host}:${options.port}`, host: options.host, port: options.port, user: options.username };
    this.current = { ...this.base, state: 'connecting' };
    this.session = new SshClientSession({ ...options, now: Date.now, acceptHostKey: (key) => this.ask(key) });
    this.output = new OutputChannel({
      send: (data) => emit('sessionData', { sessionId, data }),
      pause: () => this.session.pause(),
      resume: () => this.session.resume(),
    });
    this.trace = new TraceBatcher((entries) => emit('sessionTrace', { sessionId, entries }));
    this.session.onData((data) => this.output.push(data));
    this.session.onTrace(({ time, text }) => this.trace.push({ time, direction: 'RCVD', text, short: text, bytes: NO_BYTES }));
    this.session.onState((change) => {
      if (change.state === 'closed') {
        this.output.flush();
        this.answer(false);
      }
      this.publish({ ...this.base, state: change.state, ...('message' in change ? { message: change.message } : {}) });
    });
  }

  get dto(): SessionDto {
    return this.current;
  }

  open(): void {
    this.session.open();
  }

  /** The user's decision on the host key the tab shows; false when nothing is asked. */
  answerHostKey(accept: boolean): boolean {
    if (!this.pendingAnswer) return false;
    this.answer(accept);
    return true;
  }

  write(data: Uint8Array): void {
    this.session.write(data);
  }

  resize(cols: number, rows: number): void {
    this.session.resize({ cols, rows });
  }

  sendBreak(_durationMs: number): void {
    throw new Error('An SSH session has no BREAK: use the remote side\'s own escape.');
  }

  sendCommand(): void {
    throw new Error('Telnet commands do not apply to an SSH session.');
  }

  async setControlLines(): Promise<void> {
    throw new Error('An SSH session has no DTR or RTS.');
  }

  optionStates(): OptionStateDto[] {
    return [];
  }

  acknowledge(bytes: number): void {
    this.output.acknowledge(bytes);
  }

  async close(): Promise<void> {
    this.answer(false);
    this.session.close();
    this.output.dispose();
    this.trace.flush();
    this.trace.dispose();
  }

  private ask(key: UnknownHostKey): Promise<boolean> {
    this.answer(false);
    this.trace.flush();
    this.publish({ ...this.current, hostKey: { algorithm: key.key.type, fingerprint: key.description } });
    return new Promise((resolve) => {
      this.pendingAnswer = resolve;
    });
  }

  private answer(accept: boolean): void {
    const resolve = this.pendingAnswer;
    if (!resolve) return;
    this.pendingAnswer = undefined;
    const { state, message } = this.current;
    this.publish({ ...this.base, state, ...(message !== undefined ? { message } : {}) });
    resolve(accept);
  }

  private publish(dto: SessionDto): void {
    this.current = dto;
    this.emit('sessionState', dto);
  }
}
