// Owns turning model input (a DataFrame or a 2-D array) into LightGBM's rows, as Booster.predict converts pandas and numpy data.

import { halfToFloat } from '../../data/cell.js';
import type { Column } from '../../data/frame.js';
import { isFrame } from '../../data/frame.js';
import type { ColumnValues, DType } from '../../data/dtype.js';
import { isTensor, type Tensor } from '../../data/tensor.js';
import type { ModelInput } from '../types.js';
import type { Category, FeatureRows, LightGBMModel } from './model.js';

/** Input the model cannot take; surfaces as MLflow's generic 400 for model errors. */
export class FeatureInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeatureInputError';
  }
}

/** Reads element `i` of a column as LightGBM receives it (NaN for missing). */
type Reader = (i: number) => number;

/** One feature's values: element `offset + r * step` of `values` for row r, read directly or through `read`. */
interface Source {
  readonly values: ArrayLike<number> | null;
  readonly read: Reader;
  readonly offset: number;
  readonly step: number;
}

/** The model facts the conversion needs (a LightGBMModel has them all). */
export type FeatureModel = Pick<LightGBMModel, 'numFeatures' | 'featureNames' | 'pandasCategorical' | 'categoricalFeatures'>;

/**
 * Rows for `Booster.predict(input)`. A DataFrame's columns are the model's features in order,
 * as LightGBM takes them; when every model feature name is a column (spaces read as `_`, as
 * LightGBM renames them), columns are matched by name instead, so order and extra columns do
 * not matter. Category columns (`pandas_categorical`) take their category values, mapped to
 * codes (unseen: missing). A 2-D array is positional, converted to float32 unless it is float64
 * or float32, as numpy input is.
 */
export function featureRows(input: ModelInput, model: FeatureModel): FeatureRows {
  if (isFrame(input)) {
    if (input.numRows < 1) throw new FeatureInputError('Input data must be 2 dimensional and non empty.');
    const cols = byName(input.cols, model.featureNames) ?? input.cols;
    checkCount(cols.length, model.numFeatures);
    const categories = categoryColumns(cols, model);
    return rowsOf(
      input.numRows,
      cols.map((c, j) => frameSource(c, categories.get(j))),
    );
  }
  if (isTensor(input)) {
    if (input.ndim !== 2) throw new FeatureInputError('Input numpy.ndarray or list must be 2 dimensional');
    const [rows, width] = input.shape;
    checkCount(width, model.numFeatures);
    const read = arrayReader(input);
    const direct = input.dtype === 'float64' || input.dtype === 'float32' ? (input.data as ArrayLike<number>) : null;
    return rowsOf(rows, Array.from({ length: width }, (_, j) => ({ values: direct, read, offset: j, step: width })));
  }
  const type = Array.isArray(input) ? 'list' : input === null || typeof input !== 'object' ? typeof input : 'dict';
  throw new FeatureInputError(`Cannot predict data for type ${type}: LightGBM models take a DataFrame or a 2-D array of numbers`);
}

/** The columns for the model's features by name, or undefined when some feature name is not a column. */
function byName(cols: readonly Column[], names: readonly string[]): Column[] | undefined {
  const found = new Map<string, Column>();
  for (const c of cols) {
    const key = String(c.name).replaceAll(' ', '_');
    if (!found.has(key)) found.set(key, c);
  }
  const out = names.map((n) => found.get(n));
  return out.every((c): c is Column => c !== undefined) ? out : undefined;
}

/** LightGBM's shape check (c_api.cpp): the number of columns must be the model's. */
function checkCount(count: number, numFeatures: number): void {
  if (count !== numFeatures) {
    throw new FeatureInputError(
      `The number of features in data (${count}) is not the same as it was in training data (${numFeatures}).` +
        ' Send every feature the model was trained on (see its signature or feature_names).',
    );
  }
}

const TEXT_DTYPES = new Set<DType>(['str', 'bytes', 'object']);

/**
 * Which features hold pandas categories: the saved `categorical_feature` indexes when they
 * match `pandas_categorical`, else the text columns in order (a category column arrives as
 * strings once it has been through JSON).
 */
function categoryColumns(cols: readonly Column[], model: FeatureModel): Map<number, readonly Category[]> {
  const lists = model.pandasCategorical ?? [];
  const out = new Map<number, readonly Category[]>();
  if (lists.length === 0) return out;
  const saved = model.categoricalFeatures;
  if (saved && saved.length === lists.length) {
    [...saved].sort((a, b) => a - b).forEach((f, i) => out.set(f, lists[i]));
    return out;
  }
  const text = cols.map((c, j) => (TEXT_DTYPES.has(c.dtype) ? j : -1)).filter((j) => j >= 0);
  if (text.length === 0) return out; // category codes given as numbers
  if (text.length !== lists.length) {
    throw new FeatureInputError(
      `The model was trained with ${lists.length} pandas category column(s) (pandas_categorical); the input has ${text.length} text column(s): ${text.map((j) => String(cols[j].name)).join(', ')}`,
    );
  }
  text.forEach((j, i) => out.set(j, lists[i]));
  return out;
}

function rowsOf(numRows: number, sources: readonly Source[]): FeatureRows {
  return {
    numRows,
    numCols: sources.length,
    fill(out, start, end, stride) {
      for (let j = 0; j < sources.length; j++) {
        const { values, read, offset, step } = sources[j];
        const first = offset + start * step;
        if (values) for (let r = start, i = first, o = j; r < end; r++, i += step, o += stride) out[o] = values[i];
        else for (let r = start, i = first, o = j; r < end; r++, i += step, o += stride) out[o] = read(i);
      }
    },
  };
}

