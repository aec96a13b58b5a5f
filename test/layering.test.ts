import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { ESLint } from 'eslint';
import type TypeScript from 'typescript';
import { repoPath, repoRoot } from './support/repo.js';

// Required, not imported: an ESM import of a CommonJS package first scans its source for
// named exports, and typescript.js is 9 MB (most of a second of CPU). ESLint's TypeScript
// parser requires the same instance.
const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;

// ARCHITECTURE.md's layering, proven: a probe file with a wrong import is planted in a
// layer, and the compiler (with the layer's own tsconfig) or the lint must reject it. The
// probes exist only in memory, handed to TypeScript's and ESLint's own APIs as files of the
// checkout: an editor, a build or another test running meanwhile never sees them. One
// process judges them all, the library files parsed once for every compile.

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

/** Where a probe would be in the checkout, and its text. */
function probeFile(name: ProbeName): { readonly path: string; readonly text: string } {
  const probe: Probe = PROBES[name];
  return { path: repoPath(probe.dir, `layering-probe-${name}.ts`), text: `${probe.source}\nexport const probe = 1;\n` };
}

/** Source files read from disk, shared by every compile (the libraries are most of the work). */
const parsed = new Map<string, TypeScript.SourceFile | undefined>();

/**
 * The probe compiled as `tsc -b` compiles its layer: the layer's own tsconfig (its include,
 * lib, types, paths and project references, whose built declarations stand in for their
 * sources), with the probe among its files. The verdict is the probe's own diagnostics.
 */
function compile(name: ProbeName): Verdict {
  const probe = probeFile(name);
  const config = ts.getParsedCommandLineOfConfigFile(repoPath((PROBES[name] as Probe).configDir!, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => assert.fail(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')),
  });
  assert.ok(config && config.errors.length === 0, `the layer's tsconfig reads: ${JSON.stringify(config?.errors)}`);
  const host = ts.createCompilerHost(config.options);
  // As tsc does: JSDoc parsed only where it can be a type error (in JavaScript files), not in
  // the comments of every declaration file (lib.dom.d.ts is mostly such comments).
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (file) => file === probe.path || fileExists(file);
  host.readFile = (file) => (file === probe.path ? probe.text : readFile(file));
  host.getSourceFile = (file, language, ...rest) => {
    if (file === probe.path) return ts.createSourceFile(file, probe.text, language, true);
    const key = `${typeof language === 'object' ? language.languageVersion : language}:${file}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(file, language, ...rest));
    return parsed.get(key);
  };
  const program = ts.createProgram({ rootNames: [...config.fileNames, probe.path], options: config.options, projectReferences: config.projectReferences ?? [], host });
  const file = program.getSourceFile(probe.path);
  assert.ok(file, 'the probe is compiled');
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  const output = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (path) => path, getCurrentDirectory: () => repoRoot, getNewLine: () => '\n' });
  return { ok: diagnostics.length === 0, output };
}

/** Every probe judged by the lint as `npx eslint` judges a file of the checkout (it looks at each file alone). */
async function lintAll(): Promise<Record<ProbeName, Verdict>> {
  const eslint = new ESLint({ cwd: repoRoot });
  const names = Object.keys(PROBES) as ProbeName[];
  return Object.fromEntries(await Promise.all(names.map(async (name) => {
    const probe = probeFile(name);
    const [result] = await eslint.lintText(probe.text, { filePath: probe.path, warnIgnored: true });
    assert.ok(result, `eslint judged ${probe.path}`);
    assert.ok(!result.messages.some((message) => /ignored/i.test(message.message) && message.severity === 1), `eslint does not ignore ${probe.path}`);
    return [name, { ok: result.errorCount === 0, output: result.messages.map((message) => message.message).join('\n') }];
  }))) as Record<ProbeName, Verdict>;
}

describe('layering', () => {
  let lint: Record<ProbeName, Verdict>;
  const tsc: Partial<Record<ProbeName, Verdict>> = {};
  before(async () => {
    lint = await lintAll();
    for (const name of Object.keys(PROBES) as ProbeName[]) if ((PROBES[name] as Probe).configDir) tsc[name] = compile(name);
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
