// TextEncoder and TextDecoder exist in every runtime Revtel runs in (Node, browsers,
// Electron); the contract's pure tsconfig has neither the DOM nor Node's types.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: Uint8Array): string;
}
