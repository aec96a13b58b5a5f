import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal, type ITheme } from '@xterm/xterm';
import type { ApiEvents, RevtelApi } from '../../native/api/index.js';
import { OutputDecoder, clipboardKey, encodeText, hexDump, pasteLineCount, pasteLines, translateEnter } from '../state/keyboard.js';
import type { RendererChoice, RevtelStore, SessionPrefs } from '../state/store.js';

// One xterm.js terminal per tab, kept outside React. A tab's terminal starts from the
// back end's scrollback (subscribe), then follows live output, lined up by position so
// nothing is shown twice or lost between the two. Live output is written with xterm's
// write callback and acknowledged to the back end, whose watermarks pause the source
// when the terminal falls behind: a flooding console cannot freeze the page or grow it.

const ACK_EVERY = 16 * 1024;
/**
 * Rows a little taller than the font: at 1.0 xterm.js rounds the row down below the font's
 * descent at some sizes (14 px among them) and the DOM renderer clips what hangs lowest —
 * the underscore, so "a_b__c" read "a b  c"; at 1.1 and 1.15 the WebGL renderer still loses
 * it at 10 px. test/renderer/rendering.test.ts looks at the pixels of every offered size.
 */
const LINE_HEIGHT = 1.2;
const ECHO_WAIT_MS = 3000;

const THEMES: Record<'dark' | 'light', ITheme> = {
  dark: { background: '#101418', foreground: '#d7dde4', cursor: '#f0c674', selectionBackground: '#3a4a5a' },
  light: { background: '#fbfbf8', foreground: '#1d2329', cursor: '#8a5a00', selectionBackground: '#c8d8ea' },
};

interface Entry {
  readonly terminal: Terminal;
  readonly fit: FitAddon;
  readonly search: SearchAddon;
  readonly element: HTMLDivElement;
  readonly decoder: OutputDecoder;
  /** Position in the session's output up to which this terminal has parsed, and up to which it said so. */
  parsedUpTo: number;
  acknowledgedUpTo: number;
  hexOffset: number;
  /** Decoded text since the last paste line was sent, for "wait for the echo". */
  recent: string;
  pasting: { cancelled: boolean } | undefined;
  /** Position in the session's output up to which this terminal has it; undefined until the replay. */
  shownUpTo: number | undefined;
  /** Live output that arrived before the replay, lined up once it is in. */
  early: ApiEvents['sessionData'][];
  /** Texts someone waits to see drawn (whenShown). */
  watchers: { text: string; shown: (time: number) => void }[];
  /** The WebGL renderer while this tab is visible; the DOM renderer draws it otherwise. */
  webgl: WebglAddon | undefined;
  /** Its WebGL context was lost once: the DOM renderer draws it from then on. */
  webglLost: boolean;
}

/**
 * This browser's WebGL 2 (asked once): none, drawn by a GPU, or drawn by the CPU
 * (SwiftShader, llvmpipe — Chromium without a GPU). Where the CPU draws it, software
 * compositing reads every frame back with a blocking ReadPixels on the page's main thread,
 * so the DOM renderer draws the same flood about twice as fast (npm run bench:ui).
 */
let webglKind: 'none' | 'gpu' | 'software' | undefined;
function webglSupport(): 'none' | 'gpu' | 'software' {
  if (webglKind) return webglKind;
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return (webglKind = 'none');
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  // The question's own context is given back at once: Chromium allows a page 16.
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  webglKind = /swiftshader|llvmpipe|softpipe|software|basic render/i.test(name) ? 'software' : 'gpu';
  return webglKind;
}

/** Whether a renderer choice draws with WebGL in this browser. */
function wantsWebgl(choice: RendererChoice): boolean {
  const support = choice === 'dom' ? 'none' : webglSupport();
  return support === 'gpu' || (support === 'software' && choice === 'webgl');
}

