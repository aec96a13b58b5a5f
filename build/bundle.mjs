// Bundles what tsc cannot ship as it is: the renderer for the browser and Electron
// (dist/renderer/{index.html,app.js,xterm.css,style.css}) and the sandboxed preload, which
// must be one CommonJS file (dist/electron/preload.cjs). Type checking is tsc's job.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = { absWorkingDir: root, bundle: true, sourcemap: true, logLevel: 'warning', minify: process.env.REVTEL_DEV !== '1' };

await mkdir(`${root}dist/renderer`, { recursive: true });
await build({
  ...common,
  entryPoints: { app: 'renderer/main.tsx', xterm: 'node_modules/@xterm/xterm/css/xterm.css', style: 'renderer/app.css' },
  outdir: `${root}dist/renderer`,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
});
await copyFile(`${root}renderer/index.html`, `${root}dist/renderer/index.html`);

await build({
  ...common,
  entryPoints: ['electron/preload.ts'],
  outfile: `${root}dist/electron/preload.cjs`,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['electron'],
});
