// Owns the `sklearn` flavor: loads a scikit-learn model MLflow saved (pickle, cloudpickle or skops)
// without running Python, builds its evaluator once, and answers `model.<predict_fn>(df)` as
// MLflow's pyfunc does. See docs/sklearn.md.

import { ModelLoadError } from '../../errors.js';
import { PyNode } from '../../pyobj/index.js';
import type { FlavorLoadContext, LoadedFlavorModel, ModelFlavor, ModelInput } from '../types.js';
import { buildModel, unsupportedModelError } from './build.js';
import { type Estimator, PREDICT_METHODS, type PredictFn } from './estimator.js';
import { toTable } from './input.js';
import { readModelTree, readSklearnConf, type SerializationFormat, versionNotice } from './model-file.js';

/** What a loaded scikit-learn model reports about itself. */
export interface SklearnModelInfo {
  /** Absolute path of the pickle or skops file. */
  readonly modelFile: string;
  readonly serializationFormat: SerializationFormat;
  /** `flavors.sklearn.sklearn_version`. */
  readonly sklearnVersion?: string;
  /** The class of the saved object (`sklearn.pipeline.Pipeline`). */
  readonly className: string;
  /** The function every request calls (`python_function.predict_fn`). */
  readonly predictFn: PredictFn;
}

/** A loaded scikit-learn model. */
export interface LoadedSklearnModel extends LoadedFlavorModel {
  readonly info: SklearnModelInfo;
}

/**
 * The `sklearn` flavor. `load` reads the model file into an inert object tree, builds an evaluator
 * from the classes it knows (refusing every other one by name and step path with an
 * UnsupportedModelError) and checks that the model has the MLmodel's `predict_fn`. `predict` runs
 * that function on the enforced DataFrame (or array); rows are independent, so requests batch.
 */
export const sklearnFlavor: ModelFlavor = {
  name: 'sklearn',
  async load(ctx: FlavorLoadContext): Promise<LoadedSklearnModel> {
    const flavors = ctx.flavors ?? { sklearn: ctx.flavorConf };
    const conf = readSklearnConf(ctx.modelPath, flavors);
    if (conf.predictFn === undefined) {
      throw new ModelLoadError(
        `The model in ${ctx.modelPath} has no python_function flavor (MLflow writes none when the estimator has no predict function, e.g. a LabelEncoder), so neither MLflow's scoring server nor mlserve can serve it.`,
      );
    }
    const tree = await readModelTree(conf);
    const notice = versionNotice(conf.sklearnVersion);
    if (notice) ctx.logger?.warn(notice);
    const predictFn = conf.predictFn;
    if (predictFn === 'score') {
      throw unsupportedModelError([{ name: 'score', kind: 'predict_fn', path: '', detail: 'score(X, y) needs the true labels, so MLflow answers every request with an error' }], conf.file);
    }
    if (!Object.hasOwn(PREDICT_METHODS, predictFn)) {
      throw new ModelLoadError(`python_function.predict_fn is ${JSON.stringify(predictFn)}; MLflow's sklearn flavor calls one of ${Object.keys(PREDICT_METHODS).join(', ')} (or score).`);
    }
    const root = PyNode.root(tree);
    const model = buildModel(root, conf.file);
    const name = PREDICT_METHODS[predictFn as PredictFn];
    const method = model[name]?.bind(model);
    const withheld = model.withheld?.[name];
    if (withheld) throw new ModelLoadError(`mlserve cannot serve ${model.className} (in ${conf.file}) with python_function.predict_fn ${predictFn}: ${withheld}`);
    if (!method) {
      // MLflow's pyfunc fails to load such a model the same way (getattr on the estimator).
      throw new ModelLoadError(`Model implementation is missing required ${predictFn} method: ${model.className} (in ${conf.file}) has no ${predictFn} with the settings it was fitted with.`);
    }
    return new SklearnModel(model, method, {
      modelFile: conf.file,
      serializationFormat: conf.format,
      sklearnVersion: conf.sklearnVersion,
      className: root.className ?? model.className,
      predictFn: predictFn as PredictFn,
    });
  },
};

class SklearnModel implements LoadedSklearnModel {
  readonly info: SklearnModelInfo;
  /** Every estimator predicts rows independently: requests can be concatenated. */
  readonly batchable = true;
  readonly model: Estimator;
  readonly #method: NonNullable<Estimator['predict']>;

  constructor(model: Estimator, method: NonNullable<Estimator['predict']>, info: SklearnModelInfo) {
    this.model = model;
    this.#method = method;
    this.info = info;
  }

  async predict(input: ModelInput): Promise<unknown> {
    const x = toTable(input);
    // Every scikit-learn estimator's input check (check_array's ensure_min_samples).
    if (x.rows === 0) throw new Error(`Found array with 0 sample(s) (shape=(0, ${x.width})) while a minimum of 1 is required.`);
    return this.#method(x);
  }
}
