// Owns turning what MLflow's pyfunc hands the model (the enforced DataFrame, or a numpy array for
// tensor signatures) into sklearn's X: float64 columns for numbers and booleans, object columns for
// strings and mixed values, the DataFrame's labels kept for feature-name checks.

import { halfToFloat } from '../../data/cell.js';
import type { ColumnValues, DType } from '../../data/dtype.js';
import { isFrame } from '../../data/frame.js';
import { isTensor } from '../../data/tensor.js';
import type { ModelInput } from '../types.js';
import { type Column, Table } from './table.js';

/** X for `model.<predict_fn>(X)`: a Frame keeps its labels (a DataFrame); a 2-D Tensor becomes an unlabelled array. */
export function toTable(input: ModelInput): Table {
  if (isFrame(input)) {
    return new Table(
      input.numRows,
      input.cols.map((c) => toColumn(c.dtype, c.values, 0, 1, input.numRows, `column ${String(c.name)}`)),
      { labels: input.cols.map((c) => c.name) },
    );
  }
  if (isTensor(input)) {
    if (input.ndim !== 2) {
      throw new Error(
        input.ndim === 1
          ? 'Expected 2D array, got 1D array instead. Reshape your data either using array.reshape(-1, 1) if your data has a single feature or array.reshape(1, -1) if it contains a single sample.'
          : `Found array with dim ${input.ndim}. Expected <= 2.`,
      );
    }
    const [rows, width] = input.shape;
    return new Table(
      rows,
      Array.from({ length: width }, (_, j) => toColumn(input.dtype, input.data, j, width, rows, `column ${j}`)),
    );
  }
  throw new Error('scikit-learn models take a DataFrame or a 2-D array as input');
}

/** Element `offset + r * step` of storage for r < rows, as a float64 column or an object column. */
function toColumn(dtype: DType, values: ColumnValues, offset: number, step: number, rows: number, what: string): Column {
  if (dtype === 'float64' && step === 1 && offset === 0) return values as Float64Array;
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
      const out = new Float64Array(rows);
      for (let r = 0, i = offset; r < rows; r++, i += step) out[r] = a[i];
      return out;
    }
    case 'float16': {
      const a = values as Uint16Array;
      const out = new Float64Array(rows);
      for (let r = 0, i = offset; r < rows; r++, i += step) out[r] = halfToFloat(a[i]);
      return out;
    }
    case 'int64':
    case 'uint64': {
      const a = values as BigInt64Array | BigUint64Array;
      const out = new Float64Array(rows);
      for (let r = 0, i = offset; r < rows; r++, i += step) out[r] = Number(a[i]);
      return out;
    }
    case 'bool': {
      const a = values as boolean[];
      const out = new Float64Array(rows);
      for (let r = 0, i = offset; r < rows; r++, i += step) out[r] = a[i] ? 1 : 0;
      return out;
    }
    case 'str':
    case 'object': {
      const a = values as unknown[];
      if (step === 1 && offset === 0) return a;
      const out = new Array<unknown>(rows);
      for (let r = 0, i = offset; r < rows; r++, i += step) out[r] = a[i];
      return out;
    }
    default:
      throw new Error(`${what} is ${dtype}: the scikit-learn evaluator takes numbers, booleans and strings`);
  }
}
