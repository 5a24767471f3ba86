// Owns scikit-learn's DummyClassifier and DummyRegressor (single output): the constant
// predictions of their deterministic strategies. They are GradientBoosting's default `init_`
// (class priors, the mean or a quantile) and baselines people log.

import { Tensor } from '../../data/tensor.js';
import type { PyNode } from '../../pyobj/index.js';
import type { EstimatorBuilder } from './estimator.js';
import { Labels } from './labels.js';
import { argmaxRow, logInPlace } from './math.js';

/** The strategy a fitted dummy used (`_strategy`, set at fit; `strategy` before). */
function strategyOf(node: PyNode): string {
  return (node.optional('_strategy') ?? node.get('strategy')).asStr();
}

function singleOutput(node: PyNode): void {
  const outputs = node.optional('n_outputs_')?.asInt() ?? 1;
  if (outputs !== 1) throw node.error(`has ${outputs} outputs; mlserve evaluates single-output dummies`);
}

/**
 * DummyClassifier: 'prior' (probabilities are `class_prior_`), 'most_frequent' (one-hot of its
 * argmax) and 'constant' (one-hot of the constant); both predict one class for every row.
 * 'stratified' and 'uniform' draw random answers, which cannot be reproduced: refused.
 */
export const dummyClassifier: EstimatorBuilder = (node) => {
  singleOutput(node);
  const strategy = strategyOf(node);
  const classes = Labels.read(node.get('classes_'));
  const prior = node.float64('class_prior_');
  if (prior.length !== classes.size) throw node.error(`has ${prior.length} class priors for ${classes.size} classes`);
  let predicted: number;
  let proba: Float64Array;
  if (strategy === 'prior' || strategy === 'most_frequent') {
    predicted = argmaxRow(prior, 0, prior.length);
    proba = strategy === 'prior' ? prior : oneHot(classes.size, predicted);
  } else if (strategy === 'constant') {
    const constant = node.get('constant').value;
    predicted = -1;
    for (let k = 0; k < classes.size; k++) if (classes.item(k) === constant) predicted = k;
    if (predicted < 0) throw node.error('has a constant that is not one of its classes');
    proba = oneHot(classes.size, predicted);
  } else {
    throw node.error(`uses strategy '${strategy}', which draws random predictions that mlserve cannot reproduce`);
  }
  const probaOf = (rows: number): Float64Array => {
    const out = new Float64Array(rows * proba.length);
    for (let r = 0; r < rows; r++) out.set(proba, r * proba.length);
    return out;
  };
  return {
    className: node.className!,
    predict: (x) => classes.take(new Int32Array(x.rows).fill(predicted)),
    predictProba: (x) => new Tensor('float64', [x.rows, proba.length], probaOf(x.rows)),
    predictLogProba: (x) => new Tensor('float64', [x.rows, proba.length], logInPlace(probaOf(x.rows))),
  };
};

function oneHot(size: number, k: number): Float64Array {
  const out = new Float64Array(size);
  out[k] = 1;
  return out;
}

/** DummyRegressor: `constant_` (the mean, median, a quantile or the constant) for every row. */
export const dummyRegressor: EstimatorBuilder = (node) => {
  singleOutput(node);
  const constantNode = node.get('constant_');
  const constant = constantNode.asFloat64Array();
  if (constant.length !== 1) throw node.error(`has ${constant.length} constants for one output`);
  // `np.full(..., dtype=constant_.dtype)`: an integer constant gives integers.
  const integer = 'iu'.includes(constantNode.asArray().dtype.kind);
  return {
    className: node.className!,
    predict: (x) =>
      integer ? new Tensor('int64', [x.rows], new BigInt64Array(x.rows).fill(BigInt(constant[0]))) : new Tensor('float64', [x.rows], new Float64Array(x.rows).fill(constant[0])),
  };
};
