import { useRef, type ChangeEvent } from 'react';
import { BUILT_IN_REPLAYS, MAX_CAPTURE_BYTES } from '../../native/api/index.js';
import { useAction, useServices } from './context.js';

// Hex text as `revtel decode --hex` reads it: hex digit pairs, spaces and newlines.
const HEX_TEXT = /^[\s0-9a-fA-F]+$/;

/** Negotiations to show a class without a network: the built-in recordings, or a capture file. */
export function ReplaysSection() {
  const { api, store } = useServices();
  const act = useAction();
  const picker = useRef<HTMLInputElement>(null);

  const openCapture = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    void act(async () => {
      if (file.size > MAX_CAPTURE_BYTES) throw new Error(`${file.name} is ${(file.size / 1048576).toFixed(1)} MiB: a capture can be at most ${MAX_CAPTURE_BYTES / 1048576} MiB, so cut it to the negotiation`);
      const data = new Uint8Array(await file.arrayBuffer());
      if (data.length === 0) throw new Error(`${file.name} is empty`);
      const hex = HEX_TEXT.test(new TextDecoder('latin1').decode(data.subarray(0, 4096)));
      store.getState().opened(await api.openCapture({ name: file.name, data, hex }));
    });
  };

  return (
    <section>
      <h2>Replays</h2>
      <ul>
        {BUILT_IN_REPLAYS.map((replay) => (
          <li key={replay.id} className="item">
            <span className="name">{replay.title}</span>
            <span className="actions">
              <button type="button" aria-label={`Replay ${replay.title}`} onClick={() => void act(async () => store.getState().opened(await api.openReplay({ replay: replay.id })))}>Replay</button>
            </span>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => picker.current?.click()}>Open capture…</button>
      <input ref={picker} type="file" hidden aria-label="Capture file" onChange={openCapture} />
    </section>
  );
}
