import { ApiError, METHOD_NAMES, dispatch, type ApiEvents, type EventName, type RevtelHandlers } from '../native/api/index.js';
import type { Disposable, Event } from '../native/events/Emitter.js';
import { EVENTS_CHANNEL, methodChannel, type IpcReply } from './ipcChannels.js';

// Binds RevtelApi to Electron's ipcMain. Every call must come from the app's own page —
// the main frame of an app:// document — and pass the contract's validators before the
// hub sees it. Events go to the window batched, a few milliseconds at a time.

/** The parts of ipcMain this uses (Electron's IpcMain satisfies it). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

export interface InvokeEventLike {
  readonly senderFrame: FrameLike | null;
}

export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface EventSource {
  readonly onEvent: Event<{ readonly event: EventName; readonly payload: ApiEvents[EventName] }>;
}

export const APP_ORIGIN = 'app://revtel';
const BATCH_MS = 5;

/** A URL of the app's own pages. (Node's URL gives custom schemes the origin "null".) */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'app:' && parsed.host === 'revtel';
  } catch {
    return false;
  }
}

/** Only the app's own top-level page may call: not a sub-frame, not another origin. */
export function isTrustedSender(frame: FrameLike | null): boolean {
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

export function bindIpc(ipcMain: IpcMainLike, hub: RevtelHandlers & EventSource, window: WebContentsLike, log: (message: string) => void): Disposable {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(methodChannel(method), async (event, request): Promise<IpcReply> => {
      if (!isTrustedSender(event.senderFrame)) {
        log(`ipc: ${method} refused from ${event.senderFrame?.url ?? 'an unknown frame'}`);
        return { ok: false, message: 'Refused: not the Revtel window' };
      }
      try {
        return { ok: true, result: await dispatch(hub, method, request) };
      } catch (error) {
        if (error instanceof ApiError) return { ok: false, message: error.message };
        log(`ipc: ${method} failed: ${(error as Error).stack ?? String(error)}`);
        return { ok: false, message: `Revtel could not do that (${(error as Error).message})` };
      }
    });
  }

  let batch: { event: EventName; payload: unknown }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const subscription = hub.onEvent(({ event, payload }) => {
    batch.push({ event, payload });
    timer ??= setTimeout(() => {
      timer = undefined;
      const sending = batch;
      batch = [];
      if (!window.isDestroyed()) window.send(EVENTS_CHANNEL, sending);
    }, BATCH_MS);
  });

  return {
    dispose: () => {
      subscription.dispose();
      clearTimeout(timer);
      for (const method of METHOD_NAMES) ipcMain.removeHandler(methodChannel(method));
    },
  };
}
