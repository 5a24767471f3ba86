// Owns the Predictor interface: what the server calls to run a model, whatever runs it.

import type { ModelParams } from '../flavors/types.js';

export type { ModelParams };

/** Per-call options. */
export interface PredictOptions {
  /** Epoch milliseconds after which the request is not worth running (its client got a 504). */
  deadline?: number;
  /** Aborts when the caller no longer wants the answer (a streaming client went away). */
  signal?: AbortSignal;
}

/** One request of a `predictMany` group. */
export interface PredictCall {
  readonly input: unknown;
  readonly params: ModelParams;
  /** Epoch milliseconds after which nobody waits for the answer (see PredictOptions). */
  readonly deadline?: number;
}

/** Runs input through a model. Implemented by direct calls, the batcher, the worker pool and the Python engine. */
export interface Predictor {
  /**
   * True when the predictor enforces the signature and params itself, as MLflow's
   * `PyFuncModel.predict` does (the Python engine): callers hand it the request as decoded, and its
   * errors are MLflow's own. Otherwise callers enforce first.
   */
  readonly enforcesSignature?: boolean;
  /** Scores one request; rejects with a ServingError (model failures become MLflow's generic 400). */
  predict(input: unknown, params: ModelParams, options?: PredictOptions): Promise<unknown>;
  /**
   * Scores several independent requests in one hand-off (one message to a worker); each result
   * settles on its own, as soon as it is known (one slow call does not hold the others' answers).
   * Optional: predictors without it get one `predict` call per request.
   */
  predictMany?(calls: readonly PredictCall[]): Promise<PromiseSettledResult<unknown>>[];
  /**
   * False while the predictor cannot take calls at all (every worker restarting); readiness
   * reports it. Absent: always available.
   */
  readonly available?: boolean;
  /**
   * Streams one request's answer chunk by chunk (MLflow's `predict_stream`, a JavaScript model's
   * `predictStream`). Present only when the model can stream. Errors before the first chunk reject
   * the first `next()`; breaking out of the loop cancels the model's stream.
   */
  predictStream?(input: unknown, params: ModelParams, options?: PredictOptions): AsyncIterable<unknown>;
  /**
   * Times the server's warm-up should score the model's serving input example: a predictor that
   * decides from timed calls where calls run (runtime/inline.ts) wants several. Absent: once.
   */
  readonly warmUpCalls?: number;
  /** Releases the model and any workers. */
  close(): Promise<void>;
}
