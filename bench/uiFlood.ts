// npm run bench:ui — the browser UI under load, in one headless Debian Chromium:
// - flood to screen: bytes per second from a flooding serial line (a pty; BENCH_SOURCE=telnet:
//   the same device over telnet) to the tab, beside the floor — a bare page that only
//   writes the same bytes into an xterm.js terminal of the same size, options and
//   renderer, built from the same @xterm packages;
// - keystroke to screen (the device echoes ahead of its flood), idle, during a flood, and
//   for the first key into a flood after a spell without typing, timed inside the page:
//   from the keydown event to the first frame drawn after the echo was parsed
//   (TerminalRegistry.whenShown), so no polling over CDP gets in the way; keys are pressed
//   at random points of the frame clock, as a person's are;
// - a reload that replays a 4 MiB scrollback: until its last line is in the terminal;
// - the page's heap with 1 and with 10 tabs of 4 MiB scrollback open.
// Not a test: these machines are shared and noisy. Targets are printed beside each figure.
//
// Nothing watches the pages while they are measured. Playwright drives the UI between the
// measurements and lets go of the browser during them: a client of DevTools' network domain
// (as Playwright always is) is sent every WebSocket message the page receives, in base64,
// which costs the browser and the page more than the page's own work on a flood — a cost
// no user's browser pays, and the floor, which has no WebSocket, never would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium as playwright, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { INTERACTIVE_MS } from '../native/hub/OutputChannel.js';

/** Each flood: in each round, one timed to the screen, then one during which keystrokes are timed. */
const FLOOD_BYTES = 48 * 1024 * 1024;
/** Keystrokes timed idle, and during each round's flood. */
const SAMPLES = 100;
/** Rounds of floor, flood and keystrokes during a flood. */
const ROUNDS = 3;
/** Headless Chromium draws at 60 Hz. */
const FRAME_MS = 1000 / 60;
const REPLAY_BYTES = 4 * 1024 * 1024;
const TABS = 10;
/** What floodDevice.py sends, line after line. */
const FLOOD_LINE = 'show tech-support output line\r\n';
const root = fileURLToPath(new URL('../..', import.meta.url));
// The installed command (the bundle), as bench:serve runs it.
const revtelBin = join(root, 'dist/native/cli/revtel.cjs');
const children: ChildProcess[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'revtel-bench-ui-'));
// Each child leads a process group of its own (Chromium's helpers are in its): all of it goes.
process.on('exit', () => {
  for (const child of children) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  try {
    rmSync(scratch, { recursive: true, force: true });
  } catch {
    // Chromium may still be writing its profile as it dies: the system's tmp cleaning takes the rest.
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
const progress = (text: string): void => void (process.env.BENCH_DEBUG && process.stderr.write(`${text}\n`));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** One DevTools session over a WebSocket of its own: the domains a measurement needs, and never the network's. */
class Cdp {
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: (result: never) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Map<string, ((params: never) => void)[]>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: never; error?: { message: string }; method?: string; params?: never };
      if (message.id === undefined) {
        for (const listener of this.listeners.get(message.method!) ?? []) listener(message.params!);
        return;
      }
      const call = this.calls.get(message.id);
      this.calls.delete(message.id);
      if (message.error) call?.reject(new Error(message.error.message));
      else call?.resolve(message.result!);
    });
    // Chromium gone: every call waiting fails rather than hangs.
    socket.on('close', () => {
      for (const call of this.calls.values()) call.reject(new Error('DevTools closed the connection'));
      this.calls.clear();
    });
  }

  static async connect(url: string): Promise<Cdp> {
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 30 });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new Cdp(socket);
  }

  send<T>(method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (result: never) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  on<T>(method: string, listener: (params: T) => void): void {
    this.listeners.set(method, [...(this.listeners.get(method) ?? []), listener as (params: never) => void]);
  }

  close(): void {
    this.socket.close();
  }
}

interface Chromium { port: number; browser: Cdp }

