// npm run bench:ui — the browser UI under load, in one headless Debian Chromium:
// - flood to screen: bytes per second from a flooding serial line (a pty) to the tab,
//   beside the floor — a bare page that only writes the same bytes into an xterm.js
//   terminal of the same size, options and renderer, built from the same @xterm packages;
// - keystroke to screen (the device echoes ahead of its flood), idle and during the flood,
//   timed inside the page: from the keydown event to the first frame drawn after the echo
//   was parsed (TerminalRegistry.whenShown), so no polling over CDP gets in the way; keys
//   are pressed at random points of the frame clock, as a person's are;
// - a reload that replays a 4 MiB scrollback: until its last line is in the terminal;
// - the page's heap with 1 and with 10 tabs of 4 MiB scrollback open.
// Not a test: these machines are shared and noisy. Targets are printed beside each figure.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Each flood: one timed to the screen, then one during which keystrokes are timed. */
const FLOOD_BYTES = 48 * 1024 * 1024;
const SAMPLES = 100;
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
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));
const progress = (text: string): void => void (process.env.BENCH_DEBUG && process.stderr.write(`${text}\n`));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const activeSession = (page: Page): Promise<string> => page.evaluate<string>(`document.querySelector('.terminal-area .terminal-host')?.dataset.sessionId ?? ''`);
const perMb = (seconds: number): string => (seconds * 1000 / (FLOOD_BYTES / 1e6)).toFixed(0);
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

// Keys whose echo can be told apart from the flood's text ("show tech-support output line").
const KEYS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789bdfgjkmqvxyz';

/** Keystroke to screen, in ms, sorted: keydown's time stamp to the frame after its echo was parsed. */
async function latency(page: Page, sessionId: string, samples: number): Promise<number[]> {
  const results: number[] = [];
  for (let n = 0; n < samples; n++) {
    const key = KEYS[n % KEYS.length]!;
    await page.evaluate(`window.benchShown = window.revtelWhenShown(${JSON.stringify(sessionId)}, ${JSON.stringify(key)}); undefined`);
    // At a random point of the page's 16.7 ms frame clock, as a person's keys come: pressed
    // straight after the last echo's frame, every key would land at the same point of it.
    await sleep(Math.random() * FRAME_MS);
    await page.keyboard.press(key);
    results.push(await page.evaluate<number>(`Promise.race([
      window.benchShown.then((shown) => shown - window.benchKeyTimes[${JSON.stringify(key)}]),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no echo of ${key} within 10 s')), 10000)),
    ])`));
  }
  return results.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number): string => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1);

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
                else if (pending === 0) requestAnimationFrame((time) => resolve(time - start));
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

/** Seconds the page's main thread has been busy (CDP's TaskDuration): less at the mercy of a loaded machine than wall time. */
async function busyMeter(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    if (process.env.BENCH_DEBUG) progress(metrics.filter((m) => /Duration|Count/.test(m.name)).map((m) => `${m.name}=${m.value.toFixed(2)}`).join(' '));
    return metrics.find((metric) => metric.name === 'TaskDuration')!.value;
  };
}

async function floorRate(browser: Browser, html: string, look: Look): Promise<{ rate: number; busy: number }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.setContent(html);
  const busySeconds = await busyMeter(page);
  const busyBefore = await busySeconds();
  const tracer = process.env.BENCH_TRACE ? await startTrace(browser, page) : undefined;
  // The options Revtel's TerminalRegistry gives every tab (theme, font size, row height, scrollback).
  const options = { theme: { background: '#101418', foreground: '#d7dde4', cursor: '#f0c674', selectionBackground: '#3a4a5a' }, fontSize: 14, lineHeight: 1.2, scrollback: 10_000 };
  const ms = await page.evaluate<number>(`window.floor(${JSON.stringify({ cols: look.cols, rows: look.rows, options, webgl: look.renderer === 'webgl', focus: process.env.BENCH_FLOOR_FOCUS !== '0', line: FLOOD_LINE, total: FLOOD_BYTES })})`);
  const busy = (await busySeconds()) - busyBefore;
  if (tracer) await tracer('the floor');
  await page.close();
  return { rate: FLOOD_BYTES / (ms / 1000), busy };
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

async function openTelnet(page: Page, port: number): Promise<void> {
  await page.getByRole('button', { name: 'New telnet session…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New telnet session' });
  await dialog.getByLabel('Host').fill('127.0.0.1');
  await dialog.getByLabel('Port', { exact: true }).fill(String(port));
  await dialog.getByRole('button', { name: 'Connect' }).click();
}

