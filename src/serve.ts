// Owns `serve()`: listen, resolve and load the model into workers, warm up, report ready; drain on close.

import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveServeOptions, type ServeOptions, type Env } from './config/options.js';
import { resolveModelUri } from './uri/resolve.js';
import { chooseFlavor, loadModel, readMLmodel, type MLmodel } from './model/load.js';
import type { Signature } from './schema/types.js';
import { createReplicas } from './runtime/replicas.js';
import { openEngine } from './runtime/engine.js';
import { startPythonEngine } from './runtime/python/index.js';
import { readPythonSettings } from './config/python.js';
import { createWorkerPool } from './runtime/pool/pool.js';
import { createBatcher } from './runtime/batcher.js';
import type { Predictor } from './runtime/types.js';
import { createAppServer, isReady, isServing, type ServerState } from './server/app.js';
import { createV2Routes, startGrpcServer, defaultModelName, defaultModelVersion, type V2Context, type V2Routes, type GrpcServerHandle } from './server/v2/index.js';
import { decodeRequest, score, type ScoringContext } from './pipeline/mlflow.js';
import { createServerMetrics, type ServerMetrics } from './metrics/server-metrics.js';
import { VERSION } from './version.js';

/** What a running server serves. */
export interface ServedModel {
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
  /** The V2 gRPC port, when `grpcPort` was given. */
  readonly grpcPort?: number;
  /**
   * Drains and stops: readiness turns false, no new connections are accepted, in-flight requests
   * finish (up to the drain time-out), then the model and its workers are released.
   */
  close(): Promise<void>;
}

type Started = { predictor: Predictor & { queued: number }; model: Omit<ServedModel, 'engine' | 'engineReason'>; unavailable?: () => string | undefined };

/** Loads the model with the engine `--engine` allows (runtime/engine.ts chooses) and composes the predictor the server calls. */
async function startPredictor(dir: string, mlmodel: MLmodel, options: Readonly<ServeOptions>, metrics: ServerMetrics, env: Env, log: (m: string) => void): Promise<Started & { model: ServedModel }> {
  const { value, choice } = await openEngine(
    mlmodel,
    options.engine,
    () => startNative(dir, mlmodel, options, metrics),
    () => startPython(mlmodel, options, metrics, env, log),
  );
  if (choice.engine === 'native' && options.envManager !== 'local') log(`mlserve: --env-manager ${options.envManager} has no effect: the model runs natively (${choice.reason}).`);
  return { ...value, model: { ...value.model, engine: choice.engine, engineReason: choice.reason } };
}

/** The Python engine: worker processes that run the model with MLflow. */
async function startPython(mlmodel: MLmodel, options: Readonly<ServeOptions>, metrics: ServerMetrics, env: Env, log: (m: string) => void): Promise<Started> {
  const settings = readPythonSettings(options.python, env);
  const workers = options.workers || 1;
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
    log,
    onRestart: () => metrics.workerRestarts.inc(),
    onBatch: (requests, rows) => {
      metrics.batchRequests.observe(requests);
      metrics.batchRows.observe(rows);
    },
    onQueueWait: metrics.queueSeconds.bind({}),
    onInference: metrics.inferenceSeconds.bind({}),
  });
  const model = { path: mlmodel.path, flavor: 'python_function', signature: mlmodel.signature, workers, batching: engine.batching };
  return { predictor: engine.predictor, model, unavailable: () => engine.pool.unavailable() };
}

