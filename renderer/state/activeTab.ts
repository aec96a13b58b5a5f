import { tabsOf, type RevtelState } from './store.js';

// Which tab a window shows is that window's own business, not the back end's: it is kept in
// the page's sessionStorage, which a reload of the window keeps and another window does not
// share (Chrome's "Duplicate tab" copies it, and the duplicate shows the same tab, as it should).

const KEY = 'revtel.activeTab';

/** The tab a window last showed, and where it stood among the tabs then. */
export interface RememberedTab {
  readonly sessionId: string;
  readonly index: number;
}

/** What a window shows after a reload: the tab it showed, or the one now at its place once it is gone; none remembered (a new window), the first. */
export function resumedTab(tabs: readonly string[], remembered: RememberedTab | undefined): string | undefined {
  if (remembered === undefined) return tabs[0];
  if (tabs.includes(remembered.sessionId)) return remembered.sessionId;
  return tabs[Math.min(remembered.index, tabs.length - 1)];
}

/** The remembered tab, if this window has one (nothing when storage is blocked or holds something else). */
export function recallTab(storage: Storage | undefined): RememberedTab | undefined {
  try {
    const value: unknown = JSON.parse(storage?.getItem(KEY) ?? 'null');
    if (typeof value !== 'object' || value === null) return undefined;
    const { sessionId, index } = value as Partial<RememberedTab>;
    return typeof sessionId === 'string' && typeof index === 'number' ? { sessionId, index } : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the shown tab in `storage` as it changes (a blocked storage only costs the memory). */
export function rememberTab(state: Pick<RevtelState, 'active' | 'order' | 'sessions'>, storage: Storage | undefined): void {
  const { active } = state;
  if (active === undefined) return;
  try {
    storage?.setItem(KEY, JSON.stringify({ sessionId: active, index: tabsOf(state).indexOf(active) } satisfies RememberedTab));
  } catch {
    // Storage full or blocked: the window shows its first tab after a reload, as before.
  }
}
