import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

// Presenter mode, for a trainer in front of a projector: one flag for the whole page.
// It is the page's own look (like the theme), not session state, so it lives apart from
// the back end's store.

export const presenter = createStore<{ readonly on: boolean }>()(() => ({ on: false }));

/** How much larger type is in presenter mode than the UI's font size (A+/A− still scale it). */
export const PRESENTER_SCALE = 1.6;

export function usePresenting(): boolean {
  return useStore(presenter, (state) => state.on);
}

export function setPresenting(on: boolean): void {
  presenter.setState({ on });
  document.documentElement.dataset['presenter'] = on ? 'on' : 'off';
}
