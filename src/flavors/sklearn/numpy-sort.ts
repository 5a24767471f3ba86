// Owns numpy's generic selection and sort of float64 values through an index array
// (`np.argpartition`'s introselect, `np.argsort`'s introsort), as numpy 1.x and builds without
// x86 SIMD sorting run them: they decide which of equal values are selected and in which order.

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
  for (let l = n >> 1; l > 0; l--) siftDown(v, idx, a, idx[a + l], l, n);
  for (; n > 1; ) {
    const tmp = idx[a + n];
    idx[a + n] = idx[a + 1];
    n--;
    siftDown(v, idx, a, tmp, 1, n);
  }
}

/** Places `tmp` from heap position `i` down the 1-based heap `idx[a + 1 … a + n]`, larger values up. */
function siftDown(v: Float64Array, idx: Int32Array, a: number, tmp: number, i: number, n: number): void {
  for (let j = i << 1; j <= n; ) {
    if (j < n && less(v[idx[a + j]], v[idx[a + j + 1]])) j++;
    if (less(v[tmp], v[idx[a + j]])) {
      idx[a + i] = idx[a + j];
      i = j;
      j += j;
    } else break;
  }
  idx[a + i] = tmp;
}
