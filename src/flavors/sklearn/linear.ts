// Owns scikit-learn's linear models: regressors (`X @ coef_.T + intercept_`) and linear classifiers
// (decision function, labels by sign or argmax, LogisticRegression's and SGDClassifier's
// probabilities as each release computes them from what the fitted state holds).

import { Tensor } from '../../data/tensor.js';
import type { PyNode } from '../../pyobj/index.js';
import { type Estimator, type EstimatorBuilder, fittedInput, floatVector, releaseBefore } from './estimator.js';
import { Labels } from './labels.js';
import { argmaxRows, expit, logInPlace, pairwiseSum, softmaxRows } from './math.js';
import { type FittedInput, type NumericColumn, SparseColumn, type Table, validateSparse } from './table.js';

/** `coef_` and `intercept_` of a linear model, `outputs × features` row-major. */
export interface LinearWeights {
  readonly coef: Float64Array;
  /** One intercept per output (a scalar intercept is repeated). */
  readonly intercept: Float64Array;
  readonly outputs: number;
  readonly features: number;
  /** True when `coef_` is 2-D (regressors then answer `[n, outputs]`). */
  readonly coef2d: boolean;
}

/** Reads `coef_` (1-D or 2-D) and `intercept_` (a number or an array of one per output). */
export function readLinearWeights(node: PyNode): LinearWeights {
  const coefNode = node.get('coef_');
  const coefArray = coefNode.asArray();
  if (coefArray.ndim !== 1 && coefArray.ndim !== 2) throw coefNode.error(`should be 1-D or 2-D, found shape (${coefArray.shape.join(', ')})`);
  const coef = coefNode.asFloat64Array();
  const coef2d = coefArray.ndim === 2;
  const outputs = coef2d ? coefArray.shape[0] : 1;
  const features = coef2d ? coefArray.shape[1] : coefArray.shape[0];
  const given = floatVector(node.get('intercept_'));
  if (given.length !== 1 && given.length !== outputs) throw node.get('intercept_').error(`has ${given.length} values for ${outputs} outputs`);
  const intercept = given.length === outputs ? given : new Float64Array(outputs).fill(given[0]);
  return { coef, intercept, outputs, features, coef2d };
}

/**
 * `safe_sparse_dot(X, coef_.T) + intercept_` as a row-major `rows × outputs` matrix. Each value
 * sums its products in feature order from zero, then adds the intercept: bit for bit what scipy's
 * sparse product gives, and within rounding of the BLAS product numpy uses for dense X.
 */
export function linearScores(w: LinearWeights, cols: readonly NumericColumn[], rows: number): Float64Array {
  const { coef, intercept, outputs: k, features: d } = w;
  if (cols.length !== d) throw new Error(`X has ${cols.length} features, but the model is expecting ${d} features as input.`);
  const out = new Float64Array(rows * k);
  const acc = k === 1 ? out : new Float64Array(rows);
  for (let c = 0; c < k; c++) {
    if (k !== 1) acc.fill(0);
    const base = c * d;
    for (let j = 0; j < d; ) {
      const col = cols[j];
      if (col instanceof SparseColumn) {
        // Only the stored values: adding the zero products would not change any sum.
        const { index, values } = col;
        const wj = coef[base + j];
        for (let i = 0; i < index.length; i++) acc[index[i]] += values[i] * wj;
        j++;
      } else if (j + 4 <= d && dense4(cols, j)) {
        // Four features per pass over the rows, still added one after the other (same rounding).
        const c1 = cols[j + 1] as Float64Array;
        const c2 = cols[j + 2] as Float64Array;
        const c3 = cols[j + 3] as Float64Array;
        const w0 = coef[base + j];
        const w1 = coef[base + j + 1];
        const w2 = coef[base + j + 2];
        const w3 = coef[base + j + 3];
        for (let r = 0; r < rows; r++) {
          let a = acc[r];
          a += col[r] * w0;
          a += c1[r] * w1;
          a += c2[r] * w2;
          a += c3[r] * w3;
          acc[r] = a;
        }
        j += 4;
      } else {
        const wj = coef[base + j];
        for (let r = 0; r < rows; r++) acc[r] += col[r] * wj;
        j++;
      }
    }
    const b = intercept[c];
    if (k === 1) for (let r = 0; r < rows; r++) out[r] += b;
    else for (let r = 0, o = c; r < rows; r++, o += k) out[o] = acc[r] + b;
  }
  return out;
}

