// Owns handing sklearn's X to the engines of other libraries (XGBoost, LightGBM) in the form their
// Python estimators receive it: a DataFrame with its labels, or a 2-D float64 array.

import { Frame, type Column as FrameColumn } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';
import { rowMajor, SparseColumn, type Table } from './table.js';

/** X as a Frame: the DataFrame's labels, or positions (0, 1, …) for an array, so engines take its columns by position. */
export function tableToFrame(x: Table): Frame {
  const cols: FrameColumn[] = x.columns.map((c, j) => {
    const name = x.labels ? x.labels[j] : j;
    if (c instanceof Float64Array) return { name, dtype: 'float64', values: c };
    if (c instanceof SparseColumn) return { name, dtype: 'float64', values: c.toDense() };
    return { name, dtype: 'object', values: c as unknown[] };
  });
  return new Frame(cols, x.rows);
}

/** X as numpy's `check_array(X)` makes it: a row-major float64 `[rows, features]` Tensor (strings fail as numpy fails). */
export function tableToArray(x: Table, className: string): Tensor<'float64'> {
  return new Tensor('float64', [x.rows, x.width], rowMajor(x.dense('any', className), x.rows));
}
