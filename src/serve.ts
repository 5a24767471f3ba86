// Owns `serve()`: listen, resolve and load the model into workers, warm up, report ready; drain on close.

import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveServeOptions, type ServeOptions, type Env } from './config/options.js';
import { resolveModel, type Registered } from './uri/resolve.js';
import { chooseFlavor, loadModel, readMLmodel, type MLmodel } from './model/load.js';
import type { Signature } from './schema/types.js';
import { createReplicas } from './runtime/replicas.js';
import { openEngine } from './runtime/engine.js';
import { readPythonSettings } from './config/python.js';
import { createWorkerPool } from './runtime/pool/pool.js';
import { createBatcher } from './runtime/batcher.js';
import type { Predictor } from './runtime/types.js';
import { createAppServer, isReady, isServing, type ServerState } from './server/app.js';
import { prepareFront } from './server/front.js';
import { createResponder } from './server/respond.js';
import { drainServer } from './server/drain.js';
import { UnansweredRequests } from './server/unanswered.js';
import { httpsServerFactory } from './server/tls.js';
import { createV2Routes, startGrpcServer, defaultModelName, defaultModelVersion, type V2Context, type V2Routes, type GrpcServerHandle } from './server/v2/index.js';
import { decodeRequest, score, type DecodeOffload, type ScoringContext } from './pipeline/mlflow.js';
import { createDecodeOffload } from './pipeline/offload.js';
import { createServerMetrics, type ServerMetrics } from './metrics/server-metrics.js';
import { VERSION } from './version.js';
import { createUiRoutes } from './server/ui/routes.js';
import { describeModel } from './model/describe.js';
import { publishModel, type PublishedModel } from './openapi/publish.js';
import { createLogger, type Logger } from './logger.js';
import { listenError } from './server/listen-error.js';

/** What a running server serves. */
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

/** A running server. */
export interface ServerHandle {
  /** Base URL, e.g. `http://127.0.0.1:5000`. */
  readonly url: string;
  readonly port: number;
  readonly model: ServedModel;
  readonly metrics: ServerMetrics;
  /** Where the server logs (the access log included). */
  readonly logger: Logger;
  /** The V2 gRPC port, when `grpcPort` was given. */
  readonly grpcPort?: number;
  /**
   * Drains and stops: readiness turns false, no new connections are accepted, in-flight requests
   * finish (up to the drain time-out), then the model and its workers are released.
   */
  close(): Promise<void>;
}

/** What an engine started: the predictor the server calls and how it runs the model. */
type Started = { predictor: Predictor & { queued: number }; flavor: string; workers: number; batching: boolean; unavailable?: () => string | undefined };

/** Loads the model with the engine `--engine` allows (runtime/engine.ts chooses) and composes the predictor the server calls. */
async function startPredictor(
  dir: string,
  mlmodel: MLmodel,
  options: Readonly<ServeOptions>,
  metrics: ServerMetrics,
  env: Env,
  logger: Logger,
): Promise<Started & { engine: 'native' | 'python'; engineReason: string }> {
  const { value, choice } = await openEngine(
    mlmodel,
    options.engine,
    () => startNative(dir, mlmodel, options, metrics, logger),
    () => startPython(mlmodel, options, metrics, env, logger),
  );
  if (choice.engine === 'native' && options.envManager !== 'local') logger.warn(`--env-manager ${options.envManager} has no effect: the model runs natively (${choice.reason}).`);
  return { ...value, engine: choice.engine, engineReason: choice.reason };
}

