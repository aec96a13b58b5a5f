import { array, boolean, bytes, integer, literal, object, optional, string, type Infer } from './schema.js';

// RevtelApi: the one contract between the back end (native/hub) and any UI. Both
// transports — Electron IPC and the WebSocket of `revtel serve --ui` — are generic over
// the `methods` table: a method is one entry here, validated on arrival in both.

// ---- Data the back end reports ------------------------------------------------------------

export interface PortDto {
  readonly path: string;
  readonly friendlyName: string;
  readonly manufacturer?: string;
  readonly vendorId?: string;
  readonly productId?: string;
  readonly serialNumber?: string;
  readonly chip?: string;
}

export interface ClientDto {
  readonly address: string;
  /** Milliseconds since the epoch. */
  readonly since: number;
  readonly role: 'writer' | 'reader';
  readonly negotiated: string;
}

export interface LineDto {
  readonly tcpPort: number;
  readonly name: string;
  readonly device: string;
  readonly settings: string;
  readonly bind: string;
  readonly protocol: 'telnet' | 'raw';
  readonly multi: 'exclusive' | 'kick' | 'shared' | 'spectate';
  /** Reachable from other machines (bound beyond loopback). */
  readonly exposed: boolean;
  readonly devicePresent: boolean;
  readonly passwordProtected: boolean;
  readonly clients: readonly ClientDto[];
}

export type SessionKind = 'serial' | 'telnet' | 'line-view';
export type SessionStateName = 'connecting' | 'open' | 'reconnecting' | 'unplugged' | 'closed';

export interface SessionDto {
  readonly sessionId: string;
  readonly kind: SessionKind;
  readonly title: string;
  readonly state: SessionStateName;
  /** Why the state changed, as a sentence ("device unplugged, waiting for it"). */
  readonly message?: string;
  /** "9600,8N1" for serial sessions. */
  readonly settings?: string;
  /** TCP port of the line a line-view watches. */
  readonly tcpPort?: number;
  /** What the session was opened on, so that it can be opened again: host and port … */
  readonly host?: string;
  readonly port?: number;
  /** … or the serial device path ("demo" for the demo router). */
  readonly path?: string;
}

export interface TraceEntryDto {
  readonly time: number;
  readonly direction: 'SENT' | 'RCVD';
  /** The BSD client's line: "SENT DO SUPPRESS GO AHEAD". */
  readonly text: string;
  /** "SENT DO SGA". */
  readonly short: string;
  readonly bytes: Uint8Array;
}

export type OptionStateName = 'no' | 'yes' | 'wantno' | 'wantyes';

export interface OptionStateDto {
  readonly option: number;
  readonly name: string;
  readonly local: OptionStateName;
  readonly remote: OptionStateName;
}

export interface ModemLinesDto {
  readonly cts: boolean;
  readonly dsr: boolean;
  readonly dcd: boolean;
  readonly ri?: boolean;
}

// ---- Methods ------------------------------------------------------------------------------

const sessionId = string({ maxLength: 64 });
const tcpPort = integer(1, 65535);
const settings = string({ maxLength: 64 });

export const SPECIAL_COMMANDS = ['ayt', 'ip', 'ao', 'ec', 'el', 'nop', 'synch', 'eof', 'susp', 'abort', 'ga'] as const;