async function heapMiB(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize')!.value;
  const dom = metrics.find((metric) => metric.name === 'Nodes')!.value;
  return `${(used / 1048576).toFixed(1)} MiB JS heap, ${dom} DOM nodes`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'revtel-bench-ui-'));
  // A full-duplex pty device that echoes keys ahead of its flood, as a console does (the
  // tests' floodDevice.py; a socat pair would hold the keys back behind the flood).
  const device = join(dir, 'device');
  const simulator = spawn('/usr/bin/python3', [join(root, 'test/support/floodDevice.py'), device, String(FLOOD_BYTES), 'echo'], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(simulator);
  let sent = 0;
  simulator.stdout!.on('data', (chunk: Buffer) => {
    for (const report of chunk.toString().matchAll(/^sent (\d+)$/gm)) sent = Number(report[1]);
  });
  await until(() => existsSync(device), 'the device');
  const scrollback = await scrollbackServer();
  // Its own settings folder: the bench must not change the user's settings.
  const serve = spawn(process.execPath, [revtelBin, 'serve', '--ui', '0'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') } });
  children.push(serve);
  let log = '';
  serve.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await until(() => /UI ready: open (\S+)/.test(log), 'the UI');
  const url = /UI ready: open (\S+)/.exec(log)![1]!;

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const html = await floorPage();
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(url);
  await page.evaluate(`window.benchKeyTimes = {}; window.addEventListener('keydown', (event) => { window.benchKeyTimes[event.key] = event.timeStamp; }, true)`);
  // BENCH_RENDERER=dom or webgl: Revtel's renderer by choice (Settings), and the floor's with it.
  if (process.env.BENCH_RENDERER) {
    await page.getByText('Settings').click();
    await page.getByLabel('Renderer').selectOption(process.env.BENCH_RENDERER);
    await page.keyboard.press('Escape');
  }
  await page.getByRole('button', { name: 'New serial session…' }).click();
  await page.getByRole('dialog').getByLabel('Or a device path').fill(device);
  await page.getByRole('dialog').getByRole('button', { name: 'Open' }).click();
  await page.locator('.status-bar [data-state="open"]').waitFor();
  await page.locator('.terminal-area .xterm').click();
  const serial = await activeSession(page);
  const look = (await page.evaluate<Look>(`window.revtelTerminalGeometry(${JSON.stringify(serial)})`));

  progress('the idle latency');
  const idle = await latency(page, serial, SAMPLES);
  progress('the floor');
  const floorBefore = await floorRate(browser, html, look);

  progress('the flood');
  const profiler = process.env.BENCH_PROFILE ? await startProfile(page) : undefined;
  const tracer = process.env.BENCH_TRACE ? await startTrace(browser, page) : undefined;
  const busySeconds = await busyMeter(page);
  const busyBefore = await busySeconds();
  const serverBefore = cpuSeconds(serve.pid!);
  const start = process.hrtime.bigint();
  simulator.stdin!.write('go\n');
  // Polled rarely, so the polling costs the page nothing worth counting; once the device
  // has sent it all, a key's echo comes after the last byte of the flood: its drawing ends the flood.
  await until(() => sent >= FLOOD_BYTES, 'the device to send its flood', 300_000, 100);
  await latency(page, serial, 1);
  const rate = FLOOD_BYTES / (Number(process.hrtime.bigint() - start) / 1e9);
  const busy = (await busySeconds()) - busyBefore;
  const server = cpuSeconds(serve.pid!) - serverBefore;
  if (profiler) await profiler();
  if (tracer) await tracer('Revtel');
  progress('the latency during the flood');
  sent = 0;
  simulator.stdin!.write('go\n');
  await until(() => sent > 0, 'the second flood', 10_000);
  const during = await latency(page, serial, Math.floor(SAMPLES / 2));
  const stillFlooding = sent < FLOOD_BYTES;
  progress('the floor again');
  const floorAfter = await floorRate(browser, html, look);
  const floor = floorBefore.rate > floorAfter.rate ? floorBefore : floorAfter;

  progress('the replay');
  // Only a telnet tab whose scrollback is 4 MiB, then a reload that replays it.
  await page.getByRole('tab').first().getByRole('button', { name: /^Close / }).click();
  await openTelnet(page, scrollback.port);
  await until(async () => (await tabText(page)).includes('END-OF-SCROLLBACK'), 'the scrollback in the tab', 60_000, 100);
  const replayStart = process.hrtime.bigint();
  await page.reload();
  await page.getByRole('heading', { name: 'Serial ports' }).waitFor();
  const pageLoaded = Number(process.hrtime.bigint() - replayStart) / 1e6;
  await until(async () => (await tabText(page)).includes('END-OF-SCROLLBACK'), 'the replay', 30_000, 10);
  const replayed = Number(process.hrtime.bigint() - replayStart) / 1e6;

  console.log([
    `browser UI, headless Chromium ${browser.version()}, xterm.js ${look.renderer === 'webgl' ? 'WebGL' : 'DOM'} renderer (what Revtel chose here, and the floor with it), ${look.cols}×${look.rows} cells`,
    `flood to screen          Revtel ${mb(rate)}/s, bare xterm.js page ${mb(floor.rate)}/s (best of ${mb(floorBefore.rate)}/s before and ${mb(floorAfter.rate)}/s after): ${(rate / floor.rate).toFixed(2)}× the floor (target ≥ 0.8×)`,
    `page main thread busy    Revtel ${perMb(busy)} ms per MB, the floor ${perMb(floor.busy)} ms per MB: ${(floor.busy / busy).toFixed(2)}× (the same ratio in CPU, not wall, time); revtel serve's CPU ${perMb(server)} ms per MB`,
    `keystroke to screen      idle p50 ${percentile(idle, 50)} ms p99 ${percentile(idle, 99)} ms; during the flood p50 ${percentile(during, 50)} ms p99 ${percentile(during, 99)} ms (target p99 ≤ 50 ms)${stillFlooding ? '' : ' — the flood ended before the last sample'}`,
    `reload with 4 MiB        ${replayed.toFixed(0)} ms from reload to the scrollback's last line in the terminal, ${pageLoaded.toFixed(0)} ms of it loading the page (target ≤ 1000 ms)`,
  ].join('\n'));

  progress('the heap');
  const one = await heapMiB(page);
  for (let n = 1; n < TABS; n++) {
    await openTelnet(page, scrollback.port);
    await until(async () => (await tabText(page)).includes('END-OF-SCROLLBACK'), `tab ${n + 1}'s scrollback`, 60_000, 100);
  }
  const ten = await heapMiB(page);
  console.log(`page heap                1 tab: ${one}; ${TABS} tabs: ${ten} (each tab with 4 MiB of scrollback)`);
  scrollback.close();
  await browser.close();
}

/** BENCH_PROFILE=1: where the page spends its time during the flood (self time per function, on stderr). */
async function startProfile(page: Page): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    const self = new Map<string, number>();
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const deltas = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((id, index) => {
      const frame = byId.get(id)!.callFrame;
      const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}:${frame.columnNumber}`;
      self.set(name, (self.get(name) ?? 0) + (deltas[index] ?? 0) / 1000);
    });
    const total = [...self.values()].reduce((sum, ms) => sum + ms, 0);
    for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stderr.write(`${(100 * ms / total).toFixed(1).padStart(5)}%  ${name}\n`);
    await cdp.detach();
  };
}

interface TraceEvent { name: string; ph: string; dur?: number; args?: { beginData?: { stackTrace?: { functionName: string; url: string; lineNumber: number }[] } } }

/** BENCH_TRACE=1: the page's style recalculations and layouts during the flood, and the JS that forced them (on stderr). */
async function startTrace(browser: Browser, page: Page): Promise<(label: string) => Promise<void>> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline.stack'] });
  return async (label) => {
    const { traceEvents } = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
    const count = (name: string): string => {
      const events = traceEvents.filter((event) => event.name === name && (event.ph === 'X' || event.ph === 'B'));
      return `${(events.length / (FLOOD_BYTES / 1e6)).toFixed(1)} ${name} per MB (${(events.reduce((sum, event) => sum + (event.dur ?? 0), 0) / 1000 / (FLOOD_BYTES / 1e6)).toFixed(1)} ms per MB)`;
    };
    process.stderr.write(`${label}: ${count('Layout')}, ${count('UpdateLayoutTree')}, ${count('Paint')}\n`);
    // A layout with a JS stack was forced by that script (a layout read after a DOM write).
    const forced = new Map<string, number>();
    for (const event of traceEvents) {
      const stack = event.name === 'Layout' || event.name === 'UpdateLayoutTree' ? event.args?.beginData?.stackTrace : undefined;
      if (!stack?.length) continue;
      const where = `${event.name} ${stack.slice(0, 4).map((frame) => `${frame.functionName || '(anonymous)'}@${frame.url.split('/').pop()}:${frame.lineNumber}`).join(' < ')}`;
      forced.set(where, (forced.get(where) ?? 0) + 1);
    }
    for (const [where, times] of [...forced].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stderr.write(`  ${String(times).padStart(6)} forced: ${where}\n`);
  };
}

/** The active tab's terminal as text. */
async function tabText(page: Page): Promise<string> {
  const sessionId = await activeSession(page);
  return sessionId ? page.evaluate<string>(`window.revtelTerminalText(${JSON.stringify(sessionId)})`) : '';
}

main().then(() => process.exit(0), (error: Error) => {
  console.error(`bench:ui failed: ${error.message}`);
  process.exit(1);
});
