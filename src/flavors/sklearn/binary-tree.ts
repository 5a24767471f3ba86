// Owns scikit-learn's KDTree and BallTree as pickled inside a fitted neighbours estimator (`_tree`):
// reading their arrays (checked, so a file cannot send a search out of bounds) and the k-nearest
// query as `BinaryTree.query` runs it (depth first, the nearer child first, a node trimmed when its
// lower bound exceeds the current k-th distance, the same heap and final sort), so that the same
// points are found, ties included.

import type { PyNode } from '../../pyobj/index.js';
import { type DistanceMetric, pickledClass, powP, readPickledMetric } from './distance-metrics.js';
import { type NeighborSort, heapPush } from './neighbor-heap.js';
import type { Neighbors } from './neighbor-search.js';

/** A fitted KD or ball tree. */
export interface BinaryTree {
  readonly kind: 'kd' | 'ball';
  /** Training rows, row-major `n × d`. */
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
  /** Permutation of the rows; a node owns `idxArray[start : end]`. */
  readonly idxArray: Int32Array;
  readonly idxStart: Int32Array;
  readonly idxEnd: Int32Array;
  readonly isLeaf: Uint8Array;
  readonly radius: Float64Array;
  /** KD: lower bounds then upper bounds (`2 × nodes × d`); ball: centroids (`nodes × d`). */
  readonly bounds: Float64Array;
  readonly nodes: number;
  readonly metric: DistanceMetric;
}

/** Reads `_tree` (`newObj(KDTree)` / `newObj(BallTree)` with its `__getstate__` tuple). */
export function readBinaryTree(node: PyNode): BinaryTree {
  const cls = pickledClass(node);
  const kind = /^KDTree(64|32)?$/.test(cls) ? 'kd' : /^BallTree(64|32)?$/.test(cls) ? 'ball' : undefined;
  if (!kind) throw node.error(`is a ${cls || node.typeName}, not a KDTree or BallTree`);
  const state = node.state().asList();
  if (state.length < 12) throw node.error(`has a state of ${state.length} items, expected at least 12`);
  const dataNode = state[0];
  const dataArray = dataNode.asArray();
  if (dataArray.ndim !== 2 || dataArray.dtype.kind !== 'f' || dataArray.dtype.itemsize !== 8) throw dataNode.error('should be a 2-D float64 array');
  const [n, d] = dataArray.shape;
  const data = dataNode.asFloat64Array();
  const idxArray = state[1].asInt32Array();
  if (idxArray.length !== n) throw state[1].error(`has ${idxArray.length} indices for ${n} rows`);
  for (const i of idxArray) if (!(i >= 0 && i < n)) throw state[1].error(`holds the row ${i}, outside the ${n} rows`);
  const nodeData = state[2].asArray();
  const nodes = nodeData.shape[0];
  if (nodeData.ndim !== 1 || nodes < 1) throw state[2].error('should be a non-empty 1-D array of nodes');
  const field = (name: string): Float64Array => {
    try {
      return Float64Array.from(nodeData.field(name).toFloat64Array());
    } catch (err) {
      throw state[2].error(`has no usable field '${name}': ${(err as Error).message}`);
    }
  };
  const starts = field('idx_start');
  const ends = field('idx_end');
  const leaves = field('is_leaf');
  const radius = field('radius');
  const idxStart = new Int32Array(nodes);
  const idxEnd = new Int32Array(nodes);
  const isLeaf = new Uint8Array(nodes);
  for (let i = 0; i < nodes; i++) {
    if (!(starts[i] >= 0 && starts[i] <= ends[i] && ends[i] <= n && Number.isInteger(starts[i]) && Number.isInteger(ends[i]))) {
      throw state[2].error(`has node ${i} over rows [${starts[i]}, ${ends[i]}) of ${n}`);
    }
    idxStart[i] = starts[i];
    idxEnd[i] = ends[i];
    // A node whose children would not exist is a leaf, whatever the file says.
    isLeaf[i] = leaves[i] !== 0 || 2 * i + 2 >= nodes ? 1 : 0;
  }
  const boundsNode = state[3];
  const b = boundsNode.asArray();
  const expected = kind === 'kd' ? [2, nodes, d] : [1, nodes, d];
  if (b.ndim !== 3 || b.shape.some((s, i) => s !== expected[i])) throw boundsNode.error(`has shape (${b.shape.join(', ')}), expected (${expected.join(', ')})`);
  const metric = readPickledMetric(state[11]);
  if (metric.w && metric.w.length !== d) throw state[11].error(`has ${metric.w.length} Minkowski weights for ${d} features`);
  return { kind, data, n, d, idxArray, idxStart, idxEnd, isLeaf, radius, bounds: boundsNode.asFloat64Array(), nodes, metric };
}

