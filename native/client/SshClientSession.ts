import { connect, type Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, ClientChannel, NegotiatedAlgorithms, NextAuthHandler, ParsedKey, ServerHostKeyAlgorithm } from 'ssh2';
import { Emitter } from '../events/Emitter.js';
import { describeKey, keyTypeName, publicKeyFromBlob, type PublicKey } from '../ssh/publicKeys.js';
import type { WindowSize } from '../telnet/index.js';
import { requestBreak } from '../ssh/sshBreak.js';
import { ConnectionLifecycle } from './ConnectionLifecycle.js';
import { KnownHostsError, type KnownHosts } from './KnownHosts.js';
import { describeSocketError } from './socketErrors.js';
import type { ClientState, CloseReason } from './ConnectionLifecycle.js';

/** One line of the handshake told in words, for the trace pane and `revtel ssh --trace`. */
export interface SshTraceEntry {
  readonly time: number;
  readonly text: string;
}

/** A host key not yet in the known-hosts file, as the user is asked to accept it. */
export interface UnknownHostKey {
  readonly host: string;
  readonly port: number;
  readonly key: PublicKey;
  /** "ED25519 SHA256:…" */
  readonly description: string;
  /** Keys of other types recorded for this host (the server may have been given a new one). */
  readonly recordedTypes: readonly string[];
}

/** The server takes a password: `message` says why one is asked for, as a sentence. */
export interface PasswordQuestion {
  readonly refused: boolean;
  readonly message: string;
}

export interface SshClientOptions {
  readonly host: string;
  readonly port?: number;
  readonly username: string;
  readonly password?: string;
  /** A private key in OpenSSH or PEM format (the contents of the file, not its path). */
  readonly privateKey?: string | Buffer;
  readonly passphrase?: string;
  /** The ssh-agent socket (SSH_AUTH_SOCK), or 'pageant' on Windows. */
  readonly agent?: string;
  readonly knownHosts: KnownHosts;
  /** Asked when the server's key is not in the known-hosts file; true records it. Absent: refused. */
  readonly acceptHostKey?: (key: UnknownHostKey) => boolean | Promise<boolean>;
  /**
   * Asked, as PuTTY asks, when everything else was refused and the server takes a password
   * (`refused`: a password was just refused). Undefined gives up. Absent: nothing is asked.
   */
  readonly askPassword?: (question: PasswordQuestion) => Promise<string | undefined>;
  readonly terminalType?: string;
  readonly windowSize?: WindowSize;
  /** For the TCP connection and, after it, for the server's version line. */
  readonly connectTimeoutMs?: number;
  /** A keepalive request after this long without traffic; 0 turns keepalives off. */
  readonly keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as lost. */
  readonly keepaliveCountMax?: number;
  readonly reconnect?: boolean;
  readonly now?: () => number;
}

export const DEFAULT_SSH_PORT = 22;
const DEFAULT_KEEPALIVE_MS = 15_000;
const DEFAULT_KEEPALIVE_COUNT = 3;

/**
 * REVTEL_SSH_KEEPALIVE_MS sets the keepalive interval of every SSH session a process
 * opens that is not given one (the UI's tabs), so that tests see a dead server in a second.
 */
function keepaliveFromEnvironment(): number {
  const text = process.env['REVTEL_SSH_KEEPALIVE_MS'];
  const value = text === undefined ? NaN : Number(text);
  return Number.isInteger(value) && value > 0 && value <= 3_600_000 ? value : DEFAULT_KEEPALIVE_MS;
}

/** Host key algorithms in ssh2's default order; the types known for a host go first. */
const HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
/** The server's version line comes first; more than this before it is not SSH. */
const MAX_GREETING_BYTES = 8192;

/** A session option that cannot work (a private key that does not parse, say). */
export class SshOptionsError extends Error {}

/**
 * One outbound SSH session with a shell on a pty: the SSH counterpart of
 * TelnetClientSession, with the same data, state and trace events, resize and reconnect.
 * The host key is checked against Revtel's own known-hosts file before anything is sent.
 */
