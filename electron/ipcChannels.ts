// The IPC names of the contract: one invoke channel per method, one channel for events.
import type { MethodName } from '../native/api/index.js';

export const EVENTS_CHANNEL = 'revtel:events';

export function methodChannel(method: MethodName): string {
  return `revtel:${method}`;
}

/** What a handler answers: errors travel as sentences, not as Electron's wrapped Error. */
export type IpcReply = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly message: string };