/** The Python engine: worker processes that run the model with MLflow. */
async function startPython(mlmodel: MLmodel, options: Readonly<ServeOptions>, metrics: ServerMetrics, env: Env, logger: Logger): Promise<Started> {
  const settings = readPythonSettings(options.python, env);
  const workers = options.workers || 1;
  // Imported here: a server of a native model never loads the Python engine's modules.
  const { startPythonEngine } = await import('./runtime/python/index.js');
  const engine = await startPythonEngine({
    mlmodel,
    envManager: options.envManager,
    python: { executable: settings.executable, origin: settings.origin },
    envDir: settings.envDir,
    searchPath: settings.searchPath,
    workers,
    batching: options.batching,
    maxBatchSize: options.maxBatchSize,
    maxBatchDelayMs: options.maxBatchDelayMs,
    maxQueue: options.maxQueue,
    timeoutSeconds: options.timeoutSeconds,
    logger,
    onRestart: () => metrics.workerRestarts.inc(),
    onBatch: (requests, rows) => {
      metrics.batchRequests.observe(requests);
      metrics.batchRows.observe(rows);
    },
    onQueueWait: metrics.queueSeconds.bind({}),
    onInference: metrics.inferenceSeconds.bind({}),
  });
  return { predictor: engine.predictor, flavor: 'python_function', workers, batching: engine.batching, unavailable: () => engine.pool.unavailable() };
}

/** A native engine: JavaScript worker threads, or in-process instances for flavors that run off the main thread. */
async function startNative(dir: string, mlmodel: MLmodel, options: Readonly<ServeOptions>, metrics: ServerMetrics, logger: Logger): Promise<Started> {
  const flavor = chooseFlavor(mlmodel);
  const workers = options.workers || (flavor.offThread ? 1 : availableParallelism());
  logger.info(`loading the ${flavor.name} model in ${mlmodel.path} into ${workers} worker${workers === 1 ? '' : 's'}`);
  let base: Predictor;
  let batchable: boolean;
  if (flavor.offThread) {
    // Each instance already runs inference in its own thread (onnxruntime sessions).
    // Share the CPUs this process may use among the instances' native thread pools.
    const threads = Math.max(1, Math.floor(availableParallelism() / workers));
    const models = await Promise.all(Array.from({ length: workers }, () => loadModel(dir, { threads, logger })));
    base = createReplicas(models);
    batchable = models[0].batchable;
  } else {
    const pool = createWorkerPool({ modelDir: dir, size: workers, logger, onRestart: () => metrics.workerRestarts.inc() });
    await pool.start();
    base = pool;
    batchable = flavor.batchable;
  }
  const batching = options.batching && batchable;
  const observeBatchRequests = metrics.batchRequests.bind({});
  const observeBatchRows = metrics.batchRows.bind({});
  const predictor = createBatcher(base, {
    maxBatchSize: batching ? options.maxBatchSize : 1,
    maxBatchDelayMs: batching ? options.maxBatchDelayMs : 0,
    // JS workers: two hand-offs each keep a worker busy while an answer travels back. Sessions: one
    // call in flight each, so requests arriving meanwhile gather into the next, larger batch
    // (measured: two in flight per session halved batch sizes and cost 30% throughput).
    concurrency: flavor.offThread ? workers : workers * 2,
    maxQueue: options.maxQueue,
    merge: batching,
    onBatch: (requests, rows) => {
      observeBatchRequests(requests);
      observeBatchRows(rows);
    },
    onQueueWait: metrics.queueSeconds.bind({}),
    onInference: metrics.inferenceSeconds.bind({}),
  });
  return { predictor, flavor: flavor.name, workers, batching };
}

/** Scores the model's serving input example once (MLflow writes it as `serving_input_example.json`). */
async function warmUp(mlmodel: MLmodel, scoring: ScoringContext, timeoutSeconds: number, logger: Logger): Promise<void> {
  const info = mlmodel.raw.saved_input_example_info as Record<string, unknown> | undefined;
  const file = typeof info?.serving_input_path === 'string' ? info.serving_input_path : undefined;
  if (!file) return;
  logger.info(`warming up with ${file}`);
  try {
    const body = await readFile(join(mlmodel.path, file));
    await score(decodeRequest('application/json', body, scoring), scoring, { deadline: Date.now() + timeoutSeconds * 1000 });
  } catch (err) {
    logger.warn(`warm-up with ${file} failed (serving anyway): ${(err as Error).message}`);
  }
}

