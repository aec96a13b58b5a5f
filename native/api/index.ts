// The contract between the back end and any UI. renderer/ and electron/ import only this.
export * from './contract.js';
export * from './channels.js';
export * from './frames.js';
export { ApiError } from './schema.js';
export { showText } from './showText.js';
