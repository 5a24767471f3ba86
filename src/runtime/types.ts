// Owns the Predictor interface: what the server calls to run a model, whatever runs it.

import type { ModelParams } from '../flavors/types.js';

/** Per-call options. */
export interface PredictOptions {
  /** Epoch milliseconds after which the request is not worth running (its client got a 504). */
  deadline?: number;
}

/** Runs enforced input through a model. Implemented by direct calls, the batcher and the worker pool. */
export interface Predictor {
  /** Scores one request; rejects with a ServingError (model failures become MLflow's generic 400). */
  predict(input: unknown, params: ModelParams, options?: PredictOptions): Promise<unknown>;
  /** Releases the model and any workers. */
  close(): Promise<void>;
}
