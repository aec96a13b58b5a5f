import { createServer, type Server, type Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, AuthenticationType, ClientInfo, Connection, PublicKeyAuthContext, ServerChannel } from 'ssh2';
import { acceptedPeer } from '../net/acceptedPeer.js';
import { endConnection } from '../net/endConnection.js';
import { describeKey, publicKeyFromBlob } from '../ssh/publicKeys.js';
import { isAllowed } from './accessList.js';
import { AuthorizedKeysError, keyRefusal, readAuthorizedKeys } from './authorizedKeys.js';
import type { Line } from './Line.js';
import { ConfigError, SSH_USER_NAME } from './LineConfig.js';
import { listenOn } from './listenOn.js';
import { describeDuration, LoginGuard } from './LoginGuard.js';
import { verifyPassword } from './passwords.js';
import { WarningLimiter } from './WarningLimiter.js';
import { acceptBreakRequests } from '../ssh/sshBreak.js';
import { HostKeyError, loadHostKeys, type HostKey } from './SshHostKeys.js';
import { SshLineClient, type SshTerminal } from './SshLineClient.js';
import type { SshRoute } from './sshRoute.js';

export interface SshGatewayOptions {
  /** Where the host keys are kept (made there on first start). */
  readonly dataDir: string;
  /** An authorized_keys file; "%u" in the path stands for the user name (a file per user). */
  readonly authorizedKeys?: string;
  readonly log: (message: string) => void;
  /**
   * Password attempts, lockouts, pending connections and the login time per source address:
   * the terminal server's, so that telnet and SSH guesses count together.
   */
  readonly loginGuard?: LoginGuard;
  readonly now?: () => Date;
}

type KeyCheck =
  | { readonly result: 'accept'; readonly method: string; readonly noPty?: boolean }
  /** Not authorized here (or refused by its options): no secret was guessed (see handleConnection). */
  | { readonly result: 'refused-key'; readonly why: string }
  /** An authorized key with a signature that does not verify: no client of the key's owner sends one. */
  | { readonly result: 'bad-signature'; readonly why: string }
  /** The key would do: the client may now sign with it (RFC 4252 §7). */
  | { readonly result: 'key-ok' };

const REFUSED_FORWARDING = 'Revtel gives console access only: port forwarding, X11, agent forwarding, commands and subsystems are refused';

/**
 * Revtel's SSH server side: the host keys, authentication (authorized_keys and the line
 * passwords) and what a session may ask for. Each listener — the shared one that reaches
 * every line as `user:line@`, or a line's own port — routes a login name to a line; the
 * session then joins that line as an attachment with a role (SshLineClient).
 */
export class SshGateway {
  private hostKeys: readonly HostKey[] | undefined;
  private readonly loginGuard: LoginGuard;

  constructor(private readonly options: SshGatewayOptions) {
    this.loginGuard = options.loginGuard ?? new LoginGuard(undefined, options.log);
  }

  /** The host keys, read (or made, the first time) when the first SSH port opens; their fingerprints logged. */
  keys(): readonly HostKey[] {
    if (this.hostKeys) return this.hostKeys;
    let loaded: ReturnType<typeof loadHostKeys>;
    try {
      loaded = loadHostKeys(this.options.dataDir);
    } catch (error) {
      if (error instanceof HostKeyError) throw new ConfigError(error.message);
      throw error;
    }
    for (const key of loaded.keys) this.options.log(`SSH host key ${key.description}${loaded.made ? ` made now in ${key.path}` : ` (${key.path})`}`);
    this.hostKeys = loaded.keys;
    return loaded.keys;
  }

