// The sandboxed preload: bundled to one CommonJS file (build/electron.mjs), as a sandboxed
// preload must be. It hands the page named functions, never ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import type { RevtelApi } from '../native/api/index.js';
import { createPreloadApi } from './preloadApi.js';

const api: RevtelApi = createPreloadApi(ipcRenderer);
contextBridge.exposeInMainWorld('revtel', api satisfies RevtelApi);
