// Owns the brute-force k-nearest-neighbour searches scikit-learn runs: ArgKmin (Euclidean as
// ‖x‖² − 2 x·y + ‖y‖², other metrics by their reduced distance, training rows offered in order to
// sklearn's heap, with its `parallel_on_Y` hand-over for small query batches) and the
// pairwise-distance fallback that selects with numpy's `argpartition` and orders with its `argsort`.

import { type NeighborSort, heapPush } from './neighbor-heap.js';
import { argPartition, argSort } from './numpy-sort.js';

/** k neighbours of `n` queries: indices and (reduced or true) distances, `n × k` row-major. */
export interface Neighbors {
  readonly k: number;
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

/** The largest finite double: what ArgKmin's heaps start from. */
const DBL_MAX = Number.MAX_VALUE;

/**
 * Whether ArgKmin runs `parallel_on_X` for `n` query rows against `nFit` training rows: its 'auto'
 * rule with one thread (256-row chunks). `parallel_on_Y` gathers each row's neighbours in a
 * thread heap and then re-pushes them into the result heap, which orders equally distant
 * neighbours differently after the final sort.
 */
export function parallelOnX(n: number, nFit: number): boolean {
  return nFit < n || 4 * 256 < n;
}

/**
 * ArgKmin's reduction of one query row, its distances to every training row in `dist`: each
 * offered in order to a heap, then (for `parallel_on_X` false) moved to the result heap, then sorted.
 */
function reduceRow(values: Float64Array, indices: Int32Array, off: number, k: number, dist: Float64Array, onX: boolean, scratch: Scratch, sort: NeighborSort): void {
  const nFit = dist.length;
  if (onX) {
    for (let j = 0; j < nFit; j++) heapPush(values, indices, off, k, dist[j], j);
  } else {
    const hv = scratch.values;
    const hi = scratch.indices;
    hv.fill(DBL_MAX);
    hi.fill(-1);
    for (let j = 0; j < nFit; j++) heapPush(hv, hi, 0, k, dist[j], j);
    for (let j = 0; j < k; j++) heapPush(values, indices, off, k, hv[j], hi[j]);
  }
  sort(values, indices, off, k);
}

/** Buffers of one search call: a row's distances and the thread heap of `parallel_on_Y`. */
interface Scratch {
  readonly dist: Float64Array;
  readonly values: Float64Array;
  readonly indices: Int32Array;
}

function scratchFor(nFit: number, k: number): Scratch {
  return { dist: new Float64Array(nFit), values: new Float64Array(k), indices: new Int32Array(k) };
}

/**
 * ArgKmin over `n` query rows: `rowDistances(i, dist)` writes row i's (reduced) distances to every
 * training row, which are reduced to the k nearest, sorted.
 */
function argKmin(n: number, nFit: number, k: number, sort: NeighborSort, rowDistances: (i: number, dist: Float64Array) => void): Neighbors {
  const values = new Float64Array(n * k).fill(DBL_MAX);
  const indices = new Int32Array(n * k).fill(-1);
  const onX = parallelOnX(n, nFit);
  const scratch = scratchFor(nFit, k);
  for (let i = 0; i < n; i++) {
    rowDistances(i, scratch.dist);
    reduceRow(values, indices, i * k, k, scratch.dist, onX, scratch, sort);
  }
  return { k, indices, distances: values };
}

/**
 * ArgKmin's brute-force search with a DistanceMetric: reduced distances by `rdist`, sorted, then
 * made true distances with `_rdist_to_dist(max(d, 0))` when `toDist` is given.
 */
export function bruteSearch(
  xs: Float64Array,
  n: number,
  fit: Float64Array,
  nFit: number,
  d: number,
  k: number,
  rdist: (x: Float64Array, xo: number, y: Float64Array, yo: number) => number,
  toDist: ((r: number) => number) | undefined,
  sort: NeighborSort,
): Neighbors {
  const nb = argKmin(n, nFit, k, sort, (i, dist) => {
    const xo = i * d;
    for (let j = 0, yo = 0; j < nFit; j++, yo += d) dist[j] = rdist(xs, xo, fit, yo);
  });
  const values = nb.distances;
  if (toDist) for (let i = 0; i < values.length; i++) values[i] = toDist(clip(values[i]));
  return nb;
}

/** Cython's `max(0., v)`: negatives (and NaN) become 0. */
function clip(v: number): number {
  return v > 0 ? v : 0;
}

/** Squared row norms `‖y_j‖²` of a row-major matrix, summed in feature order. */
export function squaredRowNorms(m: Float64Array, rows: number, d: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0, o = 0; r < rows; r++, o += d) {
    let s = 0;
    for (let j = 0; j < d; j++) s += m[o + j] * m[o + j];
    out[r] = s;
  }
  return out;
}

/**
 * EuclideanArgKmin: the squared distance as `(‖x‖² + (−2 x·y)) + ‖y‖²`, clipped at zero, as the
 * GEMM-based reduction computes it (so ties and last bits follow sklearn's, not direct differences).
 */
