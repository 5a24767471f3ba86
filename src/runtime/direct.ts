// Owns the simplest Predictor: calls the loaded model on the calling thread, mapping model failures.

import { ModelExecutionError, asServingError, isServingError, type ServingError } from '../errors.js';
import type { LoadedModel } from '../model/load.js';
import type { ModelParams, Predictor } from './types.js';

/** A model failure as the server answers it: ServingErrors as they are, anything else MLflow's generic 400. */
function modelError(err: unknown): ServingError {
  return isServingError(err) ? asServingError(err) : new ModelExecutionError(err);
}

/** Chunks of a model's stream, with its failures mapped like predict's. */
async function* mappedStream(stream: () => AsyncIterable<unknown>): AsyncGenerator<unknown> {
  try {
    yield* stream();
  } catch (err) {
    throw modelError(err);
  }
}

/**
 * Calls `model.predict` directly. ServingErrors the model throws keep their code and status, from
 * whichever copy of mlserve the model imported; anything else becomes MLflow's generic 400.
 */
export function directPredictor(model: LoadedModel): Predictor {
  const stream = model.predictStream?.bind(model);
  return {
    async predict(input, params) {
      try {
        return await model.predict(input, params);
      } catch (err) {
        throw modelError(err);
      }
    },
    ...(stream && { predictStream: (input: unknown, params: ModelParams) => mappedStream(() => stream(input, params)) }),
    close: () => model.close(),
  };
}
