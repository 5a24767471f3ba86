// Owns the structured-clone form of model inputs and outputs sent to worker threads.
//
// Structured clone keeps typed arrays but drops class prototypes (Frame, Tensor, Buffer) and the
// WeakMap-held float marks and key orders, so values are tagged on the way out and rebuilt on the
// way in. Typed-array columns pass untouched (cloned or transferred); only object cells are walked.

import { Frame, type Column } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import type { DType, DTypeStorage } from '../data/dtype.js';
import { isMarkedFloat, markFloat } from '../data/float-hint.js';
import { orderedKeys, recordKeyOrder, isIndexKey } from '../data/key-order.js';
import { isPlainObject } from '../data/pytype.js';

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
  | { readonly t: 'list'; readonly items: Wire[] }
  | { readonly t: 'obj'; readonly keys: string[]; readonly vals: Wire[] }
  | { readonly t: 'typed'; readonly data: ArrayBufferView }
  | { readonly t: 'undef' };

function cell(container: object, key: string | number, v: unknown): Wire {
  if (typeof v === 'number' && Number.isInteger(v) && isMarkedFloat(container, key)) return { t: 'f', v };
  return toWire(v);
}

function storageToWire(dtype: DType, values: unknown): unknown {
  if (dtype === 'object') return (values as unknown[]).map((v, i) => cell(values as unknown[], i, v));
  if (dtype === 'bytes') return (values as Uint8Array[]).map((b) => ({ t: 'bytes', data: b }));
  return values;
}

/** Converts a value to its wire form. */
export function toWire(v: unknown): Wire {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
  if (v === undefined) return { t: 'undef' };
  if (v instanceof Frame) {
    return { t: 'frame', n: v.numRows, cols: v.cols.map((c) => ({ name: c.name, dtype: c.dtype, values: storageToWire(c.dtype, c.values) })) };
  }
  if (v instanceof Tensor) return { t: 'tensor', dtype: v.dtype, shape: [...v.shape], data: storageToWire(v.dtype, v.data) };
  if (Buffer.isBuffer(v)) return { t: 'bytes', data: v };
  if (v instanceof Date) return { t: 'date', ms: v.getTime() };
  if (ArrayBuffer.isView(v)) return { t: 'typed', data: v };
  if (Array.isArray(v)) return { t: 'list', items: v.map((x, i) => cell(v, i, x)) };
  if (isPlainObject(v)) {
    const keys = orderedKeys(v);
    return { t: 'obj', keys, vals: keys.map((k) => cell(v, k, v[k])) };
  }
  // Anything else (Set, class instances) goes as is; the encoder reports it as unserializable.
  return v as Wire;
}

function storageFromWire(dtype: DType, values: unknown): DTypeStorage[DType] {
  if (dtype === 'object') return fromList(values as Wire[]);
  if (dtype === 'bytes') return (values as { data: Uint8Array }[]).map((b) => asBuffer(b.data));
  return values as DTypeStorage[DType];
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function fromList(items: Wire[]): unknown[] {
  const out = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const w = items[i];
    if (w !== null && typeof w === 'object' && w.t === 'f') {
      out[i] = w.v;
      markFloat(out, i);
    } else out[i] = fromWire(w);
  }
  return out;
}

/** Rebuilds a value from its wire form. */
export function fromWire(w: Wire): unknown {
  if (w === null || typeof w !== 'object') return w;
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
    case 'list':
      return fromList(w.items);
    case 'obj': {
      const out: Record<string, unknown> = {};
      w.keys.forEach((k, i) => {
        const x = w.vals[i];
        if (x !== null && typeof x === 'object' && x.t === 'f') {
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
