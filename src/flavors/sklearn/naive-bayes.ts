// Owns scikit-learn's naive Bayes classifiers: GaussianNB, MultinomialNB, ComplementNB and
// BernoulliNB. Each computes its joint log likelihood as its `_joint_log_likelihood` does; the
// shared `predict`, `predict_log_proba` (minus the row's log-sum-exp, as scipy ≥ 1.15 and
// scikit-learn's own `_logsumexp` compute it) and `predict_proba` are `_BaseNB`'s.

import { Tensor } from '../../data/tensor.js';
import type { PyNode } from '../../pyobj/index.js';
import { type Estimator, type EstimatorBuilder, fittedInput } from './estimator.js';
import { Labels } from './labels.js';
import { type LinearWeights, linearScores } from './linear.js';
import { argmaxRows, pairwiseSum } from './math.js';
import { type FittedInput, type Table, validateNumeric } from './table.js';

/**
 * `logsumexp(a[off : off + k])` as scipy ≥ 1.15 (and scikit-learn's `_logsumexp`) compute it:
 * the maxima are taken out of the sum, `log1p(Σ exp(a − max) / m) + log(m) + max` with `m` the
 * number of maxima (an all −∞ row gives −∞; a NaN gives NaN).
 */
export function logSumExp(a: ArrayLike<number>, off: number, k: number, scratch: Float64Array): number {
  let max = a[off];
  for (let c = 1; c < k; c++) {
    const v = a[off + c];
    if (v > max || v !== v) max = v;
    if (max !== max) break;
  }
  let m = 0;
  const shift = max - max === 0 ? max : 0;
  for (let c = 0; c < k; c++) {
    const v = a[off + c];
    if (v === max) {
      m++;
      scratch[c] = 0; // exp(−∞)
    } else scratch[c] = Math.exp(v - shift);
  }
  let s = pairwiseSum(scratch, 0, k);
  if (s !== 0) s /= m;
  // A sum of exponentials is never below −1, so scipy's sign handling changes nothing here.
  return Math.log1p(s) + Math.log(m) + max;
}

/** `_BaseNB`'s public methods over a joint log likelihood `n × k` (row-major). */
function naiveBayes(input: FittedInput, classes: Labels, jll: (x: Table) => Float64Array): Estimator {
  const k = classes.size;
  const logProba = (x: Table): Float64Array => {
    const a = jll(x);
    const scratch = new Float64Array(k);
    for (let r = 0, o = 0; r < x.rows; r++, o += k) {
      const lse = logSumExp(a, o, k, scratch);
      for (let c = 0; c < k; c++) a[o + c] -= lse;
    }
    return a;
  };
  return {
    className: input.className,
    estimatorType: 'classifier',
    predict: (x) => classes.take(argmaxRows(jll(x), x.rows, k)),
    predictJointLogProba: (x) => new Tensor('float64', [x.rows, k], jll(x)),
    predictLogProba: (x) => new Tensor('float64', [x.rows, k], logProba(x)),
    predictProba(x) {
      const a = logProba(x);
      for (let i = 0; i < a.length; i++) a[i] = Math.exp(a[i]);
      return new Tensor('float64', [x.rows, k], a);
    },
  };
}

/** A `k × d` float64 matrix attribute, checked. */
function matrix(node: PyNode, name: string, k: number, d?: number): Float64Array {
  const child = node.get(name);
  const a = child.asArray();
  if (a.ndim !== 2 || a.shape[0] !== k || (d !== undefined && a.shape[1] !== d)) {
    throw child.error(`should have shape (${k}, ${d ?? 'n_features'}), found (${a.shape.join(', ')})`);
  }
  return child.asFloat64Array();
}

/** A float64 vector attribute of length `k`, checked. */
function vector(node: PyNode, name: string, k: number): Float64Array {
  const child = node.get(name);
  const a = child.asArray();
  if (a.ndim !== 1 || a.shape[0] !== k) throw child.error(`should have shape (${k},), found (${a.shape.join(', ')})`);
  return child.asFloat64Array();
}

/**
 * GaussianNB: per class, `log prior − ½ Σ log(2π var) − ½ Σ (x − θ)² / var`, the sums over features
 * in numpy's pairwise order.
 */