/** A native engine: JavaScript worker threads, or in-process instances for flavors that run off the main thread. */
async function startNative(dir: string, mlmodel: MLmodel, options: Readonly<ServeOptions>, metrics: ServerMetrics): Promise<Started> {
  const flavor = chooseFlavor(mlmodel);
  const workers = options.workers || (flavor.offThread ? 1 : availableParallelism());
  let base: Predictor;
  let batchable: boolean;
  if (flavor.offThread) {
    // Each instance already runs inference in its own thread (onnxruntime sessions).
    // Share the CPUs this process may use among the instances' native thread pools.
    const threads = Math.max(1, Math.floor(availableParallelism() / workers));
    const models = await Promise.all(Array.from({ length: workers }, () => loadModel(dir, { threads })));
    base = createReplicas(models);
    batchable = models[0].batchable;
  } else {
    const pool = createWorkerPool({ modelDir: dir, size: workers, onRestart: () => metrics.workerRestarts.inc() });
    await pool.start();
    base = pool;
    batchable = flavor.conf.batchable === true;
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
  return { predictor, model: { path: mlmodel.path, flavor: flavor.name, signature: mlmodel.signature, workers, batching } };
}

/** Scores the model's serving input example once (MLflow writes it as `serving_input_example.json`). */
async function warmUp(mlmodel: MLmodel, scoring: ScoringContext, log: (m: string) => void): Promise<void> {
  const info = mlmodel.raw.saved_input_example_info as Record<string, unknown> | undefined;
  const file = typeof info?.serving_input_path === 'string' ? info.serving_input_path : undefined;
  if (!file) return;
  try {
    const body = await readFile(join(mlmodel.path, file));
    await score(decodeRequest('application/json', body, scoring), scoring);
  } catch (err) {
    log(`mlserve: warm-up with ${file} failed (serving anyway): ${(err as Error).message}`);
  }
}

/** Lifecycle callbacks of `serve()`. */
export interface ServeHooks {
  /** Called once the port is bound, before the model loads (liveness holds from here). */
  onListening?(url: string): void;
}

function baseUrl(host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `http://${h === '0.0.0.0' ? '127.0.0.1' : h === '::' ? '[::1]' : h}:${port}`;
}

/** Serves a model; resolves once the server is listening and the model is loaded and warmed. */
export async function serve(given: Partial<ServeOptions> & { modelUri: string }, env: Env = {}, hooks: ServeHooks = {}): Promise<ServerHandle> {
  const options = resolveServeOptions(given, env);
  const log = (m: string): void => void process.stderr.write(`${m}\n`);
  const state: ServerState = { ready: false, draining: false, inFlight: 0, notReadyReason: 'The model is still loading.' };
  let scoring: ScoringContext | undefined;
  let v2: V2Routes | undefined;
  let grpc: GrpcServerHandle | undefined;
  let predictor: (Predictor & { queued: number }) | undefined;
  const metrics = createServerMetrics(() => predictor?.queued ?? 0, () => state.inFlight);
  const server = createAppServer({
    scoring: () => scoring,
    state,
    metrics,
    timeoutSeconds: options.timeoutSeconds,
    bodyLimitBytes: options.bodyLimitBytes,
    serverVersion: VERSION,
    protocols: () => (v2 ? { prefix: '/v2', protocol: 'v2', handle: v2.handle } : undefined),
  });
  // Listen first: liveness holds while a large model downloads and loads; readiness waits for it.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = baseUrl(options.host, port);
  hooks.onListening?.(url);
  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  let model: ServedModel;
  try {
    const started = performance.now();
    const dir = await resolveModelUri(options.modelUri, { env, trackingUri: options.trackingUri, noCache: options.noCache, log });
    const mlmodel = await readMLmodel(dir);
    const started2 = await startPredictor(dir, mlmodel, options, metrics, env, log);
    predictor = started2.predictor;
    model = started2.model;
    state.unavailable = started2.unavailable;
    scoring = { signature: mlmodel.signature, signatureFromTypeHint: mlmodel.signatureFromTypeHint, predictor, schemaDetails: options.schemaDetails };
    if (options.warmup) await warmUp(mlmodel, scoring, log);
    const v2ctx: V2Context = {
      modelName: options.modelName ?? defaultModelName(options.modelUri, dir),
      modelVersion: defaultModelVersion(options.modelUri),
      signature: mlmodel.signature,
      predictor,
      isReady: () => isServing(state),
      isAccepting: () => isReady(state),
      isLive: () => true,
      schemaDetails: options.schemaDetails,
      bodyLimitBytes: options.bodyLimitBytes,
      timeoutSeconds: options.timeoutSeconds,
      serverVersion: VERSION,
      onGrpcCall: (method, code, seconds) => {
        metrics.requests.inc({ endpoint: method, protocol: 'grpc', status: code });
        metrics.requestSeconds.observe(seconds, { endpoint: method, protocol: 'grpc' });
      },
    };
    v2 = createV2Routes(v2ctx);
    if (options.grpcPort !== undefined) grpc = await startGrpcServer(v2ctx, options.host, options.grpcPort);
    metrics.modelLoadSeconds.set((performance.now() - started) / 1000);
    state.ready = true;
    state.notReadyReason = undefined;
  } catch (err) {
    await stopListening();
    await grpc?.close();
    await predictor?.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    grpcPort: grpc?.port,
    model,
    metrics,
    close() {
      closing ??= (async () => {
        state.draining = true;
        const stopped = stopListening();
        const deadline = Date.now() + options.drainTimeoutSeconds * 1000;
        while (state.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        server.closeAllConnections();
        await stopped;
        await grpc?.close();
        await predictor?.close();
      })();
      return closing;
    },
  };
}
