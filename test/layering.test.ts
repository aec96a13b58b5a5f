import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { scratchDir } from './support/peers.js';
import { repoPath as checkoutPath, repoRoot } from './support/repo.js';

// ARCHITECTURE.md's layering, proven: a probe file with a wrong import is planted in a
// layer, and the compiler (with the layer's own tsconfig) or the lint must reject it.
// The probes go into a temporary copy of the checkout, never into the working tree:
// an editor, a build or another test running meanwhile would see them.
const run = promisify(execFile);

let copyRoot = '';
const repoPath = (...parts: string[]): string => join(copyRoot, ...parts);

/** The sources, configs and built declarations, with node_modules linked, not copied. */
function copyCheckout(): string {
  const root = join(scratchDir(), 'checkout');
  const skipped = new Set(['node_modules', '.git', 'test-output']);
  cpSync(repoRoot, root, { recursive: true, filter: (source) => !skipped.has(relative(repoRoot, source).split('/')[0]!) });
  symlinkSync(checkoutPath('node_modules'), join(root, 'node_modules'));
  return root;
}

interface Verdict {
  readonly ok: boolean;
  readonly output: string;
}

async function verdict(command: string, args: string[]): Promise<Verdict> {
  try {
    const { stdout, stderr } = await run(process.execPath, [repoPath(command), ...args], { cwd: repoPath() });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

let probes = 0;

/**
 * Plants `source` in the folder `dir`, then asks the compiler (with the tsconfig of the
 * layer in `configDir`, when the layer has one) and the lint about it.
 */
async function judge(dir: string, source: string, configDir?: string): Promise<{ tsc?: Verdict; eslint: Verdict }> {
  const createdDir = !existsSync(repoPath(dir));
  mkdirSync(repoPath(dir), { recursive: true });
  const name = `layering-probe-${process.pid}-${++probes}`;
  const probe = repoPath(dir, `${name}.ts`);
  const probeConfig = configDir ? repoPath(configDir, `${name}.tsconfig.json`) : undefined;
  writeFileSync(probe, `${source}\nexport const probe = 1;\n`);
  try {
    let tsc: Verdict | undefined;
    if (probeConfig) {
      // The layer's own settings, file list (which takes in the probe) and references —
      // which `extends` does not carry over — without emitting.
      const layer = JSON.parse(readFileSync(repoPath(configDir!, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { references?: unknown };
      writeFileSync(probeConfig, JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, references: layer.references ?? [] }));
      tsc = await verdict('node_modules/typescript/bin/tsc', ['-p', probeConfig]);
    }
    const eslint = await verdict('node_modules/eslint/bin/eslint.js', ['--no-warn-ignored', probe]);
    return tsc ? { tsc, eslint } : { eslint };
  } finally {
    rmSync(probe, { force: true });
    if (probeConfig) rmSync(probeConfig, { force: true });
    if (createdDir) rmSync(repoPath(dir), { recursive: true, force: true });
  }
}

// One probe at a time: a layer's compile takes in every file of its folder.
describe('layering', () => {
  before(() => {
    copyRoot = copyCheckout();
  });

  it('accepts correct imports (the probe harness itself works)', async () => {
    const renderer = await judge('renderer', "import { methods } from '../native/api/index.js';\nvoid methods;", 'renderer');
    assert.ok(renderer.tsc?.ok, renderer.tsc?.output);
    assert.ok(renderer.eslint.ok, renderer.eslint.output);
    const { tsc, eslint } = await judge('native/telnet', "import { Cmd } from './codes.js';\nvoid Cmd;", 'native/telnet');
    assert.ok(tsc?.ok, tsc?.output);
    assert.ok(eslint.ok, eslint.output);
  });

  it('native/telnet cannot import Node modules: compile error and lint error', async () => {
    const { tsc, eslint } = await judge('native/telnet', "import { readFileSync } from 'node:fs';\nvoid readFileSync;", 'native/telnet');
    assert.equal(tsc?.ok, false);
    assert.match(tsc!.output, /TS2307|Cannot find module 'node:fs'/);
    assert.equal(eslint.ok, false);
    assert.match(eslint.output, /native\/telnet is pure/);
  });

  it('native/telnet cannot import from the rest of native/: compile error', async () => {
    const { tsc } = await judge('native/telnet', "import { UsageError } from '../cli/UsageError.js';\nvoid UsageError;", 'native/telnet');
    assert.equal(tsc?.ok, false);
    assert.match(tsc!.output, /TS6307/);
  });

  it("native/ cannot import 'electron': compile error and lint error", async () => {
    const { tsc, eslint } = await judge('native/cli', "import { app } from 'electron';\nvoid app;", 'native');
    assert.equal(tsc?.ok, false);
    assert.match(tsc!.output, /TS2305/);
    assert.equal(eslint.ok, false);
    assert.match(eslint.output, /Only electron\/ may import 'electron'/);
  });

  it('renderer/ cannot import Node modules or native/ beyond native/api', async () => {
    const node = await judge('renderer', "import { readFileSync } from 'node:fs';\nvoid readFileSync;");
    assert.equal(node.eslint.ok, false);
    assert.match(node.eslint.output, /renderer\/ runs in a browser/);
    const server = await judge('renderer', "import { UsageError } from '../native/cli/UsageError.js';\nvoid UsageError;", 'renderer');
    assert.equal(server.eslint.ok, false);
    assert.match(server.eslint.output, /only through native\/api/);
    assert.equal(server.tsc?.ok, false, 'and the compiler refuses it too');
    assert.match(server.tsc!.output, /TS6307/);
  });
});
