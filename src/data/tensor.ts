// Owns Tensor: an n-dimensional array (numpy's ndarray) with a dtype, a shape and row-major data.

import { type DType, type DTypeStorage, allocate, isFloat } from './dtype.js';
import { markFloat } from './float-hint.js';
import { cellToJs } from './cell.js';

/** An n-dimensional array handed to and returned by models; numpy's ndarray counterpart. */
export class Tensor<D extends DType = DType> {
  /** Element type. */
  readonly dtype: D;
  /** Dimensions; `[]` for a 0-d (scalar) tensor. */
  readonly shape: readonly number[];
  /** Elements in row-major order. */
  readonly data: DTypeStorage[D];

  constructor(dtype: D, shape: readonly number[], data: DTypeStorage[D]) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new RangeError(`Tensor data has ${data.length} elements but shape [${shape.join(', ')}] needs ${size}`);
    }
    this.dtype = dtype;
    this.shape = Object.freeze([...shape]);
    this.data = data;
  }

  /** A zero-filled tensor. */
  static zeros<D extends DType>(dtype: D, shape: readonly number[]): Tensor<D> {
    return new Tensor(dtype, shape, allocate(dtype, shape.reduce((a, b) => a * b, 1)));
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Element `i` (row-major) as a JavaScript value (see `cellToJs`). */
  at(i: number): unknown {
    return cellToJs(this.dtype, this.data, i);
  }

  /**
   * Nested arrays of JavaScript values: numbers for float and 8–32-bit int dtypes, numbers for
   * int64 values within ±2^53 (bigint beyond), booleans, strings, Uint8Array for bytes, Date for
   * datetimes (null for NaT). A 0-d tensor gives its single value.
   */
  toArray(): unknown {
    if (this.shape.length === 0) return this.at(0);
    let offset = 0;
    const float = isFloat(this.dtype);
    const build = (dim: number): unknown[] => {
      const n = this.shape[dim];
      const out = new Array(n);
      if (dim === this.shape.length - 1) {
        for (let i = 0; i < n; i++) {
          const v = this.at(offset++);
          out[i] = v;
          // Keep integral floats printing as floats (`1.0`) if the array is sent back.
          if (float && Number.isInteger(v)) markFloat(out, i);
        }
      } else {
        for (let i = 0; i < n; i++) out[i] = build(dim + 1);
      }
      return out;
    };
    return build(0);
  }

  /** The same data viewed with another shape of equal size. */
  reshape(shape: readonly number[]): Tensor<D> {
    return new Tensor(this.dtype, shape, this.data);
  }
}

/** True for Tensor instances (also across realms of the same module). */
export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}