/** True when the four columns from `j` are all dense. */
function dense4(cols: readonly NumericColumn[], j: number): boolean {
  return cols[j + 1] instanceof Float64Array && cols[j + 2] instanceof Float64Array && cols[j + 3] instanceof Float64Array;
}

/** LinearModel's predict (`_decision_function`): `[n]` for 1-D `coef_`, `[n, targets]` for 2-D. */
function linearModel(node: PyNode, ravel = false): Estimator {
  const input = fittedInput(node);
  const w = readLinearWeights(node);
  return {
    className: input.className,
    estimatorType: 'regressor',
    predict(x) {
      const scores = linearScores(w, validateSparse(x, input), x.rows);
      return new Tensor('float64', w.coef2d && !ravel ? [x.rows, w.outputs] : [scores.length], scores);
    },
  };
}

/** How a linear classifier turns decisions into probabilities. */
type ProbaRule = 'none' | 'ovr-logistic' | 'logistic-regression' | 'modified-huber';

interface ClassifierParts {
  readonly input: FittedInput;
  readonly weights: LinearWeights;
  readonly classes: Labels;
}

/** LinearClassifierMixin: `decision_function`, `predict` (sign for one column, else first argmax). */
function linearClassifier(parts: ClassifierParts, probaOf?: (x: Table) => Float64Array): Estimator {
  const { input, weights: w, classes } = parts;
  const decision = (x: Table): Float64Array => linearScores(w, validateSparse(x, input), x.rows);
  const decisionTensor = (x: Table, scores: Float64Array): Tensor<'float64'> => new Tensor('float64', w.outputs === 1 ? [x.rows] : [x.rows, w.outputs], scores);
  const est: Estimator = {
    className: input.className,
    estimatorType: 'classifier',
    decisionFunction: (x) => decisionTensor(x, decision(x)),
    predict(x) {
      const scores = decision(x);
      if (w.outputs === 1) return classes.take(Int32Array.from(scores, (s) => (s > 0 ? 1 : 0)));
      return classes.take(argmaxRows(scores, x.rows, w.outputs));
    },
  };
  if (probaOf) {
    const k = Math.max(2, w.outputs);
    est.predictProba = (x) => new Tensor('float64', [x.rows, k], probaOf(x));
    est.predictLogProba = (x) => new Tensor('float64', [x.rows, k], logInPlace(probaOf(x)));
  }
  return est;
}

/** `_predict_proba_lr`: expit of the decision; `[1 - p, p]` for one column, else rows normalised (all-zero rows uniform). */
function ovrLogistic(scores: Float64Array, rows: number, k: number): Float64Array {
  if (k === 1) {
    const out = new Float64Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      const p = expit(scores[r]);
      out[2 * r] = 1 - p;
      out[2 * r + 1] = p;
    }
    return out;
  }
  for (let i = 0; i < scores.length; i++) scores[i] = expit(scores[i]);
  return normaliseRows(scores, rows, k);
}

/** `prob /= prob.sum(axis=1)`, rows summing to zero made uniform (sklearn's guard). */
function normaliseRows(prob: Float64Array, rows: number, k: number): Float64Array {
  for (let r = 0, o = 0; r < rows; r++, o += k) {
    let sum = pairwiseSum(prob, o, k);
    if (sum === 0) {
      for (let c = 0; c < k; c++) prob[o + c] = 1;
      sum = k;
    }
    for (let c = 0; c < k; c++) prob[o + c] /= sum;
  }
  return prob;
}

/** SGDClassifier's modified-Huber probabilities: `(clip(d, -1, 1) + 1) / 2`, normalised for several classes. */
function modifiedHuber(scores: Float64Array, rows: number, k: number): Float64Array {
  const clip = (v: number) => (v < -1 ? -1 : v > 1 ? 1 : v);
  if (k === 1) {
    const out = new Float64Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      const p = (clip(scores[r]) + 1) / 2;
      out[2 * r] = 1 - p;
      out[2 * r + 1] = p;
    }
    return out;
  }
  for (let i = 0; i < scores.length; i++) scores[i] = (clip(scores[i]) + 1) / 2;
  return normaliseRows(scores, rows, k);
}

/** `np.c_[-d, d]` for a one-column decision, then sklearn's softmax. */
function softmaxOfDecision(scores: Float64Array, rows: number, k: number): Float64Array {
  if (k !== 1) return softmaxRows(scores, rows, k);
  const out = new Float64Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    out[2 * r] = -scores[r];
    out[2 * r + 1] = scores[r];
  }
  return softmaxRows(out, rows, 2);
}

