import { useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { OptionStateDto, TraceEntryDto } from '../../native/api/index.js';
import { CLIENT_PARTIES, LINE_PARTIES } from '../negotiation/parties.js';
import { readNegotiation } from '../negotiation/readNegotiation.js';
import { LadderView } from '../ladder/LadderView.js';
import { PRESENTER_SCALE, setPresenting, usePresenting } from '../presenter/presenter.js';
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
  const { store, api, terminals } = useServices();
  const act = useAction();
  const { prefs, trace, heldTrace, options } = view;
  const sessionId = view.dto.sessionId;
  const setPrefs = (change: Partial<SessionView['prefs']>) => store.getState().setPrefs(sessionId, change);

  // The option table follows the negotiation: refreshed when new trace lines arrive.
  useEffect(() => {
    if (view.dto.kind === 'serial' || view.dto.kind === 'replay') return;
    const timer = setTimeout(() => {
      void api.optionStates({ sessionId }).then((states) => store.getState().setOptions(sessionId, states), () => {});
    }, 100);
    return () => clearTimeout(timer);
  }, [trace.length, sessionId, view.dto.kind, api, store]);

  const lineTrace = useRevtel((state) => (view.dto.tcpPort ? state.lineTraces[view.dto.tcpPort] : undefined));
  const presenting = usePresenting();
  const fontSize = useRevtel((state) => state.fontSize) * (presenting ? PRESENTER_SCALE : 1);
  const dark = useRevtel((state) => state.theme === 'dark');
  const replay = view.dto.kind === 'replay';
  const [chosenShape, setShape] = useState<'text' | 'ladder'>(replay ? 'ladder' : 'text');
  // A class sees the ladder: presenter mode always shows it.
  const shape = presenting ? 'ladder' : chosenShape;
  // Stepping through a replay shows its screen as it stood at that arrow.
  const showScreen = (step: number) => {
    void act(async () => terminals.showScreen(sessionId, await api.replayScreen({ sessionId, step })));
  };
  const layout = useRevtel((state) => state.layout);
  // Presenter mode lays the page out itself: terminal and ladder side by side, half each.
  const size: CSSProperties = presenting ? {} : layout.trace === 'below' ? { height: layout.traceSize } : { width: layout.traceSize };
  const headings = useMemo(() => (replay ? { left: 'Client', right: 'Server' } : { left: 'Client (Revtel)', right: `Server (${view.dto.title})` }), [replay, view.dto.title]);

  return (
    <aside className="trace-pane" aria-label="Negotiation trace" style={{ ...size, ...({ '--ui-font-size': `${fontSize}px` } as CSSProperties) }}>
      <div className="trace-toolbar">
        <div role="group" aria-label="Trace as">
          <button type="button" aria-pressed={shape === 'text'} onClick={() => setShape('text')} disabled={presenting}>Text</button>
          <button type="button" aria-pressed={shape === 'ladder'} onClick={() => setShape('ladder')}>Ladder</button>
        </div>
        <button type="button" className="present" aria-pressed={presenting} onClick={() => setPresenting(!presenting)}>{presenting ? 'Leave presenter mode' : 'Present'}</button>
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
      {shape === 'text'
        ? <TraceList entries={trace} filter={prefs.traceFilter} names={prefs.traceNames} showBytes={prefs.showBytes} />
        : <LadderView entries={trace} parties={CLIENT_PARTIES} headings={headings} names={prefs.traceNames} fontSize={fontSize} dark={dark} contrast={presenting} title={view.dto.title} {...(replay ? { onSelect: showScreen } : {})} />}
      {options.length > 0 && (shape === 'text' ? <OptionTable options={options} /> : <OptionStrip options={options} />)}
      {lineTrace && lineTrace.length > 0 && (
        <LineClients entries={lineTrace} names={prefs.traceNames} filter={prefs.traceFilter} ladder={shape === 'ladder' ? { fontSize, dark, contrast: presenting } : undefined} />
      )}
    </aside>
  );
}

function traceText(entries: readonly TraceEntryDto[], names: 'short' | 'rfc'): string {
  return entries.map((entry) => `${clock(entry.time)} ${names === 'short' ? entry.short : entry.text}\n`).join('');
}