export class SshClientSession {
  private readonly _onData = new Emitter<Uint8Array>();
  /** Bytes from the server (standard output and error) for the terminal. */
  readonly onData = this._onData.event;
  private readonly _onTrace = new Emitter<SshTraceEntry>();
  readonly onTrace = this._onTrace.event;
  private readonly lifecycle: ConnectionLifecycle;
  readonly onState: ConnectionLifecycle['onState'];
  private readonly _onDrain = new Emitter<void>();
  /** write() returned false, and the session takes input again. */
  readonly onDrain = this._onDrain.event;

  private client: InstanceType<typeof ssh2.Client> | undefined;
  private channel: ClientChannel | undefined;
  /** The terminal is behind (pause): kept, so that a reconnection's new shell starts paused too. */
  private pausedByReader = false;
  private windowSize: WindowSize;
  private readonly privateKey: ParsedKey | undefined;
  /** The password given, or the last one typed when asked (none once refused): a reconnection logs in with it. */
  private password: string | undefined;
  /** Why the host key was refused, when it was: the connection's closing message. */
  private hostKeyRefusal: string | undefined;

  constructor(private readonly options: SshClientOptions) {
    this.lifecycle = new ConnectionLifecycle({ connect: () => this.connect(), reconnect: options.reconnect });
    this.onState = this.lifecycle.onState;
    this.windowSize = options.windowSize ?? { cols: 80, rows: 24 };
    this.password = options.password;
    if (options.privateKey !== undefined) {
      const parsed = ssh2.utils.parseKey(options.privateKey, options.passphrase);
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (!key || key instanceof Error) {
        const reason = key instanceof Error ? key.message : 'no key found';
        if (/passphrase/i.test(reason)) {
          throw new SshOptionsError(options.passphrase === undefined
            ? 'The private key is encrypted: give its passphrase.'
            : 'The passphrase does not open the private key: check it and try again.');
        }
        throw new SshOptionsError(`The private key cannot be read (${reason}): give an OpenSSH or PEM private key file.`);
      }
      if (!key.isPrivateKey()) throw new SshOptionsError('That is a public key: give the private key file (the one without .pub).');
      this.privateKey = key;
    }
  }

  get state(): ClientState {
    return this.lifecycle.state;
  }

  /** Opens the connection; progress and failure arrive as state changes and trace lines. */
  open(): void {
    this.lifecycle.open();
  }

  /** What the user typed. False when the source should wait for onDrain. */
  write(input: Uint8Array): boolean {
    if (this.lifecycle.state !== 'open' || !this.channel) return true;
    return this.channel.write(input);
  }

  /**
   * RFC 4335's break request (OpenSSH's ~B): resolves when the server has answered.
   * Throws SshOptionsError, as a sentence, when no BREAK was sent.
   */
  async sendBreak(lengthMs: number): Promise<void> {
    const { host } = this.options;
    if (this.lifecycle.state !== 'open' || !this.channel) throw new SshOptionsError(`The session with ${host} is not open: no BREAK was sent.`);
    const answer = requestBreak(this.channel, lengthMs);
    if (!answer) throw new SshOptionsError('BREAK over SSH is not available with this version of the ssh2 library.');
    this.trace(`BREAK requested (${lengthMs} ms)`);
    if (!(await answer)) {
      this.trace('The server refused the BREAK');
      throw new SshOptionsError(`${host} refused the BREAK: its SSH server does not send one on this session.`);
    }
    this.trace('The server sent the BREAK');
  }

  /** The terminal's size, sent to the server at once (SSH's window-change request). */
  resize(size: WindowSize): void {
    this.windowSize = size;
    if (!this.channel) return;
    this.channel.setWindow(size.rows, size.cols, 0, 0);
    this.trace(`Window size sent: ${size.cols}×${size.rows}`);
  }

