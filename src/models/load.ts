// Owns loading one version of one served model: resolve its URI, start its engine, warm it up, and
// build what the routes serve from it (scoring context, V2 routes, page and OpenAPI texts).

import { rm } from 'node:fs/promises';
import type { ServeOptions, Env } from '../config/options.js';
import { resolveModel, type Registered } from '../uri/resolve.js';
import { readMLmodel } from '../model/load.js';
import type { Signature } from '../schema/types.js';
import type { Predictor } from '../runtime/types.js';
import { createDecodeOffload } from '../pipeline/offload.js';
import type { ScoringContext } from '../pipeline/mlflow.js';
import { createV2Routes, defaultModelVersion, type V2Context, type V2Routes } from '../server/v2/index.js';
import type { Respond } from '../server/respond.js';
import type { Authenticator } from '../server/auth.js';
import { describeModel } from '../model/describe.js';
import { publishModel, type PublishedModel } from '../openapi/publish.js';
import { VERSION } from '../version.js';
import type { Logger } from '../logger.js';
import { startPredictor, warmUp, type EngineHooks } from './engine.js';

/** What a running server serves (one model). */
export interface ServedModel {
  /** The model URI it was asked to serve (`-m`). */
  readonly uri: string;
  /** The registered version the URI resolved to (`models:/iris@champion` → `{ name: 'iris', version: '2' }`). */
  readonly registered?: Registered;
  /** Absolute model directory. */
  readonly path: string;
  /** The flavor serving it (`python_function` for the Python engine). */
  readonly flavor: string;
  /** The engine serving it: mlserve's own, or Python workers. */
  readonly engine: 'native' | 'python';
  /** Why that engine (shown in the start-up line). */
  readonly engineReason: string;
  readonly signature?: Signature;
  /** Inference workers (threads, in-process instances or Python processes). */
  readonly workers: number;
  /** True when concurrent requests are merged into one model call. */
  readonly batching: boolean;
}

/** One loaded version of a served model: everything a request to it needs, and how to release it. */
export interface LoadedVersion {
  /** The name it is served under (`/models/{name}/...`, V2). */
  readonly name: string;
  /** Its version: the registered version, else the one the URI names, else undefined. */
  readonly version?: string;
  readonly model: ServedModel;
  readonly options: Readonly<ServeOptions>;
  readonly scoring: ScoringContext;
  readonly predictor: Predictor & { readonly queued: number; readonly inFlight?: number };
  readonly v2ctx: V2Context;
  readonly v2: V2Routes;
  /** Texts served at the model's own page (`/mlserve/model` relative to the page) and `/openapi.json`. */
  readonly page: PublishedModel;
  readonly api: PublishedModel;
  /** Seconds it took to resolve, load and warm up. */
  readonly loadSeconds: number;
  /**
   * Its resident memory in bytes, where known (see docs/models.md): what the process grew by while it loaded
   * (native engine, measured at start-up), or its Python workers' resident memory now (Python engine).
   */
  memoryBytes(): number | undefined;
  /** Why the engine cannot take requests now (every worker restarting), or undefined. */
  unavailable(): string | undefined;
  /** Stops its workers and removes a temporary download. */
  close(): Promise<void>;
}

/** What loading needs from the server. */
export interface LoadDeps {
  readonly env: Env;
  readonly logger: Logger;
  readonly respond: Respond;
  readonly auth?: Authenticator;
  /** The model's engine hooks (server-wide and per-model metrics). */
  readonly hooks: EngineHooks;
  /** Readiness as the model's V2 routes see it. */
  isReady(): boolean;
  isAccepting(): boolean;
  /** gRPC call metrics. */
  onGrpcCall?(method: string, code: string, seconds: number): void;
  /** `/models/{name}` for a model served beside others; '' when it is the only one (its routes are the server's own). */
  readonly basePath: string;
  /** A reload: a failed warm-up fails the load (the old version keeps serving). */
  readonly strictWarmup?: boolean;
  /** Measure the resident memory the load adds (only while nothing else runs: at start-up). */
  readonly measureMemory?: boolean;
}

/** The per-request limits the codecs enforce. */
function requestLimits(options: Readonly<ServeOptions>): { maxDepth: number; maxRows: number; maxColumns: number; maxElements: number } {
  return { maxDepth: options.maxNestingDepth, maxRows: options.maxRows, maxColumns: options.maxColumns, maxElements: options.maxElements };
}

/** `models:/iris@champion (iris version 2)`, or the URI alone when it names no registered version. */
export function describeUri(uri: string, registered: Registered | undefined): string {
  return registered ? `${uri} (${registered.name} version ${registered.version})` : uri;
}

