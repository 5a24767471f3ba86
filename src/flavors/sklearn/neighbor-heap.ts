// Owns scikit-learn's k-nearest bookkeeping: the fixed-size max-heap neighbours are offered to
// (`sklearn.utils._heap.heap_push`) and the final sort by distance (`_sorting.simultaneous_sort`:
// a quicksort up to 1.8, an introsort from 1.9). Which of several equally distant points make the
// k nearest, and in which order they come, follows from these exactly.

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
