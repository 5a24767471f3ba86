// Owns the k-nearest-neighbour bookkeeping scikit-learn shares between its searches: the fixed-size
// max-heap (`sklearn.utils._heap.heap_push`) and its final sort (`_sorting.simultaneous_sort`),
// the brute-force searches (`ArgKmin`: Euclidean as ‖x‖² − 2 x·y + ‖y‖², other metrics by their
// reduced distance; and the pairwise-distance fallback that selects with numpy's `argpartition`).
// Which of several points at the same distance makes the k nearest follows from these exactly.

import type { DistanceMetric } from './distance-metrics.js';

/** k neighbours of `n` queries: indices and (reduced or true) distances, `n × k` row-major. */
export interface Neighbors {
  readonly k: number;
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

/**
 * `heap_push`: offers `(val, idx)` to the max-heap `values/indices[off : off + size]`; a value
 * not below the root is refused, else it replaces the root and sifts down (a tie with the larger
 * child goes to the left one).
 */
export function heapPush(values: Float64Array, indices: Int32Array, off: number, size: number, val: number, idx: number): void {
  if (val >= values[off]) return;
  let current = 0;
  for (;;) {
    const left = 2 * current + 1;
    const right = left + 1;
    let swap: number;
    if (left >= size) break;
    else if (right >= size) {
      if (values[off + left] > val) swap = left;
      else break;
    } else if (values[off + left] >= values[off + right]) {
      if (val < values[off + left]) swap = left;
      else break;
    } else if (val < values[off + right]) swap = right;
    else break;
    values[off + current] = values[off + swap];
    indices[off + current] = indices[off + swap];
    current = swap;
  }
  values[off + current] = val;
  indices[off + current] = idx;
}

function dualSwap(values: Float64Array, indices: Int32Array, i: number, j: number): void {
  const v = values[i];
  values[i] = values[j];
  values[j] = v;
  const t = indices[i];
  indices[i] = indices[j];
  indices[j] = t;
}

/**
 * `simultaneous_sort`: the quicksort (median of three, Lomuto partition) scikit-learn sorts
 * neighbours with, on `values/indices[off : off + size]`; an explicit stack replaces its recursion.
 */
export function simultaneousSort(values: Float64Array, indices: Int32Array, off: number, size: number): void {
  const stack: number[] = [off, size];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const o = stack.pop()!;
    if (n <= 1) continue;
    if (n === 2) {
      if (values[o] > values[o + 1]) dualSwap(values, indices, o, o + 1);
      continue;
    }
    if (n === 3) {
      if (values[o] > values[o + 1]) dualSwap(values, indices, o, o + 1);
      if (values[o + 1] > values[o + 2]) {
        dualSwap(values, indices, o + 1, o + 2);
        if (values[o] > values[o + 1]) dualSwap(values, indices, o, o + 1);
      }
      continue;
    }
    const mid = o + (n >> 1);
    const last = o + n - 1;
    if (values[o] > values[last]) dualSwap(values, indices, o, last);
    if (values[last] > values[mid]) {
      dualSwap(values, indices, last, mid);
      if (values[o] > values[last]) dualSwap(values, indices, o, last);
    }
    const pivot = values[last];
    let store = o;
    for (let i = o; i < last; i++) {
      if (values[i] < pivot) {
        dualSwap(values, indices, i, store);
        store++;
      }
    }
    dualSwap(values, indices, store, last);
    const left = store - o;
    if (left > 1) stack.push(o, left);
    if (left + 2 < n) stack.push(store + 1, n - left - 1);
  }
}

/** The largest finite double: what ArgKmin's heaps start from. */
const DBL_MAX = Number.MAX_VALUE;

/**
 * ArgKmin's brute-force search (one thread: every training row offered in order, as
 * `parallel_on_X` does): reduced distances by `rdist`, sorted, then made true distances with
 * `_rdist_to_dist(max(d, 0))` when `withDistances`.
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
): Neighbors {
  const values = new Float64Array(n * k).fill(DBL_MAX);
  const indices = new Int32Array(n * k).fill(-1);
  for (let i = 0; i < n; i++) {
    const off = i * k;
    for (let j = 0; j < nFit; j++) heapPush(values, indices, off, k, rdist(xs, i * d, fit, j * d), j);
    simultaneousSort(values, indices, off, k);
  }
  if (toDist) for (let i = 0; i < values.length; i++) values[i] = toDist(values[i] > 0 ? values[i] : 0);
  return { k, indices, distances: values };
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
export function euclideanBruteSearch(xs: Float64Array, n: number, fit: Float64Array, fitNorms: Float64Array, nFit: number, d: number, k: number, withDistances: boolean): Neighbors {
  const xNorms = squaredRowNorms(xs, n, d);
  const values = new Float64Array(n * k).fill(DBL_MAX);
  const indices = new Int32Array(n * k).fill(-1);
  for (let i = 0; i < n; i++) {
    const off = i * k;
    const xo = i * d;
    const xn = xNorms[i];
    for (let j = 0, yo = 0; j < nFit; j++, yo += d) {
      let dot = 0;
      for (let f = 0; f < d; f++) dot += xs[xo + f] * fit[yo + f];
      const sq = xn + -2 * dot + fitNorms[j];
      heapPush(values, indices, off, k, sq > 0 ? sq : 0, j);
    }
    simultaneousSort(values, indices, off, k);
  }
  if (withDistances) for (let i = 0; i < values.length; i++) values[i] = Math.sqrt(values[i] > 0 ? values[i] : 0);
  return { k, indices, distances: values };
}

/** numpy's `a < b` for sorting floats: NaN sorts last. */
function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/**
 * numpy's generic `argpartition(v, kth)` (introselect: median-of-3 quickselect, selection sort for
 * a small kth, median of medians past its depth limit) on the index array `idx` of `v`. After it,
 * `idx[0 : kth + 1]` are the kth + 1 smallest. numpy builds on x86 with AVX2/AVX-512 run
 * x86-simd-sort's selection instead, which may pick other members among equal values at the
 * boundary.
 */
