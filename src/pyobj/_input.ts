// Owns reading a pickle's bytes: bounds-checked fixed-size values, length-prefixed and line
// arguments, UTF-8 text and little-endian two's complement integers.

import { decodeUtf8, exactInt } from './_text.js';
import { PickleError } from './errors.js';
import type { Budget } from './limits.js';

/** The input of the pickle machine and the position it has read to. */
export class PickleInput {
  /** A plain Uint8Array: subarrays of a Buffer would be Buffers, with Buffer's slice() semantics. */
  readonly bytes: Uint8Array;
  /** The same bytes as a Buffer, for its text decoders. */
  readonly buf: Buffer;
  pos = 0;
  readonly #view: DataView;
  readonly #budget: Budget;

  constructor(bytes: Uint8Array, budget: Budget) {
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#budget = budget;
  }

  /** One unsigned byte. */
  u8(): number {
    return this.bytes[this.take(1)];
  }

  /** A little-endian uint16. */
  u16(): number {
    return this.#view.getUint16(this.take(2), true);
  }

  /** A little-endian int32. */
  i32(): number {
    return this.#view.getInt32(this.take(4), true);
  }

  /** A little-endian uint32. */
  u32(): number {
    return this.#view.getUint32(this.take(4), true);
  }

  /** BINFLOAT's big-endian float64. */
  f64be(): number {
    return this.#view.getFloat64(this.take(8), false);
  }

  /** Reserves `n` bytes and returns where they start. */
  take(n: number): number {
    const at = this.pos;
    if (n > this.bytes.length - at) throw new PickleError(`Pickle data is truncated: ${n} bytes needed, ${this.bytes.length - at} left`);
    this.pos = at + n;
    return at;
  }

  /** `n` bytes, as a view of the input. */
  slice(n: number): Uint8Array {
    const at = this.take(n);
    return this.bytes.subarray(at, at + n);
  }

  /** An 8-byte length (beyond 2^53 is beyond any input). */
  u64(): number {
    const at = this.take(8);
    const lo = this.#view.getUint32(at, true);
    const hi = this.#view.getUint32(at + 4, true);
    if (hi > 0x1fffff) throw new PickleError('8-byte length is beyond any input size');
    return hi * 4294967296 + lo;
  }

  /** The bounds of a text argument, up to (not including) its newline. */
  lineRange(): [number, number] {
    const start = this.pos;
    const nl = this.bytes.indexOf(0x0a, start);
    if (nl < 0) throw new PickleError('Pickle data is truncated: a text argument has no end of line');
    this.pos = nl + 1;
    return [start, nl];
  }

  /** `lineRange` as an object. */
  line(): { start: number; end: number } {
    const [start, end] = this.lineRange();
    return { start, end };
  }

  /** A text argument decoded as UTF-8. */
  lineUtf8(): string {
    const [start, end] = this.lineRange();
    return decodeUtf8(this.buf, start, end);
  }

  /** `n` bytes decoded as UTF-8 (surrogatepass). */
  utf8(n: number): string {
    const at = this.take(n);
    return decodeUtf8(this.buf, at, at + n);
  }

  long(n: number): number | bigint {
    // Little-endian two's complement, as Python's int.from_bytes(..., 'little', signed=True).
    const at = this.take(n);
    if (n === 0) return 0;
    const b = this.bytes;
    if (n <= 6) {
      let v = 0;
      for (let i = n - 1; i >= 0; i--) v = v * 256 + b[at + i];
      return b[at + n - 1] & 0x80 ? v - 2 ** (8 * n) : v;
    }
    this.#budget.alloc(n * 3, 'a big integer');
    let hex = '';
    for (let i = n - 1; i >= 0; i--) hex += b[at + i].toString(16).padStart(2, '0');
    let v = BigInt(`0x${hex}`);
    if (b[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return exactInt(v);
  }
}
