// Owns the MLflow scoring pipeline shared by the server and the predict command: content type, decode, enforce, predict, encode (spec §1.5).

import { DeadlineExceededError, ServingError, TemporarilyUnavailableError } from '../errors.js';
import { parseContentType } from '../codecs/content-type.js';
import { decodeJsonRequest } from '../codecs/mlflow-json.js';
import { decodeCsvRequest } from '../codecs/mlflow-csv.js';
import { encodeOutput, encodePredictions } from '../codecs/predictions.js';
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
  const { input, params } = enforced(decoded, ctx);
  try {
    return await ctx.predictor.predict(input, params, options);
  } catch (err) {
    throw predictError(err, decoded, ctx);
  }
}

/** The model's input and params: enforced here, or as decoded for a predictor that enforces them itself. */
function enforced(decoded: DecodedRequest, ctx: ScoringContext): { input: unknown; params: ModelParams } {
  // The Python engine enforces with MLflow itself (its answers are MLflow's own): hand it the request as decoded.
  if (ctx.predictor.enforcesSignature) return { input: decoded.input, params: decoded.params as ModelParams };
  try {
    return {
      input: decoded.enforced ? decoded.input : enforceInput(decoded.input, ctx.signature?.inputs, { schemaDetails: ctx.schemaDetails }),
      params: enforceParams(decoded.params, ctx.signature?.params),
    };
  } catch (err) {
    if (err instanceof ServingError) throw withPredictPrefix(err, decoded);
    throw err;
  }
}

/** A predictor's failure as MLflow's predict words it. */
function predictError(err: unknown, decoded: DecodedRequest, ctx: ScoringContext): unknown {
  // Model failures that are not MLflow errors already became ModelExecutionError in the predictor;
  // server conditions (full queue, crashed worker, deadline) are not the model's and keep their text;
  // a predictor that enforces itself (Python) words its errors as MLflow does already.
  const serverCondition = err instanceof TemporarilyUnavailableError || err instanceof DeadlineExceededError || (err as Error)?.name === 'ModelExecutionError';
  if (err instanceof ServingError && !serverCondition && !ctx.predictor.enforcesSignature) return withPredictPrefix(err, decoded);
  return err;
}

/** True when the model can stream its answer (MLflow's `predict_stream`, a JavaScript model's `predictStream`). */
export function canStream(ctx: ScoringContext): boolean {
  return ctx.predictor.predictStream !== undefined;
}

/**
 * Runs a decoded request through the model's stream: yields each chunk's JSON text. Failures before
 * the first chunk reject the first read, worded as `runDecoded` words them.
 */
export async function* streamDecoded(decoded: DecodedRequest, ctx: ScoringContext, options: PredictOptions = {}): AsyncGenerator<string> {
  const { input, params } = enforced(decoded, ctx);
  try {
    for await (const chunk of ctx.predictor.predictStream!(input, params, options)) yield encodeOutput(chunk);
  } catch (err) {
    throw predictError(err, decoded, ctx);
  }
}

/** Runs a decoded request and returns MLflow's JSON answer text (wrapped in `predictions` unless unified LLM). */
export async function score(decoded: DecodedRequest, ctx: ScoringContext, options: PredictOptions = {}): Promise<string> {
  return encodePredictions(await runDecoded(decoded, ctx, options), !decoded.unwrapped);
}
