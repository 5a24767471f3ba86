// Owns the `xgboost` flavor: loads MLflow XGBoost model directories (JSON/UBJSON) and evaluates them natively (spec §6.7).

import { fileInModel } from '../model-file.js';
import { ModelLoadError } from '../../errors.js';
import type { FlavorLoadContext, LoadedFlavorModel, ModelFlavor, ModelInput, ModelParams } from '../types.js';
import { DEFAULT_MODEL_CLASS, type Estimator, readEstimator } from './estimator.js';
import { type FeatureLayout, featureSource } from './features.js';
import { ModelFormatError } from './fields.js';
import { type Learner, readLearner } from './learner.js';
import { readModelFile, type XgbFileFormat } from './model-file.js';
import { parsePredictMethod, type PredictMethod, readPredictOptions } from './params.js';
import { featureLayout, predictLearner, probabilitiesDefined } from './predict.js';

/** What a loaded XGBoost model reports about itself. */
export interface XGBoostModelInfo {
  /** Absolute path of the model file. */
  readonly modelFile: string;
  /** Format found in the file (the MLmodel's model_format is only a hint). */
  readonly format: XgbFileFormat;
  /** `model_class` from MLmodel, `xgboost.core.Booster` when absent. */
  readonly modelClass: string;
  readonly objective: string;
  readonly booster: 'gbtree' | 'dart' | 'gblinear';
  readonly numTrees: number;
  readonly numFeature: number;
  /** Outputs per row before the objective's transform (classes or targets). */
  readonly numGroups: number;
  readonly featureNames?: readonly string[];
  /** What `predict` returns unless a request says otherwise (`mlserve_predict`). */
  readonly defaultMethod: PredictMethod;
}

/** A loaded XGBoost model. */
export interface LoadedXGBoostModel extends LoadedFlavorModel {
  readonly info: XGBoostModelInfo;
}

/**
 * The `xgboost` flavor. `load` reads `flavors.xgboost` (`data`, `model_format`, `model_class`,
 * and mlserve's `mlserve_predict`), parses the model file (JSON or UBJSON, told apart by content;
 * the legacy binary format fails with advice on re-saving) and flattens its trees. `predict`
 * answers what MLflow's pyfunc answers (`Booster.predict(DMatrix(df))`, or the estimator's
 * `predict`), as float32/int Tensors; see docs/xgboost.md for params and options.
 */
export const xgboostFlavor: ModelFlavor = {
  name: 'xgboost',
  async load(ctx: FlavorLoadContext): Promise<LoadedXGBoostModel> {
    const conf = ctx.flavorConf;
    const format = typeof conf.model_format === 'string' ? conf.model_format : 'ubj';
    const data = typeof conf.data === 'string' && conf.data !== '' ? conf.data : `model.${format}`;
    const modelFile = fileInModel(ctx.modelPath, data);
    const { format: found, doc } = await readModelFile(modelFile);
    let learner: Learner;
    try {
      learner = readLearner(doc);
    } catch (cause) {
      // ModelFormatError says what is wrong; anything else is a document of an unexpected shape.
      const why = cause instanceof ModelFormatError ? cause.message : `not an XGBoost model document (${String(cause)})`;
      throw new ModelLoadError(`Could not load XGBoost model file ${modelFile}: ${why}`, { cause });
    }
    const modelClass = typeof conf.model_class === 'string' && conf.model_class !== '' ? conf.model_class : DEFAULT_MODEL_CLASS;
    const estimator = readEstimator(modelClass, learner.attributes);
    const defaultMethod = readDefaultMethod(conf.mlserve_predict, learner, estimator, modelFile);
    const booster = learner.booster;
    return new XGBoostModel(learner, estimator, {
      modelFile,
      format: found,
      modelClass,
      objective: learner.objective.name,
      booster: booster.kind,
      numTrees: booster.kind === 'gblinear' ? 0 : booster.forest.numTrees,
      numFeature: learner.numFeature,
      numGroups: learner.numGroups,
      featureNames: learner.featureNames,
      defaultMethod,
    });
  },
};

function readDefaultMethod(value: unknown, learner: Learner, estimator: Estimator, modelFile: string): PredictMethod {
  if (value === undefined || value === null) return 'predict';
  let method: PredictMethod;
  try {
    method = parsePredictMethod(value, 'flavors.xgboost.mlserve_predict');
  } catch (cause) {
    throw new ModelLoadError(`Invalid MLmodel for ${modelFile}: ${(cause as Error).message}`, { cause });
  }
  if (method === 'predict_proba' && !probabilitiesDefined(learner, estimator)) {
    throw new ModelLoadError(`flavors.xgboost.mlserve_predict is predict_proba, but ${modelFile} (objective ${learner.objective.name}) is not a classifier.`);
  }
  return method;
}

class XGBoostModel implements LoadedXGBoostModel {
  readonly info: XGBoostModelInfo;
  /** Rows are independent: requests can be concatenated. */
  readonly batchable = true;
  readonly #learner: Learner;
  readonly #estimator: Estimator;
  readonly #layout: FeatureLayout;

  constructor(learner: Learner, estimator: Estimator, info: XGBoostModelInfo) {
    this.#learner = learner;
    this.#estimator = estimator;
    this.info = info;
    this.#layout = featureLayout(learner, estimator);
  }

  async predict(input: ModelInput, params: ModelParams): Promise<unknown> {
    const opts = readPredictOptions(params, this.#estimator.kind === 'booster', this.info.defaultMethod);
    return predictLearner(this.#learner, this.#estimator, featureSource(input, this.#layout), opts);
  }
}
