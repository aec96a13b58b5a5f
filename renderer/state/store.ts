import { createStore, type StoreApi } from 'zustand/vanilla';
import { sentence } from './sentences.js';
import { SESSION_TRACE_LIMIT, type ApiEvents, type EventName, type LineDto, type ModemLinesDto, type OptionStateDto, type PortDto, type SessionDto, type SessionSnapshotDto, type SshServerDto, type TabPrefsDto, type TerminalModeDto, type TraceEntryDto, type UiSettingsDto } from '../../native/api/index.js';

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
  | { readonly kind: 'ssh'; readonly destination?: Destination }
  | { readonly kind: 'expose'; readonly device: string }
  | { readonly kind: 'clients'; readonly tcpPort: number }
  /** A paste of several lines, waiting for the user to say send. */
  | { readonly kind: 'paste'; readonly sessionId: string; readonly text: string };

/** How copy and paste behave, for every tab. */
export interface ClipboardPrefs {
  /** PuTTY's habit: selecting text copies it. */
  readonly copyOnSelect: boolean;
  /** PuTTY's habit: the right mouse button pastes (instead of the browser's menu). */
  readonly rightClickPaste: boolean;
  /** A paste of more than one line asks before it is sent. */
  readonly confirmMultiline: boolean;
}

/** A saved telnet or SSH destination, as the settings file keeps it. */
export type Destination = NonNullable<UiSettingsDto['destinations']>[number];
/** Which xterm.js renderer draws the terminals (see the settings file's schema in native/api). */
export type RendererChoice = NonNullable<UiSettingsDto['renderer']>;
/** A saved serial session, as the settings file keeps it. */
export type SavedSerial = NonNullable<UiSettingsDto['serialSessions']>[number];

/** A telnet and an SSH destination on the same host and port are two entries. */
function sameDestination(a: Destination, b: Destination): boolean {
  return a.host === b.host && a.port === b.port && (a.ssh === undefined) === (b.ssh === undefined);
}

export interface RevtelState {
  readonly ports: readonly PortDto[];
  readonly lines: readonly LineDto[];
  /** Revtel's own SSH server: where it listens and its host keys (none while no SSH port is open). */
  readonly sshServer: SshServerDto;
  readonly sessions: Readonly<Record<string, SessionView>>;
  /** Every session the back end holds, in its order (the same in every window); detached ones have no tab. */
  readonly order: readonly string[];
  readonly active: string | undefined;
  readonly lineTraces: Readonly<Record<number, readonly LineTraceEntry[]>>;
  readonly destinations: readonly Destination[];
  readonly serialSessions: readonly SavedSerial[];
  /** Toasts: each fades after a while; one about a tab shows only with that tab. */
  readonly errors: readonly { readonly id: number; readonly message: string; readonly sessionId?: string }[];
  readonly dialog: Dialog | undefined;
  readonly theme: 'dark' | 'light';
  readonly fontSize: number;
  readonly renderer: RendererChoice;
  readonly layout: Layout;
  readonly clipboard: ClipboardPrefs;
  /** Pastes under way, per tab: lines sent of how many. */
  readonly pasting: Readonly<Record<string, { readonly sent: number; readonly total: number }>>;
  readonly connectionLost: string | undefined;