/** Lifecycle callbacks and collaborators of `serve()`. */
export interface ServeHooks {
  /** Called once the port is bound, before the model loads (liveness holds from here). */
  onListening?(url: string): void;
  /** Where the server logs. @default a logger at `options.logLevel` in `options.logFormat` on standard error */
  logger?: Logger;
}

/** `models:/iris@champion (iris version 2)`, or the URI alone when it names no registered version. */
function describeUri(uri: string, registered: Registered | undefined): string {
  return registered ? `${uri} (${registered.name} version ${registered.version})` : uri;
}

/** The per-request limits the codecs enforce. */
function requestLimits(options: Readonly<ServeOptions>): { maxDepth: number; maxRows: number; maxColumns: number; maxElements: number } {
  return { maxDepth: options.maxNestingDepth, maxRows: options.maxRows, maxColumns: options.maxColumns, maxElements: options.maxElements };
}

function baseUrl(scheme: string, host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${h === '0.0.0.0' ? '127.0.0.1' : h === '::' ? '[::1]' : h}:${port}`;
}

/** Serves a model; resolves once the server is listening and the model is loaded and warmed. */
export async function serve(given: Partial<ServeOptions> & { modelUri: string }, env: Env = {}, hooks: ServeHooks = {}): Promise<ServerHandle> {
  const options = resolveServeOptions(given, env);
  const logger = hooks.logger ?? createLogger({ level: options.logLevel, format: options.logFormat });
  const state: ServerState = { ready: false, draining: false, inFlight: 0, notReadyReason: 'The model is still loading.', unanswered: new UnansweredRequests() };
  const front = await prepareFront(options);
  const respond = createResponder({ serverVersion: VERSION, isDraining: () => state.draining, compression: front.compression });
  let scoring: ScoringContext | undefined;
  let v2: V2Routes | undefined;
  let grpc: GrpcServerHandle | undefined;
  let predictor: (Predictor & { queued: number }) | undefined;
  let published: PublishedModel | undefined;
  let offload: DecodeOffload | undefined;
  const metrics = createServerMetrics(() => predictor?.queued ?? 0, () => state.inFlight);
  const server = createAppServer({
    scoring: () => scoring,
    state,
    metrics,
    timeoutSeconds: options.timeoutSeconds,
    bodyLimitBytes: options.bodyLimitBytes,
    serverVersion: VERSION,
    logger,
    protocols: () => (v2 ? { prefix: '/v2', protocol: 'v2', handle: v2.handle, template: v2.template } : undefined),
    extraRoutes: createUiRoutes({ page: options.ui, modelInfo: () => published?.modelInfo(), openapi: () => published?.openapi(), serverVersion: VERSION }),
    ...front,
    respond,
  }, front.tls ? httpsServerFactory(front.tls) : undefined);
  // Listen first: liveness holds while a large model downloads and loads; readiness waits for it.
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error): void => reject(listenError('HTTP', options.host, options.port, err, '-p/--port'));
    server.once('error', fail);
    server.listen(options.port, options.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = baseUrl(front.tls ? 'https' : 'http', options.host, port);
  logger.info(`mlserve ${VERSION} listening at ${url}; loading ${options.modelUri} (liveness answers now, readiness once it is loaded)`);
  hooks.onListening?.(url);
  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  let model: ServedModel;
  let temporary: readonly string[] = [];
  /** A --no-cache download lives in a temporary folder for as long as the server does. */
  const removeTemporary = (): Promise<unknown> => Promise.all(temporary.map((d) => rm(d, { recursive: true, force: true }).catch(() => undefined)));
  try {
    const started = performance.now();
    const resolved = await resolveModel(options.modelUri, { env, trackingUri: options.trackingUri, noCache: options.noCache, logger });
    const dir = resolved.path;
    temporary = resolved.temporary ?? [];
    if (resolved.registered) logger.info(`resolved ${describeUri(options.modelUri, resolved.registered)} to ${dir}`);
    const mlmodel = await readMLmodel(dir);
    const started2 = await startPredictor(dir, mlmodel, options, metrics, env, logger);
    logger.info(`engine ${started2.engine} (${started2.engineReason})`);
    predictor = started2.predictor;
    model = {
      uri: options.modelUri,
      ...(resolved.registered ? { registered: resolved.registered } : {}),
      path: mlmodel.path,
      flavor: started2.flavor,
      engine: started2.engine,
      engineReason: started2.engineReason,
      signature: mlmodel.signature,
      workers: started2.workers,
      batching: started2.batching,
    };
    // Readiness: the engine's own reason (Python workers restarting), else no inference worker up.
    const served = predictor;
    state.unavailable = () => started2.unavailable?.() ?? (served.available === false ? 'No inference worker can take requests right now (restarting).' : undefined);
    const limits = requestLimits(options);
    const enforce = { signature: mlmodel.signature, signatureFromTypeHint: mlmodel.signatureFromTypeHint, schemaDetails: options.schemaDetails, limits, enforcedByPredictor: predictor.enforcesSignature === true };
    offload = createDecodeOffload(enforce);
    scoring = { ...enforce, predictor, offload };
    if (options.warmup) await warmUp(mlmodel, scoring, options.timeoutSeconds, logger);
    const v2ctx: V2Context = {
      modelName: options.modelName ?? defaultModelName(options.modelUri, dir),
      // An alias or `latest` names a version only once resolved: V2 metadata reports that one.
      modelVersion: resolved.registered?.version ?? defaultModelVersion(options.modelUri),
      signature: mlmodel.signature,
      predictor,
      isReady: () => isServing(state),
      isAccepting: () => isReady(state),
      isLive: () => true,
      schemaDetails: options.schemaDetails,
      bodyLimitBytes: options.bodyLimitBytes,
      limits,
      timeoutSeconds: options.timeoutSeconds,
      serverVersion: VERSION,
      logger,
      auth: front.auth,
      onGrpcCall: (method, code, seconds) => {
        metrics.requests.inc({ endpoint: method, protocol: 'grpc', status: code });
        metrics.requestSeconds.observe(seconds, { endpoint: method, protocol: 'grpc' });
      },
    };
    v2 = createV2Routes(v2ctx, respond);
    const description = await describeModel(mlmodel, { uri: options.modelUri, name: v2ctx.modelName, version: v2ctx.modelVersion, flavor: model.flavor, engine: model.engine });
    published = publishModel(description, { serverVersion: VERSION });
    if (options.grpcPort !== undefined) grpc = await startGrpcServer(v2ctx, options.host, options.grpcPort, front.tls);
    const loadSeconds = (performance.now() - started) / 1000;
    metrics.modelLoadSeconds.set(loadSeconds);
    state.ready = true;
    state.notReadyReason = undefined;
    const grpcNote = grpc ? `, V2 gRPC on port ${grpc.port}` : '';
    const how = `${model.flavor}, engine ${model.engine}, ${model.workers} worker${model.workers === 1 ? '' : 's'}${model.batching ? ', batching' : ''}`;
    logger.info(`ready in ${loadSeconds.toFixed(2)} s: serving ${describeUri(options.modelUri, resolved.registered)} (${how}) as '${v2ctx.modelName}' at ${url}${grpcNote}`, {
      url,
      grpc_port: grpc?.port,
      model_version: resolved.registered?.version,
    });
  } catch (err) {
    await stopListening();
    await grpc?.close();
    await predictor?.close();
    await offload?.close();
    await removeTemporary();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    grpcPort: grpc?.port,
    model,
    metrics,
    logger,
    close() {
      closing ??= (async () => {
        await drainServer(server, state, options.drainTimeoutSeconds * 1000);
        await grpc?.close();
        await predictor?.close();
        await offload?.close();
        await removeTemporary();
      })();
      return closing;
    },
  };
}
