// Owns evaluating a Forest over a batch of rows: tight loops over typed arrays, float32 accumulation as XGBoost does.

import type { DenseForest } from './dense-forest.js';
import { type Forest, MAX_CATEGORY } from './forest.js';

/** Rows per block: the trees of a block stay in cache while its rows walk them (XGBoost uses 64). */
const BLOCK_ROWS = 64;

/**
 * A dense batch of `numRows` rows of `numCols` float32 features. Row `r` starts at `r * stride`
 * (`stride = 2 * numCols`) and holds its values twice: first with NaN for missing values, then
 * with +Infinity for them (the copy DenseForest reads for default-right nodes).
 */
export interface FeatureMatrix {
  readonly values: Float32Array;
  readonly numRows: number;
  readonly numCols: number;
  readonly stride: number;
}

/**
 * Adds the leaf values of trees `[treeBegin, treeEnd)` to `out` (`numRows × numOutputs`, row-major,
 * holding the base margins). Each addition is rounded to float32, in tree order, exactly as
 * XGBoost's CPU predictor accumulates its `std::vector<float>` predictions.
 */
export function accumulateForest(
  forest: Forest,
  dense: DenseForest | null,
  x: FeatureMatrix,
  out: Float32Array,
  numOutputs: number,
  treeBegin: number,
  treeEnd: number,
): void {
  if (x.numCols < forest.featuresUsed) throw new RangeError(`Feature matrix has ${x.numCols} columns; the trees use ${forest.featuresUsed}`);
  if (dense) accumulateDense(dense, forest.group, x, out, numOutputs, treeBegin, treeEnd);
  else if (forest.categorical === null && forest.leafVectors === null) accumulateNumeric(forest, x, out, numOutputs, treeBegin, treeEnd);
  else accumulateGeneral(forest, x, out, numOutputs, treeBegin, treeEnd);
}

/**
 * Complete trees, no branches: eight rows walk a tree side by side, so the CPU overlaps their
 * loads instead of waiting on (and mispredicting) one row's path at a time.
 */
function accumulateDense(d: DenseForest, group: Int32Array, x: FeatureMatrix, out: Float32Array, k: number, treeBegin: number, treeEnd: number): void {
  const { depth, nodeStart, leafBase, column, cond, leaf } = d;
  const values = x.values;
  const stride = x.stride;
  const numRows = x.numRows;
  for (let start = 0; start < numRows; start += BLOCK_ROWS) {
    const end = Math.min(numRows, start + BLOCK_ROWS);
    for (let t = treeBegin; t < treeEnd; t++) {
      const levels = depth[t];
      const fo = nodeStart[t];
      const lo = leafBase[t];
      const g = group[t];
      let r = start;
      for (; r + 7 < end; r += 8) {
        const r0 = r * stride;
        const r1 = r0 + stride;
        const r2 = r1 + stride;
        const r3 = r2 + stride;
        const r4 = r3 + stride;
        const r5 = r4 + stride;
        const r6 = r5 + stride;
        const r7 = r6 + stride;
        let i0 = 0;
        let i1 = 0;
        let i2 = 0;
        let i3 = 0;
        let i4 = 0;
        let i5 = 0;
        let i6 = 0;
        let i7 = 0;
        for (let l = 0; l < levels; l++) {
          // Child 2i + 1 (left) or 2i + 2 (right): the comparison is the step, no branch.
          i0 = 2 * i0 + 1 + +(values[r0 + column[fo + i0]] >= cond[fo + i0]);
          i1 = 2 * i1 + 1 + +(values[r1 + column[fo + i1]] >= cond[fo + i1]);
          i2 = 2 * i2 + 1 + +(values[r2 + column[fo + i2]] >= cond[fo + i2]);
          i3 = 2 * i3 + 1 + +(values[r3 + column[fo + i3]] >= cond[fo + i3]);
          i4 = 2 * i4 + 1 + +(values[r4 + column[fo + i4]] >= cond[fo + i4]);
          i5 = 2 * i5 + 1 + +(values[r5 + column[fo + i5]] >= cond[fo + i5]);
          i6 = 2 * i6 + 1 + +(values[r6 + column[fo + i6]] >= cond[fo + i6]);
          i7 = 2 * i7 + 1 + +(values[r7 + column[fo + i7]] >= cond[fo + i7]);
        }
        // Float32Array stores round each sum to float32, as XGBoost's float accumulation does.
        const o = r * k + g;
        out[o] += leaf[lo + i0];
        out[o + k] += leaf[lo + i1];
        out[o + 2 * k] += leaf[lo + i2];
        out[o + 3 * k] += leaf[lo + i3];
        out[o + 4 * k] += leaf[lo + i4];
        out[o + 5 * k] += leaf[lo + i5];
        out[o + 6 * k] += leaf[lo + i6];
        out[o + 7 * k] += leaf[lo + i7];
      }
      for (; r < end; r++) {
        const row = r * stride;
        let i = 0;
        for (let l = 0; l < levels; l++) i = 2 * i + 1 + +(values[row + column[fo + i]] >= cond[fo + i]);
        out[r * k + g] += leaf[lo + i];
      }
    }
  }
}

