// `node --import` this file to have every module the process resolves appended, one URL a
// line, to the file named by REVTEL_TEST_MODULE_LOG: what a command loads, seen from outside.
import { register } from 'node:module';

register('./moduleLogHooks.js', import.meta.url, { data: process.env['REVTEL_TEST_MODULE_LOG'] });
