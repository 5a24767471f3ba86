// Owns compiling LightGBM trees into one flat, walkable layout: a threshold, a column and two children per node, leaves last.

import { CATEGORICAL_MASK, DEFAULT_LEFT_MASK, MissingType, type Tree } from './trees.js';

/**
 * Which copy of a feature a numeric node reads. Each row is stored up to four times, each copy
 * with missing values (and, for Zero, zeros) replaced so that one comparison, `x <= threshold`
 * goes left, gives LightGBM's NumericalDecision for every missing type and default direction:
 *
 * - RAW: NaN stays NaN, so it goes right.
 * - NAN_LOW: NaN becomes -Infinity, so it goes left.
 * - ZERO_LOW: NaN and 0 become -Infinity (Zero missing type, default left, threshold < 0).
 * - ZERO_NAN: NaN and 0 become NaN (Zero missing type, default right, threshold ≥ 0).
 *
 * Missing type None turns NaN into 0, so NaN goes where 0 goes: left iff `0 <= threshold`.
 */
export const Copy = { RAW: 0, NAN_LOW: 1, ZERO_LOW: 2, ZERO_NAN: 3 } as const;
type CopyKind = (typeof Copy)[keyof typeof Copy];

/** How a tree is walked: one comparison per node, or LightGBM's full Decision (categorical splits, NaN thresholds). */
export const Walk = { NUMERIC: 0, GENERAL: 1 } as const;

/**
 * Every tree of a model in one node space. Internal nodes of all trees come first
 * (`0 … numInternal - 1`), then one node per leaf; a leaf's children are itself, so a walk may
 * take extra steps once it has arrived. For internal node `n`: go to `kids[2n]` when
 * `x[col[n]] <= threshold[n]`, else to `kids[2n + 1]`, where `x` is the row with its copies
 * (`numCopies × numFeatures` values, copy `c` starting at `slot[c] × numFeatures`).
 */
export interface Forest {
  readonly numTrees: number;
  readonly numFeatures: number;
  readonly numInternal: number;
  /** Node where each tree's walk starts (a leaf node for single-leaf trees). */
  readonly roots: Int32Array;
  /** Walk of each tree. */
  readonly walk: Uint8Array;
  /** 1 when the tree has linear models at its leaves. */
  readonly linear: Uint8Array;
  /** How many trees from each one on are numeric with plain leaves (walkable eight trees at a time). */
  readonly plainRun: Int32Array;
  readonly col: Int32Array;
  readonly threshold: Float64Array;
  readonly kids: Int32Array;
  /** Leaf outputs by node id − numInternal. */
  readonly leafValue: Float64Array;
  /** Copies a row needs, and where each lives in the row (-1 when unused). */
  readonly numCopies: number;
  readonly slot: Int8Array;
  /** General walk: feature index and decision type per internal node; categorical bit sets. */
  readonly feature: Int32Array;
  readonly decisionType: Uint8Array;
  readonly catStart: Int32Array;
  readonly catWords: Int32Array;
  readonly catBits: Uint32Array;
  /** Linear leaves by node id − numInternal: constant, then coefficients `[linStart[l], linStart[l + 1])`. */
  readonly linConst: Float64Array;
  readonly linStart: Int32Array;
  readonly linFeature: Int32Array;
  readonly linCoeff: Float64Array;
}

/** The copy a numeric node reads (see Copy). */
function copyFor(decisionType: number, threshold: number): CopyKind {
  const missing = (decisionType >> 2) & 3;
  const left = (decisionType & DEFAULT_LEFT_MASK) !== 0;
  if (missing === MissingType.NaN) return left ? Copy.NAN_LOW : Copy.RAW;
  if (missing === MissingType.Zero) {
    if (left) return threshold >= 0 ? Copy.NAN_LOW : Copy.ZERO_LOW;
    return threshold < 0 ? Copy.RAW : Copy.ZERO_NAN;
  }
  return threshold >= 0 ? Copy.NAN_LOW : Copy.RAW;
}

