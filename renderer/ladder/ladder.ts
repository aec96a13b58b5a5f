import type { TraceEntryDto } from '../../native/api/index.js';
import type { Parties } from '../negotiation/parties.js';
import { readNegotiation, type Step } from '../negotiation/readNegotiation.js';

// A negotiation as a ladder diagram (TCP/IP Illustrated's time lines): the client's column
// on the left, the server's on the right, time running down, one arrow per command in the
// direction it travelled. Pure: the SVG is a string, so it can be tested and exported.

export type LadderNames = 'short' | 'rfc';

export interface Arrow {
  readonly step: Step;
  /** Client → server runs left to right. */
  readonly rightward: boolean;
  readonly label: string;
}

export interface Ladder {
  /** Column headings, client first: "Client (Revtel)", "Server (router:23)". */
  readonly left: string;
  readonly right: string;
  /** The last arrows of the trace (a flood of commands is drawn in part). */
  readonly arrows: readonly Arrow[];
  /** How many trace lines came before the first arrow drawn. */
  readonly skipped: number;
}

/** More arrows than a class can read, and more than a page should redraw on every trace batch. */
export const MAX_ARROWS = 500;

export function ladderOf(entries: readonly TraceEntryDto[], parties: Parties, headings: { left: string; right: string }, names: LadderNames = 'short'): Ladder {
  // Read from the start, so that a drawn answer still knows its request.
  const steps = readNegotiation(entries, parties);
  const skipped = Math.max(0, steps.length - MAX_ARROWS);
  return {
    ...headings,
    skipped,
    arrows: steps.slice(skipped).map((step) => {
      const sender = step.entry.direction === 'SENT' ? parties.sent : parties.rcvd;
      return {
        step,
        rightward: sender.role === 'client',
        label: names === 'short' ? step.label : step.entry.text.replace(/^(SENT|RCVD) /, '').replaceAll('\n', ' '),
      };
    }),
  };
}

// ---- Drawing ------------------------------------------------------------------------------

export interface LadderLook {
  /** Base font size in px: the UI's, larger in presenter mode. */
  readonly fontSize: number;
  readonly dark: boolean;
  /** Presenter mode: black and white with saturated arrows, for a projector. */
  readonly contrast?: boolean;
  readonly selected?: number;
}

const COLORS = {
  dark: { bg: '#0d1114', text: '#d7dde4', muted: '#8895a2', line: '#3a4653', rightward: '#7fb7ff', leftward: '#a6e3a1', refuse: '#ff7b72', select: '#f0c674' },
  contrast: { bg: '#000000', text: '#ffffff', muted: '#d0d0d0', line: '#ffffff', rightward: '#6cb6ff', leftward: '#5cff7a', refuse: '#ff5c5c', select: '#ffd400' },
  light: { bg: '#ffffff', text: '#111111', muted: '#4b5560', line: '#9aa3ab', rightward: '#0b4f9f', leftward: '#176426', refuse: '#a4161a', select: '#8a5a00' },
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char]!);
}

/** The geometry, shared by the drawing and by the component that scrolls to an arrow. */
export function ladderGeometry(ladder: Ladder, fontSize: number) {
  const row = Math.round(fontSize * 2.4);
  const top = Math.round(fontSize * 3.2);
  const longest = Math.max(12, ...ladder.arrows.map((arrow) => arrow.label.length));
  const span = Math.max(fontSize * 16, Math.round(longest * fontSize * 0.62) + fontSize * 2);
  const margin = Math.round(fontSize * 5);
  return { row, top, left: margin, right: margin + span, width: span + margin * 2, height: top + row * (ladder.arrows.length + 1), y: (index: number) => top + row * (index + 1) };
}

