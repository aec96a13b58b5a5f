// LINEMODE, RFC 1184: MODE, FORWARDMASK and the SLC (Set Local Characters) table, as the
// client side of the BSD telnet client keeps it.

/** The first byte of a LINEMODE subnegotiation (or the byte after WILL/WONT/DO/DONT). */
export const LinemodeCommand = { MODE: 1, FORWARDMASK: 2, SLC: 3 } as const;

/** Bits of LINEMODE MODE. */
export const ModeBit = { EDIT: 1, TRAPSIG: 2, ACK: 4, SOFT_TAB: 8, LIT_ECHO: 16 } as const;
const MODE_MASK = 0x1f;

/** SLC functions 1–18, the ones the BSD client knows by name. */
export const Slc = {
  SYNCH: 1, BRK: 2, IP: 3, AO: 4, AYT: 5, EOR: 6, ABORT: 7, EOF: 8, SUSP: 9,
  EC: 10, EL: 11, EW: 12, RP: 13, LNEXT: 14, XON: 15, XOFF: 16, FORW1: 17, FORW2: 18,
} as const;
const SLC_COUNT = 18;

/** SLC support levels (the low two bits of the flags byte). */
export const SlcLevel = { NOSUPPORT: 0, CANTCHANGE: 1, VARIABLE: 2, DEFAULT: 3 } as const;
export const SlcFlag = { ACK: 0x80, FLUSHIN: 0x40, FLUSHOUT: 0x20 } as const;
const LEVEL_BITS = 0x03;

// slc_names[] of the BSD client; 19–30 are the RFC 1184 editing functions it never sets.
const SLC_NAMES = [
  '0', 'SYNCH', 'BRK', 'IP', 'AO', 'AYT', 'EOR', 'ABORT', 'EOF', 'SUSP', 'EC', 'EL', 'EW', 'RP',
  'LNEXT', 'XON', 'XOFF', 'FORW1', 'FORW2', 'MCL', 'MCR', 'MCWL', 'MCWR', 'MCBOL', 'MCEOL',
  'INSRT', 'OVER', 'ECR', 'EWR', 'EBOL', 'EEOL',
];
const LEVEL_NAMES = ['NOSUPPORT', 'CANTCHANGE', 'VARIABLE', 'DEFAULT'];
const VERB_NAMES: Record<number, string> = { 251: 'WILL', 252: 'WONT', 253: 'DO', 254: 'DONT' };

export interface SlcTriplet {
  readonly func: number;
  readonly flags: number;
  readonly value: number;
}

export function encodeMode(mode: number): Uint8Array {
  return Uint8Array.of(LinemodeCommand.MODE, mode);
}

export function encodeSlc(triplets: readonly SlcTriplet[]): Uint8Array {
  const out = new Uint8Array(1 + 3 * triplets.length);
  out[0] = LinemodeCommand.SLC;
  triplets.forEach(({ func, flags, value }, i) => out.set([func, flags, value], 1 + 3 * i));
  return out;
}

/** The whole triplets of an SLC payload (after its SLC byte); a cut-off one is dropped. */
export function decodeSlc(payload: Uint8Array): SlcTriplet[] {
  const triplets: SlcTriplet[] = [];
  for (let i = 1; i + 2 < payload.length; i += 3) triplets.push({ func: payload[i]!, flags: payload[i + 1]!, value: payload[i + 2]! });
  return triplets;
}

/** "EDIT|TRAPSIG|ACK", or "0" for no bits: the BSD client's words for a MODE mask. */
export function describeMode(mode: number): string {
  const names = (['EDIT', 'TRAPSIG', 'SOFT_TAB', 'LIT_ECHO', 'ACK'] as const).filter((name) => mode & ModeBit[name]);
  return `${names.join('|') || '0'}${mode & ~MODE_MASK ? ` (0x${mode.toString(16)})` : ''}`;
}