  /** Stops reading (the terminal is behind): the SSH channel window carries the pause to the server. */
  pause(): void {
    this.pausedByReader = true;
    this.channel?.pause();
  }

  resume(): void {
    this.pausedByReader = false;
    this.channel?.resume();
  }

  close(): void {
    this.lifecycle.close();
    if (this.client) {
      this.client.end();
    } else if (this.lifecycle.state !== 'closed') {
      this.lifecycle.ended('user', 'Connection closed.');
    }
  }

  // ---- Connection -----------------------------------------------------------------------

  private connect(): void {
    const { host, username } = this.options;
    const port = this.port;
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    this.lifecycle.set({ state: 'connecting' });
    this.hostKeyRefusal = undefined;
    let hostKeyAlgorithms: ServerHostKeyAlgorithm[];
    try {
      hostKeyAlgorithms = this.hostKeyAlgorithms();
    } catch (error) {
      if (!(error instanceof KnownHostsError)) throw error;
      this.trace(error.message);
      this.lifecycle.set({ state: 'closed', reason: 'connect-failed', message: error.message });
      return;
    }
    this.trace(`Connecting to ${host} port ${port}`);
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    socket.setTimeout(timeoutMs);
    socket.on('timeout', () => socket.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    this.watchGreeting(socket);

    const client = new ssh2.Client();
    this.client = client;
    let failure: Error | undefined;
    /** A refusal that trying again will not cure: a changed host key, wrong credentials. */
    let final: string | undefined;
    let opened = false;
    const auth = new AuthAttempts(this.authPlan(), username);

    client.on('handshake', (negotiated) => this.traceHandshake(negotiated));
    client.on('banner', (message) => this.trace(`Banner from the server: ${message.trimEnd()}`));
    client.on('ready', () => {
      this.trace(`Authenticated as ${username} with ${auth.current ?? 'none'}`);
      this.openShell(client, () => {
        opened = true;
        this.lifecycle.connected();
      });
    });
    client.on('error', (error: Error & { level?: string }) => {
      failure ??= error;
      if (error.level === 'client-authentication') final ??= auth.describeFailure(host, port);
    });
    client.on('close', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.channel = undefined;
      this.afterClose(opened, failure, final ?? this.hostKeyRefusal);
    });

    client.connect({
      sock: socket,
      username,
      readyTimeout: 0,
      keepaliveInterval: this.options.keepaliveIntervalMs ?? keepaliveFromEnvironment(),
      keepaliveCountMax: this.options.keepaliveCountMax ?? DEFAULT_KEEPALIVE_COUNT,
      algorithms: { serverHostKey: hostKeyAlgorithms },
      hostVerifier: (blob: Buffer, verify: (valid: boolean) => void) => {
        void this.verifyHostKey(blob).then(verify);
      },
      authHandler: (methodsLeft: AuthenticationType[] | null, partial: boolean | null, next: NextAuthHandler) => {
        for (const line of auth.report(methodsLeft, partial)) this.trace(line);
        const attempt = (method: AnyAuthMethod | undefined): void => {
          if (method) this.trace(`Trying ${describeMethod(method)}`);
          // ssh2 takes false for "no more methods"; its types leave that out.
          next(method ?? (false as unknown as AuthenticationType));
        };
        const method = auth.next(methodsLeft);
        const question = method ? undefined : auth.passwordQuestion(host, this.options.askPassword !== undefined);
        if (!question) {
          attempt(method);
          return;
        }
        // A refused password is never sent again, by a reconnection either: it asks instead.
        if (question.refused) this.password = undefined;
        this.trace(question.refused ? 'Asking for the password again' : 'Asking for a password');
        const answered = (password: string | undefined): void => {
          if (this.client !== client) return;
          if (password === undefined) this.trace('No password given');
          else this.password = password;
          attempt(password === undefined ? undefined : auth.retry(password));
        };
        this.options.askPassword!(question).then(answered, () => answered(undefined));
      },
    });
  }

