// Owns the MLflow scoring pipeline shared by the server and the predict command: content type, decode, enforce, predict, encode (spec §1.5).

import { DeadlineExceededError, ServingError, TemporarilyUnavailableError } from '../errors.js';
import { parseContentType } from '../codecs/content-type.js';
import { decodeJsonRequest } from '../codecs/mlflow-json.js';
import { decodeCsvRequest } from '../codecs/mlflow-csv.js';
import { encodeOutput, encodePredictions } from '../codecs/predictions.js';
import type { DecodeContext, DecodedRequest } from '../codecs/types.js';
import { checkInputSize, DEFAULT_REQUEST_LIMITS } from '../codecs/limits.js';
import { enforceInput, inputStr } from '../schema/enforce.js';
import { enforceParams } from '../schema/params.js';
import type { Signature } from '../schema/types.js';
import type { PredictOptions, Predictor } from '../runtime/types.js';
import type { ModelParams } from '../flavors/types.js';

/** What the pipeline needs to know about the served model. */
export interface ScoringContext extends EnforceContext {
  readonly signature?: Signature;
  readonly predictor: Predictor;
  /** Decodes large bodies off the HTTP thread; undefined: always on the calling thread. */
  readonly offload?: DecodeOffload;
}

/** Decoding and enforcement of large bodies on another thread (see offload.ts). */
export interface DecodeOffload {
  /** Bodies of at least this many bytes are worth sending to the other thread. */
  readonly minBytes: number;
  /** Decodes and enforces a body there; rejects with the same ServingErrors decodeRequest/prepareDecoded throw. */
  prepare(contentType: string | undefined, body: Buffer): Promise<PreparedRequest>;
  close(): Promise<void>;
}

/** MLflow rewrites MlflowExceptions raised inside predict with this prefix, keeping the code (spec §1.5). */
function withPredictPrefix(err: ServingError, shown: unknown): ServingError {
  const wrapped = new ServingError(err.errorCode, `Failed to predict data '${inputStr(shown)}'. \nError: ${err.message}`, {
    cause: err,
    status: err.status,
    stackTrace: err.stackTrace,
  });
  wrapped.name = err.name;
  return wrapped;
}

/** Decodes a request body of the given Content-Type, within the context's limits (413 past rows, columns or elements). */
export function decodeRequest(contentType: string | undefined, body: Uint8Array, ctx: DecodeContext): DecodedRequest {
  const format = parseContentType(contentType);
  const decoded = format === 'csv' ? decodeCsvRequest(body, ctx) : decodeJsonRequest(body, ctx);
  checkInputSize(decoded.input, ctx.limits ?? DEFAULT_REQUEST_LIMITS);
  return decoded;
}

/** What enforcement needs to know about the model (serialisable: a decode worker gets a copy). */
export interface EnforceContext extends DecodeContext {
  /** Include schema details in enforcement errors. */
  readonly schemaDetails: boolean;
  /** The predictor enforces the signature itself (the Python engine: MLflow's own answers): pass the request as decoded. */
  readonly enforcedByPredictor?: boolean;
}

/** A request after decoding and enforcement: what the model is given. */
export interface PreparedRequest {
  readonly input: unknown;
  readonly params: ModelParams;
  /** True for unified LLM payloads: the answer is not wrapped in `predictions`. */
  readonly unwrapped: boolean;
  /** The input as MLflow's predict errors show it (`Failed to predict data '<shown>'`). */
  readonly shown: unknown;
}

/**
 * Enforces the signature and params of a decoded request, wrapping errors as MLflow's predict
 * does; a predictor that enforces them itself gets the request as decoded.
 */
