// npm run bench:ui — the browser UI under load, in headless Debian Chromium: bytes per
// second from a flooding serial line (a pty) to the tab, and
// keystroke-to-screen latency p50/p99 (the device echoes) while idle and during the
// flood, printed beside xterm.js's own published parse rate (5–35 MB/s) as a ratio.
// Not a test: these machines are shared and noisy.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';

const FLOOD_BYTES = 64 * 1024 * 1024;
const SAMPLES = 100;
const revtelBin = fileURLToPath(new URL('../native/cli/main.js', import.meta.url));
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const screenText = (page: Page): Promise<string> => page.evaluate<string>(`(() => {
  const id = document.querySelector('.terminal-area .terminal-host')?.dataset.sessionId;
  return id ? window.revtelTerminalText(id) : '';
})()`);

// Keys whose echo can be told apart from the flood's text ("show tech-support output line").
const KEYS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abdfgjkmqvxyz';

async function latency(page: Page, samples: number): Promise<number[]> {
  const results: number[] = [];
  for (let n = 0; n < samples; n++) {
    const key = KEYS[n % KEYS.length]!;
    const before = (await screenText(page)).split(key).length;
    const start = process.hrtime.bigint();
    await page.keyboard.press(key);
    await until(async () => (await screenText(page)).split(key).length > before, 'the echo', 10_000);
    results.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return results.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number): string => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'revtel-bench-ui-'));
  // A full-duplex pty device that echoes keys ahead of its flood, as a console does (the
  // tests' floodDevice.py; a socat pair would hold the keys back behind the flood).
  const device = join(dir, 'device');
  const simulator = spawn('/usr/bin/python3', [fileURLToPath(new URL('../../test/support/floodDevice.py', import.meta.url)), device, String(FLOOD_BYTES), 'echo'], { stdio: ['pipe', process.env.BENCH_DEBUG ? 'inherit' : 'ignore', 'inherit'] });
  children.push(simulator);
  await until(() => existsSync(device), 'the device');
  const serve = spawn(process.execPath, [revtelBin, 'serve', '--ui', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(serve);
  let log = '';
  serve.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await until(() => /UI ready: open (\S+)/.test(log), 'the UI');
  const url = /UI ready: open (\S+)/.exec(log)![1]!;

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(url);
  await page.getByRole('button', { name: 'New serial session…' }).click();
  await page.getByRole('dialog').getByLabel('Or a device path').fill(device);
  await page.getByRole('dialog').getByRole('button', { name: 'Open' }).click();
  await page.locator('.status-bar [data-state="open"]').waitFor();
  await page.locator('.terminal-area .xterm').click();

  const idle = await latency(page, SAMPLES);

  const start = process.hrtime.bigint();
  simulator.stdin!.write('go\n');
  await sleep(500);
  const during = await latency(page, Math.floor(SAMPLES / 2));
  await until(async () => Number(/in ([\d.]+) MiB/.exec(await page.locator('.status-bar .counters').innerText())?.[1] ?? 0) >= FLOOD_BYTES / 1048576, 'the whole flood in the tab', 300_000);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = FLOOD_BYTES / seconds / 1e6;

  console.log('browser UI, headless Chromium, xterm.js DOM renderer; latency = key press to its echo on screen, measured over CDP');
  console.log(`flood to screen          ${rate.toFixed(1)} MB/s (${FLOOD_BYTES / 1048576} MiB in ${seconds.toFixed(1)} s); xterm.js publishes 5–35 MB/s: ${(rate / 35).toFixed(2)}–${(rate / 5).toFixed(2)}× that range`);
  console.log(`keystroke to screen      idle p50 ${percentile(idle, 50)} ms p99 ${percentile(idle, 99)} ms; during the flood p50 ${percentile(during, 50)} ms p99 ${percentile(during, 99)} ms`);
  await browser.close();
}

main().then(() => process.exit(0), (error: Error) => {
  console.error(`bench:ui failed: ${error.message}`);
  process.exit(1);
});