async function launchChromium(dir: string): Promise<Chromium> {
  const profile = join(dir, 'chromium');
  children.push(spawn('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], { stdio: 'ignore', detached: true }));
  const portFile = join(profile, 'DevToolsActivePort');
  await until(() => existsSync(portFile) && readFileSync(portFile, 'utf8').includes('\n'), 'Chromium', 30_000, 50);
  const [port, path] = readFileSync(portFile, 'utf8').split('\n');
  return { port: Number(port), browser: await Cdp.connect(`ws://127.0.0.1:${port}${path}`) };
}

interface Window { targetId: string; page: Cdp }

/** A page in a window of its own, 1400×860: a second tab in one window would be hidden, and draw nothing. */
async function openWindow(chromium: Chromium, url: string): Promise<Window> {
  const { targetId } = await chromium.browser.send<{ targetId: string }>('Target.createTarget', { url, newWindow: true, width: 1400, height: 860 });
  const page = await Cdp.connect(`ws://127.0.0.1:${chromium.port}/devtools/page/${targetId}`);
  // As Playwright does: keys reach the page's focused element whichever window the system
  // would focus, and the page is the size asked for, whatever the window's frame takes.
  await page.send('Emulation.setFocusEmulationEnabled', { enabled: true });
  await page.send('Emulation.setDeviceMetricsOverride', { width: 1400, height: 860, deviceScaleFactor: 1, mobile: false });
  return { targetId, page };
}

async function closeWindow(chromium: Chromium, window: Window): Promise<void> {
  window.page.close();
  await chromium.browser.send('Target.closeTarget', { targetId: window.targetId });
}

/** Drives the UI of the page at `origin` with Playwright, which then lets go of the browser. */
async function withPlaywright<T>(chromium: Chromium, origin: string, steps: (page: Page) => Promise<T>): Promise<T> {
  const browser = await playwright.connectOverCDP(`http://127.0.0.1:${chromium.port}`);
  try {
    const page = browser.contexts()[0]!.pages().find((candidate) => candidate.url().startsWith(origin));
    if (!page) throw new Error(`no page of ${origin}`);
    return await steps(page);
  } finally {
    await browser.close();
  }
}

async function evaluate<T>(page: Cdp, expression: string): Promise<T> {
  const { result, exceptionDetails } = await page.send<{ result: { value: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
    'Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
  if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
  return result.value;
}

/** When the last key was pressed: a timed flood starts once the session has left its interactive window (see OutputChannel). */
let lastKeyAt = 0;

/** A letter or digit pressed as Playwright's keyboard.press does: down with its text, then up. */
async function press(page: Cdp, key: string): Promise<void> {
  lastKeyAt = Date.now();
  const code = /\d/.test(key) ? `Digit${key}` : `Key${key.toUpperCase()}`;
  const windowsVirtualKeyCode = key.toUpperCase().charCodeAt(0);
  await page.send('Input.dispatchKeyEvent', { type: 'keyDown', key, code, text: key, unmodifiedText: key, windowsVirtualKeyCode });
  await page.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code, windowsVirtualKeyCode });
}

/** Until the session has left its interactive window: the server marks a key when it arrives, a little after it was pressed. */
async function quietSinceTyping(): Promise<void> {
  await sleep(lastKeyAt + INTERACTIVE_MS + 200 - Date.now());
}

const ACTIVE_SESSION = `document.querySelector('.terminal-area .terminal-host')?.dataset.sessionId ?? ''`;
const perMb = (seconds: number): string => (seconds * 1000 / (FLOOD_BYTES / 1e6)).toFixed(0);
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
/** "19.4, 21.6 and 22.4 MB/s" */
const rates = (runs: readonly { rate: number }[]): string => `${runs.map((run) => (run.rate / 1e6).toFixed(1)).join(', ').replace(/, ([^,]*)$/, ' and $1')} MB/s`;

// Keys whose echo can be told apart from the flood's text ("show tech-support output line").
const KEYS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789bdfgjkmqvxyz';

/** Keystroke to screen, in ms, sorted: keydown's time stamp to the frame after its echo was parsed. */
async function latency(page: Cdp, sessionId: string, samples: number): Promise<number[]> {
  const results: number[] = [];
  for (let n = 0; n < samples; n++) {
    const key = KEYS[n % KEYS.length]!;
    await evaluate(page, `window.benchShown = window.revtelWhenShown(${JSON.stringify(sessionId)}, ${JSON.stringify(key)}); undefined`);
    // At a random point of the page's 16.7 ms frame clock, as a person's keys come: pressed
    // straight after the last echo's frame, every key would land at the same point of it.
    await sleep(Math.random() * FRAME_MS);
    await press(page, key);
    results.push(await evaluate<number>(page, `Promise.race([
      window.benchShown.then((shown) => shown - window.benchKeyTimes[${JSON.stringify(key)}]),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no echo of ${key} within 10 s')), 10000)),
    ])`));
  }
  return results.sort((a, b) => a - b);
}

/** The nearest-rank percentile: the smallest sample that p% of the samples do not exceed. */
const percentile = (sorted: number[], p: number): string => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(1);

/** The bare page: the same @xterm/xterm (and WebGL addon) bundle, nothing else, and xterm.css. */
async function floorPage(): Promise<string> {
  const bundle = await build({
    stdin: {
      contents: `
        import { Terminal } from '@xterm/xterm';
        import { WebglAddon } from '@xterm/addon-webgl';
        window.floor = ({ cols, rows, options, webgl, focus, line, total }) => new Promise((resolve) => {
          const terminal = new Terminal({ ...options, cols, rows });
          terminal.open(document.getElementById('terminal'));
          if (webgl) terminal.loadAddon(new WebglAddon());
          // Focused, as Revtel's terminal is while the user types in it (xterm.js keeps its textarea at the cursor).
          if (focus) terminal.focus();
          const block = new TextEncoder().encode(line.repeat(Math.floor(65536 / line.length)));
          let written = 0;
          let pending = 0;
          const start = performance.now();
          // Up to 1 MiB in flight: xterm.js's own pace, never its 50 MB drop.
          const pump = () => {
            while (pending < 1048576 && written < total) {
              const chunk = block.subarray(0, Math.min(block.length, total - written));
              written += chunk.length;
              pending += chunk.length;
              terminal.write(chunk, () => {
                pending -= chunk.length;
                if (written < total) pump();
                // Timed as Revtel's echo is (TerminalRegistry.whenShown): when the frame after the last parse has run.
                else if (pending === 0) requestAnimationFrame(() => resolve(performance.now() - start));
              });
            }
          };
          pump();
        });`,
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    format: 'iife',
    write: false,
    minify: true,
    logLevel: 'warning',
  });
  const css = readFileSync(join(root, 'node_modules/@xterm/xterm/css/xterm.css'), 'utf8');
  return `<!doctype html><html><head><style>${css} body { margin: 0; background: #101418; }</style></head>
    <body><div id="terminal"></div><script>${bundle.outputFiles[0]!.text.replace(/<\/script/g, '<\\/script')}</script></body></html>`;
}

interface Look { cols: number; rows: number; renderer: 'webgl' | 'dom' }

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of the page's main thread (CDP's ThreadTime): less at the mercy of a loaded machine than wall time. */
async function mainThreadCpu(page: Cdp): Promise<() => Promise<number>> {
  await page.send('Performance.enable');
  return async () => {
    const { metrics } = await page.send<{ metrics: { name: string; value: number }[] }>('Performance.getMetrics');
    if (process.env.BENCH_DEBUG) progress(metrics.filter((m) => /Duration|Count/.test(m.name)).map((m) => `${m.name}=${m.value.toFixed(2)}`).join(' '));
    return metrics.find((metric) => metric.name === 'ThreadTime')!.value;
  };
}

/** A flood to the screen: bytes per second, and CPU seconds of the page's main thread. */
interface Run { rate: number; cpu: number }

async function floorRate(chromium: Chromium, floorUrl: string, look: Look): Promise<Run> {
  const window = await openWindow(chromium, floorUrl);
  await until(async () => evaluate<boolean>(window.page, `typeof window.floor === 'function'`).catch(() => false), 'the floor page');
  const cpuNow = await mainThreadCpu(window.page);
  const cpuBefore = await cpuNow();
  const profiler = process.env.BENCH_PROFILE ? await startProfile(window.page) : undefined;
  // The options Revtel's TerminalRegistry gives every tab (theme, font size, row height, scrollback).
  const options = { theme: { background: '#101418', foreground: '#d7dde4', cursor: '#f0c674', selectionBackground: '#3a4a5a' }, fontSize: 14, lineHeight: 1.2, scrollback: 10_000 };
  const ms = await evaluate<number>(window.page, `window.floor(${JSON.stringify({ cols: look.cols, rows: look.rows, options, webgl: look.renderer === 'webgl', focus: process.env.BENCH_FLOOR_FOCUS !== '0', line: FLOOD_LINE, total: FLOOD_BYTES })})`);
  const cpu = (await cpuNow()) - cpuBefore;
  if (profiler) await profiler('the floor');
  await closeWindow(chromium, window);
  return { rate: FLOOD_BYTES / (ms / 1000), cpu };
}

/** A TCP server that gives every connection the same 4 MiB of long, coloured lines, then END-OF-SCROLLBACK. */
async function scrollbackServer(): Promise<{ port: number; close: () => void }> {
  const line = (n: number): string => `\x1b[32m${String(n).padStart(6, '0')}\x1b[0m interface GigabitEthernet1/0/${n % 48} ${'\x1b[33mcounters\x1b[0m 1234567 packets input, 987654321 bytes '.repeat(6)}\r\n`;
  const lines: string[] = [];
  let size = 0;
  for (let n = 0; size < REPLAY_BYTES; n++) {
    lines.push(line(n));
    size += lines.at(-1)!.length;
  }
  const payload = Buffer.from(`${lines.join('')}END-OF-SCROLLBACK\r\n`, 'latin1');
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

/** The bare page, served over HTTP as Revtel's page is. */
async function floorServer(html: string): Promise<{ url: string; close: () => void }> {
  const server = createHttpServer((_request, response) => response.end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}

async function openTelnet(page: Page, port: number, negotiation?: string): Promise<void> {
  await page.getByRole('button', { name: 'New telnet session…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New telnet session' });
  await dialog.getByLabel('Host').fill('127.0.0.1');
  await dialog.getByLabel('Port', { exact: true }).fill(String(port));
  if (negotiation) await dialog.getByLabel('Negotiation').selectOption(negotiation);
  await dialog.getByRole('button', { name: 'Connect' }).click();
}

async function heapMiB(page: Cdp): Promise<string> {
  await page.send('HeapProfiler.collectGarbage');
  const { metrics } = await page.send<{ metrics: { name: string; value: number }[] }>('Performance.getMetrics');
  const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize')!.value;
  const dom = metrics.find((metric) => metric.name === 'Nodes')!.value;
  return `${(used / 1048576).toFixed(1)} MiB JS heap, ${dom} DOM nodes`;
}

/** The active tab's terminal as text ('' while the page loads). */
async function tabText(page: Cdp): Promise<string> {
  return evaluate<string>(page, `(() => {
    const sessionId = ${ACTIVE_SESSION};
    return sessionId && window.revtelTerminalText ? window.revtelTerminalText(sessionId) : '';
  })()`).catch(() => '');
}

async function main(): Promise<void> {
  // A full-duplex pty device that echoes keys ahead of its flood, as a console does (the
  // tests' floodDevice.py; a socat pair would hold the keys back behind the flood).
  const device = join(scratch, 'device');
  const telnet = process.env.BENCH_SOURCE === 'telnet';
  const simulator = spawn('/usr/bin/python3', [join(root, 'test/support/floodDevice.py'), telnet ? 'tcp' : device, String(FLOOD_BYTES), 'echo'], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
  children.push(simulator);
  let sent = 0;
  let devicePort = 0;
  simulator.stdout!.on('data', (chunk: Buffer) => {
    for (const report of chunk.toString().matchAll(/^sent (\d+)$/gm)) sent = Number(report[1]);
    devicePort ||= Number(/^port (\d+)$/m.exec(chunk.toString())?.[1] ?? 0);
  });
  /** Resolves as the device reports the last byte of its flood written. */
  const allSent = (): Promise<void> => new Promise((resolve) => {
    const check = (): void => {
      if (sent < FLOOD_BYTES) return;
      simulator.stdout!.off('data', check);
      resolve();
    };
    simulator.stdout!.on('data', check);
  });
  await until(() => (telnet ? devicePort > 0 : existsSync(device)), 'the device');
  const scrollback = await scrollbackServer();
  // Its own settings folder: the bench must not change the user's settings.
  const serve = spawn(process.execPath, [revtelBin, 'serve', '--ui', '0'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, XDG_CONFIG_HOME: join(scratch, 'config') }, detached: true });
  children.push(serve);
  let log = '';
  serve.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await until(() => /UI ready: open (\S+)/.test(log), 'the UI');
  const url = /UI ready: open (\S+)/.exec(log)![1]!;
  const origin = new URL(url).origin;

  const chromium = await launchChromium(scratch);
  const floor = await floorServer(await floorPage());
  const revtel = await openWindow(chromium, url);
  await withPlaywright(chromium, origin, async (page) => {
    await page.evaluate(`window.benchKeyTimes = {}; window.addEventListener('keydown', (event) => { window.benchKeyTimes[event.key] = event.timeStamp; }, true)`);
    // BENCH_RENDERER=dom or webgl: Revtel's renderer by choice (Settings), and the floor's with it.
    if (process.env.BENCH_RENDERER) {
      await page.getByText('Settings').click();
      await page.getByLabel('Renderer').selectOption(process.env.BENCH_RENDERER);
      await page.keyboard.press('Escape');
    }
    // BENCH_SOURCE=telnet: the same device behind a TCP port, as a router's console over
    // telnet (passive: it negotiates nothing); the pty's own cost is then out of the flood.
    if (telnet) {
      await openTelnet(page, devicePort, 'passive');
    } else {
      await page.getByRole('button', { name: 'New serial session…' }).click();
      await page.getByRole('dialog').getByLabel('Or a device path').fill(device);
      await page.getByRole('dialog').getByRole('button', { name: 'Open' }).click();
    }
    await page.locator('.status-bar [data-state="open"]').waitFor();
    await page.locator('.terminal-area .xterm').click();
  });
  const serial = await evaluate<string>(revtel.page, ACTIVE_SESSION);
  const look = await evaluate<Look>(revtel.page, `window.revtelTerminalGeometry(${JSON.stringify(serial)})`);

  progress('the idle latency');
  const idle = await latency(revtel.page, serial, SAMPLES);
  interface Flood extends Run { server: number }
  /** One flood, timed to the screen: from the device's first byte to the drawing of a key's echo sent after its last. */
  const revtelFlood = async (): Promise<Flood> => {
    await quietSinceTyping();
    const profiler = process.env.BENCH_PROFILE ? await startProfile(revtel.page) : undefined;
    const cpuNow = await mainThreadCpu(revtel.page);
    const cpuBefore = await cpuNow();
    const serverBefore = cpuSeconds(serve.pid!);
    const start = process.hrtime.bigint();
    sent = 0;
    simulator.stdin!.write('go\n');
    await allSent();
    await latency(revtel.page, serial, 1);
    const rate = FLOOD_BYTES / (Number(process.hrtime.bigint() - start) / 1e9);
    const cpu = (await cpuNow()) - cpuBefore;
    if (profiler) await profiler('Revtel');
    return { rate, cpu, server: cpuSeconds(serve.pid!) - serverBefore };
  };
  /** Keys during a flood: the first after a spell without typing, then SAMPLES more. */
  const floodLatency = async (): Promise<{ first: number; during: number[]; stillFlooding: boolean }> => {
    // The first key after a spell without typing finds the bulk window's worth of flood ahead
    // of its echo (see OutputChannel); the keys after it, the interactive window's.
    await quietSinceTyping();
    sent = 0;
    simulator.stdin!.write('go\n');
    await until(() => sent >= 4 * 1048576, 'the flood', 10_000);
    const [first] = await latency(revtel.page, serial, 1);
    const during = await latency(revtel.page, serial, SAMPLES);
    const stillFlooding = sent < FLOOD_BYTES;
    simulator.stdin!.write('end\n');
    // What the flood left on its way (in the pty and the output window) drawn before the next round.
    await latency(revtel.page, serial, 1);
    return { first: first!, during, stillFlooding };
  };
  // ROUNDS of each, taken in turn: the best flood of each side compared, the keystrokes of
  // every round pooled. The machine's own pace changes from one second to the next (±20%
  // here) and falls on both sides alike; one round's figures are one draw of it.
  const floors: Run[] = [];
  const floods: Flood[] = [];
  const firsts: number[] = [];
  const during: number[] = [];
  let stillFlooding = true;
  for (let round = 1; round <= ROUNDS; round++) {
    progress(`the floor, ${round}`);
    floors.push(await floorRate(chromium, floor.url, look));
    progress(`the flood, ${round}`);
    floods.push(await revtelFlood());
    progress(`the latency during the flood, ${round}`);
    const keys = await floodLatency();
    firsts.push(keys.first);
    during.push(...keys.during);
    stillFlooding &&= keys.stillFlooding;
  }
  during.sort((a, b) => a - b);
  floor.close();
  const fastest = <T extends Run>(runs: T[]): T => runs.reduce((best, run) => (run.rate > best.rate ? run : best));
  const bestFloor = fastest(floors);
  const best = fastest(floods);

  progress('the replay');
  // Only a telnet tab whose scrollback is 4 MiB, then a reload that replays it.
  await withPlaywright(chromium, origin, async (page) => {
    await page.getByRole('tab').first().getByRole('button', { name: /^Close / }).click();
    await openTelnet(page, scrollback.port);
  });
  await until(async () => (await tabText(revtel.page)).includes('END-OF-SCROLLBACK'), 'the scrollback in the tab', 60_000, 100);
  const replayStart = process.hrtime.bigint();
  await revtel.page.send('Page.reload');
  await until(async () => evaluate<boolean>(revtel.page, `[...document.querySelectorAll('h2')].some((heading) => heading.textContent === 'Serial ports')`).catch(() => false), 'the page', 30_000, 10);
  const pageLoaded = Number(process.hrtime.bigint() - replayStart) / 1e6;
  await until(async () => (await tabText(revtel.page)).includes('END-OF-SCROLLBACK'), 'the replay', 30_000, 10);
  const replayed = Number(process.hrtime.bigint() - replayStart) / 1e6;
  const { product } = await chromium.browser.send<{ product: string }>('Browser.getVersion');

  console.log([
    `browser UI, ${product}, xterm.js ${look.renderer === 'webgl' ? 'WebGL' : 'DOM'} renderer (what Revtel chose here, and the floor with it), ${look.cols}×${look.rows} cells, the flood from ${telnet ? 'a telnet session' : 'a serial line (a pty)'}`,
    `flood to screen          Revtel ${mb(best.rate)}/s (best of ${rates(floods)}), bare xterm.js page ${mb(bestFloor.rate)}/s (best of ${rates(floors)}), taken in turn: ${(best.rate / bestFloor.rate).toFixed(2)}× the floor (target ≥ 0.8×)`,
    `page main thread CPU     Revtel ${perMb(best.cpu)} ms per MB, the floor ${perMb(bestFloor.cpu)} ms per MB: ${(bestFloor.cpu / best.cpu).toFixed(2)}×; revtel serve's CPU ${perMb(best.server)} ms per MB`,
    `keystroke to screen      idle p50 ${percentile(idle, 50)} ms p99 ${percentile(idle, 99)} ms; during ${ROUNDS} floods p50 ${percentile(during, 50)} ms p99 ${percentile(during, 99)} ms (target p99 ≤ 50 ms)${stillFlooding ? '' : ' — a flood ended before its last sample'}; the first key into each flood ${firsts.map((ms) => ms.toFixed(1)).join(', ')} ms`,
    `reload with 4 MiB        ${replayed.toFixed(0)} ms from reload to the scrollback's last line in the terminal, ${pageLoaded.toFixed(0)} ms of it loading the page (target ≤ 1000 ms)`,
  ].join('\n'));

  progress('the heap');
  const one = await heapMiB(revtel.page);
  for (let n = 1; n < TABS; n++) {
    await withPlaywright(chromium, origin, (page) => openTelnet(page, scrollback.port));
    await until(async () => (await tabText(revtel.page)).includes('END-OF-SCROLLBACK'), `tab ${n + 1}'s scrollback`, 60_000, 100);
  }
  const ten = await heapMiB(revtel.page);
  console.log(`page heap                1 tab: ${one}; ${TABS} tabs: ${ten} (each tab with 4 MiB of scrollback)`);
  scrollback.close();
}

/** BENCH_PROFILE=1: where a page spends its time during a flood (self time per function, on stderr). */
async function startProfile(page: Cdp): Promise<(label: string) => Promise<void>> {
  await page.send('Profiler.enable');
  await page.send('Profiler.start');
  return async (label) => {
    interface Profile { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[]; samples?: number[]; timeDeltas?: number[] }
    const { profile } = await page.send<{ profile: Profile }>('Profiler.stop');
    const self = new Map<string, number>();
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const deltas = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((id, index) => {
      const frame = byId.get(id)!.callFrame;
      const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}:${frame.columnNumber}`;
      self.set(name, (self.get(name) ?? 0) + (deltas[index] ?? 0) / 1000);
    });
    const total = [...self.values()].reduce((sum, ms) => sum + ms, 0);
    process.stderr.write(`${label}: ${total.toFixed(0)} ms profiled\n`);
    for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stderr.write(`${ms.toFixed(0).padStart(6)} ms  ${name}\n`);
  };
}

main().then(() => process.exit(0), (error: Error) => {
  console.error(`bench:ui failed: ${error.message}`);
  process.exit(1);
});
