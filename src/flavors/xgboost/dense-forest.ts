// Owns the complete-tree layout of a Forest: every tree padded to a full binary tree, walked without branches.

import type { Forest } from './forest.js';

/**
 * Trees as complete binary trees of their own depth: internal node `i` of tree `t` has children
 * `2i + 1` and `2i + 2`; after `depth[t]` steps the walk lands on leaf `i - (2^depth - 1)`.
 * Leaves above the bottom level are padded with pass-through splits whose subtrees all hold the
 * same leaf value, so every row takes exactly `depth[t]` steps and no step needs a branch.
 *
 * Missing values need no test either: each feature matrix row holds its values twice (see
 * FeatureMatrix), the second copy with NaN replaced by +Infinity. A node whose default direction
 * is right reads the second copy (`+Infinity >= cond` goes right); one whose default is left
 * reads the first (`NaN >= cond` is false, so it goes left). For present values `x >= cond` is
 * exactly XGBoost's `!(x < cond)`.
 */
export interface DenseForest {
  /** Depth of each tree (0 for a single leaf). */
  readonly depth: Int32Array;
  /** First internal node of each tree in `column` / `cond`. */
  readonly nodeStart: Int32Array;
  /** Per tree: index in `leaf` of the leftmost leaf, minus `2^depth - 1`. */
  readonly leafBase: Int32Array;
  /** Offset of the value a node reads within a matrix row (`feature`, or `width + feature` for default right). */
  readonly column: Int32Array;
  readonly cond: Float32Array;
  readonly leaf: Float32Array;
}

/** Deepest tree the layout takes; deeper forests keep the pointer walk. */
const MAX_DEPTH = 16;

/**
 * The complete-tree layout of a numeric, scalar-leaf forest, or null when it does not apply
 * (categorical splits, vector leaves, NaN thresholds) or padding would cost more than `8×` the
 * nodes (deep, unbalanced trees). `width` is where the second copy of a row starts.
 */
export function buildDenseForest(forest: Forest, width: number): DenseForest | null {
  if (forest.categorical || forest.leafVectors) return null;
  const { numTrees, roots, feature, cond, left, right, missing } = forest;
  const depth = new Int32Array(numTrees);
  let internal = 0;
  let leaves = 0;
  for (let t = 0; t < numTrees; t++) {
    const d = treeDepth(forest, roots[t]);
    if (d < 0 || d > MAX_DEPTH) return null;
    depth[t] = d;
    internal += 2 ** d - 1;
    leaves += 2 ** d;
  }
  if (internal + leaves > 8 * feature.length + 4096) return null;
  const nodeStart = new Int32Array(numTrees);
  const leafBase = new Int32Array(numTrees);
  const column = new Int32Array(internal);
  const dcond = new Float32Array(internal);
  const leaf = new Float32Array(leaves);
  let nodeAt = 0;
  let leafAt = 0;
  for (let t = 0; t < numTrees; t++) {
    const d = depth[t];
    nodeStart[t] = nodeAt;
    leafBase[t] = leafAt - (2 ** d - 1);
    // Iterative fill: (node in forest, position in complete tree, level).
    const stack: [number, number, number][] = [[roots[t], 0, 0]];
    while (stack.length) {
      const [n, i, level] = stack.pop()!;
      if (level === d) {
        leaf[leafBase[t] + i] = cond[n];
        continue;
      }
      if (feature[n] < 0) {
        // A leaf above the bottom: pass through (column 0, any threshold) to copies of itself.
        stack.push([n, 2 * i + 1, level + 1], [n, 2 * i + 2, level + 1]);
        continue;
      }
      column[nodeAt + i] = missing[n] === right[n] && right[n] !== left[n] ? width + feature[n] : feature[n];
      dcond[nodeAt + i] = cond[n];
      stack.push([left[n], 2 * i + 1, level + 1], [right[n], 2 * i + 2, level + 1]);
    }
    nodeAt += 2 ** d - 1;
    leafAt += 2 ** d;
  }
  return { depth, nodeStart, leafBase, column, cond: dcond, leaf };
}

/** Depth of the tree at `root`, or -1 when a numeric split has a NaN threshold (always right in XGBoost). */
function treeDepth(forest: Forest, root: number): number {
  let max = 0;
  const stack: [number, number][] = [[root, 0]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    if (forest.feature[n] < 0) {
      max = Math.max(max, d);
      continue;
    }
    if (Number.isNaN(forest.cond[n]) || d >= MAX_DEPTH) return d >= MAX_DEPTH ? MAX_DEPTH + 1 : -1;
    stack.push([forest.left[n], d + 1], [forest.right[n], d + 1]);
  }
  return max;
}
