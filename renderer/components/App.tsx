import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { tabShortcut } from '../state/keyboard.js';
import { tabsOf, toastsOnScreen, type RendererChoice } from '../state/store.js';
import { Dialogs } from './Dialogs.js';
import { Menu } from './Menu.js';
import { SessionView } from './SessionView.js';
import { Sidebar } from './Sidebar.js';
import { useAction, useRevtel, useServices } from './context.js';

export function App() {
  const theme = useRevtel((state) => state.theme);
  const lost = useRevtel((state) => state.connectionLost);
  const sidebar = useRevtel((state) => state.layout.sidebar);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  useTabShortcuts();
  return (
    <div className="app">
      <Header />
      {lost && <div className="banner error" role="alert">{lost}</div>}
      <div className="main">
        {sidebar && <Sidebar />}
        <Workspace />
      </div>
      <Errors />
      <Dialogs />
    </div>
  );
}

function Header() {
  const { store } = useServices();
  const theme = useRevtel((state) => state.theme);
  const fontSize = useRevtel((state) => state.fontSize);
  const renderer = useRevtel((state) => state.renderer);
  const sidebar = useRevtel((state) => state.layout.sidebar);
  const clipboard = useRevtel((state) => state.clipboard);
  return (
    <header className="header">
      <button type="button" className="sidebar-toggle" aria-pressed={sidebar} aria-label={sidebar ? 'Hide the sidebar' : 'Show the sidebar'}
        onClick={() => store.getState().setLayout({ sidebar: !sidebar })}>☰</button>
      <h1>Revtel</h1>
      <span className="spacer" />
      <button type="button" aria-label="Smaller font" onClick={() => store.getState().setFontSize(fontSize - 1)}>A−</button>
      <span aria-label="Font size">{fontSize}px</span>
      <button type="button" aria-label="Larger font" onClick={() => store.getState().setFontSize(fontSize + 1)}>A+</button>
      <Menu label="Settings">
        <label>Renderer
          <select aria-label="Renderer" value={renderer} onChange={(event) => store.getState().setRenderer(event.target.value as RendererChoice)}>
            <option value="auto">WebGL on a GPU, else DOM</option>
            <option value="webgl">WebGL (even without a GPU)</option>
            <option value="dom">DOM renderer</option>
          </select>
        </label>
        <label><input type="checkbox" checked={clipboard.copyOnSelect} onChange={(event) => store.getState().setClipboard({ copyOnSelect: event.target.checked })} /> Copy on select</label>
        <label><input type="checkbox" checked={clipboard.rightClickPaste} onChange={(event) => store.getState().setClipboard({ rightClickPaste: event.target.checked })} /> Right click pastes</label>
        <label><input type="checkbox" checked={clipboard.confirmMultiline} onChange={(event) => store.getState().setClipboard({ confirmMultiline: event.target.checked })} /> Ask before pasting several lines</label>
      </Menu>
      <button type="button" onClick={() => store.getState().setTheme(theme === 'dark' ? 'light' : 'dark')}>{theme === 'dark' ? 'Light theme' : 'Dark theme'}</button>
    </header>
  );
}

function Workspace() {
  const tabs = useRevtel(useShallow(tabsOf));
  const sessions = useRevtel((state) => state.sessions);
  const active = useRevtel((state) => state.active);
  const { api, store } = useServices();
  const act = useAction();
  // Closed here first, so this window does not report its own close as another's.
  const close = (sessionId: string) => {
    store.getState().closeTab(sessionId);
    void act(() => api.closeSession({ sessionId }));
  };
  const view = active ? sessions[active] : undefined;
  const tabBar = useRef<HTMLDivElement>(null);
  // The tab bar scrolls: the active tab is brought into it.
  useEffect(() => {
    tabBar.current?.querySelector('.tab.active')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active, tabs.length]);
  return (
    <main className="workspace">
      <div className="tabs" role="tablist" ref={tabBar}>
        {tabs.map((sessionId) => {
          const tab = sessions[sessionId];
          if (!tab) return null;
          return (
            <div key={sessionId} role="tab" aria-selected={sessionId === active} className={`tab ${sessionId === active ? 'active' : ''} ${tab.dto.state}`}>
              <button type="button" className="tab-title" onClick={() => store.getState().activate(sessionId)}>
                <span className={`dot ${tab.dto.state}`} /> {tab.dto.title}
              </button>
              <button type="button" className="tab-close" aria-label={`Close ${tab.dto.title}`} onClick={() => close(sessionId)}>×</button>
            </div>
          );
        })}
      </div>
      {view
        ? <SessionView key={view.dto.sessionId} view={view} />
        : <NoSession />}
    </main>
  );
}

/** What to do when there is no tab: everything the sidebar opens, and how to get the sidebar back. */
function NoSession() {
  const sidebar = useRevtel((state) => state.layout.sidebar);
  return (
    <div className="empty">
      <p>
        No session is open. {sidebar ? 'From the sidebar' : 'Show the sidebar (☰), then from it'}, open a serial port, the demo
        router, a telnet or SSH session, the view of an exposed line, or a replay.
      </p>
    </div>
  );
}

function Errors() {
  const all = useRevtel((state) => state.errors);
  const active = useRevtel((state) => state.active);
  const errors = toastsOnScreen(all, active);
  const { store } = useServices();
  return (
    <div className="errors" aria-live="assertive">
      {errors.map((error) => (
        <div key={error.id} className="error" role="alert">
          <span>{error.message}</span>
          <button type="button" aria-label="Dismiss" onClick={() => store.getState().dismissError(error.id)}>×</button>
        </div>
      ))}
    </div>
  );
}

/** Ctrl+Shift (Cmd+Shift on macOS) with arrows, digits, T and W: taken before the terminal sees them. */
function useTabShortcuts(): void {
  const { api, store } = useServices();
  const act = useAction();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const shortcut = tabShortcut(event, /Mac|iPhone|iPad/.test(navigator.platform));
      if (!shortcut) return;
      event.preventDefault();
      event.stopPropagation();
      const state = store.getState();
      const tabs = tabsOf(state);
      const index = state.active === undefined ? -1 : tabs.indexOf(state.active);
      switch (shortcut.kind) {
        case 'next':
        case 'previous': {
          if (tabs.length === 0) return;
          const step = shortcut.kind === 'next' ? 1 : tabs.length - 1;
          state.activate(tabs[(index + step) % tabs.length]!);
          break;
        }
        case 'goto':
          if (tabs[shortcut.index]) state.activate(tabs[shortcut.index]!);
          break;
        case 'new':
          state.openDialog({ kind: 'telnet' });
          break;
        case 'close':
          if (state.active) {
            const sessionId = state.active;
            state.closeTab(sessionId);
            void act(() => api.closeSession({ sessionId }));
          }
          break;
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  });
}
