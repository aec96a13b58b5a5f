import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFrame, encodeFrame } from '../../../native/api/index.js';

describe('binary frames', () => {
  it('carry bytes as bytes next to JSON, Node Buffers included', () => {
    const message = { type: 'event', payload: { data: Buffer.from([0xff, 0x00, 0x1b]), list: [Uint8Array.of(1), 'text'] } };
    const decoded = decodeFrame(encodeFrame(message)) as { payload: { data: Uint8Array; list: [Uint8Array, string] } };
    assert.deepEqual([...decoded.payload.data], [0xff, 0x00, 0x1b]);
    assert.ok(decoded.payload.data instanceof Uint8Array);
    assert.deepEqual([...decoded.payload.list[0]], [1]);
    assert.equal(decoded.payload.list[1], 'text');
  });

  it('refuses a truncated frame, a bad reference or bad JSON with an ApiError', () => {
    const frame = encodeFrame({ data: Uint8Array.of(1, 2, 3) });
    assert.throws(() => decodeFrame(frame.subarray(0, frame.length - 1)), { name: 'ApiError', message: 'A message was cut short' });
    assert.throws(() => decodeFrame(encodeFrame({ $bytes: 3 })), { name: 'ApiError', message: 'A message refers to bytes it does not carry' });
    const broken = encodeFrame({ a: 1 });
    broken[5] = 0x7b;
    assert.throws(() => decodeFrame(broken), { name: 'ApiError' });
  });
});
