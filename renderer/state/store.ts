import { createStore } from 'zustand/vanilla';
import type { ApiEvents, EventName, LineDto, ModemLinesDto, OptionStateDto, PortDto, SessionDto, TerminalModeDto, TraceEntryDto } from '../../native/api/index.js';

// The UI's state, in one zustand store with no DOM in it (unit-tested under Node). The
// back end's events go in through applyEvent; terminals live outside (TerminalRegistry).

export type Encoding = 'utf-8' | 'latin1';
export type EnterSends = 'CR' | 'LF' | 'CRLF';
export type TraceNames = 'short' | 'rfc';

/** Per-tab choices a user makes. */
export interface SessionPrefs {
  readonly encoding: Encoding;
  /** auto: as the telnet modes say; on/off: the user overrides. */
  readonly localEcho: 'auto' | 'on' | 'off';
  readonly enterSends: EnterSends;
  /** Show LF from the device as CR LF (for devices that send bare LF). */
  readonly lfToCrlf: boolean;
  readonly hexView: boolean;
  readonly tracePaused: boolean;
  readonly traceFilter: string;
  readonly traceNames: TraceNames;
  readonly showBytes: boolean;
  /** Paste pacing: delays in ms, or waiting for each line's echo. */
  readonly pasteCharDelayMs: number;
  readonly pasteLineDelayMs: number;
  readonly pasteWaitForEcho: boolean;
}

export interface SessionView {
  readonly dto: SessionDto;
  readonly mode?: TerminalModeDto;
  readonly modem?: ModemLinesDto;
  readonly trace: readonly TraceEntryDto[];
  /** Entries that arrived while the pane was paused, shown when it resumes. */
  readonly heldTrace: readonly TraceEntryDto[];
  readonly options: readonly OptionStateDto[];
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly prefs: SessionPrefs;
}

export interface LineTraceEntry {
  readonly client: string;
  readonly entry: TraceEntryDto;
}

export type Dialog =
  | { readonly kind: 'serial'; readonly path?: string }
  | { readonly kind: 'telnet'; readonly host?: string; readonly port?: number }
  | { readonly kind: 'expose'; readonly device: string }
  | { readonly kind: 'clients'; readonly tcpPort: number };

export interface Destination {
  readonly host: string;
  readonly port: number;
  readonly rfc2217?: string;
}

export interface RevtelState {
  readonly ports: readonly PortDto[];
  readonly lines: readonly LineDto[];
  readonly sessions: Readonly<Record<string, SessionView>>;
  readonly order: readonly string[];
  readonly active: string | undefined;
  readonly lineTraces: Readonly<Record<number, readonly LineTraceEntry[]>>;
  readonly destinations: readonly Destination[];
  readonly errors: readonly { readonly id: number; readonly message: string }[];
  readonly dialog: Dialog | undefined;
  readonly theme: 'dark' | 'light';
  readonly fontSize: number;
  readonly connectionLost: string | undefined;

  applyEvent<E extends EventName>(event: E, payload: ApiEvents[E]): void;
  opened(dto: SessionDto): void;
  closeTab(sessionId: string): void;
  activate(sessionId: string): void;
  setPrefs(sessionId: string, prefs: Partial<SessionPrefs>): void;
  setOptions(sessionId: string, options: readonly OptionStateDto[]): void;
  countOut(sessionId: string, bytes: number): void;
  setPorts(ports: readonly PortDto[]): void;
  setLines(lines: readonly LineDto[]): void;
  saveDestination(destination: Destination): void;
  forgetDestination(destination: Destination): void;
  showError(message: string): void;
  dismissError(id: number): void;
  openDialog(dialog: Dialog | undefined): void;
  setTheme(theme: 'dark' | 'light'): void;
  setFontSize(size: number): void;
  lost(message: string): void;
}

/** How much trace a tab keeps (oldest dropped first), and how much per exposed line. */
export const TRACE_LIMIT = 5000;
const LINE_TRACE_LIMIT = 2000;

const DEFAULT_PREFS: SessionPrefs = {
  encoding: 'utf-8',
  localEcho: 'auto',
  enterSends: 'CR',
  lfToCrlf: false,
  hexView: false,
  tracePaused: false,
  traceFilter: '',
  traceNames: 'short',
  showBytes: false,
  pasteCharDelayMs: 0,
  pasteLineDelayMs: 0,
  pasteWaitForEcho: false,
};

function bounded<T>(list: readonly T[], more: readonly T[], limit: number): readonly T[] {
  const all = list.length + more.length > limit ? [...list, ...more].slice(-limit) : [...list, ...more];
  return all;
}

export interface StoreOptions {
  readonly destinations?: readonly Destination[];
  readonly onDestinationsChanged?: (destinations: readonly Destination[]) => void;
}

