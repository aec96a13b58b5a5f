// The test phase (`npm run test:only`): every dist/test/**/*.test.js, or the files given,
// CONCURRENCY at a time, the longest first so that none is left to run alone at the end:
// the files that drive Chromium, then the others, each group by size (more tests, longer).
// Node's own `node --test FILES` sorts the files by name, which put the browser files last.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { repoPath } from './support/repo.js';

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
const given = process.argv.slice(2);
const files = (given.length > 0 ? given : testFiles(repoPath('dist', 'test')))
  .map((file) => ({ file, browser: drivesChromium(file), size: statSync(file).size }))
  .sort((a, b) => Number(b.browser) - Number(a.browser) || b.size - a.size)
  .map(({ file }) => file);

const stream = run({ files, concurrency: CONCURRENCY, forceExit: true });
stream.on('test:fail', () => (process.exitCode = 1));
stream.compose(new spec()).pipe(process.stdout);
