import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { TraceEntryDto } from '../../native/api/index.js';
import type { Parties } from '../negotiation/parties.js';
import { ladderGeometry, ladderOf, ladderSvg, type LadderNames } from './ladder.js';

export interface LadderViewProps {
  readonly entries: readonly TraceEntryDto[];
  readonly parties: Parties;
  readonly headings: { readonly left: string; readonly right: string };
  readonly names: LadderNames;
  readonly fontSize: number;
  readonly dark: boolean;
  /** Presenter mode: high contrast, and PageDown/PageUp (a clicker), →/←, Home/End anywhere step through. */
  readonly contrast?: boolean;
  /** For exported file names. */
  readonly title: string;
  /** Told the trace line (from 0) of each arrow selected, for a replay's screen to follow. */
  readonly onSelect?: (step: number) => void;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

// data: URLs, because the renderer's CSP allows images from data: and not from blob:.
const svgUrl = (svg: string): string => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

function save(name: string, url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

/** The SVG drawn on a canvas, for slide software that takes only bitmaps. */
async function pngOf(svg: string, width: number, height: number): Promise<string> {
  const image = new Image();
  image.src = svgUrl(svg);
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.drawImage(image, 0, 0);
  return canvas.toDataURL('image/png');
}

/** How far a key moves the selection: arrows, a presenter's clicker (PageDown/PageUp), Home/End. */
function stepFor(key: string, count: number): number | undefined {
  return ({ ArrowDown: 1, ArrowRight: 1, PageDown: 1, ArrowUp: -1, ArrowLeft: -1, PageUp: -1, Home: -count, End: count } as Record<string, number>)[key];
}

/** The arrow `by` steps from `current` (none selected: from before the first, or after the last), kept in range. */
function advance(current: number | undefined, by: number, count: number): number {
  return Math.min(count - 1, Math.max(0, current === undefined ? (by > 0 ? by - 1 : count + by) : current + by));
}

/**
 * The ladder of a negotiation, with the selected arrow's bytes and explanation below it.
 * Click an arrow, or use ↑/↓ (and the buttons) to step through.
 */
export function LadderView({ entries, parties, headings, names, fontSize, dark, contrast = false, title, onSelect }: LadderViewProps) {
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const scroller = useRef<HTMLDivElement>(null);
  const ladder = useMemo(() => ladderOf(entries, parties, headings, names), [entries, parties, headings, names]);
  const svg = useMemo(() => ladderSvg(ladder, { fontSize, dark, contrast, ...(selected === undefined ? {} : { selected }) }), [ladder, fontSize, dark, contrast, selected]);
  const count = ladder.arrows.length;
  const arrow = selected === undefined ? undefined : ladder.arrows[selected];
  const fileName = title.replace(/[^\w.-]+/g, '_');
  // Told once per change of selection (the owner's callback may be a new function each render).
  const tell = useRef(onSelect);
  tell.current = onSelect;
  const selectedStep = arrow?.step.index;
  useEffect(() => {
    if (selectedStep !== undefined) tell.current?.(selectedStep);
  }, [selectedStep]);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (selected === undefined) {
      // Live: the newest arrow stays in view.
      element.scrollTop = element.scrollHeight;
    } else {
      const { y } = ladderGeometry(ladder, fontSize);
      element.scrollTop = Math.max(0, y(selected) - element.clientHeight / 2);
    }
  }, [ladder, selected, fontSize]);

  const step = (by: number) => setSelected((current) => advance(current, by, count));

  useEffect(() => {
    if (!contrast) return;
    const clicker = (event: globalThis.KeyboardEvent) => {
      // The ladder itself has the focus (and has stepped already), or a field or the terminal takes the keys.
      if (event.defaultPrevented || (event.target as Element | null)?.closest('input, textarea, select, .xterm')) return;
      const by = stepFor(event.key, count);
      if (by === undefined) return;
      event.preventDefault();
      setSelected((current) => advance(current, by, count));
    };
    document.addEventListener('keydown', clicker);
    return () => document.removeEventListener('keydown', clicker);
  }, [contrast, count]);
  const pick = (event: MouseEvent) => {
    const group = (event.target as Element).closest('[data-index]');
    if (group) setSelected(Number(group.getAttribute('data-index')));
  };
  const keys = (event: KeyboardEvent) => {
    const by = stepFor(event.key, count);
    if (by === undefined) return;
    step(by);
    event.preventDefault();
  };
  const geometry = ladderGeometry(ladder, fontSize);

  return (
    <section className="ladder" aria-label="Ladder diagram">
      <div className="ladder-toolbar">
        <button type="button" onClick={() => step(-1)} disabled={count === 0 || selected === 0}>◀ Previous</button>
        <span className="ladder-position" aria-live="polite">{selected === undefined ? `${count} arrows` : `${selected + 1} of ${count}`}{ladder.skipped > 0 ? ` (the last ${count} of ${count + ladder.skipped} lines)` : ''}</span>
        <button type="button" onClick={() => step(1)} disabled={count === 0 || selected === count - 1}>Next ▶</button>
        <span className="spacer" />
        <button type="button" onClick={() => save(`${fileName}-ladder.svg`, svgUrl(svg))}>Export SVG</button>
        <button type="button" onClick={() => void pngOf(svg, geometry.width, geometry.height).then((url) => save(`${fileName}-ladder.png`, url))}>Export PNG</button>
      </div>
      <div className="ladder-drawing" ref={scroller} tabIndex={0} role="list" aria-label="Arrows" onClick={pick} onKeyDown={keys}
        dangerouslySetInnerHTML={{ __html: svg }} />
      <div className="explanation" role="region" aria-label="Explanation">
        {arrow ? (
          <>
            <p className="explanation-label"><strong>{arrow.step.index + 1}. {arrow.rightward ? `${headings.left} → ${headings.right}` : `${headings.right} → ${headings.left}`}: {arrow.label}</strong></p>
            <p className="explanation-text">{arrow.step.explanation}</p>
            <p className="explanation-bytes"><code>{hex(arrow.step.entry.bytes)}</code>{arrow.step.pairedWith !== undefined && <> · {arrow.step.pairedWith < arrow.step.index ? 'answers' : 'answered by'} arrow {arrow.step.pairedWith + 1}</>}</p>
          </>
        ) : <p className="hint">Select an arrow (or press ↓) to see its bytes and what it means.</p>}
      </div>
    </section>
  );
}