  /** A back-end event (sessionData is not one: main.tsx counts output with countIn, a few times a second). */
  applyEvent<E extends EventName>(event: E, payload: ApiEvents[E]): void;
  /** This page opened the session: its tab comes to the front. */
  opened(dto: SessionDto): void;
  /** The back end's copy of a session, just subscribed to: its trace, modes and byte count. */
  replayed(snapshot: SessionSnapshotDto): void;
  closeTab(sessionId: string): void;
  activate(sessionId: string): void;
  setPrefs(sessionId: string, prefs: Partial<SessionPrefs>): void;
  setOptions(sessionId: string, options: readonly OptionStateDto[]): void;
  countOut(sessionId: string, bytes: number): void;
  /** Output received: `bytes` more, or up to `end` when the hub gave positions (a replay and live data are not counted twice). */
  countIn(sessionId: string, bytes: number, end?: number): void;
  setPorts(ports: readonly PortDto[]): void;
  setLines(lines: readonly LineDto[]): void;
  setSshServer(sshServer: SshServerDto): void;
  saveDestination(destination: Destination): void;
  forgetDestination(destination: Destination): void;
  /** Saves (or replaces, by path) a serial session. */
  saveSerial(saved: SavedSerial): void;
  forgetSerial(saved: SavedSerial): void;
  showError(message: string, sessionId?: string): void;
  dismissError(id: number): void;
  openDialog(dialog: Dialog | undefined): void;
  setTheme(theme: 'dark' | 'light'): void;
  setFontSize(size: number): void;
  setRenderer(renderer: RendererChoice): void;
  setLayout(layout: Partial<Layout>): void;
  /** The settings as the file has them (at start, or saved from another window). */
  applySettings(settings: UiSettingsDto): void;
  setClipboard(prefs: Partial<ClipboardPrefs>): void;
  setPasting(sessionId: string, progress: { sent: number; total: number } | undefined): void;
  lost(message: string): void;
}

/** Where things are around the terminal: all of it can be made to give the terminal room. */
export interface Layout {
  readonly sidebar: boolean;
  /** The negotiation trace beside the terminal, below it, or hidden. */
  readonly trace: 'right' | 'below' | 'hidden';
  /** Its width (beside) or height (below), in CSS pixels. */
  readonly traceSize: number;
}

export const TRACE_SIZE = { min: 160, max: 900 } as const;
const DEFAULT_LAYOUT: Layout = { sidebar: true, trace: 'right', traceSize: 300 };

/** The font sizes the UI offers (A− and A+ step through them). */
export const FONT_SIZES = { min: 8, max: 32 } as const;

/** How much trace a tab keeps (oldest dropped first), as the back end does, and how much per exposed line. */
export const TRACE_LIMIT = SESSION_TRACE_LIMIT;
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

/** How long a toast stays on screen. */
const TOAST_MS = 8000;

export interface StoreOptions {
  readonly toastMs?: number;
  readonly destinations?: readonly Destination[];
}

/** What of the UI's state the settings file keeps. */
export function settingsOf(state: RevtelState): UiSettingsDto {
  return {
    fontSize: state.fontSize,
    theme: state.theme,
    renderer: state.renderer,
    layout: state.layout,
    clipboard: state.clipboard,
    destinations: [...state.destinations],
    serialSessions: [...state.serialSessions],
  };
}

/** The tab's choices the hub keeps with its session (the trace pane's view choices stay with the page). */
export function keptPrefs(prefs: SessionPrefs): TabPrefsDto {
  const { encoding, localEcho, enterSends, lfToCrlf, pasteWaitForEcho } = prefs;
  // A delay typed past its field's range is kept at the range's end rather than refused.
  const within = (value: number, max: number) => Math.max(0, Math.min(max, Math.round(value) || 0));
  return { encoding, localEcho, enterSends, lfToCrlf, pasteCharDelayMs: within(prefs.pasteCharDelayMs, 1000), pasteLineDelayMs: within(prefs.pasteLineDelayMs, 10_000), pasteWaitForEcho };
}

/** The sessions that have a tab, in order. */
export function tabsOf(state: Pick<RevtelState, 'order' | 'sessions'>): string[] {
  return state.order.filter((sessionId) => {
    const view = state.sessions[sessionId];
    return view !== undefined && !view.dto.detached;
  });
}

function newView(dto: SessionDto): SessionView {
  return { dto, trace: [], heldTrace: [], options: [], bytesIn: 0, bytesOut: 0, prefs: DEFAULT_PREFS };
}

