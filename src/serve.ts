// Owns `serve()`: listen, resolve and load the models into workers, warm up, report ready; follow
// aliases; drain on close. The registry of served models is in models/.

import type { AddressInfo } from 'node:net';
import { resolveServeOptions, type ServeOptions, type Env } from './config/options.js';
import { createAppServer, isReady, type ServerState } from './server/app.js';
import { prepareFront } from './server/front.js';
import { createResponder } from './server/respond.js';
import { drainServer } from './server/drain.js';
import { UnansweredRequests } from './server/unanswered.js';
import { httpsServerFactory } from './server/tls.js';
import { startGrpcServer, type GrpcModels, type GrpcServerHandle, type V2Context } from './server/v2/index.js';
import type { ScoringContext } from './pipeline/mlflow.js';
import { createServerMetrics, type ServerMetrics } from './metrics/server-metrics.js';
import { createModelMetrics } from './metrics/model-metrics.js';
import { VERSION } from './version.js';
import { createLogger, type Logger } from './logger.js';
import { listenError } from './server/listen-error.js';
import { TemporarilyUnavailableError } from './errors.js';
import { describeUri, type ServedModel } from './models/load.js';
import { engineHooks } from './models/engine.js';
import { ModelRegistry, follows, type CheckResult, type ModelEntry } from './models/registry.js';
import { modelSpecs } from './models/spec.js';
import { createModelRoutes, modelReady, modelUnavailable, noSingleModel, unknownModel } from './models/routes.js';
import { startFollowing } from './models/follow.js';

export type { ServedModel } from './models/load.js';
export type { CheckResult } from './models/registry.js';

/** A running server. */
export interface ServerHandle {
  /** Base URL, e.g. `http://127.0.0.1:5000`. */
  readonly url: string;
  readonly port: number;
  /** The (first) model, as it is served now. */
  readonly model: ServedModel;
  /** Every served model by name, with the version serving now (undefined: not loaded). */
  models(): { name: string; version?: string; model?: ServedModel; state: string }[];
  readonly metrics: ServerMetrics;
  /** Where the server logs (the access log included). */
  readonly logger: Logger;
  /** The V2 gRPC port, when `grpcPort` was given. */
  readonly grpcPort?: number;
  /**
   * Checks now where each followed URI (alias, `latest`, stage) points, and switches to new versions
   * (what `--poll-interval` does periodically and SIGHUP does at once).
   */
  checkVersions(): Promise<CheckResult[]>;
  /**
   * Drains and stops: readiness turns false, no new connections are accepted, in-flight requests
   * finish (up to the drain time-out), then the models and their workers are released.
   */
  close(): Promise<void>;
}

/** Lifecycle callbacks and collaborators of `serve()`. */
export interface ServeHooks {
  /** Called once the port is bound, before the model loads (liveness holds from here). */
  onListening?(url: string): void;
  /** Where the server logs. @default a logger at `options.logLevel` in `options.logFormat` on standard error */
  logger?: Logger;
}

