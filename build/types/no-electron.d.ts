// native/ runs without Electron (`revtel serve`), so its tsconfig maps 'electron' here:
// this module exports nothing, and any import from 'electron' in native/ fails to compile.
export {};
