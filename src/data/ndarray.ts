// Owns `numpy.array(value[, dtype])` for decoded JSON: shape detection, dtype promotion, Python casts.

import { type DType, type DTypeStorage, NAT, allocate } from './dtype.js';
import { Tensor } from './tensor.js';
import { isFloatAt } from './float-hint.js';
import { parseDatetime } from './datetime.js';
import { floatRepr, valueRepr, strRepr } from './pyrepr.js';
import { pyTypeName, isPlainObject } from './pytype.js';
import { floatToHalf } from './cell.js';

/** A value numpy cannot convert; `message` is Python's text (e.g. `could not convert string to float: 'a'`). */
export class ConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConversionError';
  }
}

interface Leaves {
  shape: number[];
  values: unknown[];
  floats: Uint8Array;
}

/** Where a value sits in its parent, so a float mark on that slot is honoured for a scalar. */
export interface Origin {
  readonly container: object;
  readonly key: string | number;
}

function collect(value: unknown, origin?: Origin): Leaves {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    shape.push(v.length);
    if (v.length === 0) break;
  }
  // Leaves are appended as the walk finds them: the shape is read from first elements only, so it
  // may not size an allocation before the walk has checked it against what the client sent
  // (a 30 KB body can claim 5000 x 5000 x 5000).
  const values: unknown[] = [];
  const floatAt: number[] = [];
  let k = 0;
  const leaf = (v: unknown, container: object | undefined, key: number): void => {
    values.push(v);
    if (typeof v === 'number' && (container ? isFloatAt(container, key, v) : !Number.isInteger(v))) floatAt.push(k);
    k++;
  };
  const last = shape.length - 1;
  const walk = (v: unknown, depth: number): void => {
    if (!Array.isArray(v) || v.length !== shape[depth]) inhomogeneous(shape, depth);
    const arr = v as unknown[];
    if (depth === last) {
      for (let i = 0; i < arr.length; i++) {
        const x = arr[i];
        if (Array.isArray(x)) inhomogeneous(shape, depth + 1);
        leaf(x, arr, i);
      }
    } else for (let i = 0; i < arr.length; i++) walk(arr[i], depth + 1);
  };
  if (shape.length === 0) {
    if (Array.isArray(value)) inhomogeneous(shape, 0);
    leaf(value, origin?.container, origin?.key as number);
  } else walk(value, 0);
  const floats = new Uint8Array(k);
  for (const i of floatAt) floats[i] = 1;
  return { shape, values, floats };
}

function inhomogeneous(shape: number[], depth: number): never {
  const dims = shape.slice(0, Math.max(depth, 1));
  const text = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  throw new ConversionError(
    `setting an array element with a sequence. The requested array has an inhomogeneous shape after ${Math.max(depth, 1)} dimensions. The detected shape was ${text} + inhomogeneous part.`,
  );
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** numpy's dtype for a list of leaves (no dtype given). */
function promote(values: readonly unknown[], floats: Uint8Array): DType {
  if (values.length === 0) return 'float64';
  let bool = 0, int = 0, float = 0, str = 0, other = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'boolean') bool++;
    else if (typeof v === 'number') floats[i] ? float++ : int++;
    else if (typeof v === 'bigint') v > INT64_MAX || v < INT64_MIN ? other++ : int++;
    else if (typeof v === 'string') str++;
    else other++;
  }
  if (other) return 'object';
  if (str) return 'str';
  if (float) return 'float64';
  if (int) return 'int64';
  return 'bool';
}

/** Python `str(v)` of a JSON leaf. */
export function pyStr(v: unknown, isFloat: boolean): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return isFloat ? floatRepr(v) : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  return valueRepr(v);
}

/** Characters of a value quoted in a conversion error: CPython's `%.200R` (int() does it; float() too here, so messages stay bounded). */
export const VALUE_REPR_CHARS = 200;

const INT_TEXT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const FLOAT_TEXT = /^\s*[+-]?(?:(?:\d+(?:_\d+)*)?\.?\d+(?:_\d+)*(?:[eE][+-]?\d+)?|\d+(?:_\d+)*\.|(?:inf|infinity|nan))\s*$/i;

/** Python `int(v)` of a JSON leaf, as a bigint. */
export function pyInt(v: unknown, isFloat: boolean): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new ConversionError('cannot convert float NaN to integer');
    if (!Number.isFinite(v)) throw new ConversionError('cannot convert float infinity to integer');
    return BigInt(Math.trunc(v));
  }
  if (typeof v === 'string') {
    if (!INT_TEXT.test(v)) throw new ConversionError(`invalid literal for int() with base 10: ${strRepr(v, VALUE_REPR_CHARS)}`);
    return BigInt(v.trim().replace(/_/g, ''));
  }
  void isFloat;
  throw new ConversionError(`int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(v)}'`);
}

