// `node --import` this file to have every module the process loads appended, one URL a
// line, to the file named by REVTEL_TEST_MODULE_LOG: what a command loads, seen from outside.
// ES modules are seen by a resolve hook; CommonJS files (the bundled `revtel` is one, and
// it requires its libraries and serialport's native binding) by the modules that each
// require() adds to require.cache, and Node's own modules required by name as node:NAME.
import { appendFileSync } from 'node:fs';
import { createRequire, isBuiltin, Module, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const logFile = process.env['REVTEL_TEST_MODULE_LOG'];
register('./moduleLogHooks.js', import.meta.url, { data: logFile });

const cache = createRequire(import.meta.url).cache;
const logged = new Set<string>();
const cjsRequire = Module.prototype.require;
Module.prototype.require = function logRequire(this: Module, id: string) {
  const exported: unknown = cjsRequire.call(this, id);
  if (logFile) {
    const added = Object.keys(cache).filter((file) => !logged.has(file)).map((file) => pathToFileURL(file).href);
    if (isBuiltin(id)) added.push(`node:${id.replace(/^node:/, '')}`);
    const fresh = added.filter((url) => !logged.has(url));
    fresh.forEach((url) => logged.add(url));
    if (fresh.length > 0) appendFileSync(logFile, fresh.map((url) => `${url}\n`).join(''));
  }
  return exported;
} as typeof cjsRequire;