export class TerminalRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly api: RevtelApi, private readonly store: RevtelStore) {
    api.on('sessionData', (payload) => this.live(payload));
    window.addEventListener('focus', () => {
      for (const [sessionId, entry] of this.entries) this.claimSize(sessionId, entry);
    });
  }

  /** The sessions this page follows (the ones with a tab). */
  subscribed(): string[] {
    return [...this.entries.keys()];
  }

  /** Follows a session: a terminal for it, filled from the back end's scrollback. */
  subscribe(sessionId: string): void {
    if (this.entries.has(sessionId)) return;
    const entry = this.create(sessionId);
    this.api.subscribeSession({ sessionId }).then((snapshot) => {
      if (this.entries.get(sessionId) !== entry) return;
      this.store.getState().replayed(snapshot);
      const prefs = this.store.getState().sessions[sessionId]?.prefs;
      // The replay is the back end's copy: written, but never acknowledged (the source is not waiting on it).
      if (prefs && snapshot.output.length > 0) this.write(entry, snapshot.output, prefs);
      entry.shownUpTo = snapshot.end;
      for (const early of entry.early.splice(0)) this.live(early);
    }, (error: Error) => this.store.getState().showError(error.message));
  }

  /** Stops following a session (detached, or closed): its terminal goes. */
  unsubscribe(sessionId: string): void {
    if (!this.entries.has(sessionId)) return;
    this.dispose(sessionId);
    void this.api.unsubscribeSession({ sessionId }).catch(() => {});
  }

  /** The terminal of a tab, created on first use; its element is moved into `host`. */
  attach(sessionId: string, host: HTMLElement): void {
    this.subscribe(sessionId);
    const entry = this.entries.get(sessionId)!;
    if (entry.element.parentElement !== host) host.appendChild(entry.element);
    if (!entry.terminal.element) entry.terminal.open(entry.element);
    // Chromium allows 16 WebGL contexts a page: only the tab on screen holds one.
    for (const [other, candidate] of this.entries) if (other !== sessionId) this.releaseWebgl(candidate);
    this.useWebgl(entry);
    this.fit(sessionId);
    this.claimSize(sessionId, entry);
    entry.terminal.focus();
  }

  /**
   * With several windows on one session, the one the user last typed in, focused or switched
   * to sets its size (NAWS, the pty's window), as tmux's "latest" does: this window claims it.
   */
  private claimSize(sessionId: string, entry: Entry): void {
    const size = this.store.getState().sessions[sessionId]?.dto.size;
    const { cols, rows } = entry.terminal;
    if (!entry.element.isConnected || entry.element.clientWidth === 0 || (size?.cols === cols && size.rows === rows)) return;
    void this.api.resize({ sessionId, cols, rows }).catch(() => {});
  }

  fit(sessionId: string): void {
    const entry = this.entries.get(sessionId);
    if (!entry || !entry.element.isConnected || entry.element.clientWidth === 0) return;
    entry.fit.fit();
  }

  applyLook(theme: 'dark' | 'light', fontSize: number, renderer: RendererChoice): void {
    for (const [sessionId, entry] of this.entries) {
      entry.terminal.options.theme = THEMES[theme];
      entry.terminal.options.fontSize = fontSize;
      if (!wantsWebgl(renderer)) this.releaseWebgl(entry);
      else if (entry.element.isConnected) this.useWebgl(entry);
      this.fit(sessionId);
    }
  }

  find(sessionId: string, text: string, backwards = false): boolean {
    const search = this.entries.get(sessionId)?.search;
    if (!search || !text) return false;
    return backwards ? search.findPrevious(text) : search.findNext(text);
  }

  /** A replay stepped through: the terminal shows what the server had sent by then, and nothing after. */
  showScreen(sessionId: string, data: Uint8Array): void {
    const entry = this.entries.get(sessionId);
    const prefs = this.store.getState().sessions[sessionId]?.prefs;
    if (!entry || !prefs) return;
    entry.terminal.reset();
    entry.terminal.write(new OutputDecoder().decode(data, prefs.encoding));
  }

  /** The visible buffer as text (tests and the "copy screen" action read it). */
  text(sessionId: string): string {
    const terminal = this.entries.get(sessionId)?.terminal;
    if (!terminal) return '';
    const buffer = terminal.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < buffer.length; y++) lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  /**
   * Resolves with the time (performance.now()) at which the first frame after output holding
   * `text` was parsed has been drawn: how npm run bench:ui times a keystroke's echo without
   * polling the page.
   */
  whenShown(sessionId: string, text: string): Promise<number> {
    const entry = this.entries.get(sessionId);
    if (!entry) return Promise.reject(new Error(`No terminal for session ${sessionId}`));
    return new Promise((shown) => entry.watchers.push({ text, shown }));
  }

  /** Where a tab's character cells are on the page, and which renderer draws them (tests look at the pixels). */
  geometry(sessionId: string): { left: number; top: number; cellWidth: number; cellHeight: number; cols: number; rows: number; renderer: 'webgl' | 'dom' } | undefined {
    const entry = this.entries.get(sessionId);
    const screen = entry?.element.querySelector('.xterm-screen');
    if (!entry || !screen) return undefined;
    const box = screen.getBoundingClientRect();
    const { cols, rows } = entry.terminal;
    return { left: box.left, top: box.top, cellWidth: box.width / cols, cellHeight: box.height / rows, cols, rows, renderer: entry.webgl ? 'webgl' : 'dom' };
  }

  /** A paste from the user: several lines are confirmed first (if they asked for that), then sent. */
  paste(sessionId: string, text: string): void {
    if (!text) return;
    if (this.store.getState().clipboard.confirmMultiline && pasteLineCount(text) > 1) {
      this.store.getState().openDialog({ kind: 'paste', sessionId, text });
      return;
    }
    void this.sendPaste(sessionId, text);
  }

  /** Sends a paste line by line, paced as the tab's settings say, its progress shown; cancelPaste() stops it. */
  async sendPaste(sessionId: string, text: string): Promise<void> {
    const entry = this.entries.get(sessionId);
    const view = this.store.getState().sessions[sessionId];
    if (!entry || !view) return;
    const prefs = view.prefs;
    const paced = prefs.pasteCharDelayMs > 0 || prefs.pasteLineDelayMs > 0 || prefs.pasteWaitForEcho;
    if (!paced) {
      this.send(sessionId, translateEnter(text.replace(/\r?\n/g, '\r'), prefs.enterSends), prefs);
      return;
    }
    const token = { cancelled: false };
    entry.pasting = token;
    const lines = pasteLines(text, prefs.enterSends);
    let sent = 0;
    const progress = this.store.getState().setPasting;
    progress(sessionId, { sent, total: lines.length });
    try {
      for (const line of lines) {
        if (token.cancelled) return;
        entry.recent = '';
        if (prefs.pasteCharDelayMs > 0) {
          for (const char of line) {
            if (token.cancelled) return;
            this.send(sessionId, char, prefs);
            await sleep(prefs.pasteCharDelayMs);
          }
        } else {
          this.send(sessionId, line, prefs);
        }
        const typed = line.replace(/[\r\n]+$/, '').trim();
        if (prefs.pasteWaitForEcho && typed) await waitUntil(() => entry.recent.includes(typed) || token.cancelled, ECHO_WAIT_MS);
        if (prefs.pasteLineDelayMs > 0) await sleep(prefs.pasteLineDelayMs);
        progress(sessionId, { sent: ++sent, total: lines.length });
      }
    } finally {
      if (entry.pasting === token) {
        entry.pasting = undefined;
        progress(sessionId, undefined);
      }
    }
  }

  /** Copies a tab's selection to the clipboard; false when nothing is selected. */
  copy(sessionId: string): boolean {
    const terminal = this.entries.get(sessionId)?.terminal;
    const text = terminal?.getSelection();
    if (!terminal || !text) return false;
    navigator.clipboard.writeText(text).catch(() => this.store.getState().showError('The browser did not allow copying to the clipboard'));
    return true;
  }

  /** Pastes what the clipboard holds (the right button, or a key where the browser gives no paste event). */
  pasteClipboard(sessionId: string): void {
    navigator.clipboard.readText().then(
      (text) => this.paste(sessionId, text),
      () => this.store.getState().showError('The browser did not allow reading the clipboard: use Ctrl+Shift+V or Shift+Insert'),
    );
  }

  cancelPaste(sessionId: string): void {
    const entry = this.entries.get(sessionId);
    if (entry?.pasting) entry.pasting.cancelled = true;
  }

  isPasting(sessionId: string): boolean {
    return this.entries.get(sessionId)?.pasting !== undefined;
  }

  private useWebgl(entry: Entry): void {
    if (entry.webgl || entry.webglLost || !wantsWebgl(this.store.getState().renderer)) return;
    try {
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        entry.webglLost = true;
        this.releaseWebgl(entry);
      });
      entry.terminal.loadAddon(webgl);
      entry.webgl = webgl;
    } catch {
      // No context to be had after all: the DOM renderer goes on drawing.
      entry.webglLost = true;
    }
  }

  private releaseWebgl(entry: Entry): void {
    entry.webgl?.dispose();
    entry.webgl = undefined;
  }

  dispose(sessionId: string): void {
    const entry = this.entries.get(sessionId);
    if (!entry) return;
    entry.terminal.dispose();
    entry.element.remove();
    this.entries.delete(sessionId);
  }

  private create(sessionId: string): Entry {
    const { theme, fontSize } = this.store.getState();
    const terminal = new Terminal({ theme: THEMES[theme], fontSize, lineHeight: LINE_HEIGHT, scrollback: 10_000, convertEol: false, allowProposedApi: true });
    const fit = new FitAddon();
    const search = new SearchAddon();
    terminal.loadAddon(fit);
    terminal.loadAddon(search);
    const element = document.createElement('div');
    element.className = 'terminal-host';
    element.dataset['sessionId'] = sessionId;
    const entry: Entry = {
      terminal, fit, search, element, decoder: new OutputDecoder(), parsedUpTo: 0, acknowledgedUpTo: 0, hexOffset: 0, recent: '',
      pasting: undefined, shownUpTo: undefined, early: [], watchers: [], webgl: undefined, webglLost: false,
    };
    this.entries.set(sessionId, entry);
    terminal.onData((text) => {
      this.claimSize(sessionId, entry);
      const prefs = this.store.getState().sessions[sessionId]?.prefs;
      if (prefs) this.send(sessionId, translateEnter(text, prefs.enterSends), prefs);
    });
    terminal.onResize(({ cols, rows }) => void this.api.resize({ sessionId, cols, rows }).catch(() => {}));
    // Pasting goes through the confirmation and the pacing, not straight through xterm.
    element.addEventListener('paste', (event) => {
      const text = event.clipboardData?.getData('text/plain');
      if (!text) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      this.paste(sessionId, text);
    }, true);
    // Returning false keeps a key from the device; the browser then does its own paste (a paste event).
    terminal.attachCustomKeyEventHandler((event) => {
      const action = clipboardKey(event, terminal.hasSelection(), isMac());
      if (action === 'copy') {
        event.preventDefault();
        this.copy(sessionId);
        terminal.clearSelection();
        return false;
      }
      return action !== 'paste';
    });
    terminal.onSelectionChange(() => {
      if (this.store.getState().clipboard.copyOnSelect && terminal.hasSelection()) this.copy(sessionId);
    });
    element.addEventListener('contextmenu', (event) => {
      if (!this.store.getState().clipboard.rightClickPaste) return;
      event.preventDefault();
      this.pasteClipboard(sessionId);
    });
    return entry;
  }

  private send(sessionId: string, text: string, prefs: SessionPrefs): void {
    const data = encodeText(text, prefs.encoding);
    if (prefs.localEcho === 'on') this.entries.get(sessionId)?.terminal.write(text.replace(/\r(?!\n)/g, '\r\n'));
    // Counted once taken (sent, or held while the session opens): refused keys were not sent.
    this.api.write({ sessionId, data }).then(
      () => this.store.getState().countOut(sessionId, data.length),
      (error: Error) => this.store.getState().showError(error.message, sessionId),
    );
  }

  /** Live output: written after what the terminal already has, from the position where it stops. */
  private live(payload: ApiEvents['sessionData']): void {
    const { sessionId, offset } = payload;
    const entry = this.entries.get(sessionId);
    const prefs = this.store.getState().sessions[sessionId]?.prefs;
    // Not followed here (no tab, or a transport that sends every session): the back end keeps it.
    if (!entry || !prefs) return;
    if (entry.shownUpTo === undefined) {
      entry.early.push(payload);
      return;
    }
    let data = payload.data;
    if (offset !== undefined) {
      // The part already in the replay is not written twice (the back end took it as read at the subscription).
      const skip = Math.min(data.length, Math.max(0, entry.shownUpTo - offset));
      data = data.subarray(skip);
      entry.shownUpTo = Math.max(entry.shownUpTo, offset + payload.data.length);
    }
    if (data.length === 0) return;
    this.write(entry, data, prefs, () => {
      // The hub stamps every batch with its offset; acknowledgements are positions in the output.
      if (offset === undefined) return;
      entry.parsedUpTo = Math.max(entry.parsedUpTo, offset + payload.data.length);
      if (entry.parsedUpTo - entry.acknowledgedUpTo >= ACK_EVERY) this.flushAck(sessionId, entry);
      else queueMicrotask(() => this.flushAck(sessionId, entry));
    });
  }

  private write(entry: Entry, data: Uint8Array, prefs: SessionPrefs, parsed?: () => void): void {
    // UTF-8 shown as it came goes to xterm.js as bytes: it decodes them itself, and a flood
    // is not made into a string here first, batch after batch.
    const asBytes = prefs.encoding === 'utf-8' && !prefs.lfToCrlf && !prefs.hexView;
    let text = asBytes && !entry.pasting ? undefined : entry.decoder.decode(data, prefs.encoding);
    // What came back while a paste waits for each line's echo.
    if (entry.pasting && text !== undefined) entry.recent = (entry.recent + text).slice(-4096);
    if (text !== undefined && prefs.lfToCrlf) text = text.replace(/(?<!\r)\n/g, '\r\n');
    const shown = asBytes ? data : prefs.hexView ? hexDump(data, entry.hexOffset) : text!;
    entry.hexOffset += data.length;
    const seen = entry.watchers.length > 0 ? entry.watchers.filter((watcher) => contains(shown, watcher.text)) : [];
    if (seen.length === 0) {
      entry.terminal.write(shown, parsed);
      return;
    }
    entry.watchers = entry.watchers.filter((watcher) => !seen.includes(watcher));
    entry.terminal.write(shown, () => {
      parsed?.();
      // The time the frame's callbacks run, after xterm.js's own (asked for first) has drawn
      // it: the frame's time stamp is when it began, which can be before the parse.
      requestAnimationFrame(() => {
        const drawn = performance.now();
        seen.forEach((watcher) => watcher.shown(drawn));
      });
    });
  }

  private flushAck(sessionId: string, entry: Entry): void {
    if (entry.parsedUpTo <= entry.acknowledgedUpTo) return;
    entry.acknowledgedUpTo = entry.parsedUpTo;
    void this.api.acknowledgeOutput({ sessionId, upTo: entry.parsedUpTo }).catch(() => {});
  }
}

/** Whether output about to be shown holds `text` (as UTF-8 when the output is bytes). */
function contains(shown: string | Uint8Array, text: string): boolean {
  if (typeof shown === 'string') return shown.includes(text);
  const needle = new TextEncoder().encode(text);
  if (needle.length === 0) return true;
  for (let at = shown.indexOf(needle[0]!); at !== -1 && at + needle.length <= shown.length; at = shown.indexOf(needle[0]!, at + 1)) {
    if (needle.every((byte, n) => shown[at + n] === byte)) return true;
  }
  return false;
}

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(20);
}
