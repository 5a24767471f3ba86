// Owns the simplest Predictor: calls the loaded model on the calling thread, mapping model failures.

import { ModelExecutionError, asServingError, isServingError } from '../errors.js';
import type { LoadedModel } from '../model/load.js';
import type { Predictor } from './types.js';

/**
 * Calls `model.predict` directly. ServingErrors the model throws keep their code and status, from
 * whichever copy of mlserve the model imported; anything else becomes MLflow's generic 400.
 */
export function directPredictor(model: LoadedModel): Predictor {
  return {
    async predict(input, params) {
      try {
        return await model.predict(input, params);
      } catch (err) {
        if (isServingError(err)) throw asServingError(err);
        throw new ModelExecutionError(err);
      }
    },
    close: () => model.close(),
  };
}
