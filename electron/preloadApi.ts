import { createApi, isEventName, type EventName, type MethodName, type RevtelApi } from '../native/api/index.js';
import { EVENTS_CHANNEL, methodChannel, type IpcReply } from './ipcChannels.js';

// window.revtel in the Electron window, built from the contract's method table so that it
// cannot drift from it. Listeners get payloads only, never Electron's event objects.

/** The parts of ipcRenderer this uses (Electron's IpcRenderer satisfies it). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createPreloadApi(ipcRenderer: IpcRendererLike): RevtelApi {
  return createApi({
    call: async (method: MethodName, request: unknown) => {
      const reply = (await ipcRenderer.invoke(methodChannel(method), request)) as IpcReply;
      if (!reply.ok) throw new Error(reply.message);
      return reply.result;
    },
    subscribe: (listener) => {
      ipcRenderer.on(EVENTS_CHANNEL, (_event, batch) => {
        if (!Array.isArray(batch)) return;
        for (const item of batch as { event: unknown; payload: unknown }[]) {
          if (isEventName(item.event)) listener(item.event as EventName, item.payload);
        }
      });
    },
  });
}
