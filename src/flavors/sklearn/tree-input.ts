// Owns the X scikit-learn's trees take: `validate_data(X, dtype=float32)`, with the float32
// finiteness check (a float64 too large for float32 is an infinity), NaN allowed only where the
// fitted tree supports missing values.

import { type FittedInput, type Table, checkFeatures, shortName } from './table.js';

/**
 * The columns of X as float64 for a tree walk that rounds them to float32 (fillRows' `round32`),
 * after sklearn's checks on the float32 values: feature names and count, then NaN (unless
 * `allowNan`) and infinities, NaN reported first as `_assert_all_finite` does.
 */
export function treeColumns(x: Table, input: FittedInput, allowNan: boolean): readonly Float64Array[] {
  checkFeatures(x, input);
  const cols = x.dense('any', input.className);
  let nan = false;
  let inf = false;
  for (const col of cols) {
    for (let i = 0; i < col.length; i++) {
      const v = Math.fround(col[i]);
      if (v - v === 0) continue;
      if (v !== v) nan = true;
      else inf = true;
    }
  }
  if (nan && !allowNan) throw new Error(`Input X contains NaN.\n${shortName(input.className)} does not accept missing values encoded as NaN natively.`);
  if (inf) throw new Error("Input X contains infinity or a value too large for dtype('float32').");
  return cols;
}

/** The columns rounded to float32 (what an estimator nested in a tree ensemble, e.g. GradientBoosting's init, receives). */
export function float32Columns(cols: readonly Float64Array[]): Float64Array[] {
  return cols.map((c) => Float64Array.from(c, Math.fround));
}