export const gaussianNb: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const classes = Labels.read(node.get('classes_'));
  const k = classes.size;
  const theta = matrix(node, 'theta_', k);
  const d = theta.length / k;
  const variance = matrix(node, node.has('var_') ? 'var_' : 'sigma_', k, d);
  const prior = vector(node, 'class_prior_', k);
  // Per class: log(class_prior_) and −0.5 · Σ log(2π var), as `_joint_log_likelihood` computes them each call.
  const logPrior = prior.map(Math.log);
  const logNorm = new Float64Array(k);
  const tmp = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) tmp[j] = Math.log(2.0 * Math.PI * variance[c * d + j]);
    logNorm[c] = -0.5 * pairwiseSum(tmp, 0, d);
  }
  const jll = (x: Table): Float64Array => {
    const cols = validateNumeric(x, input);
    if (cols.length !== d) throw new Error(`X has ${cols.length} features, but GaussianNB is expecting ${d} features as input.`);
    const n = x.rows;
    const out = new Float64Array(n * k);
    const terms = new Float64Array(d);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < k; c++) {
        const o = c * d;
        for (let j = 0; j < d; j++) {
          const diff = cols[j][r] - theta[o + j];
          terms[j] = (diff * diff) / variance[o + j];
        }
        out[r * k + c] = logPrior[c] + (logNorm[c] - 0.5 * pairwiseSum(terms, 0, d));
      }
    }
    return out;
  };
  return naiveBayes(input, classes, jll);
};

/** `feature_log_prob_` and `class_log_prior_` of a discrete naive Bayes model. */
function discreteWeights(node: PyNode, k: number): { flp: Float64Array; prior: Float64Array; d: number } {
  const flpNode = node.get('feature_log_prob_');
  const shape = flpNode.asArray().shape;
  const flp = matrix(node, 'feature_log_prob_', k);
  return { flp, prior: vector(node, 'class_log_prior_', k), d: shape[1] };
}

/** `X @ W.T + b` summed in feature order (safe_sparse_dot), as a `n × k` matrix. */
function weights(coef: Float64Array, intercept: Float64Array, k: number, d: number): LinearWeights {
  return { coef, intercept, outputs: k, features: d, coef2d: true };
}

/** MultinomialNB: `X @ feature_log_prob_.T + class_log_prior_`. */
export const multinomialNb: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const classes = Labels.read(node.get('classes_'));
  const { flp, prior, d } = discreteWeights(node, classes.size);
  const w = weights(flp, prior, classes.size, d);
  return naiveBayes(input, classes, (x) => linearScores(w, validateNumeric(x, input), x.rows));
};

/** ComplementNB: `X @ feature_log_prob_.T`, plus `class_log_prior_` only for a single class. */
export const complementNb: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const classes = Labels.read(node.get('classes_'));
  const k = classes.size;
  const { flp, prior, d } = discreteWeights(node, k);
  const w = weights(flp, k === 1 ? prior : new Float64Array(k), k, d);
  return naiveBayes(input, classes, (x) => linearScores(w, validateNumeric(x, input), x.rows));
};

/**
 * BernoulliNB: X binarized at `binarize` (values above it become 1, the rest 0; None keeps X),
 * then `X @ (flp − neg).T + (class_log_prior_ + Σ neg)` with `neg = log(1 − exp(flp))`.
 */
export const bernoulliNb: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const classes = Labels.read(node.get('classes_'));
  const k = classes.size;
  const { flp, prior, d } = discreteWeights(node, k);
  const threshold = node.optional('binarize')?.asFloat();
  const coef = new Float64Array(k * d);
  const intercept = new Float64Array(k);
  const neg = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      const i = c * d + j;
      neg[j] = Math.log(1 - Math.exp(flp[i]));
      coef[i] = flp[i] - neg[j];
    }
    intercept[c] = prior[c] + pairwiseSum(neg, 0, d);
  }
  const w = weights(coef, intercept, k, d);
  return naiveBayes(input, classes, (x) => {
    let cols = validateNumeric(x, input);
    if (threshold !== undefined) cols = cols.map((col) => col.map((v) => (v > threshold ? 1 : 0)));
    if (cols.length !== d) throw new Error(`Expected input with ${d} features, got ${cols.length} instead`);
    return linearScores(w, cols, x.rows);
  });
};