  private openShell(client: InstanceType<typeof ssh2.Client>, onOpen: () => void): void {
    const term = this.options.terminalType ?? 'xterm-256color';
    const { cols, rows } = this.windowSize;
    client.shell({ term, cols, rows, width: 0, height: 0 }, (error, channel) => {
      if (error) {
        this.trace(`The server refused a shell: ${error.message}`);
        client.end();
        return;
      }
      this.channel = channel;
      // A reconnection while the terminal is behind: the new shell waits for it too.
      if (this.pausedByReader) channel.pause();
      this.trace(`Shell open on a pty (${term}, ${cols}×${rows})`);
      // A resize while the shell was being asked for found no channel: send it now.
      if (this.windowSize.cols !== cols || this.windowSize.rows !== rows) this.resize(this.windowSize);
      channel.on('data', (chunk: Buffer) => this._onData.fire(chunk));
      channel.stderr.on('data', (chunk: Buffer) => this._onData.fire(chunk));
      channel.on('drain', () => this._onDrain.fire());
      channel.on('close', () => client.end());
      onOpen();
      this.lifecycle.set({ state: 'open' });
    });
  }

  private afterClose(opened: boolean, failure: (Error & { level?: string }) | undefined, refusal: string | undefined): void {
    const { host } = this.options;
    const port = this.port;
    if (this.lifecycle.userClosed) {
      this.lifecycle.ended('user', 'Connection closed.');
      return;
    }
    if (refusal) {
      // Trying again would not cure it (a changed host key, credentials refused).
      this.lifecycle.set({ state: 'closed', reason: 'connect-failed', message: refusal });
      return;
    }
    const reason: CloseReason = !opened ? 'connect-failed' : failure ? 'lost' : 'peer';
    let message: string;
    if (failure?.level === 'client-timeout') {
      message = `${host} port ${port} stopped answering: ${this.options.keepaliveCountMax ?? DEFAULT_KEEPALIVE_COUNT} keepalives went unanswered.`;
    } else if (failure && typeof (failure as NodeJS.ErrnoException).code === 'string') {
      // A socket error (ECONNREFUSED…); SSH disconnects carry a numeric reason code instead.
      message = describeSocketError(failure, host, port, this.options.connectTimeoutMs ?? 10_000);
    } else if (failure) {
      message = `${host} port ${port}: ${failure.message}.`;
    } else {
      message = `Connection to ${host} port ${port} closed by the server.`;
    }
    this.trace(message);
    this.lifecycle.ended(reason, message);
  }

  private get port(): number {
    return this.options.port ?? DEFAULT_SSH_PORT;
  }

  // ---- Host key -------------------------------------------------------------------------

  /** Throws KnownHostsError when the file cannot be read. */
  private hostKeyAlgorithms(): ServerHostKeyAlgorithm[] {
    const recorded = new Set(this.options.knownHosts.recordedTypes(this.options.host, this.port).map(keyTypeName));
    const first = HOST_KEY_ALGORITHMS.filter((algorithm) => recorded.has(keyTypeName(algorithm)));
    return [...first, ...HOST_KEY_ALGORITHMS.filter((algorithm) => !first.includes(algorithm))];
  }

