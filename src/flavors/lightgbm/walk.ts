// Owns evaluating a Forest over rows: chunks of rows with their copies, trees walked eight rows at a time, scores summed in LightGBM's order.

import { walkEightTrees, walkRows } from '../trees/walk.js';
import { Copy, type Forest, Walk } from './forest.js';

/**
 * Rows of features as LightGBM's predictor receives them: float64 values, NaN for missing,
 * in the model's feature order. `fill` writes rows `[start, end)` into `out`, row `r` at
 * `(r - start) * stride`, features `0 … numCols - 1`; it may throw on input it cannot convert.
 */
export interface FeatureRows {
  readonly numRows: number;
  readonly numCols: number;
  fill(out: Float64Array, start: number, end: number, stride: number): void;
}

/** kZeroThreshold (include/LightGBM/meta.h): the float `1e-35f`, as a double. */
export const ZERO_THRESHOLD = Math.fround(1e-35);

/** Rows per chunk: their copies (a few KiB per row) stay in cache while every tree walks them. */
const CHUNK_ROWS = 64;

/**
 * Adds the outputs of trees `[treeBegin, treeEnd)` to `out` (`numRows × k`, row-major); tree `t`
 * adds to output `t % k`. Each row's sums run in tree order, in doubles, as GBDT::PredictRaw.
 * Rows in groups of eight walk each tree side by side; the rest (a single-row request) walk
 * eight trees side by side instead.
 */
export function accumulateScores(forest: Forest, rows: FeatureRows, out: Float64Array, k: number, treeBegin: number, treeEnd: number): void {
  if (rows.numCols !== forest.numFeatures) throw new RangeError(`rows have ${rows.numCols} features; the model has ${forest.numFeatures}`);
  const stride = forest.numCopies * forest.numFeatures;
  const x = new Float64Array(Math.min(CHUNK_ROWS, rows.numRows) * stride);
  const leaves = new Int32Array(CHUNK_ROWS);
  const eight = new Int32Array(8);
  for (let start = 0; start < rows.numRows; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rows.numRows - start);
    rows.fill(x, start, start + count, stride);
    makeCopies(forest, x, count, stride);
    const grouped = count - (count % 8);
    for (let t = treeBegin; t < treeEnd && grouped > 0; t++) {
      if (forest.walk[t] === Walk.NUMERIC) walkRows(forest, forest.roots[t], x, stride, grouped, leaves);
      else walkGeneral(forest, forest.roots[t], x, stride, grouped, leaves);
      const o = start * k + (t % k);
      if (forest.linear[t]) {
        for (let r = 0; r < grouped; r++) out[o + r * k] += linearLeaf(forest, leaves[r], x, r * stride);
      } else {
        const values = forest.leafValue;
        for (let r = 0; r < grouped; r++) out[o + r * k] += values[leaves[r]];
      }
    }
    for (let r = grouped; r < count; r++) accumulateRow(forest, x, r * stride, out, (start + r) * k, k, treeBegin, treeEnd, eight);
  }
}

/** One row through trees `[treeBegin, treeEnd)`: runs of plain numeric trees eight at a time, others one by one. */
function accumulateRow(f: Forest, x: Float64Array, o: number, out: Float64Array, base: number, k: number, treeBegin: number, treeEnd: number, eight: Int32Array): void {
  const { col, threshold: thr, kids, roots, leafValue: values } = f;
  const L = f.numInternal;
  let t = treeBegin;
  while (t < treeEnd) {
    if (t + 8 <= treeEnd && f.plainRun[t] >= 8) {
      walkEightTrees(f, roots, t, x, o, eight, 0);
      // Added one by one, in tree order: the same sums as LightGBM's.
      for (let i = 0; i < 8; i++) out[base + ((t + i) % k)] += values[eight[i]];
      t += 8;
      continue;
    }
    let n = roots[t];
    if (f.walk[t] === Walk.NUMERIC) {
      while (n < L) n = kids[2 * n + 1 - +(x[o + col[n]] <= thr[n])];
    } else {
      while (n < L) n = kids[2 * n + (decideRight(f, n, x[o + f.feature[n]]) ? 1 : 0)];
    }
    out[base + (t % k)] += f.linear[t] ? linearLeaf(f, n - L, x, o) : values[n - L];
    t++;
  }
}

