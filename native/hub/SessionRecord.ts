import {
  ApiError,
  SESSION_TRACE_LIMIT,
  type ApiEvents,
  type EventName,
  type ModemLinesDto,
  type SessionDto,
  type SessionSnapshotDto,
  type TabPrefsDto,
  type TraceEntryDto,
} from '../api/index.js';
import { SessionLog } from '../server/SessionLog.js';
import { EscapeStripper } from './EscapeStripper.js';
import type { Emit, HubSession } from './HubSession.js';
import { Scrollback, type ScrollbackLimits } from './Scrollback.js';

/**
 * Keys typed into a tab while the connection the user asked for opens (the first, or a
 * Reconnect) are held, up to this many bytes, and sent once it is open, as PuTTY and
 * SecureCRT do; past it, typing is refused with a sentence.
 */
export const TYPE_AHEAD_LIMIT = 4096;

/** Makes the session a record shows, reporting through `emit`; called again to reconnect. */
export type SessionFactory = (sessionId: string, emit: Emit) => HubSession & { open(): void };

/**
 * One session as the hub owns it, whatever its kind: the live session, its bounded
 * scrollback and trace history, its last modes and modem lines, whether it has a tab, and
 * how many pages are reading it. Pages come and go; this stays until the session is closed.
 */
export class SessionRecord {
  private current: (HubSession & { open(): void }) | undefined;
  /** Bumped when the session is replaced (reconnect), so the old one's last words are dropped. */
  private generation = 0;
  private readonly scrollback: Scrollback;
  private trace: TraceEntryDto[] = [];
  private mode: SessionSnapshotDto['mode'];
  private modem: ModemLinesDto | undefined;
  private readers = 0;
  /**
   * How far into the output the source need not wait any more: the furthest any page's
   * terminal has parsed, or all of it when no page reads. The fastest page sets the pace;
   * one that stopped reading or left holds nothing back (UiServer drops it at its limit).
   */
  private acknowledged = 0;
  private log: { readonly file: SessionLog; readonly stripper: EscapeStripper | undefined } | undefined;
  /**
   * The connection the user asked for (open, Reconnect) is on its way: keys are held for it.
   * Not while a device is unplugged or a session reconnects by itself: keys typed into a dead
   * line and sent minutes later could reach another device on the same port ("reload").
   */
  private opening = false;
  /** Typed while the session opened, in order; sent when it opens, dropped (and said) if it does not. */
  private typedAhead: Uint8Array[] = [];
  private typedAheadBytes = 0;
  /** Said with its state (closed, or waiting on its own) once a connection that did not open dropped what was typed ahead. */
  private notSent: string | undefined;
  detached = false;
  /**
   * Which of the sessions with its title this is: the second one to a destination is
   * "router:23 (2)", as SecureCRT and Tabby tell tabs apart. Given by the hub when it is
   * added (announce), and kept for the session's life, reconnects included.
   */
  private _number = 1;
  /**
   * Pages have been told of the session (sessionAdded, with its number). What it says before
   * that (its first 'connecting', while the hub has not numbered it yet) is kept but not
   * passed on: it would reach pages ahead of the tab, under a title without its number.
   */
  private announced = false;
  /** The tab's choices, as a page last set them. */
  prefs: TabPrefsDto | undefined;
  /** The terminal size last asked for, by whichever window asked last. */
  size: { readonly cols: number; readonly rows: number } | undefined;

  constructor(
    readonly sessionId: string,
    private readonly factory: SessionFactory,
    private readonly emit: Emit,
    scrollback: ScrollbackLimits,
    /** What the hub knows of the session beyond what the session reports (how it was opened). */
    private readonly extra: Partial<SessionDto> = {},
  ) {
    this.scrollback = new Scrollback(scrollback);
  }

  get session(): HubSession {
    return this.current!;
  }

  get dto(): SessionDto {
    return this.decorate(this.current!.dto);
  }

