import { useEffect, useMemo, useRef } from 'react';
import type { OptionStateDto, TraceEntryDto } from '../../native/api/index.js';
import { explain } from '../state/explain.js';
import type { LineTraceEntry, SessionView } from '../state/store.js';
import { useAction, useRevtel, useServices } from './context.js';

const SHOWN = 1500;

function clock(time: number): string {
  return new Date(time).toISOString().slice(11, 23);
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

function download(name: string, text: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/** The negotiation of one tab: every SENT/RCVD line as it happens, and the option table. */
export function TracePane({ view }: { view: SessionView }) {
  const { store, api } = useServices();
  const act = useAction();
  const { prefs, trace, heldTrace, options } = view;
  const sessionId = view.dto.sessionId;
  const setPrefs = (change: Partial<SessionView['prefs']>) => store.getState().setPrefs(sessionId, change);

  // The option table follows the negotiation: refreshed when new trace lines arrive.
  useEffect(() => {
    if (view.dto.kind === 'serial') return;
    const timer = setTimeout(() => {
      void api.optionStates({ sessionId }).then((states) => store.getState().setOptions(sessionId, states), () => {});
    }, 100);
    return () => clearTimeout(timer);
  }, [trace.length, sessionId, view.dto.kind, api, store]);

  const lineTrace = useRevtel((state) => (view.dto.tcpPort ? state.lineTraces[view.dto.tcpPort] : undefined));
  const layout = useRevtel((state) => state.layout);

  return (
    <aside className="trace-pane" aria-label="Negotiation trace" style={layout.trace === 'below' ? { height: layout.traceSize } : { width: layout.traceSize }}>
      <div className="trace-toolbar">
        <input aria-label="Filter the trace" placeholder="filter (e.g. ECHO)" value={prefs.traceFilter} onChange={(event) => setPrefs({ traceFilter: event.target.value })} />
        <button type="button" aria-pressed={prefs.tracePaused} onClick={() => setPrefs({ tracePaused: !prefs.tracePaused })}>
          {prefs.tracePaused ? `Resume (${heldTrace.length})` : 'Pause'}
        </button>
        <select aria-label="Option names" value={prefs.traceNames} onChange={(event) => setPrefs({ traceNames: event.target.value as 'short' | 'rfc' })}>
          <option value="short">Short names</option>
          <option value="rfc">RFC names</option>
        </select>
        <label><input type="checkbox" checked={prefs.showBytes} onChange={(event) => setPrefs({ showBytes: event.target.checked })} /> bytes</label>
        <button type="button" onClick={() => download(`${view.dto.title.replace(/[^\w.-]+/g, '_')}-trace.txt`, traceText(trace, prefs.traceNames))}>Export</button>
        <button type="button" onClick={() => void act(async () => store.getState().setOptions(sessionId, await api.optionStates({ sessionId })))}>Refresh</button>
      </div>
      <TraceList entries={trace} filter={prefs.traceFilter} names={prefs.traceNames} showBytes={prefs.showBytes} />
      {options.length > 0 && <OptionTable options={options} />}
      {lineTrace && lineTrace.length > 0 && <LineClients entries={lineTrace} names={prefs.traceNames} filter={prefs.traceFilter} />}
    </aside>
  );
}

function traceText(entries: readonly TraceEntryDto[], names: 'short' | 'rfc'): string {
  return entries.map((entry) => `${clock(entry.time)} ${names === 'short' ? entry.short : entry.text}\n`).join('');
}

function TraceList({ entries, filter, names, showBytes }: { entries: readonly TraceEntryDto[]; filter: string; names: 'short' | 'rfc'; showBytes: boolean }) {
  const list = useRef<HTMLOListElement>(null);
  const shown = useMemo(() => {
    const needle = filter.trim().toUpperCase();
    const matching = needle ? entries.filter((entry) => entry.text.toUpperCase().includes(needle) || entry.short.toUpperCase().includes(needle)) : entries;
    return matching.slice(-SHOWN);
  }, [entries, filter]);
  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [shown]);
  return (
    <ol className="trace-list" ref={list} aria-label="Trace lines">
      {shown.map((entry, index) => (
        <li key={`${entry.time}-${index}`} className={entry.direction === 'SENT' ? 'sent' : 'rcvd'} title={explain(entry)}>
          <time>{clock(entry.time)}</time> <span className="text">{names === 'short' ? entry.short : entry.text}</span>
          {showBytes && <code className="bytes">{hex(entry.bytes)}</code>}
        </li>
      ))}
    </ol>
  );
}

const STATE_LABEL: Record<string, string> = { yes: 'on', no: 'off', wantyes: 'asking', wantno: 'stopping' };

function OptionTable({ options }: { options: readonly OptionStateDto[] }) {
  return (
    <table className="option-table" aria-label="Option states">
      <thead><tr><th>Option</th><th>We</th><th>They</th></tr></thead>
      <tbody>
        {options.map((option) => (
          <tr key={option.option}>
            <td>{option.name}</td>
            <td className={option.local}>{STATE_LABEL[option.local]}</td>
            <td className={option.remote}>{STATE_LABEL[option.remote]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** For an exposed line: each remote client's negotiation with Revtel, as a class connects. */
function LineClients({ entries, names, filter }: { entries: readonly LineTraceEntry[]; names: 'short' | 'rfc'; filter: string }) {
  const needle = filter.trim().toUpperCase();
  const byClient = new Map<string, TraceEntryDto[]>();
  for (const { client, entry } of entries) {
    if (needle && !entry.short.toUpperCase().includes(needle) && !entry.text.toUpperCase().includes(needle)) continue;
    byClient.set(client, [...(byClient.get(client) ?? []), entry]);
  }
  return (
    <section className="line-clients" aria-label="Clients of this line">
      <h3>Clients of this line</h3>
      {[...byClient].map(([client, clientEntries]) => (
        <details key={client} open>
          <summary>{client}</summary>
          <ol className="trace-list small">
            {clientEntries.slice(-200).map((entry, index) => (
              <li key={index} className={entry.direction === 'SENT' ? 'sent' : 'rcvd'} title={explain(entry)}>
                <time>{clock(entry.time)}</time> {names === 'short' ? entry.short : entry.text}
              </li>
            ))}
          </ol>
        </details>
      ))}
    </section>
  );
}
