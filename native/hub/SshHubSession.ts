import { ApiError, type OptionStateDto, type SessionDto } from '../api/index.js';
import { SshClientSession, SshOptionsError, type PasswordQuestion, type SshClientOptions, type UnknownHostKey } from '../client/SshClientSession.js';
import { sessionOutput, sessionTrace, type Emit, type HubSession } from './HubSession.js';
import type { OutputChannel } from './OutputChannel.js';
import type { TraceBatcher } from './TraceBatcher.js';

/** No SSH trace line is a wire byte: the trace pane shows the handshake in words. */
const NO_BYTES = new Uint8Array(0);

/**
 * An SSH session in a tab. An unknown host key is put to the user through the session's
 * state (`hostKey`) and waits for answerHostKey; a changed key closes the tab's session
 * with OpenSSH's warning as its message. A refused (or missing) password is asked for the
 * same way (`passwordPrompt`, answerPassword), as PuTTY asks again in its window.
 */
export class SshHubSession implements HubSession {
  private readonly base: Omit<SessionDto, 'state' | 'message'>;
  private current: SessionDto;
  private readonly session: SshClientSession;
  private readonly output: OutputChannel;
  private readonly trace: TraceBatcher;
  /** The question the tab shows, and how its answer goes back to the session. */
  private pending: { readonly question: 'hostKey'; readonly resolve: (accept: boolean) => void } | { readonly question: 'password'; readonly resolve: (password: string | undefined) => void } | undefined;

  constructor(sessionId: string, options: Omit<SshClientOptions, 'acceptHostKey' | 'askPassword'> & { readonly port: number }, private readonly emit: Emit) {
    this.base = { sessionId, kind: 'ssh', title: `${options.username}@${options.host}:${options.port}`, host: options.host, port: options.port, user: options.username };
    this.current = { ...this.base, state: 'connecting' };
    this.session = new SshClientSession({ ...options, now: Date.now, acceptHostKey: (key) => this.askHostKey(key), askPassword: (question) => this.askPassword(question) });
    this.output = sessionOutput(sessionId, emit, this.session);
    this.trace = sessionTrace(sessionId, emit);
    this.session.onData((data) => this.output.push(data));
    this.session.onTrace(({ time, text }) => this.trace.push({ time, direction: 'RCVD', text, short: text, bytes: NO_BYTES }));
    this.session.onState((change) => {
      if (change.state === 'closed') {
        this.output.flush();
        this.cancelQuestion();
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
    const pending = this.pending;
    if (pending?.question !== 'hostKey') return false;
    this.settle();
    pending.resolve(accept);
    return true;
  }

  /** The password the tab asked for (undefined: give up); false when nothing is asked. */
  answerPassword(password: string | undefined): boolean {
    const pending = this.pending;
    if (pending?.question !== 'password') return false;
    this.settle();
    pending.resolve(password);
    return true;
  }

  write(data: Uint8Array): void {
    this.output.typed();
    this.session.write(data);
  }

  resize(cols: number, rows: number): void {
    this.session.resize({ cols, rows });
  }

  /** RFC 4335's break request; a refusal is the error the tab shows. */
  async sendBreak(durationMs: number): Promise<void> {
    try {
      await this.session.sendBreak(durationMs);
    } catch (error) {
      if (error instanceof SshOptionsError) throw new ApiError(error.message);
      throw error;
    }
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
    this.cancelQuestion();
    this.session.close();
    this.output.dispose();
    this.trace.flush();
    this.trace.dispose();
  }

  private askHostKey(key: UnknownHostKey): Promise<boolean> {
    this.cancelQuestion();
    this.trace.flush();
    this.publish({ ...this.current, hostKey: { algorithm: key.key.type, fingerprint: key.description } });
    return new Promise((resolve) => {
      this.pending = { question: 'hostKey', resolve };
    });
  }

  private askPassword(question: PasswordQuestion): Promise<string | undefined> {
    this.cancelQuestion();
    this.trace.flush();
    this.publish({ ...this.current, passwordPrompt: question.message });
    return new Promise((resolve) => {
      this.pending = { question: 'password', resolve };
    });
  }

  /** The question is withdrawn (the connection ended, the tab closed): answered with no. */
  private cancelQuestion(): void {
    const pending = this.pending;
    if (!pending) return;
    this.settle();
    if (pending.question === 'hostKey') pending.resolve(false);
    else pending.resolve(undefined);
  }

  /** The tab stops showing the question. */
  private settle(): void {
    this.pending = undefined;
    const { state, message } = this.current;
    this.publish({ ...this.base, state, ...(message !== undefined ? { message } : {}) });
  }

  private publish(dto: SessionDto): void {
    this.current = dto;
    this.emit('sessionState', dto);
  }
}
