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

/** What an attachment to a line may do is its role's (native/server/roles.ts). */
export type RoleName = 'pending' | 'reader' | 'writer' | 'operator';

export interface ClientDto {
  readonly address: string;
  /** Milliseconds since the epoch. */
  readonly since: number;
  /** 'operator' is the local user's own view of the line (the UI). */
  readonly role: RoleName;
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
  /** The line's own SSH port, when it has one (`ssh: PORT`), as it listens. */
  readonly sshPort?: number;
  /** Remote connections only (telnet, SSH). */
  readonly clients: readonly ClientDto[];
  /**
   * The operator's view (this app's tab of the line, the same in every window), when open:
   * its typing reaches the device because it took the keyboard, because no remote writer is
   * connected, or not at all because a remote writer has it.
   */
  readonly operatorKeyboard?: 'taken' | 'free' | 'remote';
}

/** A host key of Revtel's SSH server, as `ssh` shows it on first connection and `ssh-keygen -lf` prints it. */
export interface HostKeyDto {
  /** "ED25519", "RSA". */
  readonly algorithm: string;
  /** "SHA256:…". */
  readonly fingerprint: string;
}

/** Revtel's SSH server: its shared listener (every line as USER:LINE@), when there is one, and its host keys while any SSH port is open. */
export interface SshServerDto {
  readonly listener?: { readonly bind: string; readonly port: number; readonly exposed: boolean };
  /** Empty when no SSH port is open (no keys are read or made for the UI). */
  readonly hostKeys: readonly HostKeyDto[];
}

/** A replay is read-only: a recorded negotiation shown without a network. */
export type SessionKind = 'serial' | 'telnet' | 'ssh' | 'line-view' | 'replay';
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
  /** Left running without a tab: listed apart until someone attaches it again. */
  readonly detached?: boolean;
  /** The file the back end is logging this session to. */
  readonly logFile?: string;
  /** A telnet session opened with RFC 2217 (COM-PORT-OPTION) settings: DTR, RTS and BREAK reach a port. */
  readonly rfc2217?: string;
  /** How a telnet session negotiates, when not 'auto'. */
  readonly negotiation?: TelnetNegotiation;
  /**
   * The terminal size last asked for (NAWS, the pty's window): with several windows on one
   * session, the one the user last typed in or focused sets it, as tmux's "latest" does.
   */
  readonly size?: { readonly cols: number; readonly rows: number };
  /** The user an SSH session logs in as. */
  readonly user?: string;
  /** An SSH server's key not yet known: the tab asks the user to accept it once (answerHostKey). */
  readonly hostKey?: { readonly algorithm: string; readonly fingerprint: string };
  /** An SSH server takes a password and wants one (again): why, as a sentence; the tab asks for it (answerPassword). */
  readonly passwordPrompt?: string;
}

/** How much trace history a session keeps, oldest dropped first (the hub and a tab alike). */
export const SESSION_TRACE_LIMIT = 5000;