  /** Listens on bind:port; rejects with a sentence when the port cannot be had. */
  async listen(bind: string, port: number, route: (username: string) => SshRoute, what: string): Promise<SshListener> {
    const ssh = new ssh2.Server({ hostKeys: this.keys().map((key) => key.privateKey) }, (connection, info) => {
      this.handleConnection(connection, info, route, () => sockets.get(`${info.ip}:${info.port}`)?.loggedIn());
    });
    // Revtel takes the TCP connections itself and hands them to ssh2: a client that never
    // even sends its version line must still meet the login time.
    const sockets = new Map<string, { socket: Socket; pending: boolean; loggedIn: () => void }>();
    const guard = this.loginGuard;
    // A flood of refused connections writes a few lines, then a count.
    const refusals = new WarningLimiter(this.options.log);
    const server = createServer((socket) => {
      const peer = acceptedPeer(socket);
      if (!peer) {
        socket.destroy();
        return;
      }
      const { host, address } = peer;
      // Refused before the SSH handshake, as the telnet port refuses before its banner; the
      // caps on connections not logged in yet are those of a line's telnet port (LoginGuard).
      const refusal = this.acceptRefusal(host, [...sockets.values()].filter((entry) => entry.pending).length);
      if (refusal) {
        refusals.report(refusal.kind, `ssh client ${address} refused: ${refusal.why}`);
        // Lines before the version line are allowed (RFC 4253 §4.2): someone with nc reads why.
        endConnection(socket, `[revtel] ${refusal.tell}\r\n`);
        return;
      }
      const loginTimeoutMs = guard.limits.loginTimeoutMs;
      const timer = setTimeout(() => {
        this.options.log(`ssh client ${address}: not logged in after ${loginTimeoutMs / 1000} s: disconnected`);
        endConnection(socket);
      }, loginTimeoutMs);
      const entry = {
        socket,
        pending: true,
        loggedIn: () => {
          clearTimeout(timer);
          if (entry.pending) guard.leavePending(host);
          entry.pending = false;
        },
      };
      sockets.set(address, entry);
      socket.once('close', () => {
        entry.loggedIn();
        sockets.delete(address);
      });
      ssh.injectSocket(socket);
    });
    await listenOn(server, port, bind, what);
    server.on('error', (error: Error) => this.options.log(`${what}: SSH listener: ${error.message}`));
    return new SshListener(server, () => [...sockets.values()].map((entry) => entry.socket), () => refusals.flush());
  }

  /** Why a new connection is refused before its handshake; takes its pending slot otherwise. */
  private acceptRefusal(host: string, pendingHere: number): { kind: string; why: string; tell: string } | undefined {
    const guard = this.loginGuard;
    const lockedMs = guard.lockedOut(host);
    if (lockedMs > 0) return { kind: 'locked out', why: `too many wrong passwords or keys (for ${describeDuration(lockedMs)} more)`, tell: `too many failed logins from your address; try again in ${describeDuration(lockedMs)}` };
    const { maxPendingPerLine, maxPendingPerAddress } = guard.limits;
    if (pendingHere >= maxPendingPerLine) return { kind: 'listener full', why: `${maxPendingPerLine} connections already logging in on this port`, tell: 'too many connections logging in; try again later' };
    if (!guard.enterPending(host)) return { kind: 'address full', why: `${maxPendingPerAddress} connections from it already logging in`, tell: 'too many connections logging in from your address; try again later' };
    return undefined;
  }

  private handleConnection(connection: Connection, info: ClientInfo, route: (username: string) => SshRoute, loggedIn: () => void): void {
    const address = `${info.ip}:${info.port}`;
    const log = (message: string): void => this.options.log(`ssh client ${address}: ${message}`);
    let admitted: { line: Line; user: string; method: string; noPty: boolean } | undefined;
    const refusedRoutes = new Set<string>();
    // A connection that resets or speaks nonsense is simply gone.
    connection.on('error', () => {});
    // A key that is not authorized is no guess at a secret: an agent offers its keys in
    // turn, and its owner logs in with the fifth. What is counted, as a wrong password is:
    // a connection that was refused keys and never logged in (once, whatever the number),
    // and a signature that does not verify. Past `maxRefusedKeys` the connection is let
    // go, as sshd's MaxAuthTries does: the keys an address can try are bounded too.
    const failures = { refusedKeys: 0, counted: false, line: undefined as Line | undefined };
    const countFailure = (line: Line): { delayMs: number; lockedOut: boolean } => {
      failures.counted = true;
      return this.loginGuard.failed(info.ip, line.config.tcpPort);
    };
    connection.on('close', () => {
      if (admitted || failures.counted || !failures.line) return;
      log(`refused ${failures.refusedKeys} key${failures.refusedKeys === 1 ? '' : 's'} and did not log in: counted as a failed login`);
      countFailure(failures.line);
    });

    connection.on('authentication', (context) => {
      const target = route(context.username);
      if ('refusal' in target) {
        if (!refusedRoutes.has(context.username)) log(target.refusal);
        refusedRoutes.add(context.username);
        context.reject([]);
        return;
      }
      const { line, user } = target;
      const refusal = this.admissionRefusal(line, user, info.ip);
      if (refusal) {
        log(refusal);
        context.reject([]);
        return;
      }
      const methods = this.methodsFor(line);
      void this.authenticate(context, line, user, info.ip, methods).then((outcome) => {
        switch (outcome.result) {
          case 'accept':
            admitted = { line, user, method: outcome.method, noPty: outcome.noPty ?? false };
            context.accept();
            break;
          case 'key-ok':
            context.accept();
            break;
          case 'refused-key': {
            log(outcome.why);
            failures.refusedKeys++;
            failures.line = line;
            const limit = this.loginGuard.limits.maxRefusedKeys;
            if (failures.refusedKeys < limit) {
              context.reject(methods);
              break;
            }
            log(`${limit} keys refused: disconnected`);
            connection.end();
            break;
          }
          case 'bad-signature': {
            log(`${outcome.why}: counted as a failed login, disconnected`);
            countFailure(line);
            connection.end();
            break;
          }
          case 'wrong-password': {
            const { delayMs, lockedOut } = countFailure(line);
            log(`wrong password for ${user} on ${line.config.name}`);
            // As at the telnet prompt: the answer waits, and a locked-out address is let go.
            setTimeout(() => (lockedOut ? connection.end() : context.reject(methods)), delayMs).unref();
            break;
          }
          case 'not-now':
            setTimeout(() => context.reject(methods), outcome.waitMs).unref();
            break;
          case 'locked-out':
            log(`too many wrong passwords or keys from ${info.ip}: disconnected`);
            connection.end();
            break;
          case 'reject':
            context.reject(methods);
            break;
        }
      }, (error: Error) => {
        log(`internal error while authenticating: ${error.message}`);
        context.reject(methods);
      });
    });

    connection.on('ready', () => {
      loggedIn();
      const { line, user, method, noPty } = admitted!;
      log(`logged in to ${line.config.name} as ${user} with ${method}`);
      this.handleSessions(connection, line, { address, user, method }, noPty, log);
    });
  }

