// Owns laying out rows for a NodeForest walk: a block of rows, row-major, each with the copy of
// itself that sends missing values left.

/**
 * Writes rows `start … start + count - 1` of `cols` (one array per feature) into `x`, row `r` at
 * `(r - start) * stride`. With `copies` 2, each row is followed (at `+ cols.length`) by a copy
 * whose NaN are -Infinity: a node whose missing values go left reads that copy, where
 * `x <= threshold` holds for them, and a node whose missing values go right reads the first,
 * where NaN fails it. `round32` rounds every value to float32 first (engines that compare in
 * float32, as scikit-learn's trees do).
 */
export function fillRows(cols: readonly ArrayLike<number>[], start: number, count: number, x: Float64Array, stride: number, copies: 1 | 2, round32: boolean): void {
  const width = cols.length;
  for (let j = 0; j < width; j++) {
    const col = cols[j];
    const end = start + count;
    if (round32) for (let r = start, o = j; r < end; r++, o += stride) x[o] = Math.fround(col[r]);
    else for (let r = start, o = j; r < end; r++, o += stride) x[o] = col[r];
  }
  if (copies === 2) {
    for (let r = 0, o = 0; r < count; r++, o += stride) {
      for (let j = 0; j < width; j++) {
        const v = x[o + j];
        x[o + width + j] = v !== v ? -Infinity : v;
      }
    }
  }
}
