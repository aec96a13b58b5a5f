import type { ServerChannel } from 'ssh2';
import { DEFAULT_BREAK_MS } from '../api/index.js';
import { CLOSE_DEADLINE_MS } from '../net/endConnection.js';
import { IdleTimer } from './IdleTimer.js';
import { typeOnLine, SLOW_CLIENT_LIMIT, type LinePort, type RemoteClient } from './LineClient.js';
import { may, type Role } from './roles.js';

/** The longest BREAK an SSH client may ask for (OpenSSH's ~B asks for 1000 ms). */
const MAX_BREAK_MS = 5000;

export interface SshTerminal {
  readonly term: string;
  readonly cols: number;
  readonly rows: number;
}

export interface SshLogin {
  /** "10.0.0.7:51234" */
  readonly address: string;
  readonly user: string;
  /** How the user proved who they are: "publickey ED25519 SHA256:…", "password", "none". */
  readonly method: string;
  /** From the pty request, if the client made one (ssh -T does not). */
  readonly terminal?: SshTerminal;
}

/**
 * One SSH session on a line: the shell channel of an authenticated connection, attached
 * with a role like a telnet client. Authentication happened before (SshGateway); what it
 * may do is the role table's, asked at each keystroke and BREAK.
 */
export class SshLineClient implements RemoteClient {
  readonly address: string;
  readonly user: string;
  readonly connectedAt = new Date();
  role: Role = 'pending';
  private closed = false;
  private terminal: SshTerminal | undefined;
  private readonlyNoticeSent = false;
  private readonly idle: IdleTimer;

  constructor(
    private readonly channel: ServerChannel,
    private readonly line: LinePort,
    private readonly login: SshLogin,
    /** Ends the whole SSH connection, not only this channel. */
    private readonly endConnection: () => void,
  ) {
    this.idle = new IdleTimer(line, this);
    this.address = login.address;
    this.user = login.user;
    this.terminal = login.terminal;
    channel.on('data', (chunk: Buffer) => {
      if (!this.closed) this.idle.touch();
      this.fromUser(chunk);
    });
    channel.on('error', () => {
      // 'close' follows.
    });
    channel.on('close', () => this.finish());
    if (!this.closed) this.idle.touch();
  }

  get active(): boolean {
    return !this.closed && this.role !== 'pending';
  }

  describeNegotiation(): string {
    const terminal = this.terminal ? `${this.terminal.term} ${this.terminal.cols}x${this.terminal.rows}` : 'no pty';
    return `SSH as ${this.user} (${this.login.method}), ${terminal}`;
  }

  /** The client's window changed (SSH window-change); kept for the clients table. */
  resized(cols: number, rows: number): void {
    this.terminal = { term: this.terminal?.term ?? 'unknown', cols, rows };
  }

  start(banner: string | undefined): void {
    if (banner !== undefined) this.say(banner);
    this.line.admit(this);
  }

  deliver(data: Uint8Array): void {
    if (!this.active) return;
    this.channel.write(data);
    // The SSH window closes when the client stops reading; past the limit it is dropped.
    if (this.channel.writableLength > SLOW_CLIENT_LIMIT) {
      this.line.log(`client ${this.address} fell more than ${SLOW_CLIENT_LIMIT / 1024} KiB behind: dropped`);
      this.disconnect(`[revtel] ${this.line.config.name}: your connection fell more than ${SLOW_CLIENT_LIMIT / 1024} KiB behind the line; disconnected`);
    }
  }

  pauseInput(): void {
    this.channel.pause();
  }

  resumeInput(): void {
    this.channel.resume();
  }

  say(text: string): void {
    if (this.closed) return;
    this.channel.write(`\r\n${text}\r\n`);
  }

  disconnect(text: string): void {
    if (this.closed) return;
    this.say(text);
    this.closed = true;
    // The channel closes after the sentence, and the client prints it and leaves: OpenSSH's
    // client drops output it has not printed yet when the connection is cut under it. One
    // that stays, or reads nothing, is cut after CLOSE_DEADLINE_MS.
    this.channel.end();
    setTimeout(this.endConnection, CLOSE_DEADLINE_MS).unref();
  }

  resetNotices(): void {
    this.readonlyNoticeSent = false;
  }

  /** RFC 4335: a BREAK of the length asked (0 means the line's default), if the role allows it. */
  sendBreak(lengthMs: number): boolean {
    if (!this.active) return false;
    if (!may(this.role, 'break')) {
      this.line.log(`client ${this.address}: BREAK refused (a ${this.role} may not send it)`);
      this.say(`[revtel] ${this.line.config.name}: BREAK refused: you are watching`);
      return false;
    }
    this.line.sendBreak(this, lengthMs === 0 ? DEFAULT_BREAK_MS : Math.min(lengthMs, MAX_BREAK_MS));
    return true;
  }

  private fromUser(data: Uint8Array): void {
    if (!this.active) return;
    const typed = typeOnLine(this.line, this, data);
    if (typed === 'refused' && !this.readonlyNoticeSent) {
      this.say(`[revtel] ${this.line.config.name}: you are watching; the keyboard is someone else's`);
      this.readonlyNoticeSent = true;
    }
    if (typed === 'handed-over') this.readonlyNoticeSent = false;
  }


  private finish(): void {
    this.idle.stop();
    if (!this.closed) this.endConnection();
    this.closed = true;
    this.line.closed(this);
  }
}