  /** Who may not log in to this line at all, before any credential is looked at. */
  private admissionRefusal(line: Line, user: string, ip: string): string | undefined {
    const { allow, readers = [], writers = [], name } = line.config;
    if (!isAllowed(ip, allow)) return `refused by the access list of ${name}`;
    if (readers.length + writers.length > 0 && !readers.includes(user) && !writers.includes(user)) {
      return `${user} is neither a reader nor a writer of ${name}: refused`;
    }
    return undefined;
  }

  private methodsFor(line: Line): AuthenticationType[] {
    const methods: AuthenticationType[] = [];
    if (this.options.authorizedKeys || line.config.authorizedKeys) methods.push('publickey');
    if (line.config.passwordHash) methods.push('password');
    return methods;
  }

  private async authenticate(
    context: AuthContext,
    line: Line,
    user: string,
    ip: string,
    methods: readonly AuthenticationType[],
  ): Promise<KeyCheck | { result: 'reject' | 'wrong-password' | 'locked-out' } | { result: 'not-now'; waitMs: number }> {
    // A line that asks for nothing is open, as its telnet port is (and is reported exposed).
    if (methods.length === 0) return { result: 'accept', method: 'none (the line asks for no password)' };
    if (context.method === 'password' && line.config.passwordHash) {
      // The per-address limits telnet's password prompt has (LoginGuard): one check at a time, waits, lockout.
      const turn = this.loginGuard.passwordTurn(ip);
      if (turn.kind === 'locked-out') return { result: 'locked-out' };
      if (turn.kind === 'wait') return { result: 'not-now', waitMs: turn.waitMs };
      const right = await verifyPassword(context.password, line.config.passwordHash).catch(() => false);
      if (!right) return { result: 'wrong-password' };
      this.loginGuard.succeeded(ip);
      return { result: 'accept', method: 'password' };
    }
    if (context.method === 'publickey' && methods.includes('publickey')) return this.checkKey(context, line, user, ip);
    return { result: 'reject' };
  }