/** KD tree `min_rdist`: the reduced distance from the point to the node's bounding box. */
function kdMinRdist(t: BinaryTree, node: number, pt: Float64Array, po: number): number {
  const { d, bounds } = t;
  const p = t.metric.p;
  const lo = node * d;
  const hi = (t.nodes + node) * d;
  let rdist = 0;
  for (let j = 0; j < d; j++) {
    const dLo = bounds[lo + j] - pt[po + j];
    const dHi = pt[po + j] - bounds[hi + j];
    const v = dLo + Math.abs(dLo) + (dHi + Math.abs(dHi));
    if (p === Infinity) {
      const h = 0.5 * v;
      if (h > rdist || rdist !== rdist) rdist = h;
    } else rdist += powP(0.5 * v, p);
  }
  return rdist;
}

/** Ball tree `min_rdist`: `max(0, dist(pt, centroid) − radius)` made a reduced distance. */
function ballMinRdist(t: BinaryTree, node: number, pt: Float64Array, po: number): number {
  const distPt = t.metric.dist(pt, po, t.bounds, node * t.d, t.d);
  const v = distPt - t.radius[node];
  // C's fmax(0, v): NaN loses to 0.
  const minDist = v > 0 ? v : 0;
  return t.metric.distToRdist(minDist);
}

/**
 * `BinaryTree.query(X, k)` (single tree, depth first): the k nearest training rows of each of the
 * `n` rows of `xs`, sorted, with true distances (`rdist_to_dist` as numpy computes it).
 */
export function queryTree(t: BinaryTree, xs: Float64Array, n: number, k: number, withDistances: boolean, sort: NeighborSort): Neighbors {
  const { d, data, idxArray } = t;
  const minRdist = t.kind === 'kd' ? kdMinRdist : ballMinRdist;
  const values = new Float64Array(n * k).fill(Infinity);
  const indices = new Int32Array(n * k);
  // Depth-first stack of (node, lower bound); the nearer child is pushed last so it runs first.
  const stackNode = new Int32Array(2 * 64 + 2);
  const stackBound = new Float64Array(stackNode.length);
  for (let i = 0; i < n; i++) {
    const po = i * d;
    const off = i * k;
    let top = 0;
    stackNode[0] = 0;
    stackBound[0] = minRdist(t, 0, xs, po);
    top = 1;
    while (top > 0) {
      top--;
      const node = stackNode[top];
      const bound = stackBound[top];
      if (bound > values[off]) continue;
      if (t.isLeaf[node]) {
        for (let p = t.idxStart[node]; p < t.idxEnd[node]; p++) {
          const row = idxArray[p];
          heapPush(values, indices, off, k, t.metric.rdist(xs, po, data, row * d, d), row);
        }
        continue;
      }
      const c1 = 2 * node + 1;
      const c2 = c1 + 1;
      const b1 = minRdist(t, c1, xs, po);
      const b2 = minRdist(t, c2, xs, po);
      if (top + 2 > stackNode.length) throw new Error('the neighbours tree is deeper than its node count allows');
      if (b1 <= b2) {
        stackNode[top] = c2;
        stackBound[top++] = b2;
        stackNode[top] = c1;
        stackBound[top++] = b1;
      } else {
        stackNode[top] = c1;
        stackBound[top++] = b1;
        stackNode[top] = c2;
        stackBound[top++] = b2;
      }
    }
    sort(values, indices, off, k);
  }
  if (withDistances) for (let i = 0; i < values.length; i++) values[i] = t.metric.rdistToDistNumpy(values[i]);
  return { k, indices, distances: values };
}