export function prepareDecoded(decoded: DecodedRequest, ctx: EnforceContext): PreparedRequest {
  if (ctx.enforcedByPredictor) return { input: decoded.input, params: decoded.params as ModelParams, unwrapped: decoded.unwrapped, shown: decoded.input };
  try {
    const input = decoded.enforced ? decoded.input : enforceInput(decoded.input, ctx.signature?.inputs, { schemaDetails: ctx.schemaDetails });
    const params = enforceParams(decoded.params, ctx.signature?.params);
    return { input, params, unwrapped: decoded.unwrapped, shown: decoded.input };
  } catch (err) {
    if (err instanceof ServingError) throw withPredictPrefix(err, decoded.input);
    throw err;
  }
}

/** The enforcement context of a scoring context (whether its predictor enforces itself). */
function enforceContext(ctx: ScoringContext): EnforceContext {
  return ctx.predictor.enforcesSignature && !ctx.enforcedByPredictor ? { ...ctx, enforcedByPredictor: true } : ctx;
}

/** A predictor's failure as MLflow's predict words it. */
function predictError(err: unknown, shown: unknown, ctx: ScoringContext): unknown {
  // Model failures that are not MLflow errors already became ModelExecutionError in the predictor;
  // server conditions (full queue, crashed worker, deadline) are not the model's and keep their text;
  // a predictor that enforces itself (Python) words its errors as MLflow does already.
  const serverCondition = err instanceof TemporarilyUnavailableError || err instanceof DeadlineExceededError || (err as Error)?.name === 'ModelExecutionError';
  if (err instanceof ServingError && !serverCondition && !ctx.predictor.enforcesSignature) return withPredictPrefix(err, shown);
  return err;
}

/**
 * The model's call on a prepared request, its failure worded as MLflow's predict words it, its
 * output given to `then`: one promise per request on the hot path (no async layers).
 */
function predictThen<T>(prepared: PreparedRequest, ctx: ScoringContext, options: PredictOptions, then: (output: unknown) => T): Promise<T> {
  let call: Promise<unknown>;
  try {
    call = ctx.predictor.predict(prepared.input, prepared.params, options);
  } catch (err) {
    return Promise.reject(predictError(err, prepared.shown, ctx));
  }
  return call.then(then, (err: unknown) => {
    throw predictError(err, prepared.shown, ctx);
  });
}

const asIs = (output: unknown): unknown => output;

/** Runs the model on a prepared request, wrapping its MLflow errors as MLflow's predict does; resolves with what it returned. */
export function runPrepared(prepared: PreparedRequest, ctx: ScoringContext, options: PredictOptions = {}): Promise<unknown> {
  return predictThen(prepared, ctx, options, asIs);
}

/**
 * Enforces the signature and params and runs the model, wrapping errors as MLflow's predict does;
 * resolves with what the model returned (the predict command encodes it in other formats).
 */
export async function runDecoded(decoded: DecodedRequest, ctx: ScoringContext, options: PredictOptions = {}): Promise<unknown> {
  return runPrepared(prepareDecoded(decoded, enforceContext(ctx)), ctx, options);
}

/** Runs a prepared request and returns MLflow's JSON answer text (wrapped in `predictions` unless unified LLM). */
export function scorePrepared(prepared: PreparedRequest, ctx: ScoringContext, options: PredictOptions = {}): Promise<string> {
  return predictThen(prepared, ctx, options, (output) => encodePredictions(output, !prepared.unwrapped));
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
  const { input, params } = prepareDecoded(decoded, enforceContext(ctx));
  try {
    for await (const chunk of ctx.predictor.predictStream!(input, params, options)) yield encodeOutput(chunk);
  } catch (err) {
    throw predictError(err, decoded.input, ctx);
  }
}

/** Runs a decoded request and returns MLflow's JSON answer text (wrapped in `predictions` unless unified LLM). */
export function score(decoded: DecodedRequest, ctx: ScoringContext, options: PredictOptions = {}): Promise<string> {
  let prepared: PreparedRequest;
  try {
    prepared = prepareDecoded(decoded, enforceContext(ctx));
  } catch (err) {
    return Promise.reject(err);
  }
  return scorePrepared(prepared, ctx, options);
}
