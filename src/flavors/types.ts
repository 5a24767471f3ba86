// Owns the interface every model flavor implements; flavors see decoded data, never wire formats.

import type { Frame } from '../data/frame.js';
import type { Tensor } from '../data/tensor.js';
import type { Signature } from '../schema/types.js';
import type { Logger } from '../logger.js';

/**
 * What a model receives after decoding and signature enforcement (spec §2–3): a Frame (pandas
 * DataFrame), a Tensor (numpy array, possibly 0-d), named tensors, or plain JSON-like values
 * (unified LLM payloads, Any-typed data, lists of dicts).
 */
export type ModelInput = Frame | Tensor | Record<string, Tensor> | Record<string, unknown> | unknown[] | unknown;

/** Params after enforcement: a plain object, or null when the request had none and no schema declares any. */
export type ModelParams = Record<string, unknown> | null;

/** What loading needs: the model directory, the flavor's MLmodel section, and the signature. */
export interface FlavorLoadContext {
  /** Absolute path of the model directory. */
  readonly modelPath: string;
  /** This flavor's section of the MLmodel file. */
  readonly flavorConf: Readonly<Record<string, unknown>>;
  /** The parsed signature, if the MLmodel file has one. */
  readonly signature?: Signature;
  /**
   * CPU threads this instance may use for its own thread pools (the CPUs the process may run on,
   * shared among model instances). Flavors with native thread pools size them from it unless the
   * model configures them; undefined lets the flavor choose.
   */
  readonly threads?: number;
  /** Every flavor section of the MLmodel file (the sklearn flavor reads `python_function.predict_fn`). */
  readonly flavors?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Where the flavor reports what people should know (e.g. outputs it leaves out). @default silentLogger */
  readonly logger?: Logger;
  /** The onnx flavor's evaluator choice (see ServeOptions.onnxEvaluator). @default 'auto' */
  readonly onnxEvaluator?: 'auto' | 'native' | 'onnxruntime';
}

/** A loaded model, ready to predict. */
export interface LoadedFlavorModel {
  /** Runs the model. May throw a ServingError (kept as is) or anything else (MLflow's generic 400). */
  predict(input: ModelInput, params: ModelParams): Promise<unknown>;
  /** Streams one request's answer chunk by chunk (MLflow's `predict_stream`); present only when the model can. */
  predictStream?(input: ModelInput, params: ModelParams): AsyncIterable<unknown>;
  /** True when rows of several requests may be concatenated into one call. */
  readonly batchable?: boolean;
  /** Releases native resources. */
  close?(): Promise<void>;
}

/** A model flavor: a name (the MLmodel `flavors` key) and a loader. */
export interface ModelFlavor {
  readonly name: string;
  load(ctx: FlavorLoadContext): Promise<LoadedFlavorModel>;
}
