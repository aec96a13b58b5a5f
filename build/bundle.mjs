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

// The `revtel` command as users install it (package.json's bin): one CommonJS file. An
// idle `revtel serve` on a Raspberry Pi is mostly Node itself; loading ~60 ES modules and
// serialport's ~50 CommonJS files runs Node's module resolution so often that V8 compiles
// its path functions with its optimizing compiler, which maps megabytes of Node's own code,
// and ES modules cost a loader of their own. What a command does not need still waits:
// esbuild evaluates a module imported with import() only when that import() runs, and the
// libraries behind such imports are required then: ssh2 and ws from node_modules, the
// YAML parser (seventy files of its own) from yaml.cjs, bundled beside revtel.cjs.
// Measured by `npm run bench:serve` (idle memory) and proven by serveLoads.test.ts.
const cliLibraries = {
  name: 'cli-libraries',
  setup(build) {
    // The tsc build requires serialport through createRequire (see native/serial/serialport.ts);
    // here its files are bundled, so it is imported.
    build.onLoad({ filter: /[\\/]native[\\/]serial[\\/]serialport\.ts$/ }, () => ({ contents: "export { SerialPort } from 'serialport';", loader: 'ts' }));
    // The native binding is looked up from the bindings package's own folder, not from the bundle's.
    build.onLoad({ filter: /[\\/]@serialport[\\/]bindings-cpp[\\/]dist[\\/]serialport-bindings\.js$/ }, () => ({
      contents: "exports.binding = require('node-gyp-build')(require('node:path').dirname(require.resolve('@serialport/bindings-cpp/package.json')));",
      loader: 'js',
    }));
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: './yaml.cjs', external: true }));
  },
};
await build({
  ...common,
  // A user never sees a stack trace; the map stays out of the package.
  sourcemap: 'linked',
  keepNames: true,
  entryPoints: ['native/cli/main.ts'],
  outfile: `${root}dist/native/cli/revtel.cjs`,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['ssh2', 'ws', '@serialport/bindings-cpp/package.json'],
  // import('yaml') is required, not imported: no ES module loader for one library.
  supported: { 'dynamic-import': false },
  plugins: [cliLibraries],
  // The bundle sits where tsc's main.js does, so the URLs it builds from its own (the
  // package's version, the UI's files) point where they did.
  define: { 'import.meta.url': 'bundleUrl' },
  // The banner comes before esbuild's own "use strict", which would then be no directive.
  banner: { js: "'use strict'; const bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// The YAML parser as one file, required by revtel.cjs only for a config file.
await build({
  ...common,
  sourcemap: false,
  entryPoints: ['node_modules/yaml/dist/index.js'],
  outfile: `${root}dist/native/cli/yaml.cjs`,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
});