export function createRevtelStore(options: StoreOptions = {}) {
  let nextError = 1;
  return createStore<RevtelState>()((set, get) => {
    const updateSession = (sessionId: string, change: (view: SessionView) => Partial<SessionView>): void => {
      const view = get().sessions[sessionId];
      if (!view) return;
      set({ sessions: { ...get().sessions, [sessionId]: { ...view, ...change(view) } } });
    };
    const setDestinations = (destinations: readonly Destination[]): void => {
      set({ destinations });
      options.onDestinationsChanged?.(destinations);
    };
    return {
      ports: [],
      lines: [],
      sessions: {},
      order: [],
      active: undefined,
      dialog: undefined,
      connectionLost: undefined,
      lineTraces: {},
      destinations: options.destinations ?? [],
      errors: [],
      theme: 'dark',
      fontSize: 14,

      applyEvent(event, payload) {
        switch (event) {
          case 'sessionState': {
            const dto = payload as ApiEvents['sessionState'];
            updateSession(dto.sessionId, () => ({ dto }));
            break;
          }
          case 'sessionData': {
            const { sessionId, data } = payload as ApiEvents['sessionData'];
            updateSession(sessionId, (view) => ({ bytesIn: view.bytesIn + data.length }));
            break;
          }
          case 'sessionTrace': {
            const { sessionId, entries } = payload as ApiEvents['sessionTrace'];
            updateSession(sessionId, (view) => (view.prefs.tracePaused
              ? { heldTrace: bounded(view.heldTrace, entries, TRACE_LIMIT) }
              : { trace: bounded(view.trace, entries, TRACE_LIMIT) }));
            break;
          }
          case 'sessionMode': {
            const { sessionId, ...mode } = payload as ApiEvents['sessionMode'];
            updateSession(sessionId, () => ({ mode }));
            break;
          }
          case 'modemLines': {
            const { sessionId, ...modem } = payload as ApiEvents['modemLines'];
            updateSession(sessionId, () => ({ modem }));
            break;
          }
          case 'ports':
            set({ ports: (payload as ApiEvents['ports']).ports });
            break;
          case 'lines':
            set({ lines: (payload as ApiEvents['lines']).lines });
            break;
          case 'lineTrace': {
            const { tcpPort, client, entries } = payload as ApiEvents['lineTrace'];
            const existing = get().lineTraces[tcpPort] ?? [];
            set({ lineTraces: { ...get().lineTraces, [tcpPort]: bounded(existing, entries.map((entry) => ({ client, entry })), LINE_TRACE_LIMIT) } });
            break;
          }
        }
      },

      opened(dto) {
        const { sessions, order } = get();
        const view: SessionView = sessions[dto.sessionId] ?? { dto, trace: [], heldTrace: [], options: [], bytesIn: 0, bytesOut: 0, prefs: DEFAULT_PREFS };
        set({
          sessions: { ...sessions, [dto.sessionId]: { ...view, dto } },
          order: order.includes(dto.sessionId) ? order : [...order, dto.sessionId],
          active: dto.sessionId,
        });
      },

      closeTab(sessionId) {
        const { sessions, order, active } = get();
        const rest = Object.fromEntries(Object.entries(sessions).filter(([id]) => id !== sessionId));
        const index = order.indexOf(sessionId);
        const remaining = order.filter((id) => id !== sessionId);
        const nextActive = active === sessionId ? remaining[Math.min(index, remaining.length - 1)] : active;
        set({ sessions: rest, order: remaining, active: nextActive });
      },

      activate(sessionId) {
        if (get().sessions[sessionId]) set({ active: sessionId });
      },

      setPrefs(sessionId, prefs) {
        updateSession(sessionId, (view) => {
          const resumed = view.prefs.tracePaused && prefs.tracePaused === false;
          return {
            prefs: { ...view.prefs, ...prefs },
            ...(resumed ? { trace: bounded(view.trace, view.heldTrace, TRACE_LIMIT), heldTrace: [] } : {}),
          };
        });
      },

      setOptions(sessionId, options) {
        updateSession(sessionId, () => ({ options }));
      },

      countOut(sessionId, bytes) {
        updateSession(sessionId, (view) => ({ bytesOut: view.bytesOut + bytes }));
      },

      setPorts(ports) {
        set({ ports });
      },

      setLines(lines) {
        set({ lines });
      },

      saveDestination(destination) {
        const others = get().destinations.filter((saved) => saved.host !== destination.host || saved.port !== destination.port);
        setDestinations([...others, destination]);
      },

      forgetDestination(destination) {
        setDestinations(get().destinations.filter((saved) => saved.host !== destination.host || saved.port !== destination.port));
      },

      showError(message) {
        set({ errors: [...get().errors, { id: nextError++, message }] });
      },

      dismissError(id) {
        set({ errors: get().errors.filter((error) => error.id !== id) });
      },

      openDialog(dialog) {
        set({ dialog });
      },

      setTheme(theme) {
        set({ theme });
      },

      setFontSize(size) {
        set({ fontSize: Math.max(8, Math.min(32, size)) });
      },

      lost(message) {
        set({ connectionLost: message });
      },
    };
  });
}

export type RevtelStore = ReturnType<typeof createRevtelStore>;