/** A DataFrame column as pandas → numpy gives it to LightGBM: exact float64 values, categories as codes. */
function frameSource(c: Column, categories: readonly Category[] | undefined): Source {
  if (categories) return { values: null, read: categoryReader(c, categories), offset: 0, step: 1 };
  if (DIRECT_DTYPES.has(c.dtype)) return { values: c.values as ArrayLike<number>, read: unused, offset: 0, step: 1 };
  return { values: null, read: scalarReader(c.dtype, c.values, `${String(c.name)}: ${pandasDType(c.dtype)}`), offset: 0, step: 1 };
}

/** Dtypes whose storage holds the numbers LightGBM receives, read without conversion. */
const DIRECT_DTYPES = new Set<DType>(['float64', 'float32', 'int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32']);

/** The reader of sources read directly from `values`. */
const unused: Reader = () => NaN;

/** Elements of dtypes without a direct numeric view: halves, 64-bit integers (rounded to nearest), booleans. */
function scalarReader(dtype: DType, values: ColumnValues, what: string): Reader {
  switch (dtype) {
    case 'float16':
      return (i) => halfToFloat((values as Uint16Array)[i]);
    case 'int64':
    case 'uint64':
      return (i) => Number((values as BigInt64Array)[i]);
    case 'bool':
      return (i) => ((values as boolean[])[i] ? 1 : 0);
    default:
      throw new FeatureInputError(`pandas dtypes must be int, float or bool.\nFields with bad pandas dtypes: ${what}`);
  }
}

/** pandas' name for a column of this dtype. */
function pandasDType(dtype: DType): string {
  if (TEXT_DTYPES.has(dtype)) return 'object';
  return dtype === 'datetime64' ? 'datetime64[ns]' : dtype;
}

/**
 * `Series.cat.set_categories(categories).cat.codes`, missing as NaN: a value's position in the
 * category list, NaN for unseen values and nulls. A numeric column of a model whose categories
 * are text holds codes already and is read as is.
 */
function categoryReader(c: Column, categories: readonly Category[]): Reader {
  const textCategories = categories.some((v) => typeof v === 'string');
  if (!TEXT_DTYPES.has(c.dtype) && textCategories) {
    const own = frameSource(c, undefined);
    return own.values ? (i) => own.values![i] : own.read;
  }
  if (c.dtype === 'datetime64') throw new FeatureInputError(`pandas dtypes must be int, float or bool.\nFields with bad pandas dtypes: ${String(c.name)}: datetime64[ns]`);
  const codes = new Map<unknown, number>();
  categories.forEach((v, k) => {
    if (!codes.has(v)) codes.set(v, k);
  });
  const values = c.values as ArrayLike<unknown>;
  return (i) => {
    let v = values[i];
    if (typeof v === 'bigint') v = Number(v);
    else if (v instanceof Uint8Array) v = Buffer.from(v).toString('utf8');
    return codes.get(v) ?? NaN;
  };
}

/**
 * Elements of a 2-D array as LightGBM reads numpy input: float64 and float32 as they are, other
 * numbers cast to float32 (`np.asarray(mat, dtype=np.float32)`), booleans 0/1.
 */
function arrayReader(t: Tensor): Reader {
  const values = t.data as ColumnValues;
  switch (t.dtype) {
    case 'float64':
    case 'float32':
      return (i) => (values as Float64Array)[i];
    case 'float16':
      return (i) => halfToFloat((values as Uint16Array)[i]);
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
      return (i) => Math.fround((values as Int32Array)[i]);
    case 'int64':
    case 'uint64':
      return (i) => bigintToFloat32((values as BigInt64Array)[i]);
    case 'bool':
      return (i) => ((values as boolean[])[i] ? 1 : 0);
    case 'object':
      return (i) => objectToFloat32(values[i]);
    default:
      throw new FeatureInputError(`LightGBM takes numbers: the input array holds ${t.dtype} values`);
  }
}

/** An object array element cast to float32: numbers, booleans, null (NaN); anything else is an error. */
function objectToFloat32(v: unknown): number {
  if (typeof v === 'number') return Math.fround(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return bigintToFloat32(v);
  if (v === null || v === undefined) return NaN;
  throw new FeatureInputError(`LightGBM takes numbers: the input array holds ${typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `a ${typeof v}`}`);
}

/** A 64-bit integer rounded once to the nearest float32 (ties to even), as numpy's cast does. */
export function bigintToFloat32(v: bigint): number {
  const f = Math.fround(Number(v));
  if (!Number.isFinite(f) || (f > -(2 ** 53) && f < 2 ** 53)) return f;
  // Rounding to a double first may have moved v onto a float32 tie: compare with the neighbour.
  const exact = BigInt(f);
  if (exact === v) return f;
  const up = v > exact;
  const other = nextFloat32(f, up);
  const dist = (a: bigint): bigint => (a > v ? a - v : v - a);
  const dOther = dist(BigInt(other));
  const dSelf = dist(exact);
  if (dOther < dSelf) return other;
  if (dOther > dSelf) return f;
  // A tie: the float32 with an even significand.
  const bits = new Uint32Array(new Float32Array([f]).buffer)[0];
  return (bits & 1) === 0 ? f : other;
}

/** The float32 next to `f` (a finite, nonzero float32) towards +∞ when `up`, else towards −∞. */
function nextFloat32(f: number, up: boolean): number {
  const buf = new Float32Array([f]);
  const bits = new Uint32Array(buf.buffer);
  bits[0] += up === f > 0 ? 1 : -1;
  return buf[0];
}
