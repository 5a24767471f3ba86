// Owns the lightgbm flavor's scikit-learn estimators (`model_class: lightgbm.sklearn.*`): MLflow
// cloudpickles them, so they are read and evaluated by the sklearn flavor's engine (the code that
// serves the same estimators saved with mlflow.sklearn), answering `model.predict(df)` as MLflow's
// lightgbm pyfunc does.

import { ModelLoadError, UnsupportedModelError } from '../../errors.js';
import { PyNode } from '../../pyobj/index.js';
import { buildModel } from '../sklearn/build.js';
import { toTable } from '../sklearn/input.js';
import { readModelTree } from '../sklearn/model-file.js';
import type { LoadedFlavorModel, ModelInput } from '../types.js';

/** The estimator classes MLflow's lightgbm flavor saves as pickles. */
const ESTIMATORS = ['lightgbm.sklearn.LGBMClassifier', 'lightgbm.sklearn.LGBMRegressor', 'lightgbm.sklearn.LGBMRanker'];

/** A loaded LightGBM scikit-learn estimator. */
export interface LoadedLightGBMEstimator extends LoadedFlavorModel {
  /** The estimator's class, as MLmodel's `model_class` names it. */
  readonly modelClass: string;
}

/**
 * Loads `modelFile`, a cloudpickle of a `modelClass` estimator: read without running it, checked
 * to hold that class, evaluated natively. Other classes (a subclass of the user's own) are refused
 * with UnsupportedModelError.
 */
export async function loadEstimatorPickle(modelFile: string, modelClass: string): Promise<LoadedLightGBMEstimator> {
  if (!ESTIMATORS.includes(modelClass)) {
    throw new UnsupportedModelError(
      `The LightGBM model ${modelFile} is a ${modelClass}, which mlserve does not evaluate natively (it evaluates Booster text models and ${ESTIMATORS.join(', ')}). ` +
        "Serve it with mlserve's Python engine (`--engine python`), or log its booster: mlflow.lightgbm.log_model(model.booster_, ...).",
      [modelClass],
    );
  }
  const root = PyNode.root(await readModelTree({ file: modelFile, format: 'cloudpickle' }));
  if (root.className !== modelClass) {
    throw new ModelLoadError(`The LightGBM model file ${modelFile} holds a ${root.className ?? root.typeName}, but MLmodel's model_class is ${modelClass}.`);
  }
  const estimator = buildModel(root, modelFile);
  const predict = estimator.predict!.bind(estimator);
  return {
    modelClass,
    /** Rows are independent: requests can be concatenated. */
    batchable: true,
    async predict(input: ModelInput) {
      return predict(toTable(input));
    },
  };
}
