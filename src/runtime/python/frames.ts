// Owns the frames between mlserve and a Python worker (pure): `u32 length | u32 header length | JSON header | payload`.
//
// Little-endian lengths. The header is padded with spaces so the payload starts 8-byte aligned, and
// each binary buffer sits 8-byte aligned inside the payload (numpy reads them in place);
// `header.bufs` lists `[offset, length]` of each. The Python side is `python/mlserve_worker/protocol.py`.

import { ServingError } from '../../errors.js';

const ALIGN = 8;

/** Largest frame accepted from a worker (a model answer of 2 GiB of JSON is not served). */
export const MAX_FRAME_BYTES = 2 ** 31 - 1;

/** Buffers of one frame's payload, appended in order; `add` returns the index values refer to. */
export class Payload {
  readonly parts: Uint8Array[] = [];
  readonly spans: [number, number][] = [];
  private size = 0;

  /** Appends `bytes` (kept by reference, not copied) and returns its index. */
  add(bytes: Uint8Array): number {
    const offset = Math.ceil(this.size / ALIGN) * ALIGN;
    this.parts.push(bytes);
    this.spans.push([offset, bytes.byteLength]);
    this.size = offset + bytes.byteLength;
    return this.spans.length - 1;
  }

  /** Payload length in bytes. */
  get byteLength(): number {
    return this.size;
  }
}

const PADDING = Buffer.alloc(ALIGN);

/**
 * The chunks of one frame (for `socket.cork()`/`write`), given the header fields as an object;
 * `bufs` is added from `payload`.
 */
export function encodeFrame(header: Record<string, unknown>, payload?: Payload): Buffer[] {
  const fields = payload && payload.spans.length ? { ...header, bufs: payload.spans } : header;
  let text = JSON.stringify(fields);
  text += ' '.repeat((ALIGN - ((4 + Buffer.byteLength(text)) % ALIGN)) % ALIGN);
  const head = Buffer.allocUnsafe(8);
  const headerBytes = Buffer.from(text);
  const size = payload?.byteLength ?? 0;
  head.writeUInt32LE(4 + headerBytes.length + size, 0);
  head.writeUInt32LE(headerBytes.length, 4);
  const chunks: Buffer[] = [head, headerBytes];
  let written = 0;
  payload?.parts.forEach((part, i) => {
    const [offset] = payload.spans[i];
    if (offset > written) chunks.push(PADDING.subarray(0, offset - written));
    chunks.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
    written = offset + part.byteLength;
  });
  return chunks;
}

/** A frame read back: the parsed header and the payload. */
export interface ReadFrame {
  readonly header: Record<string, unknown>;
  readonly payload: Buffer;
}

/** Buffer `i` of a frame (as `[offset, length]` in `header.bufs`). */
export function frameBuffer(frame: ReadFrame, i: number): Buffer {
  const spans = frame.header.bufs as [number, number][] | undefined;
  const span = spans?.[i];
  if (!span) throw new ServingError('INTERNAL_ERROR', `The Python worker referred to buffer ${i}, which its message does not have.`);
  return frame.payload.subarray(span[0], span[0] + span[1]);
}

/** Splits a byte stream into frames; throws ServingError on a frame that cannot be valid. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Adds bytes; returns the frames they complete, in order. */
  push(chunk: Buffer): ReadFrame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: ReadFrame[] = [];
    for (;;) {
      if (this.buffered < 4) return frames;
      const length = this.peekLength();
      if (length < 4 || length > MAX_FRAME_BYTES) throw new ServingError('INTERNAL_ERROR', `The Python worker sent a frame of ${length} bytes, which is not valid.`);
      if (this.buffered < 4 + length) return frames;
      const body = this.take(4 + length).subarray(4);
      const headerLength = body.readUInt32LE(0);
      if (headerLength > body.length - 4) throw new ServingError('INTERNAL_ERROR', 'The Python worker sent a frame whose header overruns it.');
      const header = JSON.parse(body.toString('utf8', 4, 4 + headerLength)) as Record<string, unknown>;
      frames.push({ header, payload: body.subarray(4 + headerLength) });
    }
  }

  private peekLength(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readUInt32LE(0);
    return Buffer.concat(this.chunks, 4).readUInt32LE(0);
  }

  /** Removes and returns the first `n` buffered bytes. */
  private take(n: number): Buffer {
    let out: Buffer;
    const first = this.chunks[0];
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}