export function createRevtelStore(options: StoreOptions = {}) {
  let nextError = 1;
  const store = createStore<RevtelState>()((set, get) => {
    const updateSession = (sessionId: string, change: (view: SessionView) => Partial<SessionView>): void => {
      const view = get().sessions[sessionId];
      if (!view) return;
      set({ sessions: { ...get().sessions, [sessionId]: { ...view, ...change(view) } } });
    };
    const setDestinations = (destinations: readonly Destination[]): void => {
      set({ destinations });
    };
    const otherSerials = (saved: SavedSerial): SavedSerial[] => get().serialSessions.filter((other) => other.path !== saved.path);
    /** A session the back end announced (listed, opened here or in another window). */
    const added = (dto: SessionDto): void => {
      const { sessions, order } = get();
      set({
        sessions: { ...sessions, [dto.sessionId]: { ...(sessions[dto.sessionId] ?? newView(dto)), dto } },
        order: order.includes(dto.sessionId) ? order : [...order, dto.sessionId],
      });
    };
    /** The active tab, or a neighbour of it once it has gone (closed or detached). */
    const keepActive = (previousTabs: readonly string[]): void => {
      const { active } = get();
      const tabs = tabsOf(get());
      if (active !== undefined && tabs.includes(active)) return;
      const index = active === undefined ? 0 : Math.max(0, previousTabs.indexOf(active));
      const survivors = previousTabs.filter((id) => tabs.includes(id));
      set({ active: survivors[Math.min(index, survivors.length - 1)] ?? tabs[0] });
    };
    return {
      ports: [],
      lines: [],
      sshServer: { hostKeys: [] },
      sessions: {},
      order: [],
      active: undefined,
      dialog: undefined,
      connectionLost: undefined,
      lineTraces: {},
      destinations: options.destinations ?? [],
      serialSessions: [],
      errors: [],
      theme: 'dark',
      fontSize: 14,
      renderer: 'auto',
      layout: DEFAULT_LAYOUT,
      clipboard: { copyOnSelect: false, rightClickPaste: false, confirmMultiline: true },
      pasting: {},

      applyEvent(event, payload) {
        switch (event) {
          case 'sessionState': {
            const dto = payload as ApiEvents['sessionState'];
            const before = tabsOf(get());
            updateSession(dto.sessionId, () => ({ dto }));
            keepActive(before);
            break;
          }
          case 'sessionAdded':
            added(payload as ApiEvents['sessionAdded']);
            if (get().active === undefined) keepActive([]);
            break;
          case 'sessionRemoved': {
            const { sessionId, title } = payload as ApiEvents['sessionRemoved'];
            // Still here: it was closed from another window, and this one says so.
            if (get().sessions[sessionId]) {
              get().closeTab(sessionId);
              get().showError(`${title} was closed in another window`);
            }
            break;
          }
          case 'sessionTrace': {
            const { sessionId, entries } = payload as ApiEvents['sessionTrace'];
            updateSession(sessionId, (view) => (view.prefs.tracePaused
              ? { heldTrace: bounded(view.heldTrace, entries, TRACE_LIMIT) }
              : { trace: bounded(view.trace, entries, TRACE_LIMIT) }));
            break;
          }
          case 'sessionPrefs': {
            const { sessionId, prefs } = payload as ApiEvents['sessionPrefs'];
            updateSession(sessionId, (view) => ({ prefs: { ...view.prefs, ...prefs } }));
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
        added(dto);
        if (!dto.detached) set({ active: dto.sessionId });
      },

      replayed(snapshot) {
        updateSession(snapshot.session.sessionId, (view) => ({
          dto: snapshot.session,
          trace: bounded([], snapshot.trace, TRACE_LIMIT),
          heldTrace: [],
          bytesIn: Math.max(view.bytesIn, snapshot.end),
          ...(snapshot.mode ? { mode: snapshot.mode } : {}),
          ...(snapshot.modem ? { modem: snapshot.modem } : {}),
          ...(snapshot.prefs ? { prefs: { ...view.prefs, ...snapshot.prefs } } : {}),
        }));
      },

      closeTab(sessionId) {
        const { sessions, order } = get();
        const before = tabsOf(get());
        const rest = Object.fromEntries(Object.entries(sessions).filter(([id]) => id !== sessionId));
        set({ sessions: rest, order: order.filter((id) => id !== sessionId), errors: get().errors.filter((error) => error.sessionId !== sessionId) });
        keepActive(before);
      },

      activate(sessionId) {
        if (tabsOf(get()).includes(sessionId)) set({ active: sessionId });
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

      countIn(sessionId, bytes, end) {
        updateSession(sessionId, (view) => ({ bytesIn: end === undefined ? view.bytesIn + bytes : Math.max(view.bytesIn, end) }));
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

      setSshServer(sshServer) {
        set({ sshServer });
      },

      saveDestination(destination) {
        const others = get().destinations.filter((saved) => !sameDestination(saved, destination));
        setDestinations([...others, destination]);
      },

      forgetDestination(destination) {
        setDestinations(get().destinations.filter((saved) => !sameDestination(saved, destination)));
      },

      saveSerial(saved) {
        set({ serialSessions: [...otherSerials(saved), saved] });
      },

      forgetSerial(saved) {
        set({ serialSessions: otherSerials(saved) });
      },

      showError(message, sessionId) {
        const text = sentence(message);
        // Said already, and still on screen (every key typed into a closed tab is refused alike).
        if (get().errors.some((error) => error.message === text && error.sessionId === sessionId)) return;
        const id = nextError++;
        set({ errors: [...get().errors, { id, message: text, ...(sessionId ? { sessionId } : {}) }] });
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

      applySettings(saved) {
        set({
          ...(saved.fontSize !== undefined ? { fontSize: saved.fontSize } : {}),
          ...(saved.theme ? { theme: saved.theme } : {}),
          ...(saved.renderer ? { renderer: saved.renderer } : {}),
          ...(saved.layout ? { layout: saved.layout } : {}),
          ...(saved.clipboard ? { clipboard: saved.clipboard } : {}),
          ...(saved.destinations ? { destinations: saved.destinations } : {}),
          ...(saved.serialSessions ? { serialSessions: saved.serialSessions } : {}),
        });
      },

      setClipboard(prefs) {
        set({ clipboard: { ...get().clipboard, ...prefs } });
      },

      setPasting(sessionId, progress) {
        const others = Object.fromEntries(Object.entries(get().pasting).filter(([id]) => id !== sessionId));
        set({ pasting: progress ? { ...others, [sessionId]: progress } : others });
      },

      setLayout(layout) {
        const next = { ...get().layout, ...layout };
        set({ layout: { ...next, traceSize: Math.max(TRACE_SIZE.min, Math.min(TRACE_SIZE.max, Math.round(next.traceSize))) } });
      },

      setRenderer(renderer) {
        set({ renderer });
      },

      setFontSize(size) {
        set({ fontSize: Math.max(FONT_SIZES.min, Math.min(FONT_SIZES.max, size)) });
      },

      lost(message) {
        set({ connectionLost: message });
      },
    };
  });
  fadeToastsOnScreen(store, options.toastMs ?? TOAST_MS);
  return store;
}

/** The toasts shown: those about no tab in particular, and those about the tab shown. */
export function toastsOnScreen(errors: RevtelState['errors'], active: string | undefined): RevtelState['errors'] {
  return errors.filter((error) => error.sessionId === undefined || error.sessionId === active);
}

/**
 * A toast fades once it has been on screen for `toastMs`: one about a tab the user is not
 * looking at waits for that tab, and starts its time again each time the tab comes back.
 */
function fadeToastsOnScreen(store: StoreApi<RevtelState>, toastMs: number): void {
  const fading = new Map<number, ReturnType<typeof setTimeout>>();
  const follow = (state: RevtelState): void => {
    const onScreen = new Set(toastsOnScreen(state.errors, state.active).map((error) => error.id));
    for (const [id, timer] of fading) {
      if (onScreen.has(id)) continue;
      clearTimeout(timer);
      fading.delete(id);
    }
    for (const id of onScreen) if (!fading.has(id)) fading.set(id, setTimeout(() => store.getState().dismissError(id), toastMs));
  };
  store.subscribe((state, previous) => {
    if (state.errors !== previous.errors || state.active !== previous.active) follow(state);
  });
}

export type RevtelStore = ReturnType<typeof createRevtelStore>;