  get number(): number {
    return this._number;
  }

  /** Added by the hub as the `number`th session to its destination: from now on pages hear of it. */
  announce(number: number): SessionDto {
    this._number = number;
    this.announced = true;
    return this.dto;
  }

  /** The title its session gives it (the destination), before any number. */
  get destination(): string {
    return this.current!.dto.title;
  }

  private decorate(dto: SessionDto): SessionDto {
    const message = dto.state !== 'open' && this.notSent ? `${dto.message ?? (dto.state === 'closed' ? 'It closed.' : '')} ${this.notSent}`.trim() : dto.message;
    return {
      ...dto, ...(this._number > 1 ? { title: `${dto.title} (${this._number})` } : {}), ...(message !== undefined ? { message } : {}), ...this.extra, ...(this.detached ? { detached: true } : {}), ...(this.log ? { logFile: this.log.file.file } : {}),
      ...(this.size ? { size: this.size } : {}),
    };
  }

  /** Makes and opens the session (again, for a reconnect: the scrollback and trace stay). */
  async open(): Promise<void> {
    const previous = this.current;
    const generation = ++this.generation;
    // Keys typed from the click on, while the closed connection is let go, are for the new one.
    this.opening = true;
    await previous?.close();
    // The new session's output channel starts with nothing outstanding.
    this.acknowledged = this.scrollback.end;
    this.notSent = undefined;
    this.mode = undefined;
    this.modem = undefined;
    this.current = this.factory(this.sessionId, (event, payload) => {
      if (generation !== this.generation) return;
      const observed = this.observe(event, payload);
      if (this.announced) this.emit(event, observed);
    });
    // A reconnected session starts at the size the windows last asked for.
    if (this.size) this.current.resize(this.size.cols, this.size.rows);
    this.current.open();
  }

  async close(): Promise<void> {
    // Closed by the user: what was typed ahead goes with the tab.
    this.typedAhead = [];
    this.typedAheadBytes = 0;
    this.generation++;
    await this.current?.close();
    this.stopLog();
  }

  /**
   * What the user typed: to the open session; held while the connection the user asked for
   * opens, and until what was held is sent; refused with a sentence while nothing is there
   * to take it — closed, a device unplugged, a lost connection being tried again.
   */
  write(data: Uint8Array): void {
    const { state, title, kind } = this.dto;
    if ((state === 'open' && this.typedAheadBytes === 0) || kind === 'replay') {
      this.current!.write(data);
      return;
    }
    if (state === 'closed' && !this.opening) throw new ApiError(`${title} is closed: what you type is not sent; Reconnect opens it again`);
    if (!this.opening && state !== 'open') {
      const waiting = state === 'unplugged' ? 'is unplugged' : 'lost its connection and is trying again';
      throw new ApiError(`${title} ${waiting}: what you typed was not sent; type it again once it is back`);
    }
    if (this.typedAheadBytes + data.length > TYPE_AHEAD_LIMIT) {
      throw new ApiError(`${title} is ${this.opening ? 'still connecting' : state}: ${this.typedAheadBytes} bytes typed so far will be sent once it opens, and no more than ${TYPE_AHEAD_LIMIT} are held`);
    }
    this.typedAhead.push(data);
    this.typedAheadBytes += data.length;
  }

  /** Logs output from now on (a log already running goes on); throws SessionLogError when the file cannot be made. */
  startLog(dir: string, name: string, stripped: boolean, report: (message: string) => void): void {
    if (this.log) return;
    this.log = { file: new SessionLog({ dir, name, report }), stripper: stripped ? new EscapeStripper() : undefined };
  }

  stopLog(): void {
    this.log?.file.close();
    this.log = undefined;
  }

