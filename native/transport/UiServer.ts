import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { extname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, SESSION_CONTENT_EVENTS, decodeFrame, dispatch, encodeFrame, isMethodName } from '../api/index.js';
import type { Hub } from '../hub/Hub.js';
import { endConnection } from '../net/endConnection.js';
import { CONTENT_TYPES, RENDERER_CSP, rendererFile } from './rendererAssets.js';

// `revtel serve --ui`: the renderer's files over HTTP and RevtelApi over a WebSocket at
// /api, on 127.0.0.1 unless asked otherwise. A connection must first present the random
// token printed in the URL (it travels in the URL's fragment, so it is never in a request
// line or a log); until then nothing it sends is acted on. Every call is validated against
// the contract before the hub sees it.

export interface UiServerOptions {
  readonly hub: Hub;
  /** The built renderer: index.html, app.js, app.css. */
  readonly staticDir: string;
  readonly port: number;
  readonly bind: string;
  readonly log: (message: string) => void;
  /** From --ui-token-file (or a test); a random one otherwise. */
  readonly token?: string;
  /** How long a connection may take to present the token (default HELLO_TIMEOUT_MS). */
  readonly helloTimeoutMs?: number;
  /** How often a page is pinged, and how many pings in a row it may leave unanswered (default KEEP_ALIVE). */
  readonly keepAlive?: KeepAlive;
  /** What one page may leave unread before it is disconnected, in bytes, beyond what the sessions it shows owe it (default 8 MiB). */
  readonly maxUnread?: number;
}

export interface KeepAlive {
  readonly intervalMs: number;
  readonly missed: number;
}

const MAX_MESSAGE = 2 * 1024 * 1024;
/**
 * What one page may leave unread before it is disconnected, beyond what each session it
 * shows may owe it (Hub.owedPerShownSession: a snapshot, asked for at once by a page that
 * reloads with many tabs, and an output window), for as long as it shows the session.
 * Output is held back by the terminal's acknowledgements, but those come from whichever
 * page reads: a second page that stops reading (a frozen tab, a stalled link) would
 * otherwise grow this process.
 */
const MAX_UNREAD = 8 * 1024 * 1024;
/** A connection that has not presented the token by then is closed. */
export const HELLO_TIMEOUT_MS = 10_000;
/**
 * A page that vanished without closing its WebSocket (a laptop asleep, a cable pulled) is
 * found as OpenSSH's ClientAliveInterval and ClientAliveCountMax find a dead client: pinged
 * every interval, dropped after this many in a row with no pong, no message and none of its
 * output taken. Until then it holds its sessions: as their only or furthest reader it could
 * keep a flooding device paused for good. A page busy parsing still answers: the browser's
 * network code, not the page's script, answers pings.
 */
export const KEEP_ALIVE: KeepAlive = { intervalMs: 5000, missed: 3 };

export class UiServer {
  readonly token: string;
  private readonly http: Server;
  private readonly sockets: WebSocketServer;

