import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FrameReader, MAX_FRAME_BYTES, Payload, encodeFrame, frameBuffer } from './frames.js';

function roundTrip(header: Record<string, unknown>, buffers: Uint8Array[], chunkSize: number) {
  const payload = new Payload();
  for (const b of buffers) payload.add(b);
  const bytes = Buffer.concat(encodeFrame(header, payload));
  const reader = new FrameReader();
  const frames = [];
  for (let i = 0; i < bytes.length; i += chunkSize) frames.push(...reader.push(bytes.subarray(i, i + chunkSize)));
  return { bytes, frames };
}

describe('worker frames', () => {
  it('read back the header and every buffer, however the bytes are split', () => {
    const buffers = [Buffer.from('abc'), new Uint8Array(new Float64Array([1.5, -2]).buffer), Buffer.alloc(0), Buffer.from('é')];
    for (const chunk of [1, 3, 7, 1000]) {
      const { frames } = roundTrip({ k: 'predict', id: 7 }, buffers, chunk);
      assert.equal(frames.length, 1);
      assert.equal(frames[0].header.k, 'predict');
      assert.equal(frames[0].header.id, 7);
      assert.deepEqual(buffers.map((_, i) => [...frameBuffer(frames[0], i)]), buffers.map((b) => [...b]));
    }
  });

  it('start the payload and every buffer 8-byte aligned in the frame body (numpy reads them in place)', () => {
    const { bytes, frames } = roundTrip({ k: 'x' }, [Buffer.from('a'), Buffer.from('bcdefghijk'), Buffer.from('z')], 1000);
    // The worker reads the body (everything after the length) into a buffer of its own.
    const headerLength = bytes.readUInt32LE(4);
    assert.equal((4 + headerLength) % 8, 0);
    for (const [offset] of frames[0].header.bufs as [number, number][]) assert.equal(offset % 8, 0);
  });

  it('read several frames from one chunk, and keep a partial one for later', () => {
    const one = Buffer.concat(encodeFrame({ n: 1 }));
    const two = Buffer.concat(encodeFrame({ n: 2 }));
    const reader = new FrameReader();
    const frames = reader.push(Buffer.concat([one, two, two.subarray(0, 5)]));
    assert.deepEqual(frames.map((f) => f.header.n), [1, 2]);
    assert.deepEqual(reader.push(two.subarray(5)).map((f) => f.header.n), [2]);
  });

  it('refuse a length no frame can have', () => {
    const bad = Buffer.alloc(8);
    bad.writeUInt32LE(MAX_FRAME_BYTES + 1, 0);
    assert.throws(() => new FrameReader().push(bad), /frame of \d+ bytes, which is not valid/);
  });

  it('refuse a header that overruns its frame', () => {
    const bad = Buffer.alloc(12);
    bad.writeUInt32LE(8, 0);
    bad.writeUInt32LE(100, 4);
    assert.throws(() => new FrameReader().push(bad), /header overruns/);
  });

  it('name a buffer the frame does not have', () => {
    const [frame] = new FrameReader().push(Buffer.concat(encodeFrame({ k: 'x' })));
    assert.throws(() => frameBuffer(frame, 0), /buffer 0, which its message does not have/);
  });
});
