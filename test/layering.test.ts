import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { scratchDir } from './support/peers.js';
import { repoPath, repoRoot } from './support/repo.js';

// ARCHITECTURE.md's layering, proven: a probe file with a wrong import is planted in a
// layer, and the compiler (with the layer's own tsconfig) or the lint must reject it.
// The probes go into temporary copies of the checkout, never into the working tree: an
// editor, a build or another test running meanwhile would see them. The lint judges every
// probe in one run (it looks at each file alone); the compiler (`tsc -b`, as the build runs
// it) gets a copy per probe, since a layer's compile takes in every file of its folder.
const run = promisify(execFile);

interface Verdict {
  readonly ok: boolean;
  readonly output: string;
}

interface Probe {
  /** The folder the probe is planted in. */
  readonly dir: string;
  readonly source: string;
  /** The layer whose tsconfig compiles it; no compile without one. */
  readonly configDir?: string;
}

const PROBES = {
  rendererApi: { dir: 'renderer', source: "import { methods } from '../native/api/index.js';\nvoid methods;", configDir: 'renderer' },
  telnetOwn: { dir: 'native/telnet', source: "import { Cmd } from './codes.js';\nvoid Cmd;", configDir: 'native/telnet' },
  telnetNode: { dir: 'native/telnet', source: "import { readFileSync } from 'node:fs';\nvoid readFileSync;", configDir: 'native/telnet' },
  telnetNative: { dir: 'native/telnet', source: "import { UsageError } from '../cli/UsageError.js';\nvoid UsageError;", configDir: 'native/telnet' },
  nativeElectron: { dir: 'native/cli', source: "import { app } from 'electron';\nvoid app;", configDir: 'native' },
  rendererNode: { dir: 'renderer', source: "import { readFileSync } from 'node:fs';\nvoid readFileSync;" },
  rendererServer: { dir: 'renderer', source: "import { UsageError } from '../native/cli/UsageError.js';\nvoid UsageError;", configDir: 'renderer' },
} satisfies Record<string, Probe>;
type ProbeName = keyof typeof PROBES;

/** The sources, configs and built declarations, with node_modules linked, not copied. */
function copyCheckout(): string {
  const root = join(scratchDir(), 'checkout');
  const skipped = new Set(['node_modules', '.git', 'test-output']);
  cpSync(repoRoot, root, { recursive: true, filter: (source) => !skipped.has(relative(repoRoot, source).split('/')[0]!) });
  symlinkSync(repoPath('node_modules'), join(root, 'node_modules'));
  reuseBuildState(root);
  return root;
}

/**
 * Lets `tsc -b` in the copy start from the build's state, so that it checks only the probe
 * and what the probe imports. TypeScript sees node_modules through the link, at the
 * checkout's own path, while the .tsbuildinfo files name it relative to themselves: left
 * so, every library file would count as changed and each compile check its whole layer
 * (the same verdicts, several seconds slower). Their time is set back so that the build
 * looks at the sources again and finds the probe.
 */
function reuseBuildState(root: string): void {
  const dir = join(root, 'dist', 'tsbuildinfo');
  const moduleDir = JSON.stringify(`${relative(dir, repoPath('node_modules'))}/`).slice(0, -1);
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('"../../node_modules/', moduleDir));
    utimesSync(file, 0, 0);
  }
}

function plant(root: string, name: ProbeName): string {
  const probe: Probe = PROBES[name];
  mkdirSync(join(root, probe.dir), { recursive: true });
  const file = join(root, probe.dir, `layering-probe-${name}.ts`);
  writeFileSync(file, `${probe.source}\nexport const probe = 1;\n`);
  return file;
}

async function verdict(root: string, command: string, args: string[]): Promise<Verdict> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, command), ...args], { cwd: root });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

/**
 * The build of the probe's layer, as `npm run build` runs it (`tsc -b` with the layer's own
 * tsconfig) in a copy whose dist/ holds the build's output and .tsbuildinfo: only the probe
 * and what it imports are checked anew, not the whole layer.
 */
async function compile(name: ProbeName): Promise<Verdict> {
  const root = copyCheckout();
  plant(root, name);
  return verdict(root, 'node_modules/typescript/bin/tsc', ['-b', (PROBES[name] as Probe).configDir!]);
}

async function lintAll(): Promise<Record<ProbeName, Verdict>> {
  const root = copyCheckout();
  const names = Object.keys(PROBES) as ProbeName[];
  const files = names.map((name) => plant(root, name));
  const { output } = await verdict(root, 'node_modules/eslint/bin/eslint.js', ['--no-warn-ignored', '--format', 'json', ...files]);
  const results = JSON.parse(output) as { filePath: string; errorCount: number; messages: { message: string }[] }[];
  return Object.fromEntries(names.map((name, at) => {
    const result = results.find((entry) => entry.filePath === files[at]);
    assert.ok(result, `eslint judged ${files[at]}`);
    return [name, { ok: result.errorCount === 0, output: result.messages.map((message) => message.message).join('\n') }];
  })) as Record<ProbeName, Verdict>;
}

describe('layering', () => {
  let lint: Record<ProbeName, Verdict>;
  const tsc: Partial<Record<ProbeName, Verdict>> = {};
  before(async () => {
    lint = await lintAll();
    // Two compiles at a time: these machines have two cores.
    const compiled = (Object.keys(PROBES) as ProbeName[]).filter((name) => (PROBES[name] as Probe).configDir);
    while (compiled.length > 0) {
      await Promise.all(compiled.splice(0, 2).map(async (name) => (tsc[name] = await compile(name))));
    }
  });

  it('accepts correct imports (the probe harness itself works)', () => {
    for (const name of ['rendererApi', 'telnetOwn'] as const) {
      assert.ok(tsc[name]?.ok, tsc[name]?.output);
      assert.ok(lint[name].ok, lint[name].output);
    }
  });

  it('native/telnet cannot import Node modules: compile error and lint error', () => {
    assert.equal(tsc.telnetNode?.ok, false);
    assert.match(tsc.telnetNode!.output, /TS2307|Cannot find module 'node:fs'/);
    assert.equal(lint.telnetNode.ok, false);
    assert.match(lint.telnetNode.output, /native\/telnet is pure/);
  });

  it('native/telnet cannot import from the rest of native/: compile error', () => {
    assert.equal(tsc.telnetNative?.ok, false);
    assert.match(tsc.telnetNative!.output, /TS6307/);
  });

  it("native/ cannot import 'electron': compile error and lint error", () => {
    assert.equal(tsc.nativeElectron?.ok, false);
    assert.match(tsc.nativeElectron!.output, /TS2305/);
    assert.equal(lint.nativeElectron.ok, false);
    assert.match(lint.nativeElectron.output, /Only electron\/ may import 'electron'/);
  });

  it('renderer/ cannot import Node modules or native/ beyond native/api', () => {
    assert.equal(lint.rendererNode.ok, false);
    assert.match(lint.rendererNode.output, /renderer\/ runs in a browser/);
    assert.equal(lint.rendererServer.ok, false);
    assert.match(lint.rendererServer.output, /only through native\/api/);
    assert.equal(tsc.rendererServer?.ok, false, 'and the compiler refuses it too');
    assert.match(tsc.rendererServer!.output, /TS6307/);
  });
});