  constructor(private readonly options: UiServerOptions) {
    this.token = options.token ?? randomBytes(24).toString('base64url');
    this.http = createServer((request, response) => {
      if (!this.ownHost(request)) {
        response.writeHead(421).end();
        return;
      }
      void this.serveFile(request, response);
    });
    this.sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (request.url !== '/api' || !sameOrigin(request) || !this.ownHost(request)) {
        endConnection(socket, 'HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return;
      }
      this.sockets.handleUpgrade(request, socket, head, (ws) => this.connected(ws, request));
    });
  }

  /** Listens; resolves to the URL a user opens (with the token). */
  async start(): Promise<string> {
    const { port, bind } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', (error: NodeJS.ErrnoException) => {
        reject(new ApiError(error.code === 'EADDRINUSE'
          ? `The UI port ${port} on ${bind} is already in use by another program — pick another with --ui PORT`
          : `The UI cannot listen on ${bind}:${port}: ${error.message}`));
      });
      this.http.listen(port, bind, () => resolve());
    });
    const address = this.http.address() as { port: number };
    const host = bind.includes(':') ? `[${bind}]` : bind === '0.0.0.0' ? '127.0.0.1' : bind;
    return `http://${host}:${address.port}/#token=${this.token}`;
  }

  async stop(): Promise<void> {
    for (const client of this.sockets.clients) client.terminate();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /**
   * A DNS-rebinding page reaches us under a name of its own: only the address we are bound
   * to, localhost or a loopback literal, with our port, is accepted as the Host (and any
   * address literal of this machine when bound to all of them).
   */
  private ownHost(request: IncomingMessage): boolean {
    const listening = this.http.address();
    if (!request.headers.host || typeof listening !== 'object' || listening === null) return false;
    let url: URL;
    try {
      url = new URL(`http://${request.headers.host}/`);
    } catch {
      return false;
    }
    if (url.port !== String(listening.port) && !(url.port === '' && listening.port === 80)) return false;
    const name = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    const bind = this.options.bind.toLowerCase();
    if (name === bind || name === 'localhost' || name === '127.0.0.1' || name === '::1') return true;
    return (bind === '0.0.0.0' || bind === '::') && isIP(name) !== 0;
  }

  private connected(ws: WebSocket, request: IncomingMessage): void {
    const peer = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    let authenticated = false;
    let unsubscribe: (() => void) | undefined;
    /** The sessions this page shows: only their output, trace and modes are sent to it. */
    const shown = new Set<string>();
    /** Those of them the hub has given it a snapshot of: each may owe it that and an output window. */
    const owing = new Set<string>();
    /** What was given to the socket, so that what the page has taken of it can be told (see the pinger). */
    let sentBytes = 0;
    const maxUnread = this.options.maxUnread ?? MAX_UNREAD;
    const send = (message: unknown): void => {
      if (ws.readyState !== ws.OPEN) return;
      const limit = maxUnread + owing.size * this.options.hub.owedPerShownSession;
      if (ws.bufferedAmount > limit) {
        this.options.log(`ui: ${peer} left more than ${mebibytes(limit)} unread: disconnected`);
        ws.close(4002, `This page fell more than ${mebibytes(limit)} behind the server: reload it`);
        return;
      }
      const frame = encodeFrame(message);
      sentBytes += frame.length;
      ws.send(frame);
    };
    const refuse = (message: string): void => {
      this.options.log(`ui: ${peer} refused: ${message}`);
      send({ type: 'refused', message });
      ws.close(4001, 'refused');
    };
    const helloTimeoutMs = this.options.helloTimeoutMs ?? HELLO_TIMEOUT_MS;
    const helloTimer = setTimeout(() => refuse(`no token within ${helloTimeoutMs / 1000} s`), helloTimeoutMs);
    const keepAlive = this.options.keepAlive ?? KEEP_ALIVE;
    let unanswered = 0;
    let taken = 0;
    const pinger = setInterval(() => {
      // A page far behind (a second window mid-flood) finds a ping only after the output queued
      // before it: taking that output is a sign of life too.
      const takenNow = sentBytes - ws.bufferedAmount;
      if (takenNow > taken) unanswered = 0;
      taken = takenNow;
      if (unanswered >= keepAlive.missed) {
        this.options.log(`ui: ${peer} answered none of ${keepAlive.missed} pings: dropped as gone`);
        // No closing handshake to wait for from a page that is not there: 'close' follows at once.
        ws.terminate();
        return;
      }
      unanswered++;
      ws.ping();
    }, keepAlive.intervalMs);
    ws.on('pong', () => {
      unanswered = 0;
    });
    ws.on('message', (data, isBinary) => {
      unanswered = 0;
      let message: { type?: unknown; token?: unknown; id?: unknown; method?: unknown; request?: unknown };
      try {
        if (!isBinary) throw new ApiError('Messages must be binary frames');
        const decoded = decodeFrame(toBytes(data));
        if (typeof decoded !== 'object' || decoded === null) throw new ApiError('A message must be an object');
        message = decoded as typeof message;
      } catch (error) {
        if (!authenticated) return refuse('not a Revtel client');
        send({ type: 'error', id: null, message: (error as Error).message });
        return;
      }
      if (!authenticated) {
        if (message.type !== 'hello' || typeof message.token !== 'string' || !sameSecret(message.token, this.token)) return refuse('wrong or missing token');
        authenticated = true;
        clearTimeout(helloTimer);
        const subscription = this.options.hub.onEvent(({ event, payload }) => {
          if (SESSION_CONTENT_EVENTS.includes(event) && !shown.has((payload as { sessionId: string }).sessionId)) return;
          send({ type: 'event', event, payload });
        });
        unsubscribe = () => subscription.dispose();
        send({ type: 'welcome' });
        return;
      }
      if (message.type !== 'call' || typeof message.id !== 'number' || !isMethodName(message.method)) {
        send({ type: 'error', id: typeof message.id === 'number' ? message.id : null, message: 'Not a call of a known method' });
        return;
      }
      const id = message.id;
      const method = message.method;
      const sessionId = (message.request as { sessionId?: unknown } | undefined)?.sessionId;
      // Shown before the hub takes its snapshot, so no output falls between the two.
      if (method === 'subscribeSession' && typeof sessionId === 'string') {
        if (shown.has(sessionId)) void this.options.hub.unsubscribeSession({ sessionId });
        shown.add(sessionId);
      }
      // The hub counts the pages reading a session: only this page's own subscription is
      // taken back (once), or a page that never showed it would end another page's pace.
      if (method === 'unsubscribeSession' && typeof sessionId === 'string') {
        owing.delete(sessionId);
        if (!shown.delete(sessionId)) {
          send({ type: 'result', id, result: null });
          return;
        }
      }
      dispatch(this.options.hub, method, message.request).then(
        (result) => {
          // Counted once the hub has answered: an id it refuses owes the page nothing.
          if (method === 'subscribeSession' && typeof sessionId === 'string' && shown.has(sessionId)) owing.add(sessionId);
          send({ type: 'result', id, result: result ?? null });
        },
        (error: Error) => {
          if (method === 'subscribeSession' && typeof sessionId === 'string') {
            shown.delete(sessionId);
            owing.delete(sessionId);
          }
          if (!(error instanceof ApiError)) this.options.log(`ui: ${String(message.method)} failed: ${error.stack ?? error.message}`);
          send({ type: 'error', id, message: error instanceof ApiError ? error.message : `Revtel could not do that (${error.message})` });
        },
      );
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      clearInterval(pinger);
      unsubscribe?.();
      // A page that went away reads nothing more: the hub takes its sessions' output again.
      for (const sessionId of shown) void this.options.hub.unsubscribeSession({ sessionId });
    });
    ws.on('error', () => ws.terminate());
  }

  private async serveFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const file = rendererFile(new URL(request.url ?? '/', 'http://x').pathname);
    if (request.method !== 'GET' || !file) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(this.options.staticDir, file));
      response.writeHead(200, {
        'Content-Type': CONTENT_TYPES[extname(file)]!,
        'Content-Security-Policy': RENDERER_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  }
}

/** A browser sends its page's origin: refuse pages of other sites (cross-site WebSocket). */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** "8 MiB", "9.5 MiB" */
function mebibytes(bytes: number): string {
  return `${Number((bytes / 1048576).toFixed(1))} MiB`;
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
