// Owns the structured-clone form of model inputs and outputs sent to worker threads.
//
// Structured clone keeps typed arrays but drops class prototypes (Frame, Tensor, Buffer) and the
// WeakMap-held float marks and key orders, so values are tagged on the way out and rebuilt on the
// way in. Typed-array columns pass untouched (cloned or transferred); only object cells are walked.
// Lists stay plain arrays (one clone level per level), and nesting is bounded: the receiving
// thread's structured-clone reader recurses, and a message it cannot read would be lost.

import { Frame, type Column } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import type { DType, DTypeStorage } from '../data/dtype.js';
import { isMarkedFloat, markFloat } from '../data/float-hint.js';
import { orderedKeys, recordKeyOrder, isIndexKey } from '../data/key-order.js';
import { isPlainObject } from '../data/pytype.js';
import { ServingError } from '../errors.js';

/** Deepest nesting a value may have to cross threads: above the request parser's 1000, well below what V8's clone reader takes. */
export const MAX_WIRE_DEPTH = 1100;

/** A value in its wire form. */
export type Wire =
  | null
  | boolean
  | number
  | bigint
  | string
  | { readonly t: 'f'; readonly v: number }
  | { readonly t: 'frame'; readonly n: number; readonly cols: { name: string | number; dtype: DType; values: unknown }[] }
  | { readonly t: 'tensor'; readonly dtype: DType; readonly shape: number[]; readonly data: unknown }
  | { readonly t: 'bytes'; readonly data: Uint8Array }
  | { readonly t: 'date'; readonly ms: number }
  | Wire[]
  | { readonly t: 'obj'; readonly keys: string[]; readonly vals: Wire[] }
  | { readonly t: 'typed'; readonly data: ArrayBufferView }
  | { readonly t: 'undef' };

function cell(container: object, key: string | number, v: unknown, depth: number): Wire {
  if (typeof v === 'number' && Number.isInteger(v) && isMarkedFloat(container, key)) return { t: 'f', v };
  return wire(v, depth);
}

function storageToWire(dtype: DType, values: unknown, depth: number): unknown {
  if (dtype === 'object') return (values as unknown[]).map((v, i) => cell(values as unknown[], i, v, depth));
  if (dtype === 'bytes') return (values as Uint8Array[]).map((b) => ({ t: 'bytes', data: b }));
  return values;
}

function wire(v: unknown, depth: number): Wire {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
  if (v === undefined) return { t: 'undef' };
  if (typeof v === 'function' || typeof v === 'symbol') {
    // Structured clone would throw for the whole message; this value fails alone, as the JSON encoder fails it.
    throw new ServingError('INTERNAL_ERROR', `Model output of type ${typeof v} is not JSON serializable`);
  }
  if (depth >= MAX_WIRE_DEPTH) throw new ServingError('INTERNAL_ERROR', `The value is nested deeper than ${MAX_WIRE_DEPTH} levels and cannot be passed between threads.`);
  const d = depth + 1;
  if (v instanceof Frame) {
    return { t: 'frame', n: v.numRows, cols: v.cols.map((c) => ({ name: c.name, dtype: c.dtype, values: storageToWire(c.dtype, c.values, d) })) };
  }
  if (v instanceof Tensor) return { t: 'tensor', dtype: v.dtype, shape: [...v.shape], data: storageToWire(v.dtype, v.data, d) };
  if (Buffer.isBuffer(v)) return { t: 'bytes', data: v };
  if (v instanceof Date) return { t: 'date', ms: v.getTime() };
  if (ArrayBuffer.isView(v)) return { t: 'typed', data: v };
  if (Array.isArray(v)) {
    const out = new Array<Wire>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cell(v, i, v[i], d);
    return out;
  }
  if (isPlainObject(v)) {
    const keys = orderedKeys(v);
    return { t: 'obj', keys, vals: keys.map((k) => cell(v, k, v[k], d)) };
  }
  // Anything else (Set, class instances) goes as is; the encoder reports it as unserializable.
  return v as Wire;
}

/**
 * Converts a value to its wire form. Throws ServingError (INTERNAL_ERROR) for functions and
 * symbols, and for values nested deeper than MAX_WIRE_DEPTH.
 */
export function toWire(v: unknown): Wire {
  return wire(v, 0);
}

function storageFromWire(dtype: DType, values: unknown): DTypeStorage[DType] {
  if (dtype === 'object') return fromList(values as Wire[]);
  if (dtype === 'bytes') return (values as { data: Uint8Array }[]).map((b) => asBuffer(b.data));
  return values as DTypeStorage[DType];
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function isFloatWire(w: Wire): w is { readonly t: 'f'; readonly v: number } {
  return w !== null && typeof w === 'object' && !Array.isArray(w) && w.t === 'f';
}

function fromList(items: Wire[]): unknown[] {
  const out = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const w = items[i];
    if (isFloatWire(w)) {
      out[i] = w.v;
      markFloat(out, i);
    } else out[i] = fromWire(w);
  }
  return out;
}

/** Rebuilds a value from its wire form. */
export function fromWire(w: Wire): unknown {
  if (w === null || typeof w !== 'object') return w;
  if (Array.isArray(w)) return fromList(w);
  switch (w.t) {
    case 'f':
      return w.v;
    case 'undef':
      return undefined;
    case 'frame':
      return new Frame(
        w.cols.map((c): Column => ({ name: c.name, dtype: c.dtype, values: storageFromWire(c.dtype, c.values) })),
        w.n,
      );
    case 'tensor':
      return new Tensor(w.dtype, w.shape, storageFromWire(w.dtype, w.data));
    case 'bytes':
      return asBuffer(w.data);
    case 'date':
      return new Date(w.ms);
    case 'typed':
      return w.data;
    case 'obj': {
      const out: Record<string, unknown> = {};
      w.keys.forEach((k, i) => {
        const x = w.vals[i];
        if (isFloatWire(x)) {
          out[k] = x.v;
          markFloat(out, k);
        } else if (k === '__proto__') Object.defineProperty(out, k, { value: fromWire(x), enumerable: true, writable: true, configurable: true });
        else out[k] = fromWire(x);
      });
      if (w.keys.some(isIndexKey)) recordKeyOrder(out, w.keys);
      return out;
    }
    default:
      return w;
  }
}
