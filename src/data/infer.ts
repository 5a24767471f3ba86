// Owns pandas' dtype inference for a column built from JSON values (DataFrame construction, spec §2.4).

import type { DType, DTypeStorage } from './dtype.js';
import type { Column } from './frame.js';
import { ConversionError } from './ndarray.js';

/** A JSON cell that was absent (a key missing from a record): pandas fills NaN. */
export const MISSING: unique symbol = Symbol('missing');

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Infers a column the way pandas does for object input: all ints → int64 (uint64 when some are
 * past int64 and none is negative); ints/floats (with nulls or missing) → float64; all bools →
 * bool; anything else → object with values as given (a missing cell becomes NaN, an explicit null
 * stays null). An int too large for a float fails as pandas' construction does (ConversionError
 * `int too large to convert to float`). `isFloat(i)` tells whether the number at position i was
 * a float literal.
 */
export function inferPandasColumn(name: string | number, values: readonly unknown[], isFloat: (i: number) => boolean): Column {
  let ints = 0, floats = 0, bools = 0, nulls = 0, others = 0, negatives = 0, unsigned = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === MISSING) nulls++;
    else if (typeof v === 'number') {
      if (isFloat(i)) floats++;
      else {
        ints++;
        if (v < 0) negatives++;
      }
    } else if (typeof v === 'bigint') {
      if (!Number.isFinite(Number(v))) throw new ConversionError('int too large to convert to float');
      if (v < 0n) negatives++;
      if (v >= INT64_MIN && v <= INT64_MAX) ints++;
      else if (v > INT64_MAX && v <= UINT64_MAX) unsigned++;
      else others++;
    } else if (typeof v === 'boolean') bools++;
    else others++;
  }
  const n = values.length;
  if (unsigned > 0 && negatives === 0 && ints + unsigned === n) {
    const out = new BigUint64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(values[i] as number | bigint);
    return { name, dtype: 'uint64', values: out };
  }
  // Past int64 with negatives too: pandas keeps Python ints (object); with floats or nulls, float64.
  if (negatives > 0) others += unsigned;
  else ints += unsigned;
  if (others === 0 && bools === 0 && n > 0 && ints + floats > 0) {
    if (floats === 0 && nulls === 0) {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(values[i] as number | bigint);
      return { name, dtype: 'int64', values: out };
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = v === null || v === MISSING ? NaN : Number(v);
    }
    return { name, dtype: 'float64', values: out };
  }
  if (bools === n && n > 0) return { name, dtype: 'bool', values: values as boolean[] };
  if (nulls === n && n > 0 && values.every((v) => v === MISSING)) {
    return { name, dtype: 'float64', values: new Float64Array(n).fill(NaN) };
  }
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i] === MISSING ? NaN : values[i];
  return { name, dtype: 'object', values: out };
}

/**
 * pandas' `infer_objects` for an object column: re-types it when every value is an int, a float,
 * or a bool (None counts as NaN for numbers); otherwise returns it unchanged.
 */
export function inferObjects(col: Column): Column {
  if (col.dtype !== 'object') return col;
  const values = col.values as unknown[];
  let ints = 0, floats = 0, bools = 0, nans = 0;
  for (const v of values) {
    if (typeof v === 'number') Number.isNaN(v) ? nans++ : Number.isInteger(v) ? ints++ : floats++;
    else if (typeof v === 'bigint') ints++;
    else if (typeof v === 'boolean') bools++;
    else return col;
  }
  const n = values.length;
  if (n === 0) return col;
  if (bools === n) return { name: col.name, dtype: 'bool', values: values as boolean[] };
  if (bools > 0) return col;
  if (ints === n) return { name: col.name, dtype: 'int64', values: BigInt64Array.from(values as (number | bigint)[], (v) => BigInt(v)) };
  return { name: col.name, dtype: 'float64', values: Float64Array.from(values as number[], Number) };
}

/** Typed storage for a dtype holding the given numbers (helper for casting code). */
export function fromNumbers<D extends DType>(dtype: D, nums: ArrayLike<number>): DTypeStorage[D] {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(nums) as DTypeStorage[D];
    case 'float64':
      return Float64Array.from(nums) as DTypeStorage[D];
    default:
      throw new TypeError(`fromNumbers does not build ${dtype}`);
  }
}