/** Numeric splits and scalar leaves in trees too deep or unbalanced for DenseForest: a pointer walk. */
function accumulateNumeric(forest: Forest, x: FeatureMatrix, out: Float32Array, numOutputs: number, treeBegin: number, treeEnd: number): void {
  const { roots, group, feature, cond, left, right, missing } = forest;
  const values = x.values;
  const stride = x.stride;
  const numRows = x.numRows;
  for (let start = 0; start < numRows; start += BLOCK_ROWS) {
    const end = Math.min(numRows, start + BLOCK_ROWS);
    for (let t = treeBegin; t < treeEnd; t++) {
      const root = roots[t];
      const g = group[t];
      for (let r = start, row = start * stride; r < end; r++, row += stride) {
        let n = root;
        let f = feature[n];
        while (f >= 0) {
          const v = values[row + f];
          const c = cond[n];
          // NaN fails both comparisons: the missing value takes the default direction.
          n = v < c ? left[n] : v >= c ? right[n] : missing[n];
          f = feature[n];
        }
        // Float32Array stores round the sum to float32, as XGBoost's float accumulation does.
        out[r * numOutputs + g] += cond[n];
      }
    }
  }
}

/** The node a row reaches in one tree, categorical splits included. */
function walk(forest: Forest, values: Float32Array, row: number, root: number): number {
  const { feature, cond, left, right, missing } = forest;
  const cat = forest.categorical;
  let n = root;
  while (feature[n] >= 0) {
    const v = values[row + feature[n]];
    if (v !== v) n = missing[n];
    else if (cat !== null && cat.offset[n] >= 0) n = goesRight(v, cat.bits, cat.offset[n], cat.words[n]) ? right[n] : left[n];
    else n = v < cond[n] ? left[n] : right[n];
  }
  return n;
}

/** Any forest: categorical splits and vector leaves too. */
function accumulateGeneral(forest: Forest, x: FeatureMatrix, out: Float32Array, numOutputs: number, treeBegin: number, treeEnd: number): void {
  const vec = forest.leafVectors;
  for (let start = 0; start < x.numRows; start += BLOCK_ROWS) {
    const end = Math.min(x.numRows, start + BLOCK_ROWS);
    for (let t = treeBegin; t < treeEnd; t++) {
      for (let r = start; r < end; r++) {
        const n = walk(forest, x.values, r * x.stride, forest.roots[t]);
        if (vec === null) {
          out[r * numOutputs + forest.group[t]] += forest.cond[n];
        } else {
          const o = vec.offset[n];
          const size = Math.min(vec.size, numOutputs);
          for (let j = 0; j < size; j++) out[r * numOutputs + j] += vec.values[o + j];
        }
      }
    }
  }
}

/**
 * XGBoost's categorical decision (common/categorical.h): a valid category whose bit is set goes
 * right; invalid categories (negative, ≥ 2^24) and categories past the bit set go left.
 */
function goesRight(v: number, bits: Uint32Array, offset: number, words: number): boolean {
  if (v < 0 || v >= MAX_CATEGORY) return false;
  const c = Math.trunc(v);
  const w = c >>> 5;
  return w < words && (bits[offset + w] & (1 << (c & 31))) !== 0;
}

/**
 * Leaf reached in each tree of `[treeBegin, treeEnd)` per row (`pred_leaf`), as node ids within
 * their tree; `out` is `numRows × (treeEnd - treeBegin)`.
 */
export function leafIndices(forest: Forest, x: FeatureMatrix, out: Float32Array, treeBegin: number, treeEnd: number): void {
  const width = treeEnd - treeBegin;
  for (let r = 0; r < x.numRows; r++) {
    for (let t = treeBegin; t < treeEnd; t++) {
      out[r * width + (t - treeBegin)] = walk(forest, x.values, r * x.stride, forest.roots[t]) - forest.roots[t];
    }
  }
}