/** Flattens checked trees (see readTree) into a Forest. */
export function buildForest(trees: readonly Tree[], numFeatures: number): Forest {
  const numTrees = trees.length;
  let numInternal = 0;
  let numLeaves = 0;
  let numCatWords = 0;
  let numLinear = 0;
  for (const t of trees) {
    numInternal += t.numLeaves - 1;
    numLeaves += t.numLeaves;
    numCatWords += t.catThreshold.length;
    numLinear += t.linear ? t.linear.features.length : 0;
  }
  const total = numInternal + numLeaves;
  const f = {
    roots: new Int32Array(numTrees),
    walk: new Uint8Array(numTrees),
    linear: new Uint8Array(numTrees),
    col: new Int32Array(total),
    threshold: new Float64Array(total),
    kids: new Int32Array(2 * total),
    leafValue: new Float64Array(numLeaves),
    feature: new Int32Array(numInternal),
    decisionType: new Uint8Array(numInternal),
    catStart: new Int32Array(numInternal),
    catWords: new Int32Array(numInternal),
    catBits: new Uint32Array(numCatWords),
    linConst: new Float64Array(numLeaves),
    linStart: new Int32Array(numLeaves + 1),
    linFeature: new Int32Array(numLinear),
    linCoeff: new Float64Array(numLinear),
  };
  const copyOf = new Int8Array(numInternal);
  const used = [true, false, false, false];
  let nodeBase = 0;
  let leafBase = 0;
  let catBase = 0;
  let linBase = 0;
  trees.forEach((t, k) => {
    const node = (child: number): number => (child >= 0 ? nodeBase + child : numInternal + leafBase + ~child);
    const n = t.numLeaves - 1;
    f.roots[k] = n > 0 ? nodeBase : numInternal + leafBase;
    f.linear[k] = t.linear ? 1 : 0;
    let general = false;
    for (let i = 0; i < n; i++) {
      const id = nodeBase + i;
      const type = t.decisionType[i];
      const threshold = t.threshold[i];
      f.feature[id] = t.splitFeature[i];
      f.decisionType[id] = type;
      f.threshold[id] = threshold;
      f.kids[2 * id] = node(t.leftChild[i]);
      f.kids[2 * id + 1] = node(t.rightChild[i]);
      if ((type & CATEGORICAL_MASK) !== 0) {
        general = true;
        f.catStart[id] = catBase + t.catBoundaries[threshold];
        f.catWords[id] = t.catBoundaries[threshold + 1] - t.catBoundaries[threshold];
      } else if (Number.isNaN(threshold)) {
        // `x <= NaN` is false, but a missing value must still take its default direction first.
        general = true;
      } else {
        copyOf[id] = copyFor(type, threshold);
        used[copyOf[id]] = true;
      }
    }
    f.walk[k] = general ? Walk.GENERAL : Walk.NUMERIC;
    for (let l = 0; l < t.numLeaves; l++) {
      const id = numInternal + leafBase + l;
      f.kids[2 * id] = f.kids[2 * id + 1] = id;
      f.leafValue[leafBase + l] = t.leafValue[l];
      const lin = t.linear;
      f.linStart[leafBase + l + 1] = linBase + (lin ? lin.start[l + 1] : 0);
      if (lin) f.linConst[leafBase + l] = lin.constant[l];
    }
    f.catBits.set(t.catThreshold, catBase);
    if (t.linear) {
      f.linFeature.set(t.linear.features, linBase);
      f.linCoeff.set(t.linear.coeffs, linBase);
      linBase += t.linear.features.length;
    }
    nodeBase += n;
    leafBase += t.numLeaves;
    catBase += t.catThreshold.length;
  });
  const slot = new Int8Array(4).fill(-1);
  let numCopies = 0;
  for (let c = 0; c < 4; c++) if (used[c]) slot[c] = numCopies++;
  for (let id = 0; id < numInternal; id++) f.col[id] = slot[copyOf[id]] * numFeatures + f.feature[id];
  const plainRun = new Int32Array(numTrees + 1);
  for (let t = numTrees - 1; t >= 0; t--) plainRun[t] = f.walk[t] === Walk.NUMERIC && !f.linear[t] ? plainRun[t + 1] + 1 : 0;
  return { numTrees, numFeatures, numInternal, ...f, plainRun, numCopies, slot };
}