/** Python `float(v)` of a JSON leaf (None gives NaN, as numpy float arrays do). */
export function pyFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') {
    const x = Number(v);
    // Python's float(int) refuses what would round past the largest double.
    if (!Number.isFinite(x)) throw new ConversionError('int too large to convert to float');
    return x;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'string') {
    if (!FLOAT_TEXT.test(v)) throw new ConversionError(`could not convert string to float: ${strRepr(v, VALUE_REPR_CHARS)}`);
    const t = v.trim().replace(/_/g, '').toLowerCase();
    if (t.endsWith('nan')) return NaN;
    if (t.endsWith('inf') || t.endsWith('infinity')) return t.startsWith('-') ? -Infinity : Infinity;
    return Number(t);
  }
  throw new ConversionError(`float() argument must be a string or a real number, not '${pyTypeName(v)}'`);
}

/** Python truthiness of a JSON leaf. */
export function pyBool(v: unknown): boolean {
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'boolean') return v;
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** numpy's datetime64[ns] of a JSON leaf. */
export function pyDatetime(v: unknown): bigint {
  if (v === null || v === undefined) return NAT;
  if (typeof v === 'string') {
    const parsed = parseDatetime(v);
    if (!parsed) throw new ConversionError(`Error parsing datetime string "${v}" at position 0`);
    return parsed.ns;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'bigint') return v;
  throw new ConversionError(`Could not convert object to NumPy datetime`);
}

const WIDTH: Partial<Record<DType, [number, boolean]>> = {
  int8: [8, true], int16: [16, true], int32: [32, true], int64: [64, true],
  uint8: [8, false], uint16: [16, false], uint32: [32, false], uint64: [64, false],
};

/** How out-of-range Python ints become a narrower integer dtype. */
export type IntOverflow =
  /** numpy 2's `np.array(v, dtype)`: OverflowError (`Python integer 3000000000 out of bounds for int32`). */
  | 'error'
  /** pandas' `astype` (and numpy 1): two's-complement wrap-around, silently. */
  | 'wrap';

/** Fills storage of `dtype` from leaves with Python/numpy casting rules. */
export function castLeaves<D extends DType>(dtype: D, values: readonly unknown[], floats: ArrayLike<number>, overflow: IntOverflow = 'wrap'): DTypeStorage[D] {
  const n = values.length;
  const out = allocate(dtype, n) as unknown as { [i: number]: unknown; length: number };
  const width = WIDTH[dtype];
  if (width) {
    const [bits, signed] = width;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      const big = pyInt(v, floats[i] === 1);
      const wrapped = signed ? BigInt.asIntN(bits, big) : BigInt.asUintN(bits, big);
      // Only Python ints overflow-check in numpy 2; floats and strings convert as before.
      if (overflow === 'error' && wrapped !== big && (typeof v === 'bigint' || (typeof v === 'number' && floats[i] !== 1))) {
        throw new ConversionError(`Python integer ${big} out of bounds for ${dtype}`);
      }
      out[i] = bits === 64 ? wrapped : Number(wrapped);
    }
    return out as unknown as DTypeStorage[D];
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    switch (dtype) {
      case 'float32':
      case 'float64':
        out[i] = pyFloat(v);
        break;
      case 'float16':
        out[i] = floatToHalf(pyFloat(v));
        break;
      case 'bool':
        out[i] = pyBool(v);
        break;
      case 'str':
        out[i] = pyStr(v, floats[i] === 1);
        break;
      case 'bytes':
        out[i] = Buffer.isBuffer(v) ? v : Buffer.from(pyStr(v, floats[i] === 1), 'utf8');
        break;
      case 'datetime64':
        out[i] = pyDatetime(v);
        break;
      default:
        out[i] = v;
    }
  }
  return out as unknown as DTypeStorage[D];
}

/**
 * `numpy.array(value, dtype)`: nested lists become an n-d Tensor (ragged lists throw numpy's
 * "inhomogeneous shape" error), scalars a 0-d Tensor. Without `dtype`, numpy's promotion applies
 * (bool < int64 < float64 < str; null or dicts give object). A dict gives a 1-D str Tensor of its
 * keys, as MLflow's server answers for it.
 */
export function toNdarray(value: unknown, dtype?: DType, origin?: Origin): Tensor {
  if (isPlainObject(value) && dtype === undefined) {
    const keys = Object.keys(value);
    return new Tensor('str', [keys.length], keys);
  }
  const { shape, values, floats } = collect(value, origin);
  const dt = dtype ?? promote(values, floats);
  // numpy.array(...) as MLflow 3.6 runs it (numpy 2): out-of-range Python ints are an error (spec §3.10).
  return new Tensor(dt, shape, castLeaves(dt, values, floats, 'error'));
}