export function argPartition(v: Float64Array, idx: Int32Array, num: number, kth: number): void {
  introselect(v, idx, 0, num, kth);
}

function swap(idx: Int32Array, i: number, j: number): void {
  const t = idx[i];
  idx[i] = idx[j];
  idx[j] = t;
}

function introselect(v: Float64Array, idx: Int32Array, base: number, num: number, kth: number): void {
  let low = 0;
  let high = num - 1;
  const at = (i: number): number => v[idx[base + i]];
  if (kth - low < 3) {
    // dumb_select: selection sort of the first kth + 1.
    for (let i = 0; i <= kth; i++) {
      let minIdx = i;
      let minVal = at(i);
      for (let j = i + 1; j < num; j++) {
        if (less(at(j), minVal)) {
          minIdx = j;
          minVal = at(j);
        }
      }
      swap(idx, base + i, base + minIdx);
    }
    return;
  }
  if (kth === num - 1) {
    let maxIdx = low;
    let maxVal = at(low);
    for (let j = low + 1; j < num; j++) {
      if (!less(at(j), maxVal)) {
        maxIdx = j;
        maxVal = at(j);
      }
    }
    swap(idx, base + kth, base + maxIdx);
    return;
  }
  let depthLimit = 2 * (31 - Math.clz32(num));
  while (low + 1 < high) {
    let ll = low + 1;
    let hh = high;
    if (depthLimit > 0 || hh - ll < 5) {
      const mid = low + ((high - low) >> 1);
      // median3_swap
      if (less(at(high), at(mid))) swap(idx, base + high, base + mid);
      if (less(at(high), at(low))) swap(idx, base + high, base + low);
      if (less(at(low), at(mid))) swap(idx, base + low, base + mid);
      swap(idx, base + mid, base + low + 1);
    } else {
      const mid = ll + medianOfMedians5(v, idx, base + ll, hh - ll);
      swap(idx, base + mid, base + low);
      ll--;
      hh++;
    }
    depthLimit--;
    const pivot = at(low);
    for (;;) {
      do ll++;
      while (less(at(ll), pivot));
      do hh--;
      while (less(pivot, at(hh)));
      if (hh < ll) break;
      swap(idx, base + ll, base + hh);
    }
    swap(idx, base + low, base + hh);
    if (hh >= kth) high = hh - 1;
    if (hh <= kth) low = ll;
  }
  if (high === low + 1 && less(at(high), at(low))) swap(idx, base + high, base + low);
}

/** Index (relative to `base`) of the median of five `idx[base : base + 5]`, ordering them partly as numpy does. */
function median5(v: Float64Array, idx: Int32Array, base: number): number {
  const at = (i: number): number => v[idx[base + i]];
  if (less(at(1), at(0))) swap(idx, base + 1, base);
  if (less(at(4), at(3))) swap(idx, base + 4, base + 3);
  if (less(at(3), at(0))) swap(idx, base + 3, base);
  if (less(at(4), at(1))) swap(idx, base + 4, base + 1);
  if (less(at(2), at(1))) swap(idx, base + 2, base + 1);
  if (less(at(3), at(2))) return less(at(3), at(1)) ? 1 : 3;
  return 2;
}

/** numpy's median of medians of groups of five over `idx[base : base + num]`. */
function medianOfMedians5(v: Float64Array, idx: Int32Array, base: number, num: number): number {
  const nmed = Math.floor(num / 5);
  for (let i = 0, sub = 0; i < nmed; i++, sub += 5) {
    const m = median5(v, idx, base + sub);
    swap(idx, base + sub + m, base + i);
  }
  if (nmed > 2) introselect(v, idx, base, nmed, nmed >> 1);
  return nmed >> 1;
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
  for (let i = 0; i < n; i++) {
    row.set(dist.subarray(i * nFit, (i + 1) * nFit));
    for (let j = 0; j < nFit; j++) idx[j] = j;
    argPartition(row, idx, nFit, k - 1);
    for (let j = 0; j < k; j++) {
      ids[j] = idx[j];
      vals[j] = row[idx[j]];
    }
    // np.argsort of the k: which of equal distances comes first never changes sklearn's answers.
    simultaneousSort(vals, ids, 0, k);
    indices.set(ids, i * k);
    distances.set(vals, i * k);
  }
  return { k, indices, distances };
}