function classifierParts(node: PyNode, classesNode: PyNode = node.get('classes_')): ClassifierParts {
  return { input: fittedInput(node), weights: readLinearWeights(node), classes: Labels.read(classesNode) };
}

function withProba(parts: ClassifierParts, rule: ProbaRule): Estimator {
  if (rule === 'none') return linearClassifier(parts);
  const { input, weights: w } = parts;
  const proba = (x: Table): Float64Array => {
    const scores = linearScores(w, validateSparse(x, input), x.rows);
    if (rule === 'modified-huber') return modifiedHuber(scores, x.rows, w.outputs);
    if (rule === 'logistic-regression') return softmaxOfDecision(scores, x.rows, w.outputs);
    return ovrLogistic(scores, x.rows, w.outputs);
  };
  return linearClassifier(parts, proba);
}

/**
 * Whether LogisticRegression's probabilities are one-vs-rest sigmoids (else a softmax), from what
 * the state holds: `multi_class` ('ovr', or 'auto'/'deprecated' with two classes or liblinear;
 * newton-cholesky was one-vs-rest under 'auto' before 1.6), and without `multi_class` (1.8+) two
 * classes only.
 */
function logisticIsOvr(node: PyNode, classes: Labels): boolean {
  const multiClass = node.optional('multi_class')?.asStr();
  if (multiClass === undefined) return classes.size <= 2;
  if (multiClass === 'ovr' || multiClass === 'warn') return true;
  if (multiClass === 'multinomial') return false;
  const solver = node.optional('solver')?.asStr();
  if (classes.size <= 2 || solver === 'liblinear') return true;
  // The one case a release changed without a trace in the state: newton-cholesky became multinomial in 1.6.
  return solver === 'newton-cholesky' && releaseBefore(node, 1, 6);
}

/** LogisticRegression(CV): probabilities by the rule its state implies. */
export const logisticRegression: EstimatorBuilder = (node) => {
  const parts = classifierParts(node);
  return withProba(parts, logisticIsOvr(node, parts.classes) ? 'ovr-logistic' : 'logistic-regression');
};

/** SGDClassifier: probabilities for the log and modified-Huber losses only. */
export const sgdClassifier: EstimatorBuilder = (node) => {
  const loss = node.str('loss');
  const rule: ProbaRule = loss === 'log_loss' || loss === 'log' ? 'ovr-logistic' : loss === 'modified_huber' ? 'modified-huber' : 'none';
  return withProba(classifierParts(node), rule);
};

/** RidgeClassifier(CV): classes kept by its label binarizer. */
export const ridgeClassifier: EstimatorBuilder = (node) => {
  const binarizer = node.get('_label_binarizer');
  const type = binarizer.optional('y_type_')?.asStr();
  if (type?.startsWith('multilabel')) throw binarizer.error('is multilabel, which mlserve does not evaluate');
  return withProba(classifierParts(node, binarizer.get('classes_')), 'none');
};

/** LinearRegression, Ridge(CV), Lasso(CV), ElasticNet(CV), LinearSVR: `X @ coef_.T + intercept_`. */
export const linearRegressor: EstimatorBuilder = (node) => linearModel(node);

/** SGDRegressor: the same, raveled to `[n]`. */
export const sgdRegressor: EstimatorBuilder = (node) => linearModel(node, true);

/**
 * PoissonRegressor, GammaRegressor, TweedieRegressor: the linear predictor through the inverse of
 * the model's link (`_base_loss.link` since 1.1, `_link_instance` before): exp for the log link.
 */
export const glmRegressor: EstimatorBuilder = (node) => {
  const linkNode = node.optional('_base_loss')?.get('link') ?? node.get('_link_instance');
  const link = linkNode.className ?? '';
  const name = link.slice(link.lastIndexOf('.') + 1);
  if (name !== 'LogLink' && name !== 'IdentityLink') throw linkNode.error(`is a ${name} link, which mlserve does not invert`);
  const input = fittedInput(node);
  const w = readLinearWeights(node);
  if (w.coef2d) throw node.get('coef_').error('should be 1-D');
  return {
    className: input.className,
    estimatorType: 'regressor',
    predict(x) {
      const raw = linearScores(w, validateSparse(x, input), x.rows);
      if (name === 'LogLink') for (let i = 0; i < raw.length; i++) raw[i] = Math.exp(raw[i]);
      return new Tensor('float64', [x.rows], raw);
    },
  };
};

/** LinearSVC: decision, labels; no probabilities. */
export const linearSvc: EstimatorBuilder = (node) => withProba(classifierParts(node), 'none');