  private checkKey(context: PublicKeyAuthContext, line: Line, user: string, ip: string): KeyCheck {
    const offered = publicKeyFromBlob(context.key.data);
    const description = offered ? describeKey(offered) : context.key.algo;
    const entry = this.authorizedKeysFor(line, user).find((candidate) => offered && candidate.key.blob.equals(offered.blob));
    if (!entry) return { result: 'refused-key', why: `key ${description} is not authorized for ${user} on ${line.config.name}` };
    const refusal = keyRefusal(entry, ip, (this.options.now ?? (() => new Date()))());
    if (refusal) return { result: 'refused-key', why: `key ${description} refused: ${refusal}` };
    // Without a signature the client only asks whether the key would do (RFC 4252 §7).
    if (!context.signature || !context.blob) return { result: 'key-ok' };
    const parsed = ssh2.utils.parseKey(context.key.data);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key || key instanceof Error || !key.verify(context.blob, context.signature, context.hashAlgo)) {
      return { result: 'bad-signature', why: `key ${description}: the signature does not verify` };
    }
    return { result: 'accept', method: `publickey ${description}`, noPty: entry.noPty };
  }

  /** The server's file (for this user with %u) and the line's own; read at each login, as sshd does. */
  private authorizedKeysFor(line: Line, user: string) {
    const paths: string[] = [];
    const { authorizedKeys } = this.options;
    if (authorizedKeys && (!authorizedKeys.includes('%u') || SSH_USER_NAME.test(user))) paths.push(authorizedKeys.replaceAll('%u', user));
    if (line.config.authorizedKeys) paths.push(line.config.authorizedKeys);
    return paths.flatMap((path) => {
      try {
        return readAuthorizedKeys(path);
      } catch (error) {
        if (!(error instanceof AuthorizedKeysError)) throw error;
        this.options.log(error.message);
        return [];
      }
    });
  }

  /** One shell per connection, on the line; everything else is refused and said so. */
  private handleSessions(connection: Connection, line: Line, login: { address: string; user: string; method: string }, noPty: boolean, log: (message: string) => void): void {
    let client: SshLineClient | undefined;
    const notices: string[] = [];
    const refuse = (what: string): void => {
      log(`${what} refused`);
      const sentence = `[revtel] ${what} refused: ${REFUSED_FORWARDING}.`;
      if (client) client.say(sentence);
      else notices.push(sentence);
    };
    connection.on('tcpip', (_accept, reject, info) => {
      reject();
      refuse(`port forwarding to ${info.destIP}:${info.destPort}`);
    });
    connection.on('openssh.streamlocal', (_accept, reject) => {
      reject();
      refuse('socket forwarding');
    });
    connection.on('request', (_accept, reject, name) => {
      reject?.();
      refuse(name.includes('streamlocal') ? 'remote socket forwarding' : 'remote port forwarding');
    });
    connection.on('session', (accept, reject) => {
      if (client) {
        reject();
        log('a second session on one connection refused');
        return;
      }
      const session = accept();
      let terminal: SshTerminal | undefined;
      session.on('pty', (acceptPty, rejectPty, info) => {
        if (noPty) {
          // The key's no-pty option: the session goes on without one, as with sshd.
          rejectPty?.();
          log('pty refused: the key has no-pty');
          return;
        }
        terminal = { term: info.term, cols: info.cols, rows: info.rows };
        acceptPty?.();
      });
      session.on('window-change', (acceptChange, _rejectChange, info) => {
        if (client) client.resized(info.cols, info.rows);
        else terminal = { term: terminal?.term ?? 'unknown', cols: info.cols, rows: info.rows };
        acceptChange?.();
      });
      session.on('env', (_acceptEnv, rejectEnv) => rejectEnv?.());
      session.on('signal', (_acceptSignal, rejectSignal) => rejectSignal?.());
      session.on('x11', (_acceptX11, rejectX11) => {
        rejectX11?.();
        refuse('X11 forwarding');
      });
      session.on('auth-agent', (_acceptAgent, rejectAgent) => {
        rejectAgent?.();
        refuse('agent forwarding');
      });
      session.on('exec', (acceptExec, _rejectExec, info) => refuseChannel(acceptExec(), `running a command ("${info.command.slice(0, 80)}")`, log));
      session.on('subsystem', (acceptSubsystem, _rejectSubsystem, info) => refuseChannel(acceptSubsystem(), `the ${info.name.slice(0, 40)} subsystem`, log));
      session.on('shell', (acceptShell) => {
        const channel = acceptShell();
        client = new SshLineClient(channel, line, { ...login, ...(terminal ? { terminal } : {}) }, () => connection.end());
        if (!acceptBreakRequests(connection, session, (lengthMs) => client!.sendBreak(lengthMs))) {
          notices.push('[revtel] BREAK over SSH is not available with this version of the ssh2 library.');
        }
        for (const notice of notices.splice(0)) channel.stderr.write(`${notice}\r\n`);
        line.attachSsh(client);
      });
    });
  }
}

/** The client asked for something other than a shell: told why on its standard error, exit status 1. */
function refuseChannel(channel: ServerChannel, what: string, log: (message: string) => void): void {
  log(`${what} refused`);
  channel.stderr.write(`[revtel] ${what} refused: ${REFUSED_FORWARDING}.\r\n`);
  channel.exit(1);
  channel.end();
}

/** One SSH listening port (the shared one, or a line's own). */
export class SshListener {
  constructor(private readonly server: Server, private readonly sockets: () => Socket[], private readonly flushLog: () => void) {}

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Stops listening and ends the connections it accepted (their lines have said goodbye). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.flushLog();
    for (const socket of this.sockets()) endConnection(socket);
    await closed;
  }
}
