// `npm start`: the desktop app where Electron can run; otherwise — as on machines where
// the Electron binary cannot be downloaded — the same engine headless, with the UI served
// to a browser and the demo router on line 1. It says which, in one sentence.
// `npm start -- ARGS` passes ARGS on: to Electron, or in place of `--ui --demo` to
// `revtel serve` (e.g. `npm start -- --ui 9000 --line 2005:demo`).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const electronMain = `${root}dist/electron/main.js`;
// The installed `revtel` (the bundle package.json's bin names), not the unbundled modules.
const revtel = `${root}dist/native/cli/revtel.cjs`;

function electronBinary() {
  const pathFile = `${root}node_modules/electron/path.txt`;
  if (!existsSync(pathFile)) return undefined;
  const binary = `${root}node_modules/electron/dist/${readFileSync(pathFile, 'utf8').trim()}`;
  return existsSync(binary) ? binary : undefined;
}

const args = process.argv.slice(2);
const binary = electronBinary();
let child;
if (binary && existsSync(electronMain)) {
  child = spawn(binary, [electronMain, ...args], { stdio: 'inherit' });
} else if (args.length > 0) {
  console.log(`No Electron binary is installed here (ELECTRON_SKIP_BINARY_DOWNLOAD, or no network), so Revtel starts headless: revtel serve ${args.join(' ')}`);
  child = spawn(process.execPath, [revtel, 'serve', ...args], { stdio: 'inherit' });
} else {
  console.log('No Electron binary is installed here (ELECTRON_SKIP_BINARY_DOWNLOAD, or no network), so Revtel starts headless: open the URL below in a browser; the demo router is on line 1 (telnet 127.0.0.1 2001).');
  child = spawn(process.execPath, [revtel, 'serve', '--ui', '--demo'], { stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
