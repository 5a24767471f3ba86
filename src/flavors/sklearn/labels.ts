// Owns a classifier's `classes_` and `classes_[indices]`: labels keep the type the model holds
// (int64, float, bool, str or Python objects), so MLflow's JSON prints them as scikit-learn's do.

import { allocate, type DType, type DTypeStorage } from '../../data/dtype.js';
import { markFloat } from '../../data/float-hint.js';
import { Tensor } from '../../data/tensor.js';
import { isPyFloat, type NdArray, type PyNode } from '../../pyobj/index.js';

const NUMERIC: Record<string, DType> = {
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  f4: 'float32',
  f8: 'float64',
};

/** Storage for `n` numeric labels (constructors named directly: V8 allocates these much faster than through a table). */
function newStorage(dtype: DType, n: number): DTypeStorage[DType] {
  switch (dtype) {
    case 'int64':
      return new BigInt64Array(n);
    case 'uint64':
      return new BigUint64Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
    default:
      return allocate(dtype, n);
  }
}

/** The 32-bit words of a 64-bit integer array (the same memory). */
function int32View(a: BigInt64Array | BigUint64Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length * 2);
}

/** A classifier's classes, in `classes_` order. */
export class Labels {
  readonly size: number;
  readonly #array: NdArray;
  readonly #dtype: DType;
  #words?: Int32Array;

  private constructor(array: NdArray, dtype: DType) {
    this.#array = array;
    this.#dtype = dtype;
    this.size = array.size;
  }

  /** Reads `classes_` (a 1-D numpy array of numbers, bools, str or objects). */
  static read(node: PyNode): Labels {
    const a = node.asArray();
    if (a.ndim !== 1) throw node.error(`should be a 1-D array of classes, found shape (${a.shape.join(', ')})`);
    const kind = a.dtype.kind;
    let dtype: DType | undefined;
    if (kind === 'b') dtype = 'bool';
    else if (kind === 'U') dtype = 'str';
    else if (kind === 'O') dtype = 'object';
    else if (kind === 'i' || kind === 'u' || kind === 'f') dtype = NUMERIC[`${kind}${a.dtype.itemsize}`];
    if (!dtype) throw node.error(`holds classes of dtype ${a.dtype.name}, which mlserve does not return`);
    return new Labels(a, dtype);
  }

  /** `classes_[indices]` as a tensor of the given shape (default `[indices.length]`). */
  take(indices: ArrayLike<number>, shape: readonly number[] = [indices.length]): Tensor {
    const n = indices.length;
    const src = this.#array.data as ArrayLike<unknown>;
    const dtype = this.#dtype;
    for (let i = 0; i < n; i++) {
      const k = indices[i];
      if (!(k >= 0 && k < this.size)) throw new RangeError(`class index ${k} is outside the model's ${this.size} classes`);
    }
    if (dtype === 'bool') return new Tensor('bool', shape, Array.from({ length: n }, (_, i) => src[indices[i]] === 1));
    if (dtype === 'str') return new Tensor('str', shape, Array.from({ length: n }, (_, i) => src[indices[i]] as string));
    if (dtype === 'object') {
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const k = indices[i];
        out[i] = src[k];
        // A Python float label (2.0) prints as a float.
        if (typeof src[k] === 'number' && isPyFloat(src as unknown[], k)) markFloat(out, i);
      }
      return new Tensor('object', shape, out);
    }
    const out = newStorage(dtype, n) as unknown as { [i: number]: unknown };
    if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
      // Copy the 64-bit patterns as int32 pairs: no BigInt is created per row.
      const from = this.#words ?? (this.#words = int32View(src as unknown as BigInt64Array));
      const to = int32View(out);
      for (let i = 0; i < n; i++) {
        const k = indices[i] << 1;
        to[i << 1] = from[k];
        to[(i << 1) + 1] = from[k + 1];
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = src[indices[i]];
    }
    return new Tensor(dtype, shape, out as unknown as DTypeStorage[typeof dtype]);
  }

  /** The class at index `k` as a tree value (for messages and comparisons). */
  item(k: number): unknown {
    return this.#array.item(k);
  }
}