  snapshot(): SessionSnapshotDto {
    return {
      session: this.dto,
      output: this.scrollback.contents(),
      end: this.scrollback.end,
      trace: [...this.trace],
      ...(this.mode ? { mode: this.mode } : {}),
      ...(this.modem ? { modem: this.modem } : {}),
      ...(this.prefs ? { prefs: this.prefs } : {}),
    };
  }

  /** A page shows the session: everything so far is in its snapshot, so the source need not wait on it. */
  subscribe(): void {
    this.readers++;
    this.acknowledge(this.scrollback.end);
  }

  unsubscribe(): void {
    this.readers = Math.max(0, this.readers - 1);
    // Nobody reads (the last page left, perhaps mid-flood): the scrollback has taken it all.
    if (this.readers === 0) this.acknowledge(this.scrollback.end);
  }

  /** A page's terminal has parsed the output up to `upTo`; positions past what was sent count as the end. */
  acknowledge(upTo: number): void {
    const position = Math.min(upTo, this.scrollback.end);
    if (position <= this.acknowledged) return;
    const bytes = position - this.acknowledged;
    this.acknowledged = position;
    this.current?.acknowledge(bytes);
  }

  private sendTypedAhead(): void {
    if (this.current?.dto.state !== 'open') return;
    const typed = this.typedAhead;
    this.typedAhead = [];
    this.typedAheadBytes = 0;
    for (const data of typed) this.current.write(data);
  }

  /** Keeps what a page connecting later needs, and stamps output with its position. */
  private observe<E extends EventName>(event: E, payload: ApiEvents[E]): ApiEvents[E] {
    switch (event) {
      case 'sessionData': {
        const { data } = payload as ApiEvents['sessionData'];
        const offset = this.scrollback.end;
        this.scrollback.append(data);
        if (this.log) this.log.file.write(this.log.stripper ? this.log.stripper.strip(data) : data);
        // Nobody is reading: the scrollback has taken it, so the source must not wait for a terminal.
        if (this.readers === 0) queueMicrotask(() => this.acknowledge(offset + data.length));
        return { ...(payload as ApiEvents['sessionData']), offset } as ApiEvents[E];
      }
      case 'sessionTrace': {
        const { entries } = payload as ApiEvents['sessionTrace'];
        this.trace.push(...entries);
        if (this.trace.length > SESSION_TRACE_LIMIT) this.trace.splice(0, this.trace.length - SESSION_TRACE_LIMIT);
        return payload;
      }
      case 'sessionMode': {
        const { localEcho, lineEditing, linemode } = payload as ApiEvents['sessionMode'];
        this.mode = linemode === undefined ? { localEcho, lineEditing } : { localEcho, lineEditing, linemode };
        return payload;
      }
      case 'modemLines': {
        const { cts, dsr, dcd, ri } = payload as ApiEvents['modemLines'];
        this.modem = ri === undefined ? { cts, dsr, dcd } : { cts, dsr, dcd, ri };
        return payload;
      }
      case 'sessionState': {
        const dto = payload as SessionDto;
        // The connection asked for opened or failed: from now on only the user's next one is waited for.
        if (dto.state !== 'connecting') this.opening = false;
        if (dto.state === 'open') this.notSent = undefined;
        if (this.typedAheadBytes === 0) return this.decorate(dto) as ApiEvents[E];
        // After the session's own reaction to opening (a telnet client's first negotiation).
        if (dto.state === 'open') queueMicrotask(() => this.sendTypedAhead());
        if (dto.state === 'open' || dto.state === 'connecting') return this.decorate(dto) as ApiEvents[E];
        // It did not open (closed, or waiting on its own): what was held is not kept for later.
        const dropped = this.typedAheadBytes;
        this.typedAhead = [];
        this.typedAheadBytes = 0;
        this.notSent = `What was typed while it connected (${dropped} ${dropped === 1 ? 'byte' : 'bytes'}) was not sent.`;
        return this.decorate(dto) as ApiEvents[E];
      }
      default:
        return payload;
    }
  }
}