function TraceList({ entries, filter, names, showBytes }: { entries: readonly TraceEntryDto[]; filter: string; names: 'short' | 'rfc'; showBytes: boolean }) {
  const list = useRef<HTMLOListElement>(null);
  const [chosen, setChosen] = useState<number | undefined>(undefined);
  const shown = useMemo(() => {
    const needle = filter.trim().toUpperCase();
    const steps = readNegotiation(entries, CLIENT_PARTIES);
    const matching = needle ? steps.filter(({ entry }) => entry.text.toUpperCase().includes(needle) || entry.short.toUpperCase().includes(needle)) : steps;
    return matching.slice(-SHOWN);
  }, [entries, filter]);
  useEffect(() => {
    const element = list.current;
    if (element && chosen === undefined) element.scrollTop = element.scrollHeight;
  }, [shown, chosen]);
  const step = shown.find((candidate) => candidate.index === chosen);
  return (
    <>
      <ol className="trace-list" ref={list} aria-label="Trace lines">
        {shown.map(({ entry, explanation, index }) => (
          <li key={index} className={`${entry.direction === 'SENT' ? 'sent' : 'rcvd'}${index === chosen ? ' chosen' : ''}`} title={explanation}
            tabIndex={0} aria-selected={index === chosen} onClick={() => setChosen(index)} onKeyDown={(event) => event.key === 'Enter' && setChosen(index)}>
            <time>{clock(entry.time)}</time> <span className="text">{names === 'short' ? entry.short : entry.text}</span>
            {showBytes && <code className="bytes">{hex(entry.bytes)}</code>}
          </li>
        ))}
      </ol>
      {step && (
        <div className="explanation" role="region" aria-label="Explanation">
          <p className="explanation-text">{step.explanation}</p>
          <p className="explanation-bytes"><code>{hex(step.entry.bytes)}</code></p>
        </div>
      )}
    </>
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

const SIDES: Record<string, string> = { 'yes yes': 'both', 'yes no': 'we', 'no yes': 'they' };

/** The options in force on one line, beside the ladder: "ECHO they · SGA both · NAWS we". */
export function OptionStrip({ options }: { options: readonly OptionStateDto[] }) {
  const on = options.filter((option) => option.local === 'yes' || option.remote === 'yes');
  return (
    <p className="option-strip" aria-label="Options in force">
      {on.length === 0 ? 'No option in force' : on.map((option) => (
        <span key={option.option}>{option.name} <small>{SIDES[`${option.local === 'yes' ? 'yes' : 'no'} ${option.remote === 'yes' ? 'yes' : 'no'}`]}</small></span>
      ))}
    </p>
  );
}

/** For an exposed line: each remote client's negotiation with Revtel, as a class connects. */
function LineClients({ entries, names, filter, ladder }: {
  entries: readonly LineTraceEntry[];
  names: 'short' | 'rfc';
  filter: string;
  /** Drawn as ladders (the client on the left, Revtel, the server, on the right), or as text. */
  ladder: { fontSize: number; dark: boolean; contrast: boolean } | undefined;
}) {
  const needle = filter.trim().toUpperCase();
  const clients = new Map<string, TraceEntryDto[]>();
  for (const { client, entry } of entries) clients.set(client, [...(clients.get(client) ?? []), entry]);
  return (
    <section className="line-clients" aria-label="Clients of this line">
      <h3>Clients of this line</h3>
      {[...clients].map(([client, clientEntries]) => (
        <details key={client} open>
          <summary>{client}</summary>
          {ladder
            ? <LadderView entries={clientEntries} parties={LINE_PARTIES} headings={{ left: `This client (${client})`, right: 'Revtel' }} names={names} {...ladder} title={`client-${client}`} />
            : <ol className="trace-list small">
                {readNegotiation(clientEntries, LINE_PARTIES)
                  .filter(({ entry }) => !needle || entry.short.toUpperCase().includes(needle) || entry.text.toUpperCase().includes(needle))
                  .slice(-200).map(({ entry, explanation }, index) => (
                  <li key={index} className={entry.direction === 'SENT' ? 'sent' : 'rcvd'} title={explanation}>
                    <time>{clock(entry.time)}</time> {names === 'short' ? entry.short : entry.text}
                  </li>
                ))}
              </ol>}
        </details>
      ))}
    </section>
  );
}
