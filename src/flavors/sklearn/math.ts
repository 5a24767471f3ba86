// Owns the numerical kernels scikit-learn's predict functions share, written to give numpy's and
// scipy's results: numpy's pairwise row sums, argmax ties, scipy's expit, sklearn's softmax.

/**
 * numpy's `add.reduce` over `n` float64 values read at `offset + i * stride` (pairwise summation:
 * below 8 values a plain loop, up to 128 eight accumulators, beyond that halves). This is what
 * `x.sum()` and `X.sum(axis=1)` of a C-ordered matrix give, bit for bit.
 */
export function pairwiseSum(a: ArrayLike<number>, offset: number, n: number, stride = 1): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0, p = offset; i < n; i++, p += stride) res += a[p];
    return res;
  }
  if (n <= 128) {
    let r0 = a[offset];
    let r1 = a[offset + stride];
    let r2 = a[offset + 2 * stride];
    let r3 = a[offset + 3 * stride];
    let r4 = a[offset + 4 * stride];
    let r5 = a[offset + 5 * stride];
    let r6 = a[offset + 6 * stride];
    let r7 = a[offset + 7 * stride];
    let i = 8;
    for (const end = n - (n % 8); i < end; i += 8) {
      const p = offset + i * stride;
      r0 += a[p];
      r1 += a[p + stride];
      r2 += a[p + 2 * stride];
      r3 += a[p + 3 * stride];
      r4 += a[p + 4 * stride];
      r5 += a[p + 5 * stride];
      r6 += a[p + 6 * stride];
      r7 += a[p + 7 * stride];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[offset + i * stride];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, offset, n2, stride) + pairwiseSum(a, offset + n2 * stride, n - n2, stride);
}

/** numpy's argmax of one row: the first maximum, or the first NaN (NaN compares as the largest). */
export function argmaxRow(a: ArrayLike<number>, offset: number, k: number): number {
  let best = 0;
  let max = a[offset];
  if (max !== max) return 0;
  for (let c = 1; c < k; c++) {
    const v = a[offset + c];
    if (v !== v) return c;
    if (v > max) {
      max = v;
      best = c;
    }
  }
  return best;
}

/** numpy's argmax along axis 1 of a row-major `n × k` matrix. */
export function argmaxRows(a: ArrayLike<number>, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) out[r] = argmaxRow(a, r * k, k);
  return out;
}

/** scipy.special.expit for float64: `1 / (1 + exp(-x))`. */
export function expit(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** numpy's max of one row (NaN propagates). */
function rowMax(a: Float64Array, offset: number, k: number): number {
  let max = a[offset];
  for (let c = 1; c < k; c++) {
    const v = a[offset + c];
    if (v > max || v !== v) max = v;
    if (max !== max) return max;
  }
  return max;
}

/**
 * sklearn.utils.extmath.softmax in place on a row-major `n × k` matrix: subtract the row max,
 * exp, divide by the (pairwise) row sum.
 */
export function softmaxRows(a: Float64Array, n: number, k: number): Float64Array {
  for (let r = 0, o = 0; r < n; r++, o += k) {
    const max = rowMax(a, o, k);
    for (let c = 0; c < k; c++) a[o + c] = Math.exp(a[o + c] - max);
    const sum = pairwiseSum(a, o, k);
    for (let c = 0; c < k; c++) a[o + c] /= sum;
  }
  return a;
}

/** numpy's `np.log` applied in place. */
export function logInPlace(a: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) a[i] = Math.log(a[i]);
  return a;
}
