// Owns the MLflow scoring pipeline shared by the server and the predict command: content type, decode, enforce, predict, encode (spec §1.5).

import { DeadlineExceededError, ServingError, TemporarilyUnavailableError } from '../errors.js';
import { parseContentType } from '../codecs/content-type.js';
import { decodeJsonRequest } from '../codecs/mlflow-json.js';
import { decodeCsvRequest } from '../codecs/mlflow-csv.js';
import { encodePredictions } from '../codecs/predictions.js';
import type { DecodeContext, DecodedRequest } from '../codecs/types.js';
import { enforceInput, inputStr } from '../schema/enforce.js';
import { enforceParams } from '../schema/params.js';
import type { Signature } from '../schema/types.js';
import type { PredictOptions, Predictor } from '../runtime/types.js';
import type { ModelParams } from '../flavors/types.js';

/** What the pipeline needs to know about the served model. */
export interface ScoringContext extends DecodeContext {
  readonly signature?: Signature;
  readonly predictor: Predictor;
  /** Include schema details in enforcement errors. */
  readonly schemaDetails: boolean;
}

/** MLflow rewrites MlflowExceptions raised inside predict with this prefix, keeping the code (spec §1.5). */
function withPredictPrefix(err: ServingError, decoded: DecodedRequest): ServingError {
  const wrapped = new ServingError(err.errorCode, `Failed to predict data '${inputStr(decoded.input)}'. \nError: ${err.message}`, {
    cause: err,
    status: err.status,
    stackTrace: err.stackTrace,
  });
  wrapped.name = err.name;
  return wrapped;
}

/** Decodes a request body of the given Content-Type. */
export function decodeRequest(contentType: string | undefined, body: Uint8Array, ctx: DecodeContext): DecodedRequest {
  const format = parseContentType(contentType);
  return format === 'csv' ? decodeCsvRequest(body, ctx) : decodeJsonRequest(body, ctx);
}

/**
 * Enforces the signature and params and runs the model, wrapping errors as MLflow's predict does;
 * resolves with what the model returned (the predict command encodes it in other formats).
 */
export async function runDecoded(decoded: DecodedRequest, ctx: ScoringContext, options: PredictOptions = {}): Promise<unknown> {
  // The Python engine enforces with MLflow itself (its answers are MLflow's own): hand it the request as decoded.
  if (ctx.predictor.enforcesSignature) return ctx.predictor.predict(decoded.input, decoded.params as ModelParams, options);
  let input: unknown;
  let params: ModelParams;
  try {
    input = decoded.enforced ? decoded.input : enforceInput(decoded.input, ctx.signature?.inputs, { schemaDetails: ctx.schemaDetails });
    params = enforceParams(decoded.params, ctx.signature?.params);
  } catch (err) {
    if (err instanceof ServingError) throw withPredictPrefix(err, decoded);
    throw err;
  }
  try {
    return await ctx.predictor.predict(input, params, options);
  } catch (err) {
    // Model failures that are not MLflow errors already became ModelExecutionError in the predictor;
    // server conditions (full queue, crashed worker, deadline) are not the model's and keep their text.
    const serverCondition = err instanceof TemporarilyUnavailableError || err instanceof DeadlineExceededError || (err as Error)?.name === 'ModelExecutionError';
    if (err instanceof ServingError && !serverCondition) throw withPredictPrefix(err, decoded);
    throw err;
  }
}

/** Runs a decoded request and returns MLflow's JSON answer text (wrapped in `predictions` unless unified LLM). */
export async function score(decoded: DecodedRequest, ctx: ScoringContext, options: PredictOptions = {}): Promise<string> {
  return encodePredictions(await runDecoded(decoded, ctx, options), !decoded.unwrapped);
}