/** What a page needs to show a session it has just subscribed to, as the hub holds it. */
export interface SessionSnapshotDto {
  readonly session: SessionDto;
  /** The recent output (bounded), to replay into the terminal. */
  readonly output: Uint8Array;
  /** Position of the end of `output` in the session's output: live data from here on follows it. */
  readonly end: number;
  readonly trace: readonly TraceEntryDto[];
  readonly mode?: TerminalModeDto;
  readonly modem?: ModemLinesDto;
  /** The tab's choices, as a page last set them. */
  readonly prefs?: TabPrefsDto;
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

/** BREAK's length when none is given: Cisco documents 100–500 ms. */
export const DEFAULT_BREAK_MS = 300;

/**
 * How a telnet session negotiates, in the words of the tools users come from:
 * auto — the BSD client's rule: ask for options at once on port 23, elsewhere once the server has;
 * active — ask at once on any port (PuTTY's "Active", its default);
 * passive — send nothing until the server negotiates, then ask as on port 23 (PuTTY's "Passive");
 * never — only answer what the server asks (the BSD client off port 23);
 * raw — no telnet at all, a plain TCP byte stream (PuTTY's "Raw" connection type).
 */
export const TELNET_NEGOTIATIONS = ['auto', 'active', 'passive', 'never', 'raw'] as const;
export type TelnetNegotiation = typeof TELNET_NEGOTIATIONS[number];

export const SPECIAL_COMMANDS = ['ayt', 'ip', 'ao', 'ec', 'el', 'nop', 'synch', 'eof', 'susp', 'abort', 'ga'] as const;

/** The recorded negotiations built into Revtel, for a class without a network. */
export const BUILT_IN_REPLAYS = [
  { id: 'fig26-12', title: 'Figure 26.12 (TCP/IP Illustrated)' },
  { id: 'ser2net', title: 'ser2net 4 on connect' },
  { id: 'inetutils-linemode', title: 'inetutils telnetd with LINEMODE' },
] as const;

/** A capture file a user opens (raw or hex, as `revtel decode` reads it) is at most this big: one message of the UI's transport. */
export const MAX_CAPTURE_BYTES = 1 << 20;

/** The choices of a tab that the hub keeps with its session, so that a reload or another window has them. */
export const tabPrefs = object({
  encoding: literal('utf-8', 'latin1'),
  localEcho: literal('auto', 'on', 'off'),
  enterSends: literal('CR', 'LF', 'CRLF'),
  lfToCrlf: boolean(),
  pasteCharDelayMs: integer(0, 1000),
  pasteLineDelayMs: integer(0, 10_000),
  pasteWaitForEcho: boolean(),
});

export type TabPrefsDto = Infer<typeof tabPrefs>;

/** What a saved session keeps beside how to reach it: the tab's choices, and whether it is logged whenever it opens. */
const savedSession = { prefs: optional(tabPrefs), alwaysLog: optional(boolean()) };

/** What the settings file keeps for the UI: font, theme, layout, clipboard habits, saved telnet and SSH destinations (never a password) and serial sessions. */
export const uiSettings = object({
  fontSize: optional(integer(8, 32)),
  theme: optional(literal('dark', 'light')),
  /** auto: WebGL where a GPU draws it, the DOM renderer otherwise; webgl: WebGL even when the CPU draws it; dom: always the DOM renderer. */
  renderer: optional(literal('auto', 'webgl', 'dom')),
  layout: optional(object({ sidebar: boolean(), trace: literal('right', 'below', 'hidden'), traceSize: integer(160, 900) })),
  clipboard: optional(object({ copyOnSelect: boolean(), rightClickPaste: boolean(), confirmMultiline: boolean() })),
  destinations: optional(array(object({
    host: string({ maxLength: 255 }),
    port: tcpPort,
    rfc2217: optional(settings),
    /** An SSH destination: who logs in and how; the password is asked each time. */
    ssh: optional(object({ user: string({ maxLength: 64 }), keyFile: optional(string({ maxLength: 1024 })), agent: optional(boolean()) })),
    terminalType: optional(string({ maxLength: 40 })),
    negotiation: optional(literal(...TELNET_NEGOTIATIONS)),
    ...savedSession,
  }), 256)),
  /** A port is found again by its USB serial number when it has one (its path may change), else by path. */
  serialSessions: optional(array(object({
    path: string({ maxLength: 512 }),
    serialNumber: optional(string({ maxLength: 128 })),
    settings,
    ...savedSession,
  }), 256)),
});

export type UiSettingsDto = Infer<typeof uiSettings>;

export interface SettingsDto {
  readonly settings: UiSettingsDto;
  /** Where the file is (one file for the desktop app and `revtel serve`). */
  readonly path: string;
  /** Why the file could not be read, and where it was kept, as a sentence. */
  readonly problem?: string;
}

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
    negotiation: optional(literal(...TELNET_NEGOTIATIONS)),
  }),
  /** An SSH shell; a password or key passphrase lives only as long as the session (never saved or logged). */
  openSsh: object({
    host: string({ maxLength: 255, pattern: /^[A-Za-z0-9.:_\-[\]%]+$/ }),
    port: tcpPort,
    // A colon too: console servers (Revtel, Opengear) take USER:LINE.
    user: string({ maxLength: 64, pattern: /^[A-Za-z0-9._\-@:]+$/ }),
    password: optional(string({ maxLength: 1024 })),
    keyFile: optional(string({ maxLength: 1024 })),
    passphrase: optional(string({ maxLength: 1024 })),
    /** Offer the keys of the back end's SSH agent (sshAgent says whether it has one). */
    agent: optional(boolean()),
  }),
  /** Whether the back end has an SSH agent to log in with (SSH_AUTH_SOCK, or Pageant on Windows). */
  sshAgent: object({}),
  /** Revtel's own SSH server: where it listens and its host keys' fingerprints. */
  sshServer: object({}),
  /** The user's answer to the host key an SSH tab asks about: accept records it in Revtel's known_hosts. */
  answerHostKey: object({ sessionId, accept: boolean() }),
  /** The password an SSH tab asks for (passwordPrompt); without one, the login is given up. Never saved or logged. */
  answerPassword: object({ sessionId, password: optional(string({ maxLength: 1024 })) }),
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
  /** The operator's view of a line takes the keyboard from the remote writers (take) or gives it back. */
  takeKeyboard: object({ sessionId, take: boolean() }),
  optionStates: object({ sessionId }),
  /**
   * The page's terminal has parsed the session's output up to this position (sessionData's
   * offset + length): flow control. A position, not a count, so that pages acknowledging the
   * same output, or a page that leaves, neither over- nor under-count.
   */
  acknowledgeOutput: object({ sessionId, upTo: integer(0, Number.MAX_SAFE_INTEGER) }),
  closeSession: object({ sessionId }),
  /** Leave a session running without a tab (detached: true), or give it its tab back. */
  detachSession: object({ sessionId, detached: boolean() }),
  /** Opens a closed session again on what it was opened on, in the same tab, its scrollback kept. */
  reconnectSession: object({ sessionId }),
  /** This page shows the session: its output, trace and modes come to it from now on. */
  subscribeSession: object({ sessionId }),
  unsubscribeSession: object({ sessionId }),
  /**
   * Logs the session's output to a file, in the back end, as it arrives: each line time-stamped,
   * escape sequences kept (raw) or stripped; the name from a template ({title} {host} {port}
   * {path} {date} {time}).
   */
  startLog: object({ sessionId, stripped: boolean(), template: optional(string({ maxLength: 200 })) }),
  stopLog: object({ sessionId }),
  /** Keeps the tab's choices (encoding, Enter, paste pacing) with the session, for the pages that show it later. */
  setSessionPrefs: object({ sessionId, prefs: tabPrefs }),
  getSettings: object({}),
  saveSettings: object({ settings: uiSettings }),
  /** A built-in recording as a read-only tab with its trace. */
  openReplay: object({ replay: literal(...BUILT_IN_REPLAYS.map((replay) => replay.id)) }),
  /** What a server sent, from a file: raw bytes, or hex text when `hex`. */
  openCapture: object({ name: string({ maxLength: 255 }), data: bytes(MAX_CAPTURE_BYTES), hex: boolean() }),
  /** What a replay's screen showed once trace line `step` (from 0) had happened, for stepping through it. */
  replayScreen: object({ sessionId, step: integer(0, 1 << 20) }),
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
  openSsh: SessionDto;
  sshAgent: boolean;
  sshServer: SshServerDto;
  answerHostKey: void;
  answerPassword: void;
  openLineView: SessionDto;
  exposeLine: LineDto;
  unexposeLine: void;
  kickClient: void;
  write: void;
  resize: void;
  sendBreak: void;
  sendCommand: void;
  setControlLines: void;
  takeKeyboard: void;
  optionStates: OptionStateDto[];
  acknowledgeOutput: void;
  closeSession: void;
  detachSession: SessionDto;
  reconnectSession: SessionDto;
  subscribeSession: SessionSnapshotDto;
  unsubscribeSession: void;
  startLog: SessionDto;
  stopLog: SessionDto;
  setSessionPrefs: void;
  getSettings: SettingsDto;
  saveSettings: void;
  openReplay: SessionDto;
  openCapture: SessionDto;
  replayScreen: Uint8Array;
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
  sessionData: {
    readonly sessionId: string;
    readonly data: Uint8Array;
    /** Position of data's first byte in the session's output (set by the hub), to line it up with a replay. */
    readonly offset?: number;
  };
  sessionState: SessionDto;
  /** A session was opened (in any window): every page adds its tab at the end. */
  sessionAdded: SessionDto;
  /** A session was closed (in any window): every page removes its tab. */
  sessionRemoved: { readonly sessionId: string; readonly title: string };
  sessionTrace: { readonly sessionId: string; readonly entries: readonly TraceEntryDto[] };
  sessionMode: { readonly sessionId: string } & TerminalModeDto;
  modemLines: { readonly sessionId: string } & ModemLinesDto;
  /** A tab's choices changed (in any window): every page showing it follows. */
  sessionPrefs: { readonly sessionId: string; readonly prefs: TabPrefsDto };
  ports: { readonly ports: readonly PortDto[] };
  lines: { readonly lines: readonly LineDto[] };
  /** The settings were saved (from any window): every page follows. */
  settings: { readonly settings: UiSettingsDto };
  /** A remote client's negotiation with an exposed line, for the trainer's pane. */
  lineTrace: { readonly tcpPort: number; readonly client: string; readonly entries: readonly TraceEntryDto[] };
}

export type EventName = keyof ApiEvents;

/** Events about one session's content: a transport sends them only to the pages subscribed to it. */
export const SESSION_CONTENT_EVENTS: readonly EventName[] = ['sessionData', 'sessionTrace', 'sessionMode', 'modemLines', 'sessionPrefs'];
export const EVENT_NAMES: readonly EventName[] = ['sessionData', 'sessionState', 'sessionAdded', 'sessionRemoved', 'sessionTrace', 'sessionMode', 'modemLines', 'sessionPrefs', 'ports', 'lines', 'lineTrace', 'settings'];

/** What a UI holds: the methods as async functions, and a way to listen to events. */
export type RevtelApi = {
  readonly [M in MethodName]: (request: MethodRequest<M>) => Promise<MethodResults[M]>;
} & {
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
};

/** What a back end implements: the same methods, and a sink for its events. */
export type RevtelHandlers = { readonly [M in MethodName]: (request: MethodRequest<M>) => Promise<MethodResults[M]> };
