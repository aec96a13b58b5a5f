// NAWS, RFC 1073: width and height as 16-bit big-endian numbers.

export interface WindowSize {
  readonly cols: number;
  readonly rows: number;
}

export function encodeWindowSize(size: WindowSize): Uint8Array {
  const cols = clamp16(size.cols);
  const rows = clamp16(size.rows);
  return Uint8Array.of(cols >> 8, cols & 0xff, rows >> 8, rows & 0xff);
}

export function decodeWindowSize(payload: Uint8Array): WindowSize | undefined {
  if (payload.length !== 4) return undefined;
  return { cols: (payload[0]! << 8) | payload[1]!, rows: (payload[2]! << 8) | payload[3]! };
}

function clamp16(value: number): number {
  return Math.max(0, Math.min(0xffff, Math.trunc(value)));
}