function baseUrl(scheme: string, host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${h === '0.0.0.0' ? '127.0.0.1' : h === '::' ? '[::1]' : h}:${port}`;
}

/** The start-up line's account of one model. */
function servedLine(name: string, e: ModelEntry): string {
  const v = e.current!;
  const m = v.model;
  const how = `${m.flavor}, engine ${m.engine}, ${m.workers} worker${m.workers === 1 ? '' : 's'}${m.batching ? ', batching' : ''}`;
  return `${describeUri(m.uri, m.registered)} (${how}) as '${name}'`;
}

/**
 * The V2 context of the version an entry serves now, read at each call: the gRPC service, started
 * once, follows reloads. Unloaded, the model is not ready (the last version's context answers the rest).
 */
function followingContext(entry: ModelEntry): V2Context {
  let last = entry.current!.v2ctx;
  const now = (): V2Context => (last = entry.current?.v2ctx ?? last);
  return new Proxy(last, {
    get(_target, key) {
      const ctx = now();
      if (!entry.current && (key === 'isReady' || key === 'isAccepting')) return () => false;
      return ctx[key as keyof V2Context];
    },
  });
}

/** The models of a server of several, as its gRPC service finds them by name. */
function grpcModels(registry: ModelRegistry, ready: () => boolean): GrpcModels {
  const contexts = new WeakMap<ModelEntry, V2Context>();
  return {
    find(name) {
      const entry = registry.get(name);
      if (!entry) return unknownModel(registry, name);
      if (!entry.current) return modelUnavailable(entry) ?? new TemporarilyUnavailableError('Retry shortly.', 1);
      let ctx = contexts.get(entry);
      if (!ctx) contexts.set(entry, (ctx = followingContext(entry)));
      return ctx;
    },
    has: (name) => registry.get(name) !== undefined,
    ready,
  };
}

/** Serves one model or several; resolves once the server is listening and every model is loaded and warmed. */
export async function serve(given: Partial<ServeOptions>, env: Env = {}, hooks: ServeHooks = {}): Promise<ServerHandle> {
  const options = resolveServeOptions(given, env);
  const logger = hooks.logger ?? createLogger({ level: options.logLevel, format: options.logFormat });
  const several = options.models !== undefined || options.modelRepository !== undefined;
  const specs = modelSpecs(several ? (options.models ?? []) : [{ uri: options.modelUri, name: options.modelName }], options.modelRepository);
  const state: ServerState = { ready: false, draining: false, inFlight: 0, notReadyReason: specs.length > 1 ? 'The models are still loading.' : 'The model is still loading.', unanswered: new UnansweredRequests() };
  const front = await prepareFront(options);
  const respond = createResponder({ serverVersion: VERSION, isDraining: () => state.draining, compression: front.compression });
  let grpc: GrpcServerHandle | undefined;
  let started = false;
  const registry: ModelRegistry = new ModelRegistry({
    options,
    env,
    logger,
    state,
    get metrics() {
      return modelMetrics;
    },
    loadDeps: (entry, reload) => ({
      env,
      logger,
      respond,
      auth: front.auth,
      // One model: the server-wide series are the model's, and its engine reports exactly as before.
      hooks: registry.size === 1
        ? engineHooks(metrics)
        : engineHooks(metrics, {
            onRestart: () => modelMetrics.workerRestarts.inc({ model: entry.name }),
            onInference: modelMetrics.inferenceSeconds.bind({ model: entry.name }),
          }),
      isReady: () => modelReady(state, entry),
      isAccepting: () => isReady(state),
      onGrpcCall: (method, code, seconds) => {
        metrics.requests.inc({ endpoint: method, protocol: 'grpc', status: code });
        metrics.requestSeconds.observe(seconds, { endpoint: method, protocol: 'grpc' });
      },
      basePath: registry.size > 1 ? `/models/${entry.name}` : '',
      strictWarmup: reload,
      measureMemory: !started,
    }),
    onSwitch: () => {
      // The fast path of `/invocations`: the one model's scoring context, read once per request.
      scoring = registry.size === 1 ? registry.list()[0].current?.scoring : undefined;
    },
  });
  for (const spec of specs) registry.add(spec);
  let scoring: ScoringContext | undefined;
  const queued = (): number => registry.list().reduce((n, e) => n + (e.current?.predictor.queued ?? 0), 0);
  const metrics = createServerMetrics(queued, () => state.inFlight);
  const modelMetrics = createModelMetrics(metrics.registry, () =>
    registry.list().map((e) => ({ name: e.name, version: e.current ? (e.current.version ?? '') : undefined, ready: modelReady(state, e), queued: e.current?.predictor.queued ?? 0, memoryBytes: e.current?.memoryBytes() })),
  );
  const routes = createModelRoutes({ registry, state, metrics: modelMetrics, respond, logger, serverVersion: VERSION, page: options.ui, authenticated: front.auth !== undefined });
  state.unavailable = () => {
    for (const e of registry.list()) {
      const why = e.current?.unavailable();
      if (why) return specs.length > 1 ? `Model '${e.name}': ${why}` : why;
    }
    return undefined;
  };
  const server = createAppServer({
    scoring: () => scoring,
    state,
    metrics,
    timeoutSeconds: options.timeoutSeconds,
    bodyLimitBytes: options.bodyLimitBytes,
    serverVersion: VERSION,
    logger,
    protocols: () => (started ? routes.v2 : undefined),
    extraRoutes: routes.extra,
    noScoring: noSingleModel(registry),
    modelRoutes: routes.byName,
    versionHeaders: () => {
      const loaded = registry.list().filter((e) => e.current?.version !== undefined);
      if (loaded.length === 0) return undefined;
      return { 'x-mlserve-model-version': registry.size === 1 ? loaded[0].current!.version! : loaded.map((e) => `${e.name}=${e.current!.version}`).join(', ') };
    },
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
  const loading = specs.length === 1 ? specs[0].uri : `${specs.length} models (${specs.map((s) => s.name).join(', ')})`;
  logger.info(`mlserve ${VERSION} listening at ${url}; loading ${loading} (liveness answers now, readiness once it is loaded)`);
  hooks.onListening?.(url);
  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  let stopFollowing: (() => void) | undefined;
  try {
    const t0 = performance.now();
    // One model after another: each one's resident cost is measured while nothing else loads.
    for (const spec of specs) await registry.load(spec.name);
    const first = registry.list()[0];
    if (options.grpcPort !== undefined) grpc = await startGrpcServer(followingContext(first), options.host, options.grpcPort, front.tls, several ? grpcModels(registry, routes.readyAll) : undefined);
    const loadSeconds = (performance.now() - t0) / 1000;
    metrics.modelLoadSeconds.set(loadSeconds);
    started = true;
    state.ready = true;
    state.notReadyReason = undefined;
    const grpcNote = grpc ? `, V2 gRPC on port ${grpc.port}` : '';
    const entries = registry.list();
    const serving = entries.length === 1 ? servedLine(first.name, first) : `${entries.length} models: ${entries.map((e) => servedLine(e.name, e)).join('; ')}`;
    const followed = options.pollIntervalSeconds > 0 ? entries.filter((e) => follows(e.options.modelUri)) : [];
    const following = followed.length > 0 ? `; checking ${followed.map((e) => e.options.modelUri).join(', ')} every ${options.pollIntervalSeconds} s` : '';
    logger.info(`ready in ${loadSeconds.toFixed(2)} s: serving ${serving} at ${url}${grpcNote}${following}`, {
      url,
      grpc_port: grpc?.port,
      model_version: entries.length === 1 ? first.current!.model.registered?.version : undefined,
      models: entries.length > 1 ? entries.map((e) => `${e.name}=${e.current!.version ?? ''}`).join(',') : undefined,
    });
    if (options.pollIntervalSeconds > 0) stopFollowing = startFollowing(registry, options.pollIntervalSeconds, logger);
  } catch (err) {
    await stopListening();
    await grpc?.close();
    await registry.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  let firstModel = registry.list()[0].current!.model;
  return {
    url,
    port,
    grpcPort: grpc?.port,
    get model() {
      // The first model as served now; while it is unloaded, the version it served last.
      firstModel = registry.list()[0].current?.model ?? firstModel;
      return firstModel;
    },
    models: () => registry.list().map((e) => ({ name: e.name, version: e.current?.version, model: e.current?.model, state: e.state })),
    metrics,
    logger,
    checkVersions: () => registry.checkAll(),
    close() {
      closing ??= (async () => {
        stopFollowing?.();
        await drainServer(server, state, options.drainTimeoutSeconds * 1000);
        await grpc?.close();
        await registry.close();
      })();
      return closing;
    },
  };
}