export function euclideanBruteSearch(xs: Float64Array, n: number, fit: Float64Array, fitNorms: Float64Array, nFit: number, d: number, k: number, withDistances: boolean, sort: NeighborSort): Neighbors {
  const xNorms = squaredRowNorms(xs, n, d);
  const nb = argKmin(n, nFit, k, sort, (i, dist) => {
    const xo = i * d;
    const xn = xNorms[i];
    // Four training rows at a time (each dot product still summed in feature order) for speed.
    let j = 0;
    for (; j + 4 <= nFit; j += 4) {
      const y0 = j * d;
      const y1 = y0 + d;
      const y2 = y1 + d;
      const y3 = y2 + d;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let f = 0; f < d; f++) {
        const x = xs[xo + f];
        a0 += x * fit[y0 + f];
        a1 += x * fit[y1 + f];
        a2 += x * fit[y2 + f];
        a3 += x * fit[y3 + f];
      }
      dist[j] = clip(xn + -2 * a0 + fitNorms[j]);
      dist[j + 1] = clip(xn + -2 * a1 + fitNorms[j + 1]);
      dist[j + 2] = clip(xn + -2 * a2 + fitNorms[j + 2]);
      dist[j + 3] = clip(xn + -2 * a3 + fitNorms[j + 3]);
    }
    for (; j < nFit; j++) {
      let dot = 0;
      for (let f = 0, yo = j * d; f < d; f++) dot += xs[xo + f] * fit[yo + f];
      dist[j] = clip(xn + -2 * dot + fitNorms[j]);
    }
  });
  const values = nb.distances;
  if (withDistances) for (let i = 0; i < values.length; i++) values[i] = Math.sqrt(clip(values[i]));
  return nb;
}

/**
 * The pairwise-distance fallback (`_kneighbors_reduce_func`): per query row, `argpartition` of
 * its distances at k − 1, the first k taken and sorted by distance.
 */
export function selectFromDistances(dist: Float64Array, n: number, nFit: number, k: number): Neighbors {
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  const idx = new Int32Array(nFit);
  const row = new Float64Array(nFit);
  const vals = new Float64Array(k);
  const ids = new Int32Array(k);
  const order = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    row.set(dist.subarray(i * nFit, (i + 1) * nFit));
    for (let j = 0; j < nFit; j++) idx[j] = j;
    argPartition(row, idx, nFit, k - 1);
    for (let j = 0; j < k; j++) {
      ids[j] = idx[j];
      vals[j] = row[idx[j]];
    }
    // np.argsort of the k distances, then the neighbours in that order.
    for (let j = 0; j < k; j++) order[j] = j;
    argSort(vals, order, k);
    for (let j = 0; j < k; j++) {
      indices[i * k + j] = ids[order[j]];
      distances[i * k + j] = vals[order[j]];
    }
  }
  return { k, indices, distances };
}

/**
 * sklearn's `cosine_distances(X, Y)`: rows normalised by their L2 norms (a zero row stays zero),
 * `1 − x̂·ŷ` clipped to [0, 2].
 */
export function cosineDistances(xs: Float64Array, n: number, fitNormalized: Float64Array, nFit: number, d: number): Float64Array {
  const xn = normalizeRows(xs, n, d);
  const out = new Float64Array(n * nFit);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < nFit; j++) {
      let s = 0;
      for (let f = 0; f < d; f++) s += xn[i * d + f] * fitNormalized[j * d + f];
      const v = -s + 1;
      out[i * nFit + j] = v < 0 ? 0 : v > 2 ? 2 : v;
    }
  }
  return out;
}

/** `normalize(X, norm="l2")`: each row divided by its norm (zero norms left as 1). */
export function normalizeRows(m: Float64Array, rows: number, d: number): Float64Array {
  const norms = squaredRowNorms(m, rows, d);
  const out = new Float64Array(m.length);
  for (let r = 0; r < rows; r++) {
    const norm = Math.sqrt(norms[r]) || 1;
    for (let j = 0; j < d; j++) out[r * d + j] = m[r * d + j] / norm;
  }
  return out;
}

/** `euclidean_distances(X, Y, squared=True)`: `(−2 x·y + ‖x‖²) + ‖y‖²`, negatives made 0. */
export function squaredEuclideanDistances(xs: Float64Array, n: number, fit: Float64Array, fitNorms: Float64Array, nFit: number, d: number): Float64Array {
  const xNorms = squaredRowNorms(xs, n, d);
  const out = new Float64Array(n * nFit);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < nFit; j++) {
      let dot = 0;
      for (let f = 0; f < d; f++) dot += xs[i * d + f] * fit[j * d + f];
      const v = -2 * dot + xNorms[i] + fitNorms[j];
      out[i * nFit + j] = v > 0 ? v : 0;
    }
  }
  return out;
}
