import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { scratchDir, startPtyPair, type PtyPair } from '../support/peers.js';
import { repoPath, repoRoot } from '../support/repo.js';

// electron-builder cannot pack here (`--dir` needs an Electron binary to copy), so this
// applies its `files` and `asarUnpack` globs to the built tree the way it does, lays the
// result out as an installed app would see it, and proves that everything main.js imports
// is there and that serialport's native binding loads from it.

interface BuilderConfig {
  readonly files: readonly string[];
  readonly asarUnpack: readonly string[];
  readonly extraMetadata: { readonly main: string };
}

const config = parse(readFileSync(repoPath('build', 'electron-builder.yml'), 'utf8')) as BuilderConfig;

/** minimatch's subset that the config uses: **, *, and leading ! for exclusions. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else {
      source += char.replace(/[.+^${}()|[\]\\?]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

function selected(path: string, patterns: readonly string[]): boolean {
  let included = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(path)) included = false;
    } else if (globToRegExp(pattern).test(path)) {
      included = true;
    }
  }
  return included;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [relative(repoRoot, path)];
  });
}

/** What electron-builder adds on its own: the production dependencies. */
function productionModules(): string[] {
  const listed = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repoRoot, encoding: 'utf8' });
  return listed.split('\n').filter((line) => line.includes('node_modules')).map((line) => relative(repoRoot, line));
}

describe('the packaged app layout', () => {
  let appFiles: string[];
  let layout: string;
  let pty: PtyPair;

  before(async () => {
    appFiles = [...walk(repoPath('dist')), ...walk(repoPath('build')), 'package.json'].filter((path) => selected(path, config.files));
    layout = join(scratchDir(), 'resources', 'app');
    for (const file of appFiles) {
      mkdirSync(dirname(join(layout, file)), { recursive: true });
      cpSync(repoPath(file), join(layout, file));
    }
    for (const module of productionModules()) cpSync(repoPath(module), join(layout, module), { recursive: true, dereference: true });
    pty = await startPtyPair(scratchDir());
  });
  after(() => pty?.stop());

  it('takes the app, the bundled renderer and preload, and leaves tests, benchmarks and maps out', () => {
    for (const needed of [config.extraMetadata.main, 'dist/electron/preload.cjs', 'dist/native/hub/Hub.js', 'dist/native/api/index.js', 'dist/renderer/index.html', 'dist/renderer/app.js', 'dist/renderer/xterm.css', 'dist/renderer/style.css', 'build/icons/icon.png']) {
      assert.ok(appFiles.includes(needed), `${needed} is packed`);
    }
    for (const file of appFiles) assert.doesNotMatch(file, /^dist\/(test|bench|tsbuildinfo)\/|\.map$|^dist\/renderer\/(state|components)\//, `${file} should not be packed`);
  });

  it('keeps the serialport binding outside the asar, and only what must be', () => {
    const prebuilds = walk(repoPath('node_modules', '@serialport', 'bindings-cpp', 'prebuilds')).filter((file) => file.endsWith('.node'));
    assert.ok(prebuilds.some((file) => file.includes('linux-x64')), 'the package ships a linux-x64 prebuild');
    for (const file of prebuilds) assert.ok(selected(file, config.asarUnpack), `${file} is unpacked`);
    assert.ok(!selected('dist/native/hub/Hub.js', config.asarUnpack));
    assert.ok(!selected('node_modules/ws/index.js', config.asarUnpack));
  });

  it('has every module main.js imports, Electron aside', () => {
    const seen = new Set<string>();
    const missing: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(join(layout, file), 'utf8');
      // The keywords, not a 'from' string literal (authorizedKeys' from= option).
      for (const [, specifier] of source.matchAll(/(?<!['"\w])(?:from|import)\s*['"]([^'"]+)['"]/g)) {
        if (specifier!.startsWith('.')) {
          const target = relative(layout, join(layout, dirname(file), specifier!));
          if (existsSync(join(layout, target))) visit(target);
          else missing.push(`${target} (from ${file})`);
        } else if (!specifier!.startsWith('node:') && specifier !== 'electron') {
          const name = specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!;
          if (!existsSync(join(layout, 'node_modules', name))) missing.push(`package ${name} (from ${file})`);
        }
      }
    };
    visit(config.extraMetadata.main);
    assert.deepEqual(missing, []);
    assert.ok(seen.size > 20, `main.js reaches ${seen.size} modules`);
  });

  it('loads the native binding from the packed layout and opens a serial port with it', () => {
    const script = `
      const { SerialPortLine } = await import('./dist/native/serial/SerialPortLine.js');
      const line = await SerialPortLine.open(${JSON.stringify(pty.device)}, { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'none' });
      const { createRequire } = await import('node:module');
      const binding = createRequire(import.meta.url).resolve('@serialport/bindings-cpp');
      console.log(binding);
      await line.close();`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: layout, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.ok(result.stdout.startsWith(join(layout, 'node_modules', '@serialport', 'bindings-cpp')), `resolved from ${result.stdout}`);
  });
});