/** Every method: its request schema. Results are typed by `MethodResults`. */
export const methods = {
  listPorts: object({}),
  listLines: object({}),
  listSessions: object({}),
  openSerial: object({ path: string({ maxLength: 512 }), settings }),
  openDemo: object({}),
  openTelnet: object({
    host: string({ maxLength: 255, pattern: /^[A-Za-z0-9.:_\-[\]%]+$/ }),
    port: tcpPort,
    terminalType: optional(string({ maxLength: 40 })),
    rfc2217: optional(settings),
  }),
  openLineView: object({ tcpPort }),
  exposeLine: object({
    device: string({ maxLength: 512 }),
    settings,
    tcpPort,
    bind: string({ maxLength: 64 }),
    protocol: literal('telnet', 'raw'),
    multi: literal('exclusive', 'kick', 'shared', 'spectate'),
    allow: array(string({ maxLength: 64 }), 64),
    password: optional(string({ maxLength: 256 })),
  }),
  unexposeLine: object({ tcpPort }),
  kickClient: object({ tcpPort, address: string({ maxLength: 80 }) }),
  write: object({ sessionId, data: bytes(1 << 20) }),
  resize: object({ sessionId, cols: integer(1, 2000), rows: integer(1, 1000) }),
  sendBreak: object({ sessionId, durationMs: integer(10, 10_000) }),
  sendCommand: object({ sessionId, command: literal(...SPECIAL_COMMANDS) }),
  setControlLines: object({ sessionId, dtr: optional(boolean()), rts: optional(boolean()) }),
  optionStates: object({ sessionId }),
  /** The terminal has parsed this many more bytes of the session's output (flow control). */
  acknowledgeOutput: object({ sessionId, bytes: integer(0, 1 << 30) }),
  closeSession: object({ sessionId }),
} as const;

export type MethodName = keyof typeof methods;
export type MethodRequest<M extends MethodName> = Infer<(typeof methods)[M]>;

export interface MethodResults {
  listPorts: PortDto[];
  listLines: LineDto[];
  listSessions: SessionDto[];
  openSerial: SessionDto;
  openDemo: SessionDto;
  openTelnet: SessionDto;
  openLineView: SessionDto;
  exposeLine: LineDto;
  unexposeLine: void;
  kickClient: void;
  write: void;
  resize: void;
  sendBreak: void;
  sendCommand: void;
  setControlLines: void;
  optionStates: OptionStateDto[];
  acknowledgeOutput: void;
  closeSession: void;
}

// ---- Events -------------------------------------------------------------------------------

/** How a telnet session treats typing, for the status line. */
export interface TerminalModeDto {
  readonly localEcho: boolean;
  readonly lineEditing: boolean;
  /** Real LINEMODE (RFC 1184) rather than kludge line mode; absent from older back ends. */
  readonly linemode?: boolean;
}

/** "linemode, local edit", "kludge line mode, local edit", "character mode, remote echo". */
export function describeTerminalMode(mode: TerminalModeDto): string {
  const kind = mode.linemode ? 'linemode' : mode.lineEditing ? 'kludge line mode' : 'character mode';
  return `${kind}, ${mode.lineEditing ? 'local edit' : mode.localEcho ? 'local echo' : 'remote echo'}`;
}

export interface ApiEvents {
  /** Output of a session, batched over a few milliseconds, as bytes. */
  sessionData: { readonly sessionId: string; readonly data: Uint8Array };
  sessionState: SessionDto;
  sessionTrace: { readonly sessionId: string; readonly entries: readonly TraceEntryDto[] };
  sessionMode: { readonly sessionId: string } & TerminalModeDto;
  modemLines: { readonly sessionId: string } & ModemLinesDto;
  ports: { readonly ports: readonly PortDto[] };
  lines: { readonly lines: readonly LineDto[] };
  /** A remote client's negotiation with an exposed line, for the trainer's pane. */
  lineTrace: { readonly tcpPort: number; readonly client: string; readonly entries: readonly TraceEntryDto[] };
}

export type EventName = keyof ApiEvents;
export const EVENT_NAMES: readonly EventName[] = ['sessionData', 'sessionState', 'sessionTrace', 'sessionMode', 'modemLines', 'ports', 'lines', 'lineTrace'];

/** What a UI holds: the methods as async functions, and a way to listen to events. */
export type RevtelApi = {
  readonly [M in MethodName]: (request: MethodRequest<M>) => Promise<MethodResults[M]>;
} & {
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
};

/** What a back end implements: the same methods, and a sink for its events. */
export type RevtelHandlers = { readonly [M in MethodName]: (request: MethodRequest<M>) => Promise<MethodResults[M]> };