/** Resolves the model's URI now (a registered alias or `latest` names the version it points at today). */
export async function resolveVersion(uri: string, options: Readonly<ServeOptions>, env: Env, logger: Logger): Promise<{ path: string; registered?: Registered; temporary: readonly string[] }> {
  const resolved = await resolveModel(uri, { env, trackingUri: options.trackingUri, noCache: options.noCache, logger });
  return { path: resolved.path, ...(resolved.registered ? { registered: resolved.registered } : {}), temporary: resolved.temporary ?? [] };
}

/**
 * Loads one version of a model under `name` with `options` (the server's, with the model's own over
 * them): resolve (unless `resolved` is given), start the engine, warm up, build its routes.
 */
export async function loadVersion(
  name: string,
  options: Readonly<ServeOptions>,
  deps: LoadDeps,
  resolved?: { path: string; registered?: Registered; temporary: readonly string[] },
): Promise<LoadedVersion> {
  const { logger } = deps;
  const started = performance.now();
  const rssBefore = process.memoryUsage.rss();
  const where = resolved ?? (await resolveVersion(options.modelUri, options, deps.env, logger));
  const removeTemporary = (): Promise<unknown> => Promise.all(where.temporary.map((d) => rm(d, { recursive: true, force: true }).catch(() => undefined)));
  let predictor: LoadedVersion['predictor'] | undefined;
  let offload: ReturnType<typeof createDecodeOffload> | undefined;
  try {
    if (where.registered) logger.info(`resolved ${describeUri(options.modelUri, where.registered)} to ${where.path}`);
    const mlmodel = await readMLmodel(where.path);
    const engine = await startPredictor(where.path, mlmodel, options, deps.hooks, deps.env, logger);
    logger.info(`engine ${engine.engine} (${engine.engineReason})`);
    const served = engine.predictor;
    predictor = served;
    const model: ServedModel = {
      uri: options.modelUri,
      ...(where.registered ? { registered: where.registered } : {}),
      path: mlmodel.path,
      flavor: engine.flavor,
      engine: engine.engine,
      engineReason: engine.engineReason,
      signature: mlmodel.signature,
      workers: engine.workers,
      batching: engine.batching,
    };
    const unavailable = (): string | undefined => engine.unavailable?.() ?? (served.available === false ? 'No inference worker can take requests right now (restarting).' : undefined);
    const limits = requestLimits(options);
    const enforce = { signature: mlmodel.signature, signatureFromTypeHint: mlmodel.signatureFromTypeHint, schemaDetails: options.schemaDetails, limits, enforcedByPredictor: served.enforcesSignature === true };
    const off = createDecodeOffload(enforce);
    offload = off;
    const scoring: ScoringContext = { ...enforce, predictor: served, offload: off };
    if (options.warmup) await warmUp(mlmodel, scoring, options.timeoutSeconds, logger, deps.strictWarmup);
    // An alias or `latest` names a version only once resolved: V2 metadata reports that one.
    const version = where.registered?.version ?? defaultModelVersion(options.modelUri);
    const v2ctx: V2Context = {
      modelName: name,
      modelVersion: version,
      signature: mlmodel.signature,
      predictor: served,
      isReady: deps.isReady,
      isAccepting: deps.isAccepting,
      isLive: () => true,
      schemaDetails: options.schemaDetails,
      bodyLimitBytes: options.bodyLimitBytes,
      limits,
      timeoutSeconds: options.timeoutSeconds,
      serverVersion: VERSION,
      logger,
      auth: deps.auth,
      onGrpcCall: deps.onGrpcCall,
    };
    const v2 = createV2Routes(v2ctx, deps.respond);
    const description = await describeModel(mlmodel, { uri: options.modelUri, name, version, flavor: model.flavor, engine: model.engine });
    // The page resolves its routes against its own address: relative to `/models/{name}/`.
    const page = publishModel(description, { serverVersion: VERSION });
    const api = deps.basePath ? publishModel(description, { basePath: deps.basePath, serverVersion: VERSION }) : page;
    const loadSeconds = (performance.now() - started) / 1000;
    // In-process engines (onnxruntime sessions) and worker threads share this process: the growth of
    // its resident set while the model loaded is the model's cost, measured only while nothing else loads.
    const grown = process.memoryUsage.rss() - rssBefore;
    let closed: Promise<void> | undefined;
    return {
      name,
      version,
      model,
      options,
      scoring,
      predictor: served,
      v2ctx,
      v2,
      page,
      api,
      loadSeconds,
      // A model that costs less than the garbage collector gave back meanwhile (a small one on the native ONNX evaluator) grew it by 0.
      memoryBytes: engine.residentBytes ?? (() => (deps.measureMemory && model.engine === 'native' ? Math.max(0, grown) : undefined)),
      unavailable,
      close() {
        closed ??= (async () => {
          await served.close();
          await off.close();
          await removeTemporary();
        })();
        return closed;
      },
    };
  } catch (err) {
    await predictor?.close().catch(() => undefined);
    await offload?.close().catch(() => undefined);
    await removeTemporary();
    throw err;
  }
}