/**
 * Turns filled rows into what the trees read: values within ±kZeroThreshold become 0 (the C
 * API drops them from the row, LightGBM's predict buffer holds 0 there), then the copies.
 * Exported for bench/_lightgbm-codegen.ts, which walks the same rows with generated code.
 */
export function makeCopies(forest: Forest, x: Float64Array, count: number, stride: number): void {
  const F = forest.numFeatures;
  const offset = (copy: number): number => (forest.slot[copy] < 0 ? -1 : forest.slot[copy] * F);
  const nanLow = offset(Copy.NAN_LOW);
  const zeroLow = offset(Copy.ZERO_LOW);
  const zeroNan = offset(Copy.ZERO_NAN);
  for (let r = 0, o = 0; r < count; r++, o += stride) {
    for (let j = 0; j < F; j++) {
      let v = x[o + j];
      if (v <= ZERO_THRESHOLD && v >= -ZERO_THRESHOLD) x[o + j] = v = 0;
      const missing = v !== v;
      if (nanLow >= 0) x[o + nanLow + j] = missing ? -Infinity : v;
      if (zeroLow >= 0) x[o + zeroLow + j] = missing || v === 0 ? -Infinity : v;
      if (zeroNan >= 0) x[o + zeroNan + j] = v === 0 ? NaN : v;
    }
  }
}

/** Trees with categorical splits (or NaN thresholds): LightGBM's Decision, node by node, on the raw copy; leaf indices (node id − numInternal) to `leaves`. */
function walkGeneral(f: Forest, root: number, x: Float64Array, stride: number, count: number, leaves: Int32Array): void {
  const L = f.numInternal;
  for (let r = 0; r < count; r++) {
    const o = r * stride + f.slot[Copy.RAW] * f.numFeatures;
    let n = root;
    while (n < L) n = f.kids[2 * n + (decideRight(f, n, x[o + f.feature[n]]) ? 1 : 0)];
    leaves[r] = n - L;
  }
}

/** Tree::Decision: CategoricalDecision or NumericalDecision (include/LightGBM/tree.h). */
function decideRight(f: Forest, n: number, value: number): boolean {
  const type = f.decisionType[n];
  if ((type & 1) !== 0) {
    // NaN and negative categories go right; static_cast<int> truncates, and on x86-64 a value
    // outside int32 becomes INT_MIN (negative). A category in the bit set goes left.
    const c = Math.trunc(value);
    if (!(c >= 0 && c < 2147483648)) return true;
    const word = c >>> 5;
    return !(word < f.catWords[n] && ((f.catBits[f.catStart[n] + word] >>> (c & 31)) & 1) === 1);
  }
  const missingType = (type >> 2) & 3;
  let v = value;
  if (v !== v && missingType !== 2) v = 0;
  if ((missingType === 1 && v >= -ZERO_THRESHOLD && v <= ZERO_THRESHOLD) || (missingType === 2 && v !== v)) return (type & 2) === 0;
  return !(v <= f.threshold[n]);
}

/** Tree::Predict for a linear tree: the leaf's linear model, or its constant output when a feature it uses is NaN. */
function linearLeaf(f: Forest, leaf: number, x: Float64Array, o: number): number {
  let output = f.linConst[leaf];
  for (let i = f.linStart[leaf]; i < f.linStart[leaf + 1]; i++) {
    const v = x[o + f.linFeature[i]];
    if (v !== v) return f.leafValue[leaf];
    output += f.linCoeff[i] * v;
  }
  return output;
}
