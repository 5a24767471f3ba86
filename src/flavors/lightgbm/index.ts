// Owns the `lightgbm` flavor: reads MLflow LightGBM model directories (Booster text models) and answers as MLflow's pyfunc does.

import { readFile } from 'node:fs/promises';
import { fileInModel } from '../model-file.js';
import { ModelLoadError } from '../../errors.js';
import { Tensor } from '../../data/tensor.js';
import type { FlavorLoadContext, LoadedFlavorModel, ModelFlavor, ModelInput } from '../types.js';
import { featureRows } from './features.js';
import { type LightGBMModel, parseLightGBMModel } from './model.js';
import type { LoadedLightGBMEstimator } from './sklearn-estimator.js';

export { type LightGBMModel, type LightGBMPredictOptions, parseLightGBMModel } from './model.js';
export { featureRows } from './features.js';

/** MLflow's `model_class` for a Booster, and its default when MLmodel has none (mlflow/lightgbm). */
export const BOOSTER_CLASS = 'lightgbm.basic.Booster';

/** What a loaded LightGBM model reports about itself. */
export interface LightGBMModelInfo {
  /** Absolute path of the model file. */
  readonly modelFile: string;
  readonly modelClass: string;
  /** Text format version (`v2`, `v3`, `v4`). */
  readonly version: string;
  readonly objective: string;
  readonly numClass: number;
  readonly numTrees: number;
  readonly numFeatures: number;
  readonly featureNames: readonly string[];
}

/** A loaded LightGBM model directory. */
export interface LoadedLightGBMModel extends LoadedFlavorModel {
  readonly info: LightGBMModelInfo;
  /** The booster itself, for callers that need raw scores or an iteration range. */
  readonly booster: LightGBMModel;
}

/**
 * The `lightgbm` flavor. `load` reads `flavors.lightgbm` (`data`, `model_class`): a Booster's
 * text model (`model.lgb`) is parsed and its trees flattened; a scikit-learn estimator
 * (`lightgbm.sklearn.*`, a cloudpickle `model.pkl`) is read and evaluated by the sklearn engine.
 * `predict` answers `Booster.predict(df)`: float64 `[N]`, or `[N, K]` for multiclass objectives
 * (an estimator: its `predict(df)`).
 * See docs/lightgbm.md.
 */
export const lightgbmFlavor: ModelFlavor = {
  name: 'lightgbm',
  async load(ctx: FlavorLoadContext): Promise<LoadedLightGBMModel | LoadedLightGBMEstimator> {
    const conf = ctx.flavorConf;
    const modelClass = typeof conf.model_class === 'string' && conf.model_class !== '' ? conf.model_class : BOOSTER_CLASS;
    const data = typeof conf.data === 'string' && conf.data !== '' ? conf.data : modelClass === BOOSTER_CLASS ? 'model.lgb' : 'model.pkl';
    const modelFile = fileInModel(ctx.modelPath, data);
    // mlflow.lightgbm saves anything but a Booster with cloudpickle (_save_model): the sklearn engine reads it.
    if (modelClass !== BOOSTER_CLASS) return (await import('./sklearn-estimator.js')).loadEstimatorPickle(modelFile, modelClass);
    let text: string;
    try {
      text = await readFile(modelFile, 'utf8');
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'the file does not exist' : code === 'ERR_STRING_TOO_LONG' ? 'the file is too large to read as text' : String((cause as Error).message);
      throw new ModelLoadError(`Could not read the LightGBM model file ${modelFile}: ${why}`, { cause });
    }
    const booster = parseLightGBMModel(text, { source: `file ${modelFile}` });
    return new LightGBMFlavorModel(booster, {
      modelFile,
      modelClass,
      version: booster.version,
      objective: booster.objective.name,
      numClass: booster.numClass,
      numTrees: booster.numTrees,
      numFeatures: booster.numFeatures,
      featureNames: booster.featureNames,
    });
  },
};

class LightGBMFlavorModel implements LoadedLightGBMModel {
  /** Rows are independent: requests can be concatenated. */
  readonly batchable = true;
  readonly booster: LightGBMModel;
  readonly info: LightGBMModelInfo;

  constructor(booster: LightGBMModel, info: LightGBMModelInfo) {
    this.booster = booster;
    this.info = info;
  }

  /** `Booster.predict(df)`; MLflow's pyfunc passes no params to it, so params are ignored. */
  async predict(input: ModelInput): Promise<unknown> {
    const rows = featureRows(input, this.booster);
    const values = this.booster.predict(rows);
    const k = this.booster.numClass;
    return new Tensor('float64', k === 1 ? [rows.numRows] : [rows.numRows, k], values);
  }
}
