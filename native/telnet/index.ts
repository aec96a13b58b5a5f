// The telnet protocol engine: pure, no I/O, no clock, no Node or DOM types.
export * from './codes.js';
export * from './policy.js';
export * from './trace.js';
export * from './TelnetEngine.js';
export * from './options/comPort.js';
export * from './options/environ.js';
export * from './options/linemode.js';
export * from './options/status.js';
export * from './options/terminalSpeed.js';
export * from './options/terminalType.js';
export * from './options/windowSize.js';
