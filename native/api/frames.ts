import { ApiError } from './schema.js';

// One message as one binary frame, for transports that carry bytes (the WebSocket): the
// message as JSON with every Uint8Array replaced by {"$bytes": n}, and the byte arrays
// after it. Terminal output crosses as bytes, never as text: consoles are not always UTF-8.
//
//   u32 JSON length | JSON (UTF-8) | u32 count | (u32 length | bytes) × count

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_FRAME = 16 * 1024 * 1024;

export function encodeFrame(message: unknown): Uint8Array {
  const blobs: Uint8Array[] = [];
  // The holder's own value, not `value`: JSON.stringify has already turned a Node Buffer
  // into {type: 'Buffer', data: […]} through its toJSON by the time the replacer runs.
  const json = encoder.encode(JSON.stringify(message, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = this[key];
    if (original instanceof Uint8Array) {
      blobs.push(original);
      return { $bytes: blobs.length - 1 };
    }
    return value;
  }));
  const size = 8 + json.length + blobs.reduce((sum, blob) => sum + 4 + blob.length, 0);
  const frame = new Uint8Array(size);
  const view = new DataView(frame.buffer);
  view.setUint32(0, json.length);
  frame.set(json, 4);
  let offset = 4 + json.length;
  view.setUint32(offset, blobs.length);
  offset += 4;
  for (const blob of blobs) {
    view.setUint32(offset, blob.length);
    frame.set(blob, offset + 4);
    offset += 4 + blob.length;
  }
  return frame;
}

/** Decodes a frame; anything malformed is an ApiError, never a crash. */
export function decodeFrame(frame: Uint8Array): unknown {
  if (frame.length > MAX_FRAME) throw new ApiError(`A message of ${frame.length} bytes is too large`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  const read = (offset: number): number => {
    if (offset + 4 > frame.length) throw new ApiError('A message was cut short');
    return view.getUint32(offset);
  };
  const jsonLength = read(0);
  if (4 + jsonLength > frame.length) throw new ApiError('A message was cut short');
  let offset = 4 + jsonLength;
  const count = read(offset);
  offset += 4;
  const blobs: Uint8Array[] = [];
  for (let n = 0; n < count; n++) {
    const length = read(offset);
    if (offset + 4 + length > frame.length) throw new ApiError('A message was cut short');
    blobs.push(frame.slice(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  let message: unknown;
  try {
    message = JSON.parse(decoder.decode(frame.subarray(4, 4 + jsonLength)), (_key, value: unknown) => {
      if (typeof value === 'object' && value !== null && '$bytes' in value) {
        const blob = blobs[(value as { $bytes: number }).$bytes];
        if (!blob) throw new ApiError('A message refers to bytes it does not carry');
        return blob;
      }
      return value;
    });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError('A message is not valid JSON');
  }
  return message;
}