/** printsub() of the BSD client for LINEMODE, after "LINEMODE ". */
export function describeLinemode(payload: Uint8Array): string {
  const command = payload[0];
  if (command === undefined) return ' (empty suboption???)';
  const verb = VERB_NAMES[command];
  if (verb !== undefined) {
    const option = payload[1];
    if (option === undefined) return `${verb} (no option???)`;
    const rest = [...payload.subarray(2)];
    if (option === LinemodeCommand.FORWARDMASK) return `${verb} Forward Mask${rest.map((byte) => ` ${byte.toString(16)}`).join('')}`;
    return `${verb} ${option} (unknown)${rest.map((byte) => ` ${byte}`).join('')}`;
  }
  if (command === LinemodeCommand.SLC) {
    const triplets = decodeSlc(payload);
    const text = triplets.map(({ func, flags, value }) => {
      const extra = flags & ~(SlcFlag.ACK | SlcFlag.FLUSHIN | SlcFlag.FLUSHOUT | LEVEL_BITS);
      return ` ${SLC_NAMES[func] ?? func} ${LEVEL_NAMES[flags & LEVEL_BITS]}`
        + `${flags & SlcFlag.ACK ? '|ACK' : ''}${flags & SlcFlag.FLUSHIN ? '|FLUSHIN' : ''}${flags & SlcFlag.FLUSHOUT ? '|FLUSHOUT' : ''}`
        + `${extra ? `(0x${flags.toString(16)})` : ''} ${value};`;
    });
    const leftover = [...payload.subarray(1 + 3 * triplets.length)].map((byte) => ` ?${byte}?`);
    return `SLC${text.join('')}${leftover.join('')}`;
  }
  if (command === LinemodeCommand.MODE) {
    if (payload.length < 2) return 'MODE (no mode???)';
    return `MODE ${describeMode(payload[1]!)}${[...payload.subarray(2)].map((byte) => ` ?0x${byte.toString(16)}?`).join('')}`;
  }
  return `${command} (unknown)${[...payload.subarray(1)].map((byte) => ` ${byte}`).join('')}`;
}

interface SlcEntry {
  /** What we can support: level and flush bits, as the client's own terminal has them. */
  readonly mine: number;
  flags: number;
  value: number;
}

/**
 * A Linux terminal's special characters as the BSD client exports them (its slc_init()
 * on a default `stty` setting): 0 means the character is disabled.
 */
const DEFAULT_SLC: ReadonlyMap<number, { readonly mine: number; readonly value: number }> = new Map([
  [Slc.SYNCH, { mine: SlcLevel.VARIABLE, value: 0 }],
  [Slc.IP, { mine: SlcLevel.VARIABLE | SlcFlag.FLUSHIN | SlcFlag.FLUSHOUT, value: 0x03 }],
  [Slc.AO, { mine: SlcLevel.VARIABLE, value: 0x0f }],
  [Slc.AYT, { mine: SlcLevel.VARIABLE, value: 0 }],
  [Slc.ABORT, { mine: SlcLevel.VARIABLE | SlcFlag.FLUSHIN | SlcFlag.FLUSHOUT, value: 0x1c }],
  [Slc.EOF, { mine: SlcLevel.VARIABLE, value: 0x04 }],
  [Slc.SUSP, { mine: SlcLevel.VARIABLE | SlcFlag.FLUSHIN, value: 0x1a }],
  [Slc.EC, { mine: SlcLevel.VARIABLE, value: 0x7f }],
  [Slc.EL, { mine: SlcLevel.VARIABLE, value: 0x15 }],
  [Slc.EW, { mine: SlcLevel.VARIABLE, value: 0x17 }],
  [Slc.RP, { mine: SlcLevel.VARIABLE, value: 0x12 }],
  [Slc.LNEXT, { mine: SlcLevel.VARIABLE, value: 0x16 }],
  [Slc.XON, { mine: SlcLevel.VARIABLE, value: 0x11 }],
  [Slc.XOFF, { mine: SlcLevel.VARIABLE, value: 0x13 }],
  [Slc.FORW1, { mine: SlcLevel.VARIABLE, value: 0 }],
  [Slc.FORW2, { mine: SlcLevel.VARIABLE, value: 0 }],
]);

