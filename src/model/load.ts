// Owns turning a model directory into a LoadedModel: read MLmodel, choose the flavor, load it.

import { ModelLoadError, ServingError } from '../errors.js';
import type { LoadedFlavorModel, ModelFlavor } from '../flavors/types.js';
import type { Signature } from '../schema/types.js';
import { readMLmodel, type MLmodel } from './mlmodel.js';
import type { Logger } from '../logger.js';

export { readMLmodel, type MLmodel };

/** Flavors mlserve can serve, in order of preference, loaded lazily (onnxruntime only when needed). */
const FLAVORS: Record<string, () => Promise<ModelFlavor>> = {
  js_function: async () => (await import('../flavors/js/index.js')).jsFunctionFlavor,
  onnx: async () => (await import('../flavors/onnx/index.js')).onnxFlavor,
  sklearn: async () => (await import('../flavors/sklearn/index.js')).sklearnFlavor,
  xgboost: async () => (await import('../flavors/xgboost/index.js')).xgboostFlavor,
  lightgbm: async () => (await import('../flavors/lightgbm/index.js')).lightgbmFlavor,
};

/** Names of the flavors this build can serve. */
export const SUPPORTED_FLAVORS = Object.keys(FLAVORS);

/** Flavors whose inference already runs off the main thread (each instance owns a worker). */
const OFF_THREAD = new Set(['onnx']);

/**
 * Flavors whose calls cannot block for long (no user code runs): their cheap calls may run on the
 * HTTP thread (runtime/inline.ts). Never js_function: a user's function can loop.
 */
const INLINE = new Set(['sklearn', 'lightgbm', 'xgboost']);

/** Flavors whose models always predict rows independently, so requests can be merged into one call. */
const ROW_WISE = new Set(['sklearn']);

/** The flavor mlserve will use for a model, and how it runs. */
export interface FlavorChoice {
  readonly name: string;
  /** True when one instance already runs inference off the main thread. */
  readonly offThread: boolean;
  /** The flavor's MLmodel section. */
  readonly conf: Readonly<Record<string, unknown>>;
  /** True when requests may be merged into one model call (the flavor's models are row-wise, or MLmodel says `batchable: true`). */
  readonly batchable: boolean;
  /** True when the flavor's cheap calls may run on the HTTP thread (they cannot block for long). */
  readonly inline: boolean;
}

/** Chooses the first flavor mlserve supports; throws MLflow's error when there is none. */
export function chooseFlavor(mlmodel: MLmodel): FlavorChoice {
  const name = SUPPORTED_FLAVORS.find((f) => f in mlmodel.flavors);
  if (!name) {
    const found = Object.keys(mlmodel.flavors);
    throw new ServingError(
      'RESOURCE_DOES_NOT_EXIST',
      `No suitable flavor backend was found for the model. It has flavors [${found.join(', ')}]; mlserve serves [${SUPPORTED_FLAVORS.join(', ')}].`,
    );
  }
  const conf = mlmodel.flavors[name] ?? {};
  return { name, offThread: OFF_THREAD.has(name), conf, batchable: ROW_WISE.has(name) || conf.batchable === true, inline: INLINE.has(name) };
}

/** A model ready to serve. */
export interface LoadedModel extends LoadedFlavorModel {
  /** Absolute model directory. */
  readonly path: string;
  /** The flavor that serves it. */
  readonly flavor: string;
  readonly signature?: Signature;
  readonly signatureFromTypeHint: boolean;
  readonly mlmodel: MLmodel;
  readonly batchable: boolean;
  close(): Promise<void>;
}

/** Options of `loadModel`. */
export interface LoadOptions {
  /** CPU threads the instance may use (see FlavorLoadContext.threads). */
  readonly threads?: number;
  /** Where the flavor reports notices. @default silentLogger */
  readonly logger?: Logger;
  /** See FlavorLoadContext.onnxEvaluator. */
  readonly onnxEvaluator?: 'auto' | 'native' | 'onnxruntime';
}

/** Loads the model in `dir` with the first flavor mlserve supports. */
export async function loadModel(dir: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const mlmodel = await readMLmodel(dir);
  const { name } = chooseFlavor(mlmodel);
  const flavor = await FLAVORS[name]();
  let loaded: LoadedFlavorModel;
  try {
    loaded = await flavor.load({ modelPath: mlmodel.path, flavorConf: mlmodel.flavors[name] ?? {}, flavors: mlmodel.flavors, signature: mlmodel.signature, threads: options.threads, logger: options.logger, onnxEvaluator: options.onnxEvaluator });
  } catch (err) {
    if (err instanceof ServingError) throw err;
    throw new ModelLoadError(`Failed to load the ${name} model in ${mlmodel.path}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  return {
    path: mlmodel.path,
    flavor: name,
    signature: mlmodel.signature,
    signatureFromTypeHint: mlmodel.signatureFromTypeHint,
    mlmodel,
    batchable: loaded.batchable === true,
    predict: (input, params) => loaded.predict(input, params),
    ...(loaded.predictStream && { predictStream: loaded.predictStream.bind(loaded) }),
    close: async () => {
      await loaded.close?.();
    },
  };
}
