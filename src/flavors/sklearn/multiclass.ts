// Owns scikit-learn's OneVsRestClassifier (one binary estimator per class: labels from the largest
// score, probabilities normalised per row) and the constant predictor it keeps for a class that
// was always or never present at fit.

import { Tensor } from '../../data/tensor.js';
import { type Estimator, type EstimatorBuilder, fittedInput, releaseBefore } from './estimator.js';
import { Labels } from './labels.js';
import { checkFeatures, type Table } from './table.js';

/** A column of a 1-D or `[n, k]` float output. */
function column(t: Tensor, c: number): Float64Array {
  const data = t.data as Float64Array;
  if (t.ndim === 1) return data;
  const k = t.shape[1];
  const n = t.shape[0];
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = data[r * k + c];
  return out;
}

/** `_predict_binary`: a regressor's prediction, else the decision function, else the positive class probability. */
function binaryScore(e: Estimator, x: Table, regressor: boolean): Float64Array {
  if (regressor && e.predict) return Float64Array.from(e.predict(x).data as ArrayLike<number>);
  if (e.decisionFunction) return column(e.decisionFunction(x), 0);
  if (e.predictProba) return column(e.predictProba(x), 1);
  throw new Error(`${e.className} has neither decision_function nor predict_proba`);
}

/**
 * OneVsRestClassifier (multiclass and binary; multilabel is refused). `predict` takes the class
 * whose estimator scores highest: releases before 1.8 let a later class win a tie, later ones the
 * first (as argmax), and nothing in the state tells them apart but `_sklearn_version`.
 */
export const oneVsRestClassifier: EstimatorBuilder = (node, ctx) => {
  const input = fittedInput(node);
  const binarizer = node.get('label_binarizer_');
  const type = binarizer.str('y_type_');
  if (type !== 'multiclass' && type !== 'binary') throw binarizer.error(`is ${type}, which mlserve does not evaluate`);
  const classes = Labels.read(binarizer.get('classes_'));
  const estimators = node.list('estimators_').map((e, i) => ctx.child(e, `estimators_[${i}]`));
  const regressor = (e: Estimator) => e.estimatorType === 'regressor';
  const lastWins = releaseBefore(node, 1, 8);
  const est: Estimator = {
    className: input.className,
    predict(x) {
      checkFeatures(x, input);
      const n = x.rows;
      if (type === 'binary') {
        const e = estimators[0];
        const thresh = e.decisionFunction ? 0 : 0.5;
        const s = binaryScore(e, x, regressor(e));
        return classes.take(Int32Array.from(s, (v) => (v > thresh ? 1 : 0)));
      }
      const maxima = new Float64Array(n).fill(-Infinity);
      const argmax = new Int32Array(n);
      const order = estimators.map((_, i) => i);
      if (!lastWins) order.reverse();
      for (const i of order) {
        const s = binaryScore(estimators[i], x, regressor(estimators[i]));
        for (let r = 0; r < n; r++) {
          const m = Math.max(maxima[r], s[r]);
          maxima[r] = m;
          if (m === s[r]) argmax[r] = i;
        }
      }
      return classes.take(argmax);
    },
  };
  if (estimators.length > 0 && estimators[0].predictProba) {
    est.predictProba = (x) => {
      checkFeatures(x, input);
      const n = x.rows;
      const cols = estimators.map((e) => {
        if (!e.predictProba) throw new Error(`${e.className} has no predict_proba`);
        return column(e.predictProba(x), 1);
      });
      if (cols.length === 1) cols.unshift(cols[0].map((p) => 1 - p));
      const k = cols.length;
      const out = new Float64Array(n * k);
      for (let r = 0; r < n; r++) {
        // Y is the transpose of a C-ordered array: numpy sums its rows in order.
        let sum = 0;
        for (let c = 0; c < k; c++) sum += cols[c][r];
        for (let c = 0; c < k; c++) out[r * k + c] = sum === 0 ? cols[c][r] : cols[c][r] / sum;
      }
      return new Tensor('float64', [n, k], out);
    };
  }
  if (estimators.length > 0 && estimators[0].decisionFunction) {
    est.decisionFunction = (x) => {
      if (estimators.length === 1) return estimators[0].decisionFunction!(x);
      const cols = estimators.map((e) => column(e.decisionFunction!(x), 0));
      const k = cols.length;
      const out = new Float64Array(x.rows * k);
      for (let r = 0; r < x.rows; r++) for (let c = 0; c < k; c++) out[r * k + c] = cols[c][r];
      return new Tensor('float64', [x.rows, k], out);
    };
  }
  return est;
};

/** `_ConstantPredictor`: `y_` for every row. */
export const constantPredictor: EstimatorBuilder = (node) => {
  const y = node.float64('y_')[0];
  const repeat = (x: Table) => new Tensor('float64', [x.rows], new Float64Array(x.rows).fill(y));
  return {
    className: node.className!,
    predict: repeat,
    decisionFunction: repeat,
    predictProba: (x) => {
      const out = new Float64Array(x.rows * 2);
      for (let r = 0; r < x.rows; r++) {
        out[2 * r] = 1 - y;
        out[2 * r + 1] = y;
      }
      return new Tensor('float64', [x.rows, 2], out);
    },
  };
};
