// Owns answering one prediction of a learner as a Booster or a scikit-learn estimator does:
// which boosting rounds, margins, the objective's transform, and the output's shape (values,
// labels, probabilities). The xgboost flavor and the sklearn flavor's XGB wrappers share it.

import { ServingError } from '../../errors.js';
import type { Tensor } from '../../data/tensor.js';
import { predictLeaves, predictMargins } from './engine.js';
import type { Estimator } from './estimator.js';
import type { FeatureLayout, FeatureSource } from './features.js';
import type { Learner } from './learner.js';
import { classifierLabels, classifierProba, valuesTensor } from './outputs.js';
import type { PredictOptions } from './params.js';

/** True when the model has class probabilities: a classifier, or a Booster with a classification objective. */
export function probabilitiesDefined(learner: Learner, estimator: Estimator): boolean {
  return estimator.kind === 'classifier' || (estimator.kind === 'booster' && learner.objective.task !== 'other');
}

/**
 * How input columns map onto the learner's features for this estimator: a Booster goes through
 * `DMatrix` (NaN missing, infinities rejected), an estimator through `inplace_predict` with its
 * `missing` value.
 */
export function featureLayout(learner: Learner, estimator: Estimator): FeatureLayout {
  return {
    numFeature: learner.numFeature,
    numCols: learner.numCols,
    names: learner.featureNames,
    missing: estimator.kind === 'booster' ? NaN : estimator.missing,
    rejectInfinity: estimator.kind === 'booster',
  };
}

/** The boosting rounds to use: iteration_range, else ntree_limit, else an estimator's best_iteration. */
function roundsFor(learner: Learner, estimator: Estimator, opts: PredictOptions): readonly [number, number] | undefined {
  const booster = learner.booster;
  if (opts.ntreeLimit) {
    if (opts.iterationRange && opts.iterationRange[1] !== 0) {
      throw new ServingError('INVALID_PARAMETER_VALUE', 'Only one of `iteration_range` and `ntree_limit` can be non zero.');
    }
    const parallel = booster.kind === 'gblinear' ? 1 : booster.numParallelTree;
    return [0, Math.floor(opts.ntreeLimit / parallel)];
  }
  if (opts.iterationRange && opts.iterationRange[1] !== 0) return opts.iterationRange;
  const best = estimator.bestIteration;
  if (estimator.kind !== 'booster' && best !== undefined && booster.kind !== 'gblinear') return [0, best + 1];
  return opts.iterationRange;
}

/**
 * What `Booster.predict` or the estimator's `predict` / `predict_proba` returns for the rows of
 * `x`: values (float32), labels, probabilities, margins or leaf indices as `opts` asks.
 */
export function predictLearner(learner: Learner, estimator: Estimator, x: FeatureSource, opts: PredictOptions): Tensor {
  const rounds = roundsFor(learner, estimator, opts);
  const n = x.numRows;
  if (opts.predLeaf) {
    const leaves = predictLeaves(learner, x, rounds);
    return valuesTensor(leaves.values, n, leaves.width);
  }
  const margins = predictMargins(learner, x, rounds);
  const k = learner.numGroups;
  if (opts.method === 'margin') return valuesTensor(margins, n, k, opts.strictShape);
  const objective = learner.objective;
  const proba = opts.method === 'predict_proba';
  if (proba && !probabilitiesDefined(learner, estimator)) {
    throw new ServingError('INVALID_PARAMETER_VALUE', `mlserve_predict=predict_proba needs a classifier; this model's objective is ${objective.name}`);
  }
  // multi:softmax's transform returns a new array and leaves the margins for predict_proba.
  const { values, width } = objective.transform(margins, n, k);
  const nClasses = estimator.nClasses ?? (learner.numClass || 2);
  if (proba) return classifierProba(values, width, margins, k, n, nClasses, objective);
  if (estimator.kind === 'classifier') return classifierLabels(values, n, width, nClasses, objective, estimator.labels);
  return valuesTensor(values, n, width, opts.strictShape);
}
