// Owns NdArray, the readers' numpy array: a dtype, a shape and C-order native-endian storage,
// with the conversions estimator code needs (float64/float32/int32 typed arrays, struct fields).

import { type NdData, decodeItems, gatherField } from './_decode.js';
import { NpDType } from './dtype.js';
import { PyTreeError } from './errors.js';
import { Budget, DEFAULT_LIMITS } from './limits.js';
import { PyComplex, type PyValue } from './tree.js';

export type { NdData } from './_decode.js';

/**
 * A numpy array (or numpy scalar: a 0-d array with `isScalar`). `data` holds the elements in C
 * (row-major) order and little-endian byte order, whatever order the file had:
 *
 * | dtype | `data` |
 * | --- | --- |
 * | bool | `Uint8Array` of 0/1 |
 * | int8/16/32/64 | `Int8Array`, `Int16Array`, `Int32Array`, `BigInt64Array` |
 * | uint8/16/32/64 | `Uint8Array`, `Uint16Array`, `Uint32Array`, `BigUint64Array` |
 * | float16/32/64 | `Uint16Array` (IEEE half bit patterns), `Float32Array`, `Float64Array` |
 * | complex64/128 | `Float32Array`/`Float64Array`, real and imaginary parts interleaved |
 * | datetime64/timedelta64 | `BigInt64Array` of counts of `dtype.unit` (NaT is −2^63) |
 * | bytes (`S`) | `Uint8Array[]`, trailing NULs stripped as numpy does |
 * | str (`U`) | `string[]`, trailing NULs stripped |
 * | void, structured (`V`) | `Uint8Array` of the raw records; read fields with `field()` |
 * | object (`O`) | `PyValue[]` |
 *
 * Numeric data may view the file's bytes (no copy when aligned and little-endian): do not write
 * to it, and do not change the input buffer while the tree is in use.
 */
export class NdArray {
  readonly dtype!: NpDType;
  readonly shape!: readonly number[];
  readonly data!: NdData;
  /** True for a numpy scalar (`numpy.float64(1.5)`), which is 0-d. */
  readonly isScalar!: boolean;
  /** The Python class: `numpy.ndarray`, a subclass (`numpy.matrix`), or the scalar type. */
  readonly pyClass!: string;

