// Owns evaluating scikit-learn's trees over X with the shared walk: rows laid out in blocks,
// each tree's leaves found for a block, their outputs added tree by tree in scikit-learn's order.

import { type NodeForest, type SourceTree, TreeShapeError, buildNodeForest } from '../trees/node-forest.js';
import { fillRows } from '../trees/rows.js';
import { rowLeaves, treeLeaves } from '../trees/walk.js';
import type { PyNode } from '../../pyobj/index.js';

/** Bytes of rows per block: the block stays in cache while every tree walks it. */
const BLOCK_BYTES = 128 << 10;

/** Rows per block for rows of `stride` values: 64 to 1024, a multiple of eight (the walk's group). */
function blockRows(stride: number): number {
  const rows = Math.floor(BLOCK_BYTES / (8 * Math.max(1, stride)));
  return Math.max(64, Math.min(1024, rows - (rows % 8)));
}

/** How an engine lays out its rows for the walk. */
export interface RowLayout {
  /** Features per row. */
  readonly width: number;
  /** 2 when some node sends missing values left (it reads the row's second copy; see fillRows). */
  readonly copies: 1 | 2;
  /** Values rounded to float32 before the walk (scikit-learn's trees take X as float32). */
  readonly round32: boolean;
}

/** Trees and what each leaf adds: `width` values per leaf, added at output `offset[t]` of a row's `outputs`, times `scale`. */
export interface TreeSum {
  readonly forest: NodeForest;
  readonly layout: RowLayout;
  /** Values per leaf, `numLeaves × width`, by leaf index (node id − numInternal). */
  readonly leafValues: Float64Array;
  readonly leafWidth: number;
  /** Outputs per row. */
  readonly outputs: number;
  /** Per tree: the first output its leaves add to (null: 0 for every tree). */
  readonly offset: Int32Array | null;
  readonly scale: number;
}

/** buildNodeForest, its shape errors reported against `node` (the estimator whose trees they are). */
export function forestOf(node: PyNode, trees: readonly SourceTree[], layout: RowLayout, catWords = 0): NodeForest {
  try {
    return buildNodeForest(trees, layout.width * layout.copies, catWords);
  } catch (err) {
    if (err instanceof TreeShapeError) throw node.error(`holds a tree that is not one: ${err.message}`);
    throw err;
  }
}

/**
 * Visits the leaves row blocks reach: `visit(t, start, count, leaves)` with the leaf of tree `t`
 * for rows `start … start + count - 1` in `leaves[0 … count - 1]`, trees in order within a block.
 */
function walkBlocks(forest: NodeForest, layout: RowLayout, cols: readonly ArrayLike<number>[], rows: number, visit: (t: number, start: number, count: number, leaves: Int32Array) => void): void {
  // The trees' width sizes the row buffer below: it must be X's (a pickle without n_features_in_ is checked nowhere else).
  if (cols.length !== layout.width) throw new Error(`X has ${cols.length} features, but the trees read ${layout.width} features.`);
  const stride = layout.width * layout.copies;
  const block = blockRows(stride);
  const x = new Float64Array(Math.min(block, rows) * stride);
  const leaves = new Int32Array(block);
  const T = forest.numTrees;
  const rowTrees = new Int32Array(T);
  for (let start = 0; start < rows; start += block) {
    const count = Math.min(block, rows - start);
    fillRows(cols, start, count, x, stride, layout.copies, layout.round32);
    if (count >= 8) {
      for (let t = 0; t < T; t++) {
        treeLeaves(forest, t, x, stride, count, leaves);
        visit(t, start, count, leaves);
      }
      continue;
    }
    // A few rows (a single-row request): each row walks eight trees side by side.
    for (let r = 0; r < count; r++) {
      rowLeaves(forest, x, r * stride, rowTrees);
      for (let t = 0; t < T; t++) {
        leaves[0] = rowTrees[t];
        visit(t, start + r, 1, leaves);
      }
    }
  }
}

/**
 * Adds every tree's leaf values to `out` (`rows × outputs`, row-major, holding the starting
 * values): `out[r, offset[t] + j] += scale * leaf[j]`, tree after tree, as scikit-learn's
 * forests (`out += tree.predict(X)`) and GradientBoosting's `predict_stages` add them.
 */
export function addTrees(s: TreeSum, cols: readonly ArrayLike<number>[], rows: number, out: Float64Array): void {
  const { leafValues: lv, leafWidth: V, outputs: K, offset, scale } = s;
  walkBlocks(s.forest, s.layout, cols, rows, (t, start, count, leaves) => {
    const base = start * K + (offset === null ? 0 : offset[t]);
    if (V === 1) {
      for (let r = 0, o = base; r < count; r++, o += K) out[o] += scale * lv[leaves[r]];
      return;
    }
    for (let r = 0, o = base; r < count; r++, o += K) {
      const l = leaves[r] * V;
      for (let j = 0; j < V; j++) out[o + j] += scale * lv[l + j];
    }
  });
}

/** The leaf (index into the forest's leaves) one tree gives each row. */
export function leavesOf(forest: NodeForest, layout: RowLayout, cols: readonly ArrayLike<number>[], rows: number): Int32Array {
  if (forest.numTrees !== 1) throw new RangeError(`leavesOf walks one tree, the forest has ${forest.numTrees}`);
  const out = new Int32Array(rows);
  walkBlocks(forest, layout, cols, rows, (_t, start, count, leaves) => out.set(leaves.subarray(0, count), start));
  return out;
}
