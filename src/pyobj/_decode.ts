// Owns turning numpy's raw element bytes into typed storage: views where the bytes allow it,
// aligned copies where they do not, byte swapping, Fortran-to-C reordering, field gathering.

import type { Budget } from './limits.js';
import type { NpDType } from './dtype.js';
import { PickleError } from './errors.js';
import type { PyValue } from './tree.js';

/** Storage of an `NdArray`'s elements (see `NdArray.data`). */
export type NdData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Float32Array
  | Float64Array
  | string[]
  | Uint8Array[]
  | PyValue[];

type TypedCtor =
  | Uint8ArrayConstructor
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | BigUint64ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

/** What one string or Uint8Array element costs on the heap beyond its bytes (an estimate, for the budget). */
const ELEMENT_OVERHEAD_BYTES = 64;

/** The typed array holding a numeric dtype, and how many of its elements make one item (2 for complex). */
export function storageOf(dtype: NpDType): { ctor: TypedCtor; lanes: number } | undefined {
  const s = dtype.itemsize;
  switch (dtype.kind) {
    case 'b':
      return { ctor: Uint8Array, lanes: 1 };
    case 'i':
      return { ctor: s === 1 ? Int8Array : s === 2 ? Int16Array : s === 4 ? Int32Array : BigInt64Array, lanes: 1 };
    case 'u':
      return { ctor: s === 1 ? Uint8Array : s === 2 ? Uint16Array : s === 4 ? Uint32Array : BigUint64Array, lanes: 1 };
    case 'f':
      // float16 stays as its IEEE bit patterns, as data/ and onnxruntime keep it.
      return { ctor: s === 2 ? Uint16Array : s === 4 ? Float32Array : Float64Array, lanes: 1 };
    case 'c':
      return { ctor: s === 8 ? Float32Array : Float64Array, lanes: 2 };
    case 'M':
    case 'm':
      return { ctor: BigInt64Array, lanes: 1 };
    default:
      return undefined;
  }
}

/**
 * Decodes `count` contiguous items of `dtype` starting at `src[start]` into C-order storage.
 * The caller has checked that the bytes are present. Native, aligned numeric data is viewed,
 * not copied.
 */
export function decodeItems(src: Uint8Array, start: number, count: number, dtype: NpDType, budget: Budget): NdData {
  const bytes = count * dtype.itemsize;
  const storage = storageOf(dtype);
  if (storage) {
    const { ctor, lanes } = storage;
    const width = dtype.itemsize / lanes;
    const n = count * lanes;
    let out: NdData;
    const at = src.byteOffset + start;
    if (dtype.byteOrder !== '>' && at % width === 0) {
      out = new ctor(src.buffer as ArrayBuffer, at, n);
    } else {
      budget.alloc(bytes, `a ${dtype.name} array`);
      const copy = copyBytes(src, start, bytes);
      if (dtype.byteOrder === '>') swapInPlace(copy, width);
      out = new ctor(copy.buffer as ArrayBuffer, 0, n);
    }
    if (dtype.kind === 'b') out = normaliseBool(out as Uint8Array, budget);
    return out;
  }
  switch (dtype.kind) {
    case 'S': {
      // One Uint8Array view per element: charge its heap cost, which the bytes alone do not bound.
      budget.count(count);
      budget.alloc(count * ELEMENT_OVERHEAD_BYTES, `a ${dtype.name} array`);
      const out: Uint8Array[] = new Array(count);
      for (let i = 0, o = start; i < count; i++, o += dtype.itemsize) {
        let end = o + dtype.itemsize;
        while (end > o && src[end - 1] === 0) end--;
        out[i] = src.subarray(o, end);
      }
      return out;
    }
    case 'U': {
      budget.count(count);
      budget.alloc(bytes + count * ELEMENT_OVERHEAD_BYTES, `a ${dtype.name} array`);
      return decodeUtf32(src, start, count, dtype.itemsize, dtype.byteOrder === '>');
    }
    case 'V':
      return src.subarray(start, start + bytes);
    default:
      throw new PickleError(`Cannot decode ${dtype.name} elements from bytes (object arrays are pickled as lists)`);
  }
}

/** A copy of `length` bytes in a new, aligned buffer (Buffer's own slice() would only view them). */
export function copyBytes(src: Uint8Array, start: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(src.subarray(start, start + length));
  return out;
}

