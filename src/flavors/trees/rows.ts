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
  const end = start + count;
  for (let j = 0; j < width; j++) {
    const col = cols[j];
    if (copies === 1) {
      if (round32) for (let r = start, o = j; r < end; r++, o += stride) x[o] = Math.fround(col[r]);
      else for (let r = start, o = j; r < end; r++, o += stride) x[o] = col[r];
      continue;
    }
    for (let r = start, o = j; r < end; r++, o += stride) {
      const v = round32 ? Math.fround(col[r]) : col[r];
      x[o] = v;
      x[o + width] = v !== v ? -Infinity : v;
    }
  }
}
