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

/** How a release sorts a row's neighbours by distance (`simultaneous_sort`), in place on `[off, off + size)`. */
export type NeighborSort = (values: Float64Array, indices: Int32Array, off: number, size: number) => void;

/**
 * `simultaneous_sort` up to scikit-learn 1.8: a quicksort (median of three, Lomuto partition) on
 * `values/indices[off : off + size]`; an explicit stack replaces its recursion.
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

/**
 * `simultaneous_sort` from scikit-learn 1.9: an introsort (median of three moved to the end,
 * two-way partition, insertion sort below 16 elements, heapsort past 2·log2(n) levels).
 */
export function introSort(values: Float64Array, indices: Int32Array, off: number, size: number): void {
  if (size === 0) return;
  introsort2way(values, indices, off, size, 2 * Math.floor(Math.log2(size)));
}

function introsort2way(values: Float64Array, indices: Int32Array, off: number, n: number, maxd: number): void {
  while (n > 15) {
    if (maxd <= 0) {
      siftHeapSort(values, indices, off, n);
      return;
    }
    maxd--;
    // inplace_median3: smallest first, median last (the pivot), largest in the middle.
    const mid = off + (n >> 1);
    const last = off + n - 1;
    if (values[off] > values[last]) dualSwap(values, indices, off, last);
    if (values[last] > values[mid]) {
      dualSwap(values, indices, last, mid);
      if (values[off] > values[last]) dualSwap(values, indices, off, last);
    }
    const pivot = values[last];
    let i = 1;
    let j = n - 2;
    for (;;) {
      while (i <= j && values[off + i] < pivot) i++;
      while (i <= j && values[off + j] > pivot) j--;
      if (i >= j) break;
      dualSwap(values, indices, off + i, off + j);
      i++;
      j--;
    }
    dualSwap(values, indices, off + i, last);
    introsort2way(values, indices, off, i, maxd);
    off += i + 1;
    n -= i + 1;
  }
  for (let i = 1; i < n; i++) {
    const v = values[off + i];
    const x = indices[off + i];
    let j = i;
    while (j > 0 && values[off + j - 1] > v) {
      values[off + j] = values[off + j - 1];
      indices[off + j] = indices[off + j - 1];
      j--;
    }
    values[off + j] = v;
    indices[off + j] = x;
  }
}

/** scikit-learn's heapsort (sift-down from the root, the larger child first). */
function siftHeapSort(values: Float64Array, indices: Int32Array, off: number, n: number): void {
  const siftDown = (start: number, end: number): void => {
    let root = start;
    for (;;) {
      const child = root * 2 + 1;
      let max = root;
      if (child < end && values[off + max] < values[off + child]) max = child;
      if (child + 1 < end && values[off + max] < values[off + child + 1]) max = child + 1;
      if (max === root) break;
      dualSwap(values, indices, off + root, off + max);
      root = max;
    }
  };
  for (let start = Math.trunc((n - 2) / 2); ; start--) {
    siftDown(start, n);
    if (start === 0) break;
  }
  for (let end = n - 1; end > 0; end--) {
    dualSwap(values, indices, off, off + end);
    siftDown(0, end);
  }
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
  const values = new Float64Array(n * k).fill(DBL_MAX);
  const indices = new Int32Array(n * k).fill(-1);
  const onX = parallelOnX(n, nFit);
  const scratch = scratchFor(nFit, k);
  const dist = scratch.dist;
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    for (let j = 0, yo = 0; j < nFit; j++, yo += d) dist[j] = rdist(xs, xo, fit, yo);
    reduceRow(values, indices, i * k, k, dist, onX, scratch, sort);
  }
  if (toDist) for (let i = 0; i < values.length; i++) values[i] = toDist(values[i] > 0 ? values[i] : 0);
  return { k, indices, distances: values };
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
  const values = new Float64Array(n * k).fill(DBL_MAX);
  const indices = new Int32Array(n * k).fill(-1);
  const onX = parallelOnX(n, nFit);
  const scratch = scratchFor(nFit, k);
  const dist = scratch.dist;
  for (let i = 0; i < n; i++) {
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
    reduceRow(values, indices, i * k, k, dist, onX, scratch, sort);
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

/** Parts of at most this many elements plus one are finished by insertion sort in numpy's quicksort. */
const SMALL_QUICKSORT = 15;

/**
 * numpy's generic `argsort` (kind 'quicksort': introsort with median of three, insertion sort
 * for small parts, heapsort past the depth limit) of `v` through the index array `idx[0 : num]`.
 * As with `argPartition`, numpy's x86 SIMD builds sort with x86-simd-sort instead.
 */
export function argSort(v: Float64Array, idx: Int32Array, num: number): void {
  const stack: number[] = [];
  let pl = 0;
  let pr = num - 1;
  let cdepth = 2 * (31 - Math.clz32(Math.max(num, 1)));
  for (;;) {
    if (cdepth < 0) {
      argHeapSort(v, idx, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[idx[pm]], v[idx[pl]])) swap(idx, pm, pl);
        if (less(v[idx[pr]], v[idx[pm]])) swap(idx, pr, pm);
        if (less(v[idx[pm]], v[idx[pl]])) swap(idx, pm, pl);
        const vp = v[idx[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(idx, pm, pj);
        for (;;) {
          do pi++;
          while (less(v[idx[pi]], vp));
          do pj--;
          while (less(vp, v[idx[pj]]));
          if (pi >= pj) break;
          swap(idx, pi, pj);
        }
        swap(idx, pi, pr - 1);
        // The larger part waits on the stack.
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr, --cdepth);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1, --cdepth);
          pl = pi + 1;
        }
      }
      for (let pi = pl + 1; pi <= pr; pi++) {
        const vi = idx[pi];
        const vp = v[vi];
        let pj = pi;
        while (pj > pl && less(vp, v[idx[pj - 1]])) {
          idx[pj] = idx[pj - 1];
          pj--;
        }
        idx[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    cdepth = stack.pop()!;
    pr = stack.pop()!;
    pl = stack.pop()!;
  }
}

/** numpy's `aheapsort` of `idx[base : base + n]` by `v`. */
function argHeapSort(v: Float64Array, idx: Int32Array, base: number, n: number): void {
  // 1-based heap over idx[base ...]: a(i) is idx[base + i - 1].
  const a = base - 1;
  for (let l = n >> 1; l > 0; l--) {
    const tmp = idx[a + l];
    let i = l;
    for (let j = l << 1; j <= n; ) {
      if (j < n && less(v[idx[a + j]], v[idx[a + j + 1]])) j++;
      if (less(v[tmp], v[idx[a + j]])) {
        idx[a + i] = idx[a + j];
        i = j;
        j += j;
      } else break;
    }
    idx[a + i] = tmp;
  }
  for (; n > 1; ) {
    const tmp = idx[a + n];
    idx[a + n] = idx[a + 1];
    n--;
    let i = 1;
    for (let j = 2; j <= n; ) {
      if (j < n && less(v[idx[a + j]], v[idx[a + j + 1]])) j++;
      if (less(v[tmp], v[idx[a + j]])) {
        idx[a + i] = idx[a + j];
        i = j;
        j += j;
      } else break;
    }
    idx[a + i] = tmp;
  }
}
