import { EVENT_NAMES, methods, type ApiEvents, type EventName, type MethodName, type RevtelApi, type RevtelHandlers } from './contract.js';
import { ApiError } from './schema.js';

// Both transports are built from the methods table: the back end validates every call
// with `dispatch`, a front end builds the whole RevtelApi with `createApi`.

export const METHOD_NAMES = Object.keys(methods) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}

/** Checks a call from the other side and runs it; a bad name or payload is an ApiError. */
export async function dispatch(handlers: RevtelHandlers, method: unknown, request: unknown): Promise<unknown> {
  if (!isMethodName(method)) throw new ApiError(`There is no method ${JSON.stringify(method)}`);
  const parsed = methods[method].parse(request, method);
  return (handlers[method] as (request: unknown) => Promise<unknown>)(parsed);
}

export interface ApiTransport {
  call(method: MethodName, request: unknown): Promise<unknown>;
  subscribe(listener: (event: EventName, payload: unknown) => void): void;
}

/** The RevtelApi over any transport: one function per method, and an event fan-out. */
export function createApi(transport: ApiTransport): RevtelApi {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  transport.subscribe((event, payload) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  });
  const api: Record<string, unknown> = {
    on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const entry = listener as (payload: unknown) => void;
      set.add(entry);
      return () => set.delete(entry);
    },
  };
  for (const method of METHOD_NAMES) api[method] = (request: unknown) => transport.call(method, request);
  return api as RevtelApi;
}