/**
 * The client's SLC table (RFC 1184 section 5, as the BSD client's slc() applies it): what
 * we export when LINEMODE comes on, and how the server's triplets change it. Functions
 * we cannot support at all (BRK, EOR and 19–30) stay NOSUPPORT.
 */
export class SlcTable {
  private readonly entries: SlcEntry[] = [];

  constructor() {
    this.reset();
  }

  /** Back to the terminal's own characters (LINEMODE was turned off and on again). */
  reset(): void {
    for (let func = 1; func <= SLC_COUNT; func++) {
      const own = DEFAULT_SLC.get(func);
      const mine = own?.mine ?? SlcLevel.NOSUPPORT;
      const value = own?.value ?? 0;
      this.entries[func] = { mine, value, flags: value === 0 ? SlcLevel.NOSUPPORT : mine };
    }
  }

  /** Our table as the BSD client first sends it: every function we could support. */
  exported(): SlcTriplet[] {
    const triplets: SlcTriplet[] = [];
    for (let func = 1; func <= SLC_COUNT; func++) {
      const entry = this.entries[func]!;
      if ((entry.mine & LEVEL_BITS) !== SlcLevel.NOSUPPORT) triplets.push({ func, flags: entry.flags, value: entry.value });
    }
    return triplets;
  }

  /**
   * Applies the server's triplets; returns our replies (empty: nothing to say). An ACK for
   * what we proposed is taken silently; a value at a level we support is taken and
   * acknowledged; DEFAULT brings back our own level; anything else gets our current value.
   */
  receive(triplets: readonly SlcTriplet[]): SlcTriplet[] {
    const replies: SlcTriplet[] = [];
    for (const { func, flags, value } of triplets) {
      // The client ignores function 0 (a server's request for our defaults never comes this way).
      if (func === 0) continue;
      const level = flags & (LEVEL_BITS | SlcFlag.ACK);
      const entry = this.entries[func];
      if (!entry) {
        if ((flags & LEVEL_BITS) !== SlcLevel.NOSUPPORT) replies.push({ func, flags: SlcLevel.NOSUPPORT, value: 0 });
        continue;
      }
      if (value === entry.value && (level & LEVEL_BITS) === (entry.flags & LEVEL_BITS)) continue;
      // An ACK at our own level confirms what we proposed.
      if (level === ((entry.flags & LEVEL_BITS) | SlcFlag.ACK)) {
        entry.value = value;
        entry.flags = flags;
        continue;
      }
      const asked = level & LEVEL_BITS;
      if (asked === SlcLevel.DEFAULT) {
        // Back to our own level, with the character we have.
        entry.flags = entry.mine;
      } else if (asked <= (entry.mine & LEVEL_BITS)) {
        entry.value = value;
        entry.flags = flags | SlcFlag.ACK;
      }
      replies.push({ func, flags: entry.flags, value: entry.value });
    }
    return replies;
  }

  /** The character for a function, or undefined when it is not supported or disabled. */
  character(func: number): number | undefined {
    const entry = this.entries[func];
    if (!entry || (entry.flags & LEVEL_BITS) === SlcLevel.NOSUPPORT || entry.value === 0) return undefined;
    return entry.value;
  }

  /** The function's FLUSHIN/FLUSHOUT bits as agreed. */
  flushes(func: number): { readonly input: boolean; readonly output: boolean } {
    const flags = this.entries[func]?.flags ?? 0;
    return { input: (flags & SlcFlag.FLUSHIN) !== 0, output: (flags & SlcFlag.FLUSHOUT) !== 0 };
  }
}
