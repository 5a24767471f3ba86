// Owns turning model input (a Frame or a 2-D Tensor) into XGBoost's dense float32 feature matrix.

import { halfToFloat } from '../../data/cell.js';
import type { ColumnValues, DType } from '../../data/dtype.js';
import { isFrame } from '../../data/frame.js';
import { isTensor } from '../../data/tensor.js';
import type { ModelInput } from '../types.js';
import type { FeatureMatrix } from './forest-predict.js';

/** How input columns map onto the model's features. */
export interface FeatureLayout {
  /** `num_feature` of the model. */
  readonly numFeature: number;
  /** Width of the matrix: at least numFeature and every feature a split uses. */
  readonly numCols: number;
  /** Model feature names; Frame columns are matched by name when present. */
  readonly names?: readonly string[];
  /** A value besides NaN that means missing (the estimator's `missing`), or NaN. */
  readonly missing: number;
  /** Reject ±Infinity, as `DMatrix` construction does (Booster models). */
  readonly rejectInfinity: boolean;
}

/** Input the model cannot take; surfaces as MLflow's generic 400 for model errors. */
export class FeatureInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeatureInputError';
  }
}

/** A source of one feature: values of some dtype, read at `offset + r * step` for row r. */
interface Source {
  readonly dtype: DType;
  readonly values: ColumnValues;
  readonly offset: number;
  readonly step: number;
  readonly what: string;
}

/** Validated model input that writes any range of its rows into a feature matrix buffer. */
export interface FeatureSource {
  readonly numRows: number;
  /** Width of the matrix rows `fill` writes (each row `2 * numCols` floats, see FeatureMatrix). */
  readonly numCols: number;
  /** Writes rows `[start, end)` into `out` from its beginning; throws FeatureInputError on bad values. */
  fill(out: Float32Array, start: number, end: number): void;
}

/**
 * Checks a Frame or 2-D numeric Tensor against the model's features. Frame columns match the
 * model's feature names (order free, extra columns ignored); without names, and for Tensors,
 * columns are positional. Fewer positional columns than features leave the rest missing, as
 * XGBoost does; more is an error.
 */
export function featureSource(input: ModelInput, layout: FeatureLayout): FeatureSource {
  let sources: (Source | undefined)[];
  let numRows: number;
  if (isFrame(input)) {
    numRows = input.numRows;
    const cols = input.cols;
    const named = cols.some((c) => typeof c.name === 'string');
    const fromColumn = (c: (typeof cols)[number]): Source => ({ dtype: c.dtype, values: c.values, offset: 0, step: 1, what: `column ${String(c.name)}` });
    if (layout.names && named) {
      sources = layout.names.map((n) => {
        const c = input.getColumn(n);
        return c && fromColumn(c);
      });
      const absent = layout.names.filter((_, i) => sources[i] === undefined);
      if (absent.length) {
        throw new FeatureInputError(`feature_names mismatch: the model expects columns ${JSON.stringify(layout.names)}; missing from the input: ${absent.join(', ')}`);
      }
    } else {
      checkCount(cols.length, layout);
      sources = cols.map(fromColumn);
    }
  } else if (isTensor(input)) {
    if (input.ndim !== 2) throw new FeatureInputError(`Expecting 2 dimensional input (rows × features), got shape [${input.shape.join(', ')}]`);
    const [rows, cols] = input.shape;
    checkCount(cols, layout);
    numRows = rows;
    sources = Array.from({ length: cols }, (_, j) => ({ dtype: input.dtype, values: input.data, offset: j, step: cols, what: `column ${j}` }));
  } else {
    throw new FeatureInputError('XGBoost models take a DataFrame or a 2-D array of numbers as input');
  }
  const width = layout.numCols;
  for (const src of sources) if (src) numericView(src); // rejects string, bytes and datetime columns up front
  return {
    numRows,
    numCols: width,
    fill(out, start, end) {
      for (let j = 0; j < width; j++) {
        const src = sources[j];
        if (src) fillColumn(out, j, width, start, end, src, layout);
        else fillMissing(out, j, width, end - start);
      }
    },
  };
}

/** Every row of the input as one FeatureMatrix. */
export function toFeatureMatrix(input: ModelInput, layout: FeatureLayout): FeatureMatrix {
  const source = featureSource(input, layout);
  const stride = 2 * source.numCols;
  const values = new Float32Array(source.numRows * stride);
  source.fill(values, 0, source.numRows);
  return { values, numRows: source.numRows, numCols: source.numCols, stride };
}

function checkCount(count: number, layout: FeatureLayout): void {
  if (layout.numFeature > 0 && count > layout.numFeature) {
    throw new FeatureInputError(`Number of columns does not match number of features in booster: the input has ${count} columns, the model ${layout.numFeature} features`);
  }
}

function fillMissing(out: Float32Array, j: number, width: number, numRows: number): void {
  for (let r = 0, o = j; r < numRows; r++, o += 2 * width) {
    out[o] = NaN;
    out[o + width] = Infinity;
  }
}

/** Writes one feature of rows `[start, end)` into both copies of each row; `missing` values become NaN / +Infinity. */
function fillColumn(out: Float32Array, j: number, width: number, start: number, end: number, src: Source, layout: FeatureLayout): void {
  const numRows = end - start;
  const first = src.offset + start * src.step;
  if (src.dtype === 'float64' || src.dtype === 'float32') {
    const a = src.values as Float64Array | Float32Array;
    // Common case kept monomorphic: stores round to float32, then the missing checks.
    for (let r = 0, i = first, o = j; r < numRows; r++, i += src.step, o += 2 * width) out[o] = a[i];
  } else {
    const a = numericView(src);
    for (let r = 0, i = first, o = j; r < numRows; r++, i += src.step, o += 2 * width) out[o] = a(i);
  }
  const missing = Math.fround(layout.missing);
  const special = missing === missing;
  const stride = 2 * width;
  let infinite = false;
  for (let r = 0, o = j; r < numRows; r++, o += stride) {
    let v = out[o];
    if (v !== v || (special && v === missing)) {
      out[o] = NaN;
      v = Infinity;
    } else if (v === Infinity || v === -Infinity) {
      infinite = true;
    }
    out[o + width] = v;
  }
  if (infinite && layout.rejectInfinity) throw new FeatureInputError('Input data contains `inf` or a value too large, while `missing` is not set to `inf`');
}

/** A reader of element i as a number (NaN for missing); non-numeric data is an error. */
function numericView(src: Source): (i: number) => number {
  const { dtype, values, what } = src;
  switch (dtype) {
    case 'float64':
    case 'float32':
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32': {
      const a = values as ArrayLike<number>;
      return (i) => a[i];
    }
    case 'float16': {
      const a = values as Uint16Array;
      return (i) => halfToFloat(a[i]);
    }
    case 'int64':
    case 'uint64': {
      const a = values as ArrayLike<bigint>;
      return (i) => Number(a[i]);
    }
    case 'bool':
    case 'object':
      return (i) => cellNumber(values[i], dtype, what);
    default:
      throw notNumeric(`${what} is ${dtype}`);
  }
}

function cellNumber(v: unknown, dtype: DType, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (v === null || v === undefined) return NaN;
  throw notNumeric(`${what} holds ${typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `a ${typeof v}`} (${dtype})`);
}

function notNumeric(detail: string): FeatureInputError {
  return new FeatureInputError(`DataFrame.dtypes for data must be int, float, bool or category: ${detail}; XGBoost takes numbers, with categorical features as integer codes`);
}
