// Owns evaluating a Forest over rows: chunks of rows with their copies, trees walked eight rows at a time, scores summed in LightGBM's order.

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
  const L = forest.numInternal;
  for (let start = 0; start < rows.numRows; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rows.numRows - start);
    rows.fill(x, start, start + count, stride);
    makeCopies(forest, x, count, stride);
    const grouped = count - (count % 8);
    for (let t = treeBegin; t < treeEnd && grouped > 0; t++) {
      if (forest.walk[t] === Walk.NUMERIC) walkNumeric(forest, forest.roots[t], x, stride, grouped, leaves);
      else walkGeneral(forest, forest.roots[t], x, stride, grouped, leaves);
      const o = start * k + (t % k);
      if (forest.linear[t]) {
        for (let r = 0; r < grouped; r++) out[o + r * k] += linearLeaf(forest, leaves[r] - L, x, r * stride);
      } else {
        const values = forest.leafValue;
        for (let r = 0; r < grouped; r++) out[o + r * k] += values[leaves[r] - L];
      }
    }
    for (let r = grouped; r < count; r++) accumulateRow(forest, x, r * stride, out, (start + r) * k, k, treeBegin, treeEnd);
  }
}

/** One row through trees `[treeBegin, treeEnd)`: runs of plain numeric trees eight at a time, others one by one. */
function accumulateRow(f: Forest, x: Float64Array, o: number, out: Float64Array, base: number, k: number, treeBegin: number, treeEnd: number): void {
  const { col, threshold: thr, kids, roots, leafValue: values } = f;
  const L = f.numInternal;
  let t = treeBegin;
  while (t < treeEnd) {
    if (t + 8 <= treeEnd && f.plainRun[t] >= 8) {
      let n0 = roots[t];
      let n1 = roots[t + 1];
      let n2 = roots[t + 2];
      let n3 = roots[t + 3];
      let n4 = roots[t + 4];
      let n5 = roots[t + 5];
      let n6 = roots[t + 6];
      let n7 = roots[t + 7];
      while (n0 < L || n1 < L || n2 < L || n3 < L || n4 < L || n5 < L || n6 < L || n7 < L) {
        n0 = kids[2 * n0 + 1 - +(x[o + col[n0]] <= thr[n0])];
        n1 = kids[2 * n1 + 1 - +(x[o + col[n1]] <= thr[n1])];
        n2 = kids[2 * n2 + 1 - +(x[o + col[n2]] <= thr[n2])];
        n3 = kids[2 * n3 + 1 - +(x[o + col[n3]] <= thr[n3])];
        n4 = kids[2 * n4 + 1 - +(x[o + col[n4]] <= thr[n4])];
        n5 = kids[2 * n5 + 1 - +(x[o + col[n5]] <= thr[n5])];
        n6 = kids[2 * n6 + 1 - +(x[o + col[n6]] <= thr[n6])];
        n7 = kids[2 * n7 + 1 - +(x[o + col[n7]] <= thr[n7])];
      }
      // Added one by one, in tree order: the same sums as LightGBM's.
      out[base + (t % k)] += values[n0 - L];
      out[base + ((t + 1) % k)] += values[n1 - L];
      out[base + ((t + 2) % k)] += values[n2 - L];
      out[base + ((t + 3) % k)] += values[n3 - L];
      out[base + ((t + 4) % k)] += values[n4 - L];
      out[base + ((t + 5) % k)] += values[n5 - L];
      out[base + ((t + 6) % k)] += values[n6 - L];
      out[base + ((t + 7) % k)] += values[n7 - L];
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

/**
 * Numeric trees: each step is `kids[2n + (x > threshold)]`, with no branch to mispredict;
 * eight rows walk side by side so their loads overlap, until all eight have reached a leaf
 * (leaves loop to themselves). Leaf node ids go to `leaves`; `count` is a multiple of 8.
 */
function walkNumeric(f: Forest, root: number, x: Float64Array, stride: number, count: number, leaves: Int32Array): void {
  const { col, threshold: thr, kids } = f;
  const L = f.numInternal;
  for (let r = 0; r < count; r += 8) {
    const o0 = r * stride;
    const o1 = o0 + stride;
    const o2 = o1 + stride;
    const o3 = o2 + stride;
    const o4 = o3 + stride;
    const o5 = o4 + stride;
    const o6 = o5 + stride;
    const o7 = o6 + stride;
    let n0 = root;
    let n1 = root;
    let n2 = root;
    let n3 = root;
    let n4 = root;
    let n5 = root;
    let n6 = root;
    let n7 = root;
    while (n0 < L || n1 < L || n2 < L || n3 < L || n4 < L || n5 < L || n6 < L || n7 < L) {
      n0 = kids[2 * n0 + 1 - +(x[o0 + col[n0]] <= thr[n0])];
      n1 = kids[2 * n1 + 1 - +(x[o1 + col[n1]] <= thr[n1])];
      n2 = kids[2 * n2 + 1 - +(x[o2 + col[n2]] <= thr[n2])];
      n3 = kids[2 * n3 + 1 - +(x[o3 + col[n3]] <= thr[n3])];
      n4 = kids[2 * n4 + 1 - +(x[o4 + col[n4]] <= thr[n4])];
      n5 = kids[2 * n5 + 1 - +(x[o5 + col[n5]] <= thr[n5])];
      n6 = kids[2 * n6 + 1 - +(x[o6 + col[n6]] <= thr[n6])];
      n7 = kids[2 * n7 + 1 - +(x[o7 + col[n7]] <= thr[n7])];
    }
    leaves[r] = n0;
    leaves[r + 1] = n1;
    leaves[r + 2] = n2;
    leaves[r + 3] = n3;
    leaves[r + 4] = n4;
    leaves[r + 5] = n5;
    leaves[r + 6] = n6;
    leaves[r + 7] = n7;
  }
}

/** Trees with categorical splits (or NaN thresholds): LightGBM's Decision, node by node, on the raw copy. */
function walkGeneral(f: Forest, root: number, x: Float64Array, stride: number, count: number, leaves: Int32Array): void {
  const L = f.numInternal;
  for (let r = 0; r < count; r++) {
    const o = r * stride + f.slot[Copy.RAW] * f.numFeatures;
    let n = root;
    while (n < L) n = f.kids[2 * n + (decideRight(f, n, x[o + f.feature[n]]) ? 1 : 0)];
    leaves[r] = n;
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