  private async verifyHostKey(blob: Buffer): Promise<boolean> {
    const { host, knownHosts } = this.options;
    const port = this.port;
    const key = publicKeyFromBlob(blob);
    if (!key) {
      this.hostKeyRefusal = `${host} port ${port} sent a host key that is not an SSH key.`;
      return false;
    }
    const description = describeKey(key);
    try {
      const check = knownHosts.check(host, port, key);
      switch (check.status) {
        case 'known':
          this.trace(`Host key ${description}: known (${knownHosts.path} line ${check.line})`);
          return true;
        case 'changed':
          this.hostKeyRefusal = changedKeyWarning(host, port, key, knownHosts.path, check.line);
          this.trace(`Host key ${description}: CHANGED — ${knownHosts.path} line ${check.line} has ${describeKey(check.recorded)}; refused`);
          return false;
        case 'revoked':
          this.hostKeyRefusal = `The ${keyTypeName(key.type)} host key of ${host} port ${port} is marked @revoked in ${knownHosts.path} line ${check.line}: refused.`;
          this.trace(`Host key ${description}: revoked; refused`);
          return false;
        case 'unknown': {
          this.trace(`Host key ${description}: not known yet`);
          const accepted = (await this.options.acceptHostKey?.({ host, port, key, description, recordedTypes: check.recordedTypes })) ?? false;
          if (!accepted) {
            this.hostKeyRefusal = `The host key of ${host} port ${port} (${description}) was not accepted: the connection was not made.`;
            this.trace('Host key not accepted');
            return false;
          }
          knownHosts.add(host, port, key);
          this.trace(`Host key accepted and recorded in ${knownHosts.path}`);
          return true;
        }
      }
    } catch (error) {
      if (!(error instanceof KnownHostsError)) throw error;
      this.hostKeyRefusal = error.message;
      this.trace(error.message);
      return false;
    }
  }

  // ---- Trace ----------------------------------------------------------------------------

  private trace(text: string): void {
    this._onTrace.fire({ time: (this.options.now ?? Date.now)(), text });
  }

  /** The server's version line, read beside ssh2 from the same socket. */
  private watchGreeting(socket: Socket): void {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('latin1');
      const match = /^(SSH-[^\r\n]*)\r?\n/m.exec(seen);
      if (match) {
        socket.setTimeout(0);
        this.trace(`Connected; the server is ${match[1]}`);
      }
      if (match || seen.length > MAX_GREETING_BYTES) socket.off('data', onData);
    };
    socket.on('data', onData);
  }

  private traceHandshake(negotiated: NegotiatedAlgorithms): void {
    const { cs, sc } = negotiated;
    this.trace(`Key exchange: ${negotiated.kex}; host key algorithm: ${negotiated.serverHostKey}`);
    const direction = (side: typeof cs): string => [side.cipher, side.mac ? `MAC ${side.mac}` : '', side.compress !== 'none' ? `compression ${side.compress}` : '']
      .filter(Boolean).join(', ');
    const out = direction(cs);
    const back = direction(sc);
    this.trace(out === back ? `Cipher: ${out} (both ways)` : `Cipher: ${out} to the server, ${back} from it`);
  }

  /** The methods we can offer, in OpenSSH's order: keys first, then passwords. */
  private authPlan(): AnyAuthMethod[] {
    const { username, agent } = this.options;
    const { password } = this;
    const plan: AnyAuthMethod[] = [];
    if (this.privateKey) plan.push({ type: 'publickey', username, key: this.privateKey });
    if (agent) plan.push({ type: 'agent', username, agent });
    if (password !== undefined) plan.push(keyboardInteractive(username, password), { type: 'password', username, password });
    return plan;
  }
}

/** keyboard-interactive answered with the password: its first hidden prompt, once. */
function keyboardInteractive(username: string, password: string): AnyAuthMethod {
  let answered = false;
  return {
    type: 'keyboard-interactive',
    username,
    // One answer per attempt: a server that asks again has refused the password.
    prompt: (_name, _instructions, _lang, prompts, finish) => {
      const answers = prompts.map((prompt) => (!answered && !prompt.echo ? password : ''));
      answered = true;
      finish(answers);
    },
  };
}

/**
 * Which authentication methods were tried on one connection and what the server said,
 * for the trace and for the message when all of them fail.
 */
class AuthAttempts {
  private readonly tried: string[] = [];
  private serverMethods: readonly string[] = [];
  current: string | undefined;

  constructor(private readonly plan: AnyAuthMethod[], private readonly username: string) {}

  /** Trace lines for the server's answer to the previous attempt. */
  report(methodsLeft: readonly string[] | null, partial: boolean | null): string[] {
    if (methodsLeft === null) return [];
    this.serverMethods = methodsLeft;
    const lines: string[] = [];
    if (this.current === 'none') lines.push(`The server accepts: ${methodsLeft.join(', ')}`);
    else if (this.current) lines.push(partial ? `${this.current} accepted; the server asks for more: ${methodsLeft.join(', ')}` : `${this.current} refused`);
    return lines;
  }