  constructor(dtype: NpDType, shape: readonly number[], data: NdData, options: { isScalar?: boolean; pyClass?: string } = {}) {
    setArray(this, dtype, shape, data, options);
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * Element `i` (C order) as a tree value: number (bigint for 64-bit ints beyond 2^53), boolean,
   * PyComplex, bigint for datetimes, string, Uint8Array for bytes and void records, or the object.
   */
  item(i: number): PyValue {
    const d = this.data as ArrayLike<unknown>;
    switch (this.dtype.kind) {
      case 'b':
        return d[i] === 1;
      case 'i':
      case 'u': {
        const v = d[i];
        return typeof v === 'bigint' ? bigToNumber(v) : (v as number);
      }
      case 'f':
        return this.dtype.itemsize === 2 ? halfToNumber(d[i] as number) : (d[i] as number);
      case 'c':
        return new PyComplex(d[2 * i] as number, d[2 * i + 1] as number);
      case 'M':
      case 'm':
        return d[i] as bigint;
      case 'V':
        return (this.data as Uint8Array).subarray(i * this.dtype.itemsize, (i + 1) * this.dtype.itemsize);
      default:
        return d[i] as PyValue;
    }
  }

  /** Nested arrays of `item` values, as numpy's `tolist()`; a 0-d array gives its element. */
  toList(): PyValue {
    if (this.shape.length === 0) return this.item(0);
    let next = 0;
    const build = (dim: number): PyValue[] => {
      const n = this.shape[dim];
      const out: PyValue[] = new Array(n);
      for (let k = 0; k < n; k++) out[k] = dim === this.shape.length - 1 ? this.item(next++) : build(dim + 1);
      return out;
    };
    return build(0);
  }

  /**
   * The elements as float64 (numpy's `astype(np.float64)`): the storage itself for float64
   * (no copy; do not write to it), a converted copy for other numbers. Fails for other kinds.
   */
  toFloat64Array(): Float64Array {
    const { kind, itemsize } = this.dtype;
    const d = this.data;
    if (d instanceof Float64Array && kind === 'f') return d;
    if (kind === 'f' && itemsize === 2) return Float64Array.from(d as Uint16Array, halfToNumber);
    if ((kind === 'i' || kind === 'u') && itemsize === 8) return int64ToFloat64(d as BigInt64Array | BigUint64Array, kind === 'i');
    if (kind === 'b' || kind === 'i' || kind === 'u' || kind === 'f') return new Float64Array(d as Float32Array);
    throw new PyTreeError(`Cannot read a ${this.dtype.name} array as float64`, '');
  }

  /** The elements as float32 (the storage itself for float32; rounded copies otherwise). */
  toFloat32Array(): Float32Array {
    if (this.data instanceof Float32Array && this.dtype.kind === 'f') return this.data;
    return new Float32Array(this.toFloat64Array());
  }

  /**
   * The elements as int32 (the storage itself for int32): bool and integer kinds whose values
   * all fit; fails on floats and on values beyond int32.
   */
  toInt32Array(): Int32Array {
    const { kind, itemsize } = this.dtype;
    const d = this.data;
    if (kind !== 'b' && kind !== 'i' && kind !== 'u') throw new PyTreeError(`Cannot read a ${this.dtype.name} array as int32`, '');
    if (d instanceof Int32Array) return d;
    if (itemsize < 4 || (kind === 'i' && itemsize === 4)) return new Int32Array(d as Int16Array);
    if (itemsize === 4) {
      const u = d as Uint32Array;
      for (let i = 0; i < u.length; i++) if (u[i] > 0x7fffffff) throw new PyTreeError(`uint32 value ${u[i]} does not fit in int32`, '');
      return new Int32Array(u);
    }
    const words = new Int32Array((d as BigInt64Array).buffer, (d as BigInt64Array).byteOffset, d.length * 2);
    const out = new Int32Array(d.length);
    for (let i = 0; i < out.length; i++) {
      const lo = words[2 * i];
      const hi = words[2 * i + 1];
      if (hi !== (kind === 'i' ? lo >> 31 : 0) || (kind === 'u' && lo < 0)) throw new PyTreeError(`${this.dtype.name} value ${String(d[i])} does not fit in int32`, '');
      out[i] = lo;
    }
    return out;
  }

  /**
   * One field of a structured array: an array of the field's dtype with this array's shape
   * (plus the field's subarray shape), decoded into native order.
   */
  field(name: string): NdArray {
    const f = this.dtype.field(name);
    if (!f || !(this.data instanceof Uint8Array)) throw new PyTreeError(`The ${this.dtype.name} array has no field '${name}'${this.dtype.fields ? ` (fields: ${this.dtype.fields.map((x) => x.name).join(', ')})` : ''}`, '');
    const budget = new Budget(DEFAULT_LIMITS);
    const count = this.size;
    const bytes = gatherField(this.data, count, this.dtype.itemsize, f.offset, f.dtype.itemsize, budget);
    const sub = f.dtype.subarray;
    const base = sub ? sub.base : f.dtype;
    const inner = sub ? sizeOf(sub.shape) : 1;
    const data = base.kind === 'O' ? [] : decodeItems(bytes, 0, count * inner, base, budget);
    return new NdArray(base.toNative(), sub ? [...this.shape, ...sub.shape] : this.shape, data);
  }
}

/** Product of a shape (1 for 0-d). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Fills an array in place (numpy's BUILD completes the array `_reconstruct` made). */
export function setArray(target: NdArray, dtype: NpDType, shape: readonly number[], data: NdData, options: { isScalar?: boolean; pyClass?: string } = {}): void {
  const t = target as { -readonly [K in keyof NdArray]: NdArray[K] };
  t.dtype = dtype.toNative();
  t.shape = Object.freeze([...shape]);
  t.data = data;
  t.isScalar = options.isScalar ?? false;
  t.pyClass = options.pyClass ?? 'numpy.ndarray';
}

function bigToNumber(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

function int64ToFloat64(d: BigInt64Array | BigUint64Array, signed: boolean): Float64Array {
  const words = new Int32Array(d.buffer, d.byteOffset, d.length * 2);
  const out = new Float64Array(d.length);
  for (let i = 0; i < out.length; i++) {
    const hi = words[2 * i + 1];
    // Exact below 2^53; beyond, the bigint conversion rounds as numpy's astype does.
    out[i] = hi >= -0x200000 && hi < 0x200000 && (signed || hi >= 0) ? hi * 4294967296 + (words[2 * i] >>> 0) : Number(d[i]);
  }
  return out;
}

/** The value of an IEEE 754 half-precision bit pattern. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
