// The test phase (`npm run test:only`): every dist/test/**/*.test.js, or the files given,
// CONCURRENCY at a time, the longest first so that none is left to run alone at the end.
// "Longest" is what the last run in this checkout measured (dist/test-durations.json); a
// file not measured yet (a fresh clone, a new file) goes first, the files that drive
// Chromium before the others, each group by size (more tests, longer). Node's own
// `node --test FILES` sorts the files by name, which put the browser files last.
// At the end it prints how long the phase took, the slowest files, and how long the end of
// the run had fewer files running than it could (a long file alone at the end shows there).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { repoPath, repoRoot } from './support/repo.js';

/** Test files at once: two cores, and most files wait on peers and sockets part of the time. */
const CONCURRENCY = Number(process.env['REVTEL_TEST_CONCURRENCY'] ?? 6);

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? testFiles(path) : entry.name.endsWith('.test.js') ? [path] : [];
  });
}

/** A file that starts Chromium, itself or through the demo UI fixture. */
const drivesChromium = (file: string): boolean => /\b(launchBrowser|demoUi)\(/.test(readFileSync(file, 'utf8'));

/** Each file's wall time in the last run that ran it (ms), by its path in the checkout. */
const durationsFile = repoPath('dist', 'test-durations.json');
const lastDurations: Record<string, number> = existsSync(durationsFile) ? (JSON.parse(readFileSync(durationsFile, 'utf8')) as Record<string, number>) : {};

const given = process.argv.slice(2);
// Absolute paths: the runner names each file's test after the path it was given.
const files = (given.length > 0 ? given.map((file) => resolve(file)) : testFiles(repoPath('dist', 'test')))
  .map((file) => ({ file, last: lastDurations[relative(repoRoot, file)] ?? Infinity, browser: drivesChromium(file), size: statSync(file).size }))
  .sort((a, b) => b.last - a.last || Number(b.browser) - Number(a.browser) || b.size - a.size)
  .map(({ file }) => file);

/** When each file started and ended, in ms since the phase began. */
const started = Date.now();
const spans = new Map<string, { start: number; end?: number }>();
// A file is the top-level test named after its path; its own tests carry it as `file` too.
const isFile = (data: { name: string; file?: string; nesting: number }): boolean => data.nesting === 0 && data.name === data.file;

const stream = run({ files, concurrency: CONCURRENCY, forceExit: true });
stream.on('test:fail', () => (process.exitCode = 1));
// Tests started and not reported done, by file. forceExit can cut off the end of a file's
// report (nodejs/node#64833): its tests' verdicts are lost, though a failure still fails the
// file through its exit code. Without forceExit, a handle left open would hang the run.
const unreported = new Map<string, number>();
stream.on('test:dequeue', (data) => {
  if (isFile(data)) spans.set(data.name, { start: Date.now() - started });
  else if (data.file) unreported.set(data.file, (unreported.get(data.file) ?? 0) + 1);
});
stream.on('test:complete', (data) => {
  const span = spans.get(data.name);
  if (isFile(data) && span) span.end = Date.now() - started;
  else if (data.file) unreported.set(data.file, (unreported.get(data.file) ?? 0) - 1);
});
const report = stream.compose(new spec());
report.pipe(process.stdout, { end: false });
report.on('end', () => {
  process.stdout.write(timing());
  const measured = { ...lastDurations };
  for (const [file, { start, end }] of spans) if (end !== undefined) measured[relative(repoRoot, file)] = end - start;
  writeFileSync(durationsFile, `${JSON.stringify(measured, null, 1)}\n`);
});

/** The phase's length, its slowest files, and the tail in which fewer than CONCURRENCY files ran. */
function timing(): string {
  const total = Date.now() - started;
  const ended = [...spans].flatMap(([file, { start, end }]) => (end === undefined ? [] : [{ file: relative(repoRoot, file), start, end }]));
  const seconds = (ms: number): string => (ms / 1000).toFixed(1);
  const slowest = [...ended].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, 8);
  // The last moment at which every slot was busy: from then on, the run is its own tail.
  const events = ended.flatMap(({ start, end }) => [{ at: start, change: 1 }, { at: end, change: -1 }]).sort((a, b) => a.at - b.at || a.change - b.change);
  const slots = Math.min(CONCURRENCY, files.length);
  let runningNow = 0;
  let fullUntil = 0;
  for (const { at, change } of events) {
    if (runningNow >= slots) fullUntil = at;
    runningNow += change;
  }
  const last = [...ended].sort((a, b) => b.end - a.end)[0];
  const cut = [...unreported].filter(([, count]) => count > 0).map(([file]) => relative(repoRoot, file));
  return [
    ...cut.map((file) => `warning: ${file}: the end of its report was lost (tests started and never reported; nodejs/node#64833): the counts above miss them`),
    '',
    `test phase: ${seconds(total)} s for ${ended.length} files, ${CONCURRENCY} at a time; fewer than ${slots} ran in the last ${seconds(total - fullUntil)} s` +
      (last ? ` (the last to end: ${last.file}, started at ${seconds(last.start)} s)` : ''),
    'slowest files (s, start–end):',
    ...slowest.map(({ file, start, end }) => `  ${seconds(end - start).padStart(6)}  ${seconds(start)}–${seconds(end)}  ${file}`),
    '',
  ].join('\n');
}
