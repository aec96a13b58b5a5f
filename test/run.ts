// The test phase (`npm run test:only`): every dist/test/**/*.test.js, or the files given,
// CONCURRENCY processes at a time (each a file, or a group of files), the longest first so
// that none is left to run alone at the end.
// "Longest" is what the last run in this checkout measured (dist/test-durations.json); a
// process not measured yet (a fresh clone, a new file) goes first: the groups of files that
// drive Chromium, then the groups of in-process files, then the single files (many and
// mostly short, they fill the end best), each kind by size (more tests, longer). Node's own
// `node --test FILES` sorts the files by name, which put the browser files last.
// At the end it prints how long the phase took, the slowest processes, and how long the end
// of the run had fewer running than it could (a long file alone at the end shows there).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { pathToFileURL } from 'node:url';
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
const drivesChromium = (source: string): boolean => /\b(launchBrowser|demoUi)\(/.test(source);

/**
 * The helpers of test/support that start a process (a peer, `revtel`, a pty, a flood
 * device, ssh-keygen, tmux) or run `revtel`'s command line in this one: a helper that starts
 * one belongs here.
 */
const PROCESS_STARTERS = [
  'startProcess', 'startPtyPair', 'startPtyLine', 'startFloodDevice', 'startTelnetd', 'startBusyboxTelnetd', 'startSer2net',
  'startSshd', 'startSshAgent', 'makeSshKey', 'makeServeHostKeys', 'runSsh', 'startRevtel', 'startServe', 'startDemoDevice',
  'revtelInProcess', 'startUi', 'launchBrowser', 'demoUi', 'resetBeforeAccept',
];
const startsProcesses = new RegExp(`\\b(${PROCESS_STARTERS.join('|')})\\b|support/tmux\\.js|child_process`);

/**
 * An in-process file: its tests need nothing outside its process (it starts no process),
 * hook no module loading, and change no process-wide setting (the environment, the working
 * folder, process events), so it can share a process with others.
 */
const runsInProcess = (source: string): boolean =>
  !startsProcesses.test(source) && !/register\(|moduleLog|process\.env\[[^\]]*\] *=|process\.chdir|process\.on\(/.test(source);

/** Each file's wall time in the last run that ran it (ms), by its path in the checkout. */
const durationsFile = repoPath('dist', 'test-durations.json');
const lastDurations: Record<string, number> = existsSync(durationsFile) ? (JSON.parse(readFileSync(durationsFile, 'utf8')) as Record<string, number>) : {};

/**
 * Files that drive Chromium, up to this many to a process, one after another, as Playwright
 * Test's workers run them: Node, playwright-core (half a CPU-second to load) and Chromium's
 * launch (a CPU-second) are paid once for the group, on a phase that two cores' CPU bounds.
 * In-process files, up to IN_PROCESS_FILES_PER_PROCESS to a process:
 * most take less time than Node takes to start and load the test runner.
 * Hooks at a file's root would span its group: such files keep them inside a describe.
 */
const BROWSER_FILES_PER_PROCESS = 3;
const IN_PROCESS_FILES_PER_PROCESS = 8;

/** What a process runs: a group of files that drive Chromium, a group of in-process files, or a single file. */
type Kind = 'browser' | 'in-process' | 'single';
/** Which kind starts first when none has been measured. */
const KIND_ORDER: readonly Kind[] = ['browser', 'in-process', 'single'];

/** A process of the phase: a test file, or a group of them; its size is its files'. */
interface Runnable { readonly file: string; readonly kind: Kind; readonly size: number }

/** Where the groups' modules are written: outside the tree searched for tests. */
const groupDir = repoPath('dist', 'test-groups');

/** `members` dealt into groups of at most `perGroup`, by size, so that they stay the same from run to run (while the files keep their order of size) and keep their measured times. */
function dealt(members: readonly Runnable[], perGroup: number): Runnable[][] {
  const bySize = [...members].sort((a, b) => b.size - a.size);
  const count = Math.ceil(bySize.length / perGroup);
  return Array.from({ length: count }, (_, n) => bySize.filter((_entry, index) => index % count === n));
}

/** A module that runs `members` in one process, one after another; `prelude` and `coda` around their imports. */
function groupModule(name: string, members: readonly Runnable[], prelude = '', coda = ''): Runnable {
  if (members.length === 1) return members[0]!;
  const file = join(groupDir, `${name}.test.js`);
  const imports = members.map((entry) => `import ${JSON.stringify(pathToFileURL(entry.file).href)};\n`).join('');
  writeFileSync(file, `${prelude}${imports}${coda}`);
  return { file, kind: members[0]!.kind, size: members.reduce((sum, entry) => sum + entry.size, 0) };
}

/** The phase's processes: browser files and in-process files in groups, every other file in a process of its own. */
function runnables(all: readonly string[]): Runnable[] {
  const sized = all.map((file): Runnable => {
    const source = readFileSync(file, 'utf8');
    return { file, kind: drivesChromium(source) ? 'browser' : runsInProcess(source) ? 'in-process' : 'single', size: statSync(file).size };
  });
  mkdirSync(groupDir, { recursive: true });
  const browserSupport = JSON.stringify(pathToFileURL(repoPath('dist', 'test', 'support', 'browser.js')).href);
  return [
    // Named by their files' paths under dist/test, so no two share a name; they share one Chromium, closed after the last.
    ...dealt(sized.filter((entry) => entry.kind === 'browser'), BROWSER_FILES_PER_PROCESS).map((members) =>
      groupModule(
        members.map((entry) => relative(repoPath('dist', 'test'), entry.file).replace(/\.test\.js$/, '').replaceAll(sep, '.')).join('+'),
        members,
        `import { keepBrowserForGroup } from ${browserSupport};\n`,
        'keepBrowserForGroup();\n',
      )),
    // Too many files for a name made of theirs: numbered (the module lists them).
    ...dealt(sized.filter((entry) => entry.kind === 'in-process'), IN_PROCESS_FILES_PER_PROCESS).map((members, n, groups) =>
      groupModule(`in-process-${n + 1}-of-${groups.length}`, members)),
    ...sized.filter((entry) => entry.kind === 'single'),
  ];
}

const given = process.argv.slice(2);
// The whole suite deals the groups afresh: the modules of groups dealt before go.
if (given.length === 0) rmSync(groupDir, { recursive: true, force: true });
// Absolute paths: the runner names each file's test after the path it was given.
const files = runnables(given.length > 0 ? given.map((file) => resolve(file)) : testFiles(repoPath('dist', 'test')))
  .map((entry) => ({ ...entry, last: lastDurations[relative(repoRoot, entry.file)] ?? Infinity }))
  .sort((a, b) => b.last - a.last || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || b.size - a.size)
  .map(({ file }) => file);

/** When each file started and ended, in ms since the phase began. */
const started = Date.now();
const spans = new Map<string, { start: number; end?: number }>();
// A file is the top-level test named after its path; its own tests carry it as `file` too.
const isFile = (data: { name: string; file?: string; nesting: number }): boolean => data.nesting === 0 && data.name === data.file;

/**
 * A process still running after this has hung (a promise a browser never settles, or a handle
 * a test left open): it fails, named, instead of holding the run until CI's own limit. The
 * longest takes about a minute.
 */
const PROCESS_TIMEOUT_MS = 5 * 60 * 1000;

// Without node:test's forceExit: each process ends once nothing is left to do. Forced to exit
// as its last test ended, a process could cut short the report it was still writing (through
// streams), and Node 20's runner then lost the report's end, or, a message cut in two, spun
// for ever in FileTest's #drainRawBuffer (it hung a whole run here).
const stream = run({ files, concurrency: CONCURRENCY, timeout: PROCESS_TIMEOUT_MS });
stream.on('test:fail', () => (process.exitCode = 1));
// Tests started and not reported done, by file: a process that ended in the middle of its
// report (killed as hung, or crashed) names the tests it was running; a failure still fails
// it by its exit code.
const unreported = new Map<string, string[]>();
stream.on('test:dequeue', (data) => {
  if (isFile(data)) spans.set(data.name, { start: Date.now() - started });
  else if (data.file) unreported.set(data.file, [...(unreported.get(data.file) ?? []), data.name]);
});
stream.on('test:complete', (data) => {
  const span = spans.get(data.name);
  if (isFile(data) && span) span.end = Date.now() - started;
  else if (data.file) {
    const running = unreported.get(data.file) ?? [];
    const at = running.lastIndexOf(data.name);
    if (at >= 0) running.splice(at, 1);
  }
});
const report = stream.compose(new spec());
report.pipe(process.stdout, { end: false });
report.on('end', () => {
  process.stdout.write(timing());
  // The whole suite measures every process it has now; a subset keeps the others' times.
  const measured: Record<string, number> = given.length === 0 ? {} : { ...lastDurations };
  for (const [file, { start, end }] of spans) if (end !== undefined) measured[relative(repoRoot, file)] = end - start;
  writeFileSync(durationsFile, `${JSON.stringify(measured, null, 1)}\n`);
});

/** The phase's length, its slowest processes, and the tail in which fewer than CONCURRENCY ran. */
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
  const cut = [...unreported].filter(([, running]) => running.length > 0);
  return [
    ...cut.map(([file, running]) =>
      `warning: ${relative(repoRoot, file)}: the end of its report was lost (the process ended mid-report; still running: ${running.map((name) => `"${name}"`).join(', ')}): the counts above miss them`),
    '',
    `test phase: ${seconds(total)} s for ${ended.length} processes, ${CONCURRENCY} at a time; fewer than ${slots} ran in the last ${seconds(total - fullUntil)} s` +
      (last ? ` (the last to end: ${last.file}, started at ${seconds(last.start)} s)` : ''),
    'slowest processes (s, start–end):',
    ...slowest.map(({ file, start, end }) => `  ${seconds(end - start).padStart(6)}  ${seconds(start)}–${seconds(end)}  ${file}`),
    '',
  ].join('\n');
}
