// Owns the Predictor interface: what the server calls to run a model, whatever runs it.

import type { ModelParams } from '../flavors/types.js';

/** Runs enforced input through a model. Implemented by direct calls, the batcher and the worker pool. */
export interface Predictor {
  /** Scores one request; rejects with a ServingError (model failures become MLflow's generic 400). */
  predict(input: unknown, params: ModelParams): Promise<unknown>;
  /** Releases the model and any workers. */
  close(): Promise<void>;
}
