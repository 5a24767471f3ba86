// Owns the simplest Predictor: calls the loaded model on the calling thread, mapping model failures.

import { ModelExecutionError, ServingError } from '../errors.js';
import type { LoadedModel } from '../model/load.js';
import type { Predictor } from './types.js';

/** Calls `model.predict` directly. Errors that are not ServingErrors become MLflow's generic 400. */
export function directPredictor(model: LoadedModel): Predictor {
  return {
    async predict(input, params) {
      try {
        return await model.predict(input, params);
      } catch (err) {
        if (err instanceof ServingError) throw err;
        throw new ModelExecutionError(err);
      }
    },
    close: () => model.close(),
  };
}
