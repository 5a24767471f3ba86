// Owns the protocol-agnostic V2 core shared by REST and gRPC: health, metadata, and inference through the MLflow enforcement (MLServer's dataplane).

import { randomUUID } from 'node:crypto';
import { DeadlineExceededError, ModelNotFoundError, TemporarilyUnavailableError } from '../../errors.js';
import { decodeV2Request, encodeV2Response, v2ModelMetadata, type V2ModelMetadata, type V2Request, type V2Response, type V2ServerMetadata } from '../../codecs/v2.js';
import { enforceInput } from '../../schema/enforce.js';
import { checkInputSize, DEFAULT_REQUEST_LIMITS } from '../../codecs/limits.js';
import { enforceParams } from '../../schema/params.js';
import type { V2Context } from './context.js';
import type { ModelParams } from '../../runtime/types.js';

/** The server name reported by `GET /v2` and ServerMetadata. */
export const V2_SERVER_NAME = 'mlserve';

/** A model name or version this server does not serve (404 / NOT_FOUND). */
function modelNotFound(name: string, version: string | undefined, served: string): ModelNotFoundError {
  const what = version === undefined ? `Model '${name}'` : `Model '${name}' with version '${version}'`;
  return new ModelNotFoundError(`${what} not found. This server serves model '${served}'.`);
}

/** What both transports call. */
export interface V2Dataplane {
  readonly metadata: V2ModelMetadata;
  serverMetadata(): V2ServerMetadata;
  live(): boolean;
  ready(): boolean;
  /** Readiness of the named model; throws ModelNotFoundError for another name or version. */
  modelReady(name: string, version?: string): boolean;
  /** Metadata of the named model; throws ModelNotFoundError for another name or version. */
  modelMetadata(name: string, version?: string): V2ModelMetadata;
  /** Throws ModelNotFoundError (404) for another model or version, TemporarilyUnavailableError (503) when not ready. */
  admit(name: string, version?: string): void;
  /** Runs one inference (after `admit`); rejects with a ServingError (404, 400, 503, 504, ...). */
  infer(name: string, version: string | undefined, request: V2Request): Promise<V2Response>;
}

/** Rejects with DeadlineExceededError when `work` takes longer than `seconds`; the work itself is not cancelled (as in MLflow). */
export function withDeadline<T>(work: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError()), seconds * 1000);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Builds the V2 core over a served model. */
export function createDataplane(ctx: V2Context): V2Dataplane {
  let metadata = v2ModelMetadata(ctx.modelName, ctx.signature, ctx.modelVersion);
  let described = [ctx.signature, ctx.modelVersion];
  /** The metadata of the version served now (a context that follows an alias may switch versions). */
  const currentMetadata = (): V2ModelMetadata => {
    if (described[0] !== ctx.signature || described[1] !== ctx.modelVersion) {
      described = [ctx.signature, ctx.modelVersion];
      metadata = v2ModelMetadata(ctx.modelName, ctx.signature, ctx.modelVersion);
    }
    return metadata;
  };
  const check = (name: string, version?: string): void => {
    // An empty version means "server's choice" (the gRPC default for an unset string field).
    const v = version === '' ? undefined : version;
    if (name !== ctx.modelName || (v !== undefined && v !== ctx.modelVersion)) throw modelNotFound(name, v, ctx.modelName);
  };

  const admit = (name: string, version?: string): void => {
    check(name, version);
    if (!(ctx.isAccepting?.() ?? ctx.isReady())) throw new TemporarilyUnavailableError(`Model '${name}' is not ready to serve requests yet. Retry shortly.`, 1);
  };

  const limits = ctx.limits ?? DEFAULT_REQUEST_LIMITS;
  const run = async (request: V2Request, deadline: number): Promise<V2Response> => {
    const decoded = decodeV2Request(request, ctx.signature, limits.maxDepth);
    checkInputSize(decoded.input, limits);
    // The same enforcement as /invocations (pyfunc predict), before the model sees the input; the
    // Python engine lets MLflow's PyFuncModel.predict enforce it, as MLServer does.
    const enforce = !ctx.predictor.enforcesSignature;
    const input = enforce ? enforceInput(decoded.input, ctx.signature?.inputs, { schemaDetails: ctx.schemaDetails }) : decoded.input;
    const params = enforce ? enforceParams(decoded.params, ctx.signature?.params) : (decoded.params as ModelParams);
    const output = await ctx.predictor.predict(input, params, { deadline });
    const info = { modelName: ctx.modelName, modelVersion: ctx.modelVersion, id: request.id || randomUUID() };
    return encodeV2Response(output, info, request.outputs);
  };

  return {
    get metadata() {
      return currentMetadata();
    },
    serverMetadata: () => ({ name: V2_SERVER_NAME, version: ctx.serverVersion ?? 'unknown', extensions: [] }),
    live: () => ctx.isLive(),
    ready: () => ctx.isReady(),
    modelReady(name, version) {
      check(name, version);
      return ctx.isReady();
    },
    modelMetadata(name, version) {
      check(name, version);
      return currentMetadata();
    },
    admit,
    async infer(name, version, request) {
      admit(name, version);
      return withDeadline(run(request, Date.now() + ctx.timeoutSeconds * 1000), ctx.timeoutSeconds);
    },
  };
}