  /** The next method to try, or undefined when none is left. */
  next(methodsLeft: readonly string[] | null): AnyAuthMethod | undefined {
    if (methodsLeft === null) {
      // As OpenSSH does: "none" first, to learn what the server accepts.
      this.current = 'none';
      return { type: 'none', username: this.username };
    }
    const method = this.plan.find((candidate) => !this.tried.includes(candidate.type) && acceptedBy(methodsLeft, candidate.type));
    if (method) {
      this.tried.push(method.type);
      this.current = method.type;
    }
    return method;
  }

  /**
   * When nothing is left to try but the server takes a password and the user can be asked:
   * the question. Undefined otherwise.
   */
  passwordQuestion(host: string, canAsk: boolean): PasswordQuestion | undefined {
    if (!canAsk || !this.takesPassword()) return undefined;
    const refused = this.tried.some((type) => PASSWORD_METHODS.has(type));
    return {
      refused,
      message: refused ? `${host} refused the password for ${this.username}: type it again, or cancel.` : `${host} asks for the password of ${this.username}.`,
    };
  }

  /** The password the user typed, sent by the method the server takes. */
  retry(password: string): AnyAuthMethod {
    const method = this.serverMethods.includes('password')
      ? { type: 'password' as const, username: this.username, password }
      : keyboardInteractive(this.username, password);
    this.tried.push(method.type);
    this.current = method.type;
    return method;
  }

  describeFailure(host: string, port: number): string {
    const tried = [...new Set(this.tried)];
    const accepts = `the server accepts ${this.serverMethods.join(', ') || 'nothing'}`;
    // The methods are in the trace; the user needs to know it was the password, and what to do.
    if (tried.some((type) => PASSWORD_METHODS.has(type)) && this.takesPassword()) {
      return `${host} port ${port} did not accept the password for ${this.username}: Reconnect to type it again.`;
    }
    if (tried.length === 0) return `${host} port ${port} refused ${this.username}: Revtel had no credentials the server accepts (${accepts}).`;
    return `${host} port ${port} refused ${this.username} (tried ${tried.join(', ')}; ${accepts}).`;
  }

  private takesPassword(): boolean {
    return this.serverMethods.some((type) => PASSWORD_METHODS.has(type));
  }
}

/** The methods that carry a password. */
const PASSWORD_METHODS: ReadonlySet<string> = new Set(['password', 'keyboard-interactive']);

/** An ssh-agent offers its keys under "publickey". */
function acceptedBy(methods: readonly string[], type: string): boolean {
  return methods.includes(type === 'agent' ? 'publickey' : type);
}

function describeMethod(method: AnyAuthMethod): string {
  switch (method.type) {
    case 'none': return 'none (to learn which methods the server accepts)';
    case 'publickey': {
      const key = method.key as ParsedKey;
      const publicKey = publicKeyFromBlob(key.getPublicSSH());
      return `publickey with ${publicKey ? describeKey(publicKey) : key.type}`;
    }
    case 'agent': return 'publickey with the keys of the SSH agent';
    default: return method.type;
  }
}

/** OpenSSH's warning, in its words, so that people recognise it. */
function changedKeyWarning(host: string, port: number, key: PublicKey, path: string, line: number): string {
  return [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
    'Someone could be eavesdropping on you right now (man-in-the-middle attack)!',
    'It is also possible that a host key has just been changed.',
    `The fingerprint for the ${keyTypeName(key.type)} key sent by ${host} port ${port} is`,
    `${describeKey(key).split(' ')[1]}.`,
    `Offending ${keyTypeName(key.type)} key in ${path}:${line}`,
    `Host key verification failed: the connection was not made. If the key changed for a known reason, delete line ${line} of ${path}.`,
  ].join('\n');
}
