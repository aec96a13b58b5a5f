import { createRoot } from 'react-dom/client';
import { EVENT_NAMES, type LineDto, type RevtelApi } from '../native/api/index.js';
import { App } from './components/App.js';
import { ServicesContext } from './components/context.js';
import { recallTab, rememberTab, resumedTab } from './state/activeTab.js';
import { createRevtelStore, settingsOf, tabsOf } from './state/store.js';
import { TerminalRegistry } from './terminal/TerminalRegistry.js';
import { connectWebSocketApi } from './transport/webSocketApi.js';

// The UI runs on whichever transport it finds: Electron's preload puts the API on
// window.revtel; in a browser it connects to `revtel serve --ui` over a WebSocket.

declare global {
  interface Window {
    revtel?: RevtelApi;
    /** For end-to-end tests: the text of a tab's terminal. */
    revtelTerminalText?: (sessionId: string) => string;
    /** For end-to-end tests: where a tab's cells are drawn. */
    revtelTerminalGeometry?: (sessionId: string) => ReturnType<TerminalRegistry['geometry']>;
    /** For npm run bench:ui: when output holding a text was drawn. */
    revtelWhenShown?: (sessionId: string, text: string) => Promise<number>;
  }
}

/** Output is counted in the store this often, not per batch: a re-render per batch would cost a flood its speed. */
const COUNT_EVERY_MS = 100;
/** Settings are saved this long after the last change (a dragged splitter is one save). */
const SAVE_DELAY_MS = 400;

async function start(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  const store = createRevtelStore();
  let api: RevtelApi;
  try {
    api = window.revtel ?? await connectWebSocketApi(window.location, (message) => store.getState().lost(message));
  } catch (error) {
    root.render(<div className="banner error" role="alert">{(error as Error).message}</div>);
    return;
  }
  for (const event of EVENT_NAMES) if (event !== 'sessionData') api.on(event, (payload) => store.getState().applyEvent(event, payload));
  const uncounted = new Map<string, { bytes: number; end: number | undefined }>();
  let countTimer: ReturnType<typeof setTimeout> | undefined;
  api.on('sessionData', ({ sessionId, data, offset }) => {
    const before = uncounted.get(sessionId);
    uncounted.set(sessionId, { bytes: (before?.bytes ?? 0) + data.length, end: offset === undefined ? before?.end : offset + data.length });
    countTimer ??= setTimeout(() => {
      countTimer = undefined;
      for (const [id, count] of uncounted) store.getState().countIn(id, count.bytes, count.end);
      uncounted.clear();
    }, COUNT_EVERY_MS);
  });
  const terminals = new TerminalRegistry(api, store);
  window.revtelTerminalText = (sessionId) => terminals.text(sessionId);
  window.revtelTerminalGeometry = (sessionId) => terminals.geometry(sessionId);
  window.revtelWhenShown = (sessionId, text) => terminals.whenShown(sessionId, text);
  const [ports, lines, sessions, saved, sshServer] = await Promise.all([api.listPorts({}), api.listLines({}), api.listSessions({}), api.getSettings({}), api.sshServer({})]);
  store.getState().setPorts(ports);
  store.getState().setLines(lines);
  store.getState().setSshServer(sshServer);
  // A line's own SSH port opens and closes with the line: asked again when the lines' SSH ports change.
  const sshPortsOf = (dtos: readonly LineDto[]): string => dtos.map((line) => line.sshPort ?? '').join(',');
  let sshPorts = sshPortsOf(lines);
  api.on('lines', (payload) => {
    const next = sshPortsOf(payload.lines);
    if (next === sshPorts) return;
    sshPorts = next;
    api.sshServer({}).then((dto) => store.getState().setSshServer(dto), () => {});
  });
  store.getState().applySettings(saved.settings);
  if (saved.problem) store.getState().showError(saved.problem);
  // Saved to the settings file in the back end, so another window and a restart find them.
  let written = JSON.stringify(settingsOf(store.getState()));
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Saves of this page not yet echoed back: their echo must not undo a change made since. */
  const echoes = new Set<string>();
  api.on('settings', ({ settings }) => {
    const text = JSON.stringify(settings);
    if (echoes.delete(text)) return;
    written = text;
    store.getState().applySettings(settings);
  });
  /** The settings the timer will save: output and other changes that leave them alone do not put the save off. */
  let pending: string | undefined;
  store.subscribe((state) => {
    const settings = settingsOf(state);
    const text = JSON.stringify(settings);
    if (text === pending) return;
    clearTimeout(saveTimer);
    pending = undefined;
    if (text === written) return;
    pending = text;
    saveTimer = setTimeout(() => {
      pending = undefined;
      written = JSON.stringify(settings);
      echoes.add(written);
      api.saveSettings({ settings }).catch((error: Error) => {
        echoes.delete(JSON.stringify(settings));
        store.getState().showError(error.message);
      });
    }, SAVE_DELAY_MS);
  });
  for (const session of sessions) store.getState().applyEvent('sessionAdded', session);
  // The tab this window showed before a reload is shown again (sessionStorage is this window's own).
  const storage = pageStorage();
  const resumed = resumedTab(tabsOf(store.getState()), recallTab(storage));
  if (resumed) store.getState().activate(resumed);
  store.subscribe((state, previous) => {
    if (state.active !== previous.active || state.order !== previous.order) rememberTab(state, storage);
  });
  // This page follows exactly the sessions it has tabs for; the back end keeps the others.
  const follow = (): void => {
    const tabs = tabsOf(store.getState());
    for (const sessionId of tabs) terminals.subscribe(sessionId);
    for (const sessionId of terminals.subscribed()) if (!tabs.includes(sessionId)) terminals.unsubscribe(sessionId);
  };
  store.subscribe(follow);
  follow();
  // A transport that cannot see the page go (Electron's IPC) is told; the WebSocket sees it close.
  window.addEventListener('pagehide', () => {
    for (const sessionId of terminals.subscribed()) void api.unsubscribeSession({ sessionId }).catch(() => {});
  });
  root.render(
    <ServicesContext.Provider value={{ api, store, terminals }}>
      <App />
    </ServicesContext.Provider>,
  );
}

/** The window's sessionStorage, if the browser lets the page have it. */
function pageStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

void start();