function swapInPlace(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (width === 2) buf.swap16();
  else if (width === 4) buf.swap32();
  else buf.swap64();
}

// numpy reads any non-zero byte as True; keep booleans as 0/1.
function normaliseBool(data: Uint8Array, budget: Budget): Uint8Array {
  let clean = true;
  for (let i = 0; i < data.length; i++) if (data[i] > 1) clean = false;
  if (clean) return data;
  budget.alloc(data.length, 'a bool array');
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0;
  return out;
}

function decodeUtf32(src: Uint8Array, start: number, count: number, itemsize: number, bigEndian: boolean): string[] {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const out: string[] = new Array(count);
  const chars = itemsize / 4;
  const units: number[] = [];
  for (let i = 0; i < count; i++) {
    const o = start + i * itemsize;
    let n = chars;
    while (n > 0 && view.getUint32(o + (n - 1) * 4, !bigEndian) === 0) n--;
    units.length = 0;
    for (let c = 0; c < n; c++) {
      const cp = view.getUint32(o + c * 4, !bigEndian);
      if (cp > 0x10ffff) throw new PickleError(`Invalid code point 0x${cp.toString(16)} in a numpy str array`);
      if (cp > 0xffff) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      else units.push(cp);
    }
    out[i] = fromCharCodes(units);
  }
  return out;
}

/** A string from UTF-16 code units, in chunks (spreading a huge array would overflow the stack). */
export function fromCharCodes(units: number[]): string {
  if (units.length < 4096) return String.fromCharCode(...units);
  let s = '';
  for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.slice(i, i + 4096));
  return s;
}

/**
 * Reorders items stored in Fortran order into C order. `lanes` values make one item (2 for
 * complex, itemsize for raw void bytes).
 */
export function fortranToC<T extends NdData>(data: T, shape: readonly number[], lanes: number, budget: Budget): T {
  if (shape.length < 2) return data;
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 0) return data;
  const out = (ArrayBuffer.isView(data) ? new (data.constructor as new (n: number) => T)(data.length) : new Array(data.length)) as T;
  if (ArrayBuffer.isView(data)) budget.alloc((data as Uint8Array).byteLength, 'a Fortran-order array');
  const nd = shape.length;
  const fStride: number[] = new Array(nd);
  for (let k = 0, s = 1; k < nd; k++) {
    fStride[k] = s;
    s *= shape[k];
  }
  const counter = new Array<number>(nd).fill(0);
  const src = data as unknown as ArrayLike<unknown>;
  const dst = out as unknown as { [i: number]: unknown };
  let f = 0;
  for (let c = 0; c < size; c++) {
    for (let l = 0; l < lanes; l++) dst[c * lanes + l] = src[f * lanes + l];
    // Advance the C-order counter (last axis fastest) and the matching Fortran offset.
    for (let k = nd - 1; k >= 0; k--) {
      counter[k]++;
      f += fStride[k];
      if (counter[k] < shape[k]) break;
      f -= fStride[k] * shape[k];
      counter[k] = 0;
    }
  }
  return out;
}

/**
 * Copies the bytes of one field out of `count` records of `itemsize` bytes into a contiguous
 * buffer (`size` bytes per record, from `offset` in each).
 */
export function gatherField(records: Uint8Array, count: number, itemsize: number, offset: number, size: number, budget: Budget): Uint8Array {
  budget.alloc(count * size, 'a structured array field');
  const out = new Uint8Array(count * size);
  if (size % 4 === 0 && itemsize % 4 === 0 && offset % 4 === 0 && records.byteOffset % 4 === 0) {
    // Aligned fields (sklearn's tree nodes): move 32-bit words, not bytes.
    const src = new Int32Array(records.buffer, records.byteOffset, records.byteLength >> 2);
    const dst = new Int32Array(out.buffer);
    const words = size >> 2;
    const step = itemsize >> 2;
    if (words === 2) {
      for (let i = 0, j = offset >> 2, d = 0; i < count; i++, j += step, d += 2) {
        dst[d] = src[j];
        dst[d + 1] = src[j + 1];
      }
    } else {
      for (let i = 0, j = offset >> 2, d = 0; i < count; i++, j += step) for (let w = 0; w < words; w++) dst[d++] = src[j + w];
    }
    return out;
  }
  for (let i = 0, o = offset, d = 0; i < count; i++, o += itemsize) for (let b = 0; b < size; b++) out[d++] = records[o + b];
  return out;
}