/** The whole diagram as one self-contained SVG document (valid on its own, for slides). */
export function ladderSvg(ladder: Ladder, look: LadderLook): string {
  const colors = look.contrast ? COLORS.contrast : look.dark ? COLORS.dark : COLORS.light;
  const size = look.fontSize;
  const g = ladderGeometry(ladder, size);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" font-family="DejaVu Sans Mono, ui-monospace, monospace" font-size="${size}">`);
  parts.push('<defs>');
  for (const [name, color] of [['rightward', colors.rightward], ['leftward', colors.leftward], ['refuse', colors.refuse], ['select', colors.select]] as const) {
    parts.push(`<marker id="head-${name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="${Math.max(6, size / 2)}" markerHeight="${Math.max(6, size / 2)}" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`);
  }
  parts.push('</defs>');
  parts.push(`<rect width="100%" height="100%" fill="${colors.bg}"/>`);
  parts.push(`<text x="${size * 0.3}" y="${size * 1.6}" text-anchor="start" font-weight="bold" fill="${colors.text}">${escapeXml(ladder.left)}</text>`);
  parts.push(`<text x="${g.width - size * 0.3}" y="${size * 1.6}" text-anchor="end" font-weight="bold" fill="${colors.text}">${escapeXml(ladder.right)}</text>`);
  for (const x of [g.left, g.right]) parts.push(`<line x1="${x}" y1="${g.top}" x2="${x}" y2="${g.height - size}" stroke="${colors.line}" stroke-width="2"/>`);
  ladder.arrows.forEach((arrow, index) => {
    const y = g.y(index);
    const { kind } = arrow.step;
    const selected = look.selected === index;
    const tone = selected ? 'select' : kind === 'refuse' ? 'refuse' : arrow.rightward ? 'rightward' : 'leftward';
    const color = colors[tone];
    const [from, to] = arrow.rightward ? [g.left, g.right] : [g.right, g.left];
    const dash = kind === 'refuse' || kind === 'repeat' ? ` stroke-dasharray="${size / 2} ${size / 3}"` : '';
    parts.push(`<g class="arrow ${kind}" data-index="${index}" role="listitem" aria-label="${escapeXml(`${arrow.rightward ? '→' : '←'} ${arrow.label}`)}">`);
    // A wide transparent stroke makes the arrow easy to click.
    parts.push(`<line x1="${from}" y1="${y}" x2="${to}" y2="${y}" stroke="transparent" stroke-width="${g.row}"/>`);
    parts.push(`<line x1="${from}" y1="${y}" x2="${to}" y2="${y}" stroke="${color}" stroke-width="${selected ? 3 : 2}"${dash} marker-end="url(#head-${tone})"/>`);
    parts.push(`<text x="${(g.left + g.right) / 2}" y="${y - size * 0.4}" text-anchor="middle" fill="${color}"${selected ? ' font-weight="bold"' : ''}>${escapeXml(arrow.label)}</text>`);
    // The step's number at the far left, clear of the pairs' curves.
    parts.push(`<text x="${size * 0.3}" y="${y + size * 0.35}" fill="${colors.muted}" font-size="${size * 0.8}">${arrow.step.index + 1}</text>`);
    parts.push('</g>');
    // A request and its answer are joined on the side that answered: a bracket from the
    // request's arrival to the answer's departure, in the answer's colour.
    const partner = arrow.step.pairedWith === undefined ? -1 : arrow.step.pairedWith - ladder.skipped;
    if (partner >= 0 && partner < index) {
      const y0 = g.y(partner);
      const x = from;
      // Longer spans bulge further, so that nested pairs (eight requests, then eight answers) stay apart.
      const out = (arrow.rightward ? -1 : 1) * size * Math.min(3.5, 0.8 + 0.3 * (index - partner - 1));
      const pairColor = kind === 'refuse' ? colors.refuse : colors.muted;
      parts.push(`<path class="pair ${kind}" d="M${x},${y0 + 3} C${x + out},${y0 + 3} ${x + out},${y - 3} ${x},${y - 3}" fill="none" stroke="${pairColor}" stroke-width="1.5"/>`);
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}
