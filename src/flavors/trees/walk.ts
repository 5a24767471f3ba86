// Owns walking trees laid out as NodeForest lays them out (internal nodes, then leaves that loop
// to themselves; `x <= threshold` goes left): eight rows side by side through one tree, one row
// through eight trees side by side, and NodeForest's categorical nodes node by node. Engines
// with their own decision rules (LightGBM's missing types) call the numeric walks and keep their
// own general walk.

import type { NodeForest } from './node-forest.js';

/** What the branch-free numeric walks read: internal nodes `0 … numInternal - 1`, then leaves. */
export interface NumericNodes {
  readonly numInternal: number;
  readonly col: Int32Array;
  readonly threshold: Float64Array;
  readonly kids: Int32Array;
}

/**
 * The leaf (node id − numInternal) the numeric tree at `root` gives each of rows
 * `0 … count - 1` of `x` (row `r` at `r * stride`), in `leaves[0 … count - 1]`. Every step is
 * `kids[2n + 1 - (x <= threshold)]`, with no branch to mispredict; eight rows go side by side so
 * that their loads overlap, until all eight have reached a leaf (leaves loop to themselves).
 */
export function walkRows(f: NumericNodes, root: number, x: Float64Array, stride: number, count: number, leaves: Int32Array): void {
  const { col, threshold: thr, kids } = f;
  const L = f.numInternal;
  let r = 0;
  for (; r + 8 <= count; r += 8) {
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
    leaves[r] = n0 - L;
    leaves[r + 1] = n1 - L;
    leaves[r + 2] = n2 - L;
    leaves[r + 3] = n3 - L;
    leaves[r + 4] = n4 - L;
    leaves[r + 5] = n5 - L;
    leaves[r + 6] = n6 - L;
    leaves[r + 7] = n7 - L;
  }
  for (let o = r * stride; r < count; r++, o += stride) {
    let n = root;
    while (n < L) n = kids[2 * n + 1 - +(x[o + col[n]] <= thr[n])];
    leaves[r] = n - L;
  }
}

/**
 * The leaves (node id − numInternal) of the eight numeric trees at `roots[t … t + 7]` for the row
 * at `x[o …]`, in `leaves[at … at + 7]`: a single row has no other rows to overlap with, so eight
 * trees walk side by side.
 */
export function walkEightTrees(f: NumericNodes, roots: Int32Array, t: number, x: Float64Array, o: number, leaves: Int32Array, at: number): void {
  const { col, threshold: thr, kids } = f;
  const L = f.numInternal;
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
  leaves[at] = n0 - L;
  leaves[at + 1] = n1 - L;
  leaves[at + 2] = n2 - L;
  leaves[at + 3] = n3 - L;
  leaves[at + 4] = n4 - L;
  leaves[at + 5] = n5 - L;
  leaves[at + 6] = n6 - L;
  leaves[at + 7] = n7 - L;
}

/** The leaf tree `t` of a NodeForest gives each of rows `0 … count - 1` of `x` (see walkRows). */
export function treeLeaves(f: NodeForest, t: number, x: Float64Array, stride: number, count: number, leaves: Int32Array): void {
  const root = f.roots[t];
  if (f.general[t] === 0) {
    walkRows(f, root, x, stride, count, leaves);
    return;
  }
  const L = f.numInternal;
  for (let r = 0, o = 0; r < count; r++, o += stride) leaves[r] = walkGeneral(f, root, x, o) - L;
}

/** The leaf each tree of a NodeForest gives the row at `x[o …]`, in `leaves[0 … numTrees - 1]`: numeric trees eight at a time. */
export function rowLeaves(f: NodeForest, x: Float64Array, o: number, leaves: Int32Array): void {
  const { roots, col, threshold: thr, kids, general } = f;
  const L = f.numInternal;
  const T = f.numTrees;
  let t = 0;
  while (t < T) {
    if (t + 8 <= T && general[t] + general[t + 1] + general[t + 2] + general[t + 3] + general[t + 4] + general[t + 5] + general[t + 6] + general[t + 7] === 0) {
      walkEightTrees(f, roots, t, x, o, leaves, t);
      t += 8;
      continue;
    }
    let n = roots[t];
    if (general[t] === 1) n = walkGeneral(f, n, x, o);
    else while (n < L) n = kids[2 * n + 1 - +(x[o + col[n]] <= thr[n])];
    leaves[t] = n - L;
    t++;
  }
}

/** One row through a tree with categorical nodes: the leaf's node id. */
function walkGeneral(f: NodeForest, root: number, x: Float64Array, o: number): number {
  const { col, threshold: thr, kids, catOffset, catBits, catOtherLeft } = f;
  const L = f.numInternal;
  const limit = 32 * f.catWords;
  let n = root;
  while (n < L) {
    const v = x[o + col[n]];
    const cat = catOffset[n];
    let left: boolean;
    if (cat < 0) left = v <= thr[n];
    else if (v >= 0 && v < limit) {
      const c = Math.trunc(v);
      left = ((catBits[cat + (c >>> 5)] >>> (c & 31)) & 1) === 1;
    } else left = catOtherLeft[n] === 1;
    n = kids[2 * n + (left ? 0 : 1)];
  }
  return n;
}
