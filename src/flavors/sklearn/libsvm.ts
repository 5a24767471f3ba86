// Owns libsvm's prediction as scikit-learn's bundled copy computes it (sklearn/svm/src/libsvm):
// kernel values against the support vectors, one-vs-one decision values and votes, Platt's
// sigmoid and the pairwise coupling of probabilities (Wu, Lin and Weng's second method, run to
// libsvm's stopping rule). Works on one row at a time into buffers the caller owns.

import { type CsrMatrix, type DenseMatrix, isCsr } from './matrix.js';

/** libsvm's kernels (`svm_parameter.kernel_type`). */
export type KernelType = 'linear' | 'poly' | 'rbf' | 'sigmoid' | 'precomputed';

/** The kernel and its parameters as libsvm receives them. */
export interface KernelParams {
  readonly type: KernelType;
  readonly gamma: number;
  readonly coef0: number;
  /** An int in libsvm (`powi`'s exponent). */
  readonly degree: number;
}

/** A fitted libsvm model in the layout scikit-learn keeps it. */
export interface SvmModel {
  readonly kernel: KernelParams;
  /** Number of features a row has (for precomputed: the number of training samples). */
  readonly features: number;
  /** Support vectors, dense or sparse (`support_vectors_`); unused for a precomputed kernel. */
  readonly sv: DenseMatrix | CsrMatrix;
  /** Number of support vectors. */
  readonly nSv: number;
  /** Index of each support vector in the training set (`support_`), what a precomputed kernel reads. */
  readonly support: Int32Array;
  /** `_dual_coef_`, `(classes - 1) × nSv` row-major (one row for regression and one-class). */
  readonly dualCoef: Float64Array;
  /** `_intercept_` = −rho, one per classifier pair (one for regression and one-class). */
  readonly intercept: Float64Array;
  /** Classes (2 for regression and one-class, as libsvm counts them). */
  readonly classes: number;
  /** Support vectors per class (`_n_support`), classification only. */
  readonly nSupport: Int32Array;
  /** `_probA`, `_probB`: Platt's sigmoid per classifier pair (empty without probabilities). */
  readonly probA: Float64Array;
  readonly probB: Float64Array;
}

/** libsvm's `powi`: `base^times` by repeated squaring (not `Math.pow`, whose last bits differ). */
export function powi(base: number, times: number): number {
  let tmp = base;
  let ret = 1.0;
  for (let t = times; t > 0; t = Math.trunc(t / 2)) {
    if (t % 2 === 1) ret *= tmp;
    tmp = tmp * tmp;
  }
  return ret;
}

/**
 * `k(x, sv_i)` for every support vector into `out` (libsvm's `k_function`): dot products summed
 * in feature order from zero; the RBF kernel sums squared differences (not the expanded form).
 * A sparse support vector visits the union of its entries and the row's, as libsvm's sparse
 * representation does, which gives the same sums as the dense loop.
 */
export function kernelValues(m: SvmModel, x: Float64Array, xOff: number, out: Float64Array): void {
  const { type, gamma, coef0, degree } = m.kernel;
  const d = m.features;
  if (type === 'precomputed') {
    for (let i = 0; i < m.nSv; i++) out[i] = x[xOff + m.support[i]];
    return;
  }
  const sv = m.sv;
  if (!isCsr(sv)) {
    const v = sv.data;
    for (let i = 0, o = 0; i < m.nSv; i++, o += d) {
      let sum = 0;
      if (type === 'rbf') {
        for (let j = 0; j < d; j++) {
          const diff = x[xOff + j] - v[o + j];
          sum += diff * diff;
        }
      } else {
        for (let j = 0; j < d; j++) sum += x[xOff + j] * v[o + j];
      }
      out[i] = finish(type, sum, gamma, coef0, degree);
    }
    return;
  }
  const { indptr, indices, data } = sv;
  for (let i = 0; i < m.nSv; i++) {
    let sum = 0;
    const end = indptr[i + 1];
    if (type === 'rbf') {
      let p = indptr[i];
      for (let j = 0; j < d; j++) {
        const diff = p < end && indices[p] === j ? x[xOff + j] - data[p++] : x[xOff + j];
        sum += diff * diff;
      }
    } else {
      for (let p = indptr[i]; p < end; p++) sum += x[xOff + indices[p]] * data[p];
    }
    out[i] = finish(type, sum, gamma, coef0, degree);
  }
}

function finish(type: KernelType, sum: number, gamma: number, coef0: number, degree: number): number {
  switch (type) {
    case 'rbf':
      return Math.exp(-gamma * sum);
    case 'poly':
      return powi(gamma * sum + coef0, degree);
    case 'sigmoid':
      return Math.tanh(gamma * sum + coef0);
    default:
      return sum;
  }
}

/**
 * libsvm's `svm_predict_values` for classification: the `k(k-1)/2` one-vs-one decision values
 * (pair (i, j) sums class i's support vectors, then class j's, then subtracts rho) into `dec`,
 * and the index of the class with the most votes (a positive value votes for i, anything else for
 * j; the first class wins a tie).
 */
