// Owns XGBoost's scikit-learn estimators found in a pickle (XGBClassifier, XGBRegressor), alone or
// inside a Pipeline: the pickled Booster's memory snapshot is read by mlserve's xgboost engine,
// and predict / predict_proba answer as the estimator's do (`inplace_predict` with its `missing`,
// best_iteration's rounds, class indices or probabilities).

import type { Tensor } from '../../data/tensor.js';
import { PyByteArray, type PyNode } from '../../pyobj/index.js';
import type { Estimator as XgbEstimator } from '../xgboost/estimator.js';
import { featureSource } from '../xgboost/features.js';
import { ModelFormatError } from '../xgboost/fields.js';
import { type Learner, readLearner } from '../xgboost/learner.js';
import { parseXgbJson, sniffFormat } from '../xgboost/model-file.js';
import type { PredictOptions } from '../xgboost/params.js';
import { featureLayout, predictLearner } from '../xgboost/predict.js';
import { decodeUbjson } from '../xgboost/ubjson.js';
import type { Estimator, EstimatorBuilder } from './estimator.js';
import { tableToFrame } from './frame.js';
import type { Table } from './table.js';

/**
 * The learner of a pickled `xgboost.core.Booster`: its `handle` holds `XGBoosterSerializeToBuffer`'s
 * snapshot, `{"Config": …, "Model": <the saved model>}` in UBJSON (or JSON); the deprecated binary
 * snapshot of XGBoost before 1.0 is refused.
 */
function readPickledBooster(booster: PyNode): Learner {
  if (booster.className !== 'xgboost.core.Booster') throw booster.error(`should be an xgboost.core.Booster, found ${booster.typeName}`);
  const handle = booster.get('handle');
  const v = handle.value;
  const bytes = v instanceof PyByteArray ? v.bytes : v instanceof Uint8Array ? v : undefined;
  if (!bytes) throw handle.error(`should hold the booster's bytes, found ${handle.typeName}`);
  const format = sniffFormat(bytes);
  if (format === 'binary') throw handle.error("holds XGBoost's deprecated binary snapshot (XGBoost before 1.0), which mlserve does not read; save the model with a newer XGBoost");
  let doc: unknown;
  try {
    doc = format === 'ubj' ? decodeUbjson(bytes) : parseXgbJson(new TextDecoder('utf-8').decode(bytes));
    const model = (doc as Record<string, unknown>).Model;
    return readLearner(model !== undefined ? model : doc);
  } catch (err) {
    const why = err instanceof ModelFormatError ? err.message : `not an XGBoost model document (${(err as Error).message})`;
    throw handle.error(why);
  }
}

/** The estimator's side: kind, classes, `missing`, `best_iteration` (the Booster's attribute, else the model's). */
function readWrapper(node: PyNode, learner: Learner, classifier: boolean): XgbEstimator {
  const booster = node.get('_Booster');
  const missingNode = node.optional('missing');
  const bestNode = booster.optional('best_iteration');
  const best = bestNode ? bestNode.asInt() : learner.attributes.best_iteration !== undefined ? Number(learner.attributes.best_iteration) : NaN;
  // A label encoder (`_le`, XGBoost before 1.6) maps class indices back to the labels.
  const le = node.optional('_le');
  const labels = le ? Array.from({ length: le.array('classes_').size }, (_, i) => le.array('classes_').item(i) as number | string) : undefined;
  return {
    kind: classifier ? 'classifier' : 'regressor',
    modelClass: node.className!,
    nClasses: classifier ? node.int('n_classes_') : undefined,
    labels,
    missing: missingNode ? missingNode.asFloat() : NaN,
    bestIteration: Number.isInteger(best) && best >= 0 ? best : undefined,
  };
}

function xgbEstimator(node: PyNode, classifier: boolean): Estimator {
  const learner = readPickledBooster(node.get('_Booster'));
  const estimator = readWrapper(node, learner, classifier);
  const layout = featureLayout(learner, estimator);
  const run = (x: Table, method: PredictOptions['method']) => predictLearner(learner, estimator, featureSource(tableToFrame(x), layout), { method, strictShape: false, predLeaf: false });
  const out: Estimator = { className: node.className!, predict: (x) => run(x, 'predict') };
  // float32, as XGBClassifier.predict_proba returns them (MLflow prints them as float32 values).
  if (classifier) out.predictProba = (x) => run(x, 'predict_proba') as Tensor<'float64'>;
  return out;
}

/** XGBClassifier: class indices (labels through `_le` when it has one) and float32 probabilities. */
export const xgbClassifier: EstimatorBuilder = (node) => xgbEstimator(node, true);

/** XGBRegressor: float32 values. */
export const xgbRegressor: EstimatorBuilder = (node) => xgbEstimator(node, false);
