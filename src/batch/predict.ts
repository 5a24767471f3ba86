// Owns the core of `mlserve models predict`: score one input document with a loaded model.

import { decodeRequest, score, type ScoringContext } from '../pipeline/mlflow.js';
import { directPredictor } from '../runtime/direct.js';
import type { LoadedModel } from '../model/load.js';

/** Input formats of `models predict` (`-t`). */
export type PredictContentType = 'json' | 'csv';

const MIME: Record<PredictContentType, string> = { json: 'application/json', csv: 'text/csv' };

/**
 * Scores a whole JSON or CSV document as `mlflow models predict` does and returns the answer text
 * (`{"predictions": ...}`, no trailing newline). Throws ServingError on bad input.
 */
export async function predictDocument(model: LoadedModel, input: Uint8Array, contentType: PredictContentType, schemaDetails = true): Promise<string> {
  const ctx: ScoringContext = {
    signature: model.signature,
    signatureFromTypeHint: model.signatureFromTypeHint,
    predictor: directPredictor(model),
    schemaDetails,
  };
  return score(decodeRequest(MIME[contentType], input, ctx), ctx);
}
