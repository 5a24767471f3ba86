// Owns MLflow's strict per-column dtype rule (`_enforce_mlflow_datatype`, spec §3.5).

import { type DType, dtypeKind, itemSize, numpyName, NAT, allocate } from '../data/dtype.js';
import type { Column } from '../data/frame.js';
import { inferObjects } from '../data/infer.js';
import { parseDatetime, dateToNs } from '../data/datetime.js';
import { halfToFloat } from '../data/cell.js';
import type { DataTypeName } from './types.js';

/** A value that breaks the signature; the caller adds MLflow's surrounding text. */
export class EnforceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnforceError';
  }
}

/** numpy dtype of each MLflow DataType (spec §3.1). */
export const DATATYPE_DTYPE: Record<DataTypeName, DType> = {
  boolean: 'bool',
  integer: 'int32',
  long: 'int64',
  float: 'float32',
  double: 'float64',
  string: 'str',
  binary: 'bytes',
  datetime: 'datetime64',
};

const HINT =
  ' Hint: the type mismatch is likely caused by missing values. Integer columns in python can not represent missing values and are therefore encoded as floats. The best way to avoid this problem is to infer the model schema based on a realistic data sample (training dataset) that includes missing values. Alternatively, you can declare integer columns as doubles (float64) whenever these columns may have missing values. See `Handling Integers With Missing Values <https://www.mlflow.org/docs/latest/models.html#handling-integers-with-missing-values>`_ for more details.';

/** numpy-style safe cast as MLflow allows it. */
function isSafeCast(from: DType, to: DType): boolean {
  const fk = dtypeKind(from);
  const tk = dtypeKind(to);
  if (fk === tk && (fk === 'i' || fk === 'u' || fk === 'f')) return itemSize(from) <= itemSize(to);
  if (fk === 'u' && tk === 'i') return itemSize(from) < itemSize(to);
  if ((fk === 'i' || fk === 'u') && to === 'float64') return itemSize(from) <= 6;
  return false;
}

function convert(col: Column, to: DType): Column {
  const src = col.values as ArrayLike<number | bigint>;
  const out = allocate(to, src.length) as unknown as { [i: number]: number | bigint };
  const big = to === 'int64' || to === 'uint64';
  for (let i = 0; i < src.length; i++) out[i] = big ? BigInt(src[i]) : Number(src[i]);
  return { name: col.name, dtype: to, values: out as unknown as Column['values'] };
}

function integralWithNaN(col: Column): boolean {
  if (col.dtype !== 'float64' && col.dtype !== 'float32') return false;
  const v = col.values as Float64Array;
  let nan = false;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i])) nan = true;
    else if (!Number.isInteger(v[i])) return false;
  }
  return nan;
}

/**
 * Checks (and where MLflow allows, converts) a column against a declared DataType; throws
 * EnforceError with MLflow's text otherwise. `name` is '' inside Array/Object/Map values.
 */
export function enforceColumnType(name: string, input: Column, declared: DataTypeName): Column {
  const target = DATATYPE_DTYPE[declared];
  let col = input;
  if (col.dtype === 'object' && declared !== 'string' && declared !== 'binary') col = inferObjects(col);
  if (col.dtype === target) return col;
  if (declared === 'string' && col.dtype === 'object') return col;
  if (declared === 'binary' && col.dtype === 'object' && (col.values as unknown[]).every((v) => v === null || Buffer.isBuffer(v))) return col;
  if (declared === 'boolean' && col.dtype === 'object') return col;
  if (declared === 'datetime') {
    if (col.dtype === 'object') {
      const values = col.values as unknown[];
      const out = new BigInt64Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v === null || (typeof v === 'number' && Number.isNaN(v))) out[i] = NAT;
        else if (v instanceof Date) out[i] = dateToNs(v);
        else if (typeof v === 'string' && parseDatetime(v)) out[i] = parseDatetime(v)!.ns;
        else throw new EnforceError(`Failed to convert column ${name} from type object to datetime.`);
      }
      return { name: col.name, dtype: 'datetime64', values: out };
    }
  }
  if (isSafeCast(col.dtype, target)) return convert(col, target);
  if (col.dtype === 'int64' && (target === 'float32' || target === 'float64')) {
    const v = col.values as BigInt64Array;
    if (v.every((x) => x === 0n || x === 1n)) return convert(col, target);
  }
  if (col.dtype === 'float16' && (target === 'float32' || target === 'float64')) {
    const bits = col.values as Uint16Array;
    const values = target === 'float32' ? Float32Array.from(bits, halfToFloat) : Float64Array.from(bits, halfToFloat);
    return { name: col.name, dtype: target, values };
  }
  const hint = dtypeKind(target) === 'i' && integralWithNaN(col) ? HINT : '';
  throw new EnforceError(`Incompatible input types for column ${name}. Can not safely convert ${numpyName(col.dtype)} to ${numpyName(target)}.${hint}`);
}