export function classifierDecision(m: SvmModel, kvalue: Float64Array, start: Int32Array, vote: Int32Array, dec: Float64Array, decOff: number): number {
  const k = m.classes;
  const nSv = m.nSv;
  const coef = m.dualCoef;
  vote.fill(0);
  let p = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      let sum = 0;
      const si = start[i];
      const sj = start[j];
      const c1 = (j - 1) * nSv;
      const c2 = i * nSv;
      for (let s = si, e = si + m.nSupport[i]; s < e; s++) sum += coef[c1 + s] * kvalue[s];
      for (let s = sj, e = sj + m.nSupport[j]; s < e; s++) sum += coef[c2 + s] * kvalue[s];
      // rho is −intercept_: subtracting it is adding the intercept, bit for bit.
      sum += m.intercept[p];
      dec[decOff + p] = sum;
      if (sum > 0) vote[i]++;
      else vote[j]++;
      p++;
    }
  }
  let best = 0;
  for (let i = 1; i < k; i++) if (vote[i] > vote[best]) best = i;
  return best;
}

/** Where each class's support vectors start (`start[i]` in libsvm). */
export function classStarts(m: SvmModel): Int32Array {
  const start = new Int32Array(m.classes);
  for (let i = 1; i < m.classes; i++) start[i] = start[i - 1] + m.nSupport[i - 1];
  return start;
}

/** libsvm's decision value of a regression or one-class model: `Σ coef_i k(x, sv_i) − rho`. */
export function regressionDecision(m: SvmModel, kvalue: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < m.nSv; i++) sum += m.dualCoef[i] * kvalue[i];
  return sum + m.intercept[0];
}

/** libsvm's `sigmoid_predict`: Platt's `1 / (1 + exp(A f + B))`, written to avoid cancellation. */
export function sigmoidPredict(decision: number, a: number, b: number): number {
  const fApB = decision * a + b;
  if (fApB >= 0) return Math.exp(-fApB) / (1.0 + Math.exp(-fApB));
  return 1.0 / (1 + Math.exp(fApB));
}

/** Scratch buffers of `multiclassProbability` for `k` classes, allocated once per call of predict. */
export interface CouplingScratch {
  readonly q: Float64Array;
  readonly qp: Float64Array;
}

/** Buffers for `multiclassProbability` with `k` classes. */
export function couplingScratch(k: number): CouplingScratch {
  return { q: new Float64Array(k * k), qp: new Float64Array(k) };
}

/**
 * libsvm's `multiclass_probability` (method 2 of Wu, Lin and Weng, 2004): class probabilities
 * `p` (written at `pOff`) from the pairwise probabilities `r` (`k × k` row-major, `r[i][j]` the
 * probability of i against j). Iterates from the uniform vector, updating one coordinate at a
 * time, until every `|Qp_t − pᵀQp|` is below `0.005 / k` or after `max(100, k)` rounds, as libsvm
 * does, so the result carries the same residual as scikit-learn's.
 */
export function multiclassProbability(k: number, r: Float64Array, p: Float64Array, pOff: number, scratch: CouplingScratch): void {
  const { q, qp } = scratch;
  const maxIter = Math.max(100, k);
  const eps = 0.005 / k;
  for (let t = 0; t < k; t++) {
    p[pOff + t] = 1.0 / k;
    let qtt = 0;
    for (let j = 0; j < t; j++) {
      qtt += r[j * k + t] * r[j * k + t];
      q[t * k + j] = q[j * k + t];
    }
    for (let j = t + 1; j < k; j++) {
      qtt += r[j * k + t] * r[j * k + t];
      q[t * k + j] = -r[j * k + t] * r[t * k + j];
    }
    q[t * k + t] = qtt;
  }
  for (let iter = 0; iter < maxIter; iter++) {
    // Stopping condition: Qp and pQp recomputed from scratch for accuracy.
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += q[t * k + j] * p[pOff + j];
      qp[t] = s;
      pQp += p[pOff + t] * s;
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) {
      const error = Math.abs(qp[t] - pQp);
      if (error > maxError) maxError = error;
    }
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (-qp[t] + pQp) / q[t * k + t];
      p[pOff + t] += diff;
      pQp = (pQp + diff * (diff * q[t * k + t] + 2 * qp[t])) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        qp[j] = (qp[j] + diff * q[t * k + j]) / (1 + diff);
        p[pOff + j] /= 1 + diff;
      }
    }
  }
}

/** The clip libsvm applies to pairwise probabilities before coupling them. */
const MIN_PROB = 1e-7;

/**
 * libsvm's `svm_predict_probability` after the decision values: Platt's sigmoid of each pair's
 * value, clipped to [1e-7, 1 − 1e-7], then coupled (also for two classes: scikit-learn's libsvm
 * has no two-class shortcut). `r` is a `k × k` buffer.
 */
export function pairwiseProbabilities(m: SvmModel, dec: Float64Array, decOff: number, r: Float64Array, p: Float64Array, pOff: number, scratch: CouplingScratch): void {
  const k = m.classes;
  let pair = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      // C++'s min/max templates (`x < y ? x : y`), whose answer for NaN differs from Math.min's.
      const s = sigmoidPredict(dec[decOff + pair], m.probA[pair], m.probB[pair]);
      const lo = s > MIN_PROB ? s : MIN_PROB;
      const v = lo < 1 - MIN_PROB ? lo : 1 - MIN_PROB;
      r[i * k + j] = v;
      r[j * k + i] = 1 - v;
      pair++;
    }
  }
  multiclassProbability(k, r, p, pOff, scratch);
}
