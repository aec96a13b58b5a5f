import { createApi, decodeFrame, encodeFrame, isEventName, type EventName, type MethodName, type RevtelApi } from '../../native/api/index.js';

/**
 * RevtelApi over the WebSocket of `revtel serve --ui`. The token comes from the page's URL
 * fragment (#token=…), which browsers never send to the server in a request.
 */
export async function connectWebSocketApi(location: Location, onLost: (message: string) => void): Promise<RevtelApi> {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!token) throw new Error('This page needs the URL that `revtel serve --ui` printed, with its #token=…');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`;
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let onEvent: (event: EventName, payload: unknown) => void = () => {};
  const send = (message: unknown): void => socket.send(encodeFrame(message));

  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => send({ type: 'hello', token });
    socket.onerror = () => reject(new Error('The Revtel server cannot be reached'));
    socket.onclose = () => reject(new Error('The Revtel server closed the connection'));
    socket.onmessage = (event) => {
      const message = decodeFrame(new Uint8Array(event.data as ArrayBuffer)) as { type: string; message?: string };
      if (message.type === 'welcome') resolve();
      else reject(new Error(message.message ?? 'The Revtel server refused this page'));
    };
  });

  socket.onmessage = (event) => {
    const message = decodeFrame(new Uint8Array(event.data as ArrayBuffer)) as {
      type: string; id?: number; result?: unknown; message?: string; event?: unknown; payload?: unknown;
    };
    if (message.type === 'event' && isEventName(message.event)) {
      onEvent(message.event, message.payload);
    } else if ((message.type === 'result' || message.type === 'error') && typeof message.id === 'number') {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.type === 'result') call?.resolve(message.result ?? undefined);
      else call?.reject(new Error(message.message ?? 'The call failed'));
    }
  };
  socket.onclose = (event) => {
    for (const call of pending.values()) call.reject(new Error('The connection to the Revtel server was lost'));
    pending.clear();
    // A close with a reason is the server's own sentence (this page fell behind).
    onLost(event.reason || 'The connection to the Revtel server was lost: is `revtel serve --ui` still running?');
  };

  return createApi({
    call: (method: MethodName, request: unknown) => new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      send({ type: 'call', id, method, request });
    }),
    subscribe: (listener) => {
      onEvent = listener;
    },
  });
}
