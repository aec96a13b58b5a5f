import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { RevtelApi } from '../../native/api/index.js';
import type { RevtelState, RevtelStore } from '../state/store.js';
import type { TerminalRegistry } from '../terminal/TerminalRegistry.js';

export interface Services {
  readonly api: RevtelApi;
  readonly store: RevtelStore;
  readonly terminals: TerminalRegistry;
}

export const ServicesContext = createContext<Services | undefined>(undefined);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('Revtel services are missing');
  return services;
}

export function useRevtel<T>(selector: (state: RevtelState) => T): T {
  return useStore(useServices().store, selector);
}

/** Runs a back-end call and shows its error as a sentence (with the tab it is about) instead of swallowing it. */
export function useAction(sessionId?: string): <T>(run: () => Promise<T>) => Promise<T | undefined> {
  const { store } = useServices();
  return async (run) => {
    try {
      return await run();
    } catch (error) {
      store.getState().showError((error as Error).message, sessionId);
      return undefined;
    }
  };
}
