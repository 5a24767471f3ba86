// Owns LightGBM's scikit-learn estimators found in a pickle (LGBMClassifier, LGBMRegressor,
// LGBMRanker), alone or inside a Pipeline: the pickled Booster's model text is read by mlserve's
// lightgbm engine, and predict / predict_proba answer as the estimators' do.

import { ModelLoadError } from '../../errors.js';
import { Tensor } from '../../data/tensor.js';
import type { PyNode } from '../../pyobj/index.js';
import { featureRows } from '../lightgbm/features.js';
import { type LightGBMModel, parseLightGBMModel } from '../lightgbm/model.js';
import { type Estimator, type EstimatorBuilder, fittedInput } from './estimator.js';
import { tableToArray, tableToFrame } from './frame.js';
import { twoColumns } from './gb-losses.js';
import { Labels } from './labels.js';
import { argmaxRows } from './math.js';
import { type Table, checkFeatures } from './table.js';

/** A fitted LGBM estimator: its booster and the rounds `Booster.predict` uses (`best_iteration`, 0 for all). */
interface Lgbm {
  readonly booster: LightGBMModel;
  /** `Booster.predict(X)` as the estimator calls it, `rows × numClass` float64. */
  scores(x: Table): Float64Array;
}

/**
 * Reads `_Booster` (`lightgbm.basic.Booster`, whose pickled state holds `model_to_string()` as
 * `_handle`, `handle` before LightGBM 4) and the estimator's input checks: a DataFrame goes to
 * the booster as it is (columns by position, or by name when every feature name is a column;
 * pandas categories mapped to codes), anything else first through scikit-learn's `validate_data`
 * (feature count, numbers only, NaN and infinities kept).
 */
function readLgbm(node: PyNode): Lgbm {
  const input = { ...fittedInput(node), nFeatures: node.optional('_n_features_in')?.asInt() ?? node.optional('_n_features')?.asInt() };
  const boosterNode = node.get('_Booster');
  if (boosterNode.className !== 'lightgbm.basic.Booster') throw boosterNode.error(`should be a lightgbm.basic.Booster, found ${boosterNode.typeName}`);
  const handle = boosterNode.optional('_handle') ?? boosterNode.get('handle');
  let booster: LightGBMModel;
  try {
    booster = parseLightGBMModel(handle.asStr(), { source: handle.path });
  } catch (err) {
    if (err instanceof ModelLoadError) throw handle.error(err.message);
    throw err;
  }
  // Booster.predict(num_iteration=None) uses best_iteration (0, the default, is every round).
  const best = boosterNode.optional('best_iteration')?.asInt() ?? 0;
  return {
    booster,
    scores(x) {
      let rows;
      if (x.isFrame) rows = featureRows(tableToFrame(x), booster);
      else {
        checkFeatures(x, input);
        rows = featureRows(tableToArray(x, input.className), booster);
      }
      return booster.predict(rows, { numIteration: best > 0 ? best : -1 });
    },
  };
}

/**
 * LGBMClassifier: probabilities (`[1 - p, p]` for two classes), labels by their first argmax
 * through the estimator's label encoder. With a custom objective (a callable) both answer the
 * booster's raw scores, as LightGBM does.
 */
export const lgbmClassifier: EstimatorBuilder = (node) => {
  const m = readLgbm(node);
  const classes = Labels.read((node.optional('_le')?.get('classes_') ?? node.get('_classes')));
  const custom = typeof node.optional('_objective')?.value !== 'string';
  const k = m.booster.numClass;
  if (!custom && (k === 1 ? classes.size !== 2 : k !== classes.size)) throw node.error(`has ${classes.size} classes for a booster of ${k} outputs`);
  const raw = (x: Table) => new Tensor('float64', k === 1 ? [x.rows] : [x.rows, k], m.scores(x));
  const proba = (x: Table): Tensor<'float64'> => {
    const s = m.scores(x);
    return k > 1 ? new Tensor('float64', [x.rows, k], s) : new Tensor('float64', [x.rows, 2], twoColumns(s, x.rows));
  };
  const est: Estimator = {
    className: node.className!,
    predict: custom ? raw : (x) => classes.take(argmaxRows(proba(x).data, x.rows, classes.size)),
    predictProba: custom ? raw : proba,
  };
  return est;
};

/** LGBMRegressor, LGBMRanker: the booster's predictions. */
export const lgbmRegressor: EstimatorBuilder = (node) => {
  const m = readLgbm(node);
  const k = m.booster.numClass;
  return {
    className: node.className!,
    predict: (x) => new Tensor('float64', k === 1 ? [x.rows] : [x.rows, k], m.scores(x)),
  };
};
