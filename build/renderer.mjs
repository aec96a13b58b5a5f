// Bundles renderer/ for the browser (and later Electron): dist/renderer/{index.html,app.js,app.css}.
// Type checking is tsc's job (renderer/tsconfig.json); esbuild only bundles.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/renderer`;
await mkdir(out, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { app: 'renderer/main.tsx', xterm: 'node_modules/@xterm/xterm/css/xterm.css', style: 'renderer/app.css' },
  bundle: true,
  outdir: out,
  format: 'esm',
  target: 'es2022',
  minify: process.env.REVTEL_DEV !== '1',
  sourcemap: true,
  jsx: 'automatic',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
});
await copyFile(`${root}renderer/index.html`, `${out}/index.html`);
