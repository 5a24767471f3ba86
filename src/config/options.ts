// Owns mlserve's options: their defaults, environment variables, validation and freezing.

import { InvalidOptionsError } from '../errors.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../logger.js';

/** Who parses HTTP/1.1 requests (see ServeOptions.httpParser). */
export type HttpParser = 'fast' | 'node';
const HTTP_PARSERS: readonly HttpParser[] = ['fast', 'node'];

/** What runs ONNX models (see ServeOptions.onnxEvaluator). */
export type OnnxEvaluator = 'auto' | 'native' | 'onnxruntime';
const ONNX_EVALUATORS: readonly OnnxEvaluator[] = ['auto', 'native', 'onnxruntime'];

/** Options of `serve()` and `mlserve models serve`. */
export interface ServeOptions {
  /** Model URI (`-m`): a local path, `file:`, `runs:/`, `models:/`, `mlflow-artifacts:/`. */
  modelUri: string;
  /**
   * Several models (`-m NAME=URI` repeated, or the config file), each with its own name and options;
   * `modelUri` is then unused. See docs/models.md.
   */
  models?: readonly ModelArgumentOptions[];
  /** A folder with one model per sub-folder (`--model-repository`); each is served under its folder's name. */
  modelRepository?: string;
  /**
   * Seconds between checks of where a `models:/` alias, `latest` or stage points (a new version is
   * loaded beside the old, then served); 0: never. @default 0 (env MLSERVE_POLL_INTERVAL)
   */
  pollIntervalSeconds: number;
  /** Tracking store for `runs:/` and `models:/` URIs; default MLFLOW_TRACKING_URI, then ./mlruns or ./mlflow.db. */
  trackingUri?: string;
  /** Download the model afresh instead of reusing the local cache. @default false */
  noCache: boolean;
  /** The model's name in the V2 protocol; default: derived from the URI (registered name or directory name). */
  modelName?: string;
  /** Port of the V2 gRPC service; off unless given (0 picks a free port). */
  grpcPort?: number;
  /** Interface to bind. @default '127.0.0.1' (env MLFLOW_HOST) */
  host: string;
  /** Port to bind; 0 picks a free one. @default 5000 (env MLFLOW_PORT) */
  port: number;
  /** Seconds a request may run before a 504; 0 means the default. @default 60 (env MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT) */
  timeoutSeconds: number;
  /**
   * Inference workers; 0 picks from the machine: one per core for JavaScript models, 1 for ONNX
   * (onnxruntime already uses every core), 1 Python process for the Python engine (each loads the
   * model). @default 0 (env MLFLOW_MODELS_WORKERS)
   */
  workers: number;
  /** Merge concurrent requests into one model call when the model can batch. @default true */
  batching: boolean;
  /** Most rows in one merged model call. @default 1024 */
  maxBatchSize: number;
  /** Extra wait in ms to gather a fuller batch when a worker is free; 0 never waits. @default 0 */
  maxBatchDelayMs: number;
  /** Most requests waiting for a worker; beyond it, 503 with Retry-After. @default 1000 */
  maxQueue: number;
  /** Seconds in-flight requests get to finish on shutdown (SIGTERM) before connections are closed. @default 30 */
  drainTimeoutSeconds: number;
  /** Score the model's serving input example once before reporting ready. @default true */
  warmup: boolean;
  /** Largest request body accepted, in bytes (413 beyond). @default 104857600 (100 MiB, nginx's limit in MLflow's image) */
  bodyLimitBytes: number;
  /**
   * Deepest nesting of JSON arrays and objects in a request (400 beyond). MLflow's parser fails near
   * Python's recursion limit of 1000. @default 1000
   */
  maxNestingDepth: number;
  /** Most rows (first dimension) in one request (413 beyond). @default 10000000 */
  maxRows: number;
  /** Most columns (values per row) in one request (413 beyond). @default 100000 */
  maxColumns: number;
  /** Most elements (rows x columns, or tensor elements) in one request (413 beyond). @default 100000000 */
  maxElements: number;
  /** Seconds to receive a request's headers (slowloris); 408 beyond. @default 10 */
  headerTimeoutSeconds: number;
  /** Seconds to receive a whole request, headers and body (slow bodies); 408 beyond. @default 60 */
  bodyTimeoutSeconds: number;
  /** Seconds an idle keep-alive connection stays open (above a load balancer's idle time-out, e.g. 60 s). @default 65 */
  keepAliveTimeoutSeconds: number;
  /** Most open connections; more are closed at once. @default 10000 */
  maxConnections: number;
  /** Largest request line and headers, in bytes; 431 beyond. @default 16384 */
  maxHeaderBytes: number;
  /** Most request headers; 431 beyond. @default 100 */
  maxHeaderCount: number;
  /**
   * Bearer tokens or API keys accepted on every route but liveness, readiness and `/metrics`;
   * empty: no authentication. @default [] (env MLSERVE_AUTH_TOKENS, comma- or space-separated)
   */
  authTokens: readonly string[];
  /** A file with more tokens, one per line (`#` starts a comment). */
  authTokenFile?: string;
  /** Require a token on liveness and readiness too. @default false */
  authHealth: boolean;
  /** Tokens accepted on `/metrics`; empty: `/metrics` is open. @default [] (env MLSERVE_METRICS_TOKENS) */
  metricsTokens: readonly string[];
  /** Browser origins allowed by CORS (`https://app.example.com`, or `*`); empty: CORS off. @default [] (env MLSERVE_CORS_ORIGINS) */
  corsOrigins: readonly string[];
  /** Allow credentialed CORS requests (cookies, HTTP auth); needs explicit origins. @default false */
  corsAllowCredentials: boolean;
  /** Compress large answers with gzip or br for clients that accept them. @default true */
  compression: boolean;
  /** Smallest answer compressed, in bytes. @default 65536 */
  compressionMinBytes: number;
  /**
   * Who parses HTTP/1.1: `fast`, mlserve's lane for the simplest requests of `/invocations`, `/ping`,
   * `/health` and `/version` with node:http for everything else (not with TLS or CORS: node:http
   * alone then), or `node`: node:http alone. @default 'fast'
   */
  httpParser: HttpParser;
  /**
   * What runs small ONNX calls: `auto`, mlserve's own evaluator for small CPU models made only of the
   * operators it computes exactly as onnxruntime does (MatMul, Gemm, Add, Sigmoid, Softmax, ArgMax, …), on
   * CPUs where that was established (AVX512F), and onnxruntime for the rest; `native`, the evaluator on
   * any CPU (its bits may then differ from onnxruntime's in the last place); `onnxruntime`, every call
   * on onnxruntime. @default 'auto'
   */
  onnxEvaluator: OnnxEvaluator;
  /** PEM private key: serve HTTPS (uvicorn's --ssl-keyfile); needs `sslCertfile`. */
  sslKeyfile?: string;
  /** PEM certificate chain (uvicorn's --ssl-certfile). */
  sslCertfile?: string;
  /** PEM CA certificates that client certificates are checked against (uvicorn's --ssl-ca-certs). */
  sslCaCerts?: string;
  /** Client certificates: 0 not asked, 1 checked when sent, 2 required (uvicorn's --ssl-cert-reqs). @default 0 */
  sslCertReqs: number;
  /** Send MLflow's `stack_trace` with model errors (server paths removed). @default true */
  stackTraces: boolean;
  /** Include schema details in enforcement errors. @default true (env MLFLOW_DISABLE_SCHEMA_DETAILS=true turns it off) */
  schemaDetails: boolean;
  /**
   * How the Python engine gets its environment: `local` runs `python` as is; `virtualenv` and `uv`
   * build the model's environment from its python_env.yaml / requirements.txt (cached); `conda` is
   * refused. Natively served models ignore it. @default 'local'
   */
  envManager: EnvManager;
  /** Which engine serves the model: `auto` (native when possible, else Python workers), `native` or `python`. @default 'auto' */
  engine: EngineName;
  /** Python interpreter for `--env-manager local`. @default env MLSERVE_PYTHON, else 'python3' on PATH */
  python?: string;
  /** Serve the page at `/` that tries the model (`/openapi.json` and `/mlserve/model` stay on). @default true */
  ui: boolean;

  /** Least severe log lines written: `info` includes the access log, `warn` leaves it out. @default 'info' (env MLSERVE_LOG_LEVEL) */
  logLevel: LogLevel;
  /** Log line format: `text` for people, `json` for log collectors. @default 'text' (env MLSERVE_LOG_FORMAT) */
  logFormat: LogFormat;
}

/** The options each model may set for itself (`-m`, the config file); the rest are the server's. */
export type ModelOptionKey = 'workers' | 'batching' | 'maxBatchSize' | 'maxBatchDelayMs' | 'maxQueue' | 'timeoutSeconds' | 'engine' | 'envManager' | 'python' | 'warmup' | 'noCache';

/** A model's own options. */
export type ModelOptions = Partial<Pick<ServeOptions, ModelOptionKey>>;

/** One of several models: its URI, name (default: as `--model-name` defaults) and own options. */
export interface ModelArgumentOptions {
  readonly name?: string;
  readonly uri: string;
  readonly options?: ModelOptions;
}

/** The values of `--engine`. */
export type EngineName = 'auto' | 'native' | 'python';
/** The accepted values of `--engine`. */
export const ENGINES: readonly EngineName[] = ['auto', 'native', 'python'];

/** MLflow's environment managers. */
export type EnvManager = 'local' | 'virtualenv' | 'uv' | 'conda';
/** The accepted values of `--env-manager`. */
export const ENV_MANAGERS: readonly EnvManager[] = ['local', 'conda', 'virtualenv', 'uv'];

/** Defaults of every option but the model URI. */
export const DEFAULTS: Readonly<Omit<ServeOptions, 'modelUri'>> = Object.freeze({
  host: '127.0.0.1',
  port: 5000,
  timeoutSeconds: 60,
  noCache: false,
  pollIntervalSeconds: 0,
  workers: 0,
  batching: true,
  maxBatchSize: 1024,
  maxBatchDelayMs: 0,
  maxQueue: 1000,
  drainTimeoutSeconds: 30,
  warmup: true,
  bodyLimitBytes: 100 * 1024 * 1024,
  maxNestingDepth: 1000,
  maxRows: 10_000_000,
  maxColumns: 100_000,
  maxElements: 100_000_000,
  headerTimeoutSeconds: 10,
  bodyTimeoutSeconds: 60,
  keepAliveTimeoutSeconds: 65,
  maxConnections: 10_000,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  authTokens: Object.freeze([]) as readonly string[],
  authHealth: false,
  metricsTokens: Object.freeze([]) as readonly string[],
  corsOrigins: Object.freeze([]) as readonly string[],
  corsAllowCredentials: false,
  compression: true,
  compressionMinBytes: 64 * 1024,
  httpParser: 'fast',
  onnxEvaluator: 'auto',
  sslCertReqs: 0,
  stackTraces: true,
  schemaDetails: true,
  envManager: 'local',
  engine: 'auto',
  ui: true,

  logLevel: 'info',
  logFormat: 'text',
});

/**
 * Splits token or origin lists: comma- or whitespace-separated, one or more per line, `#` to the
 * end of a line is a comment; duplicates dropped. (Tokens therefore hold no spaces, commas or `#`.)
 */
export function splitList(...sources: (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const s of sources) {
    if (!s) continue;
    for (const line of s.split(/\r?\n/)) {
      for (const t of line.replace(/#.*$/, '').split(/[\s,]+/)) if (t !== '') out.push(t);
    }
  }
  return [...new Set(out)];
}

/** The environment variables mlserve reads, as a plain object. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Reads the process environment (the only place mlserve does). */
export function processEnv(): Env {
  return process.env;
}

function envBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return undefined;
}

/** An environment word, trimmed and lower-cased; undefined when unset or blank. */
function envWord(v: string | undefined): string | undefined {
  const t = v?.trim().toLowerCase();
  return t ? t : undefined;
}

function envInt(v: string | undefined): number | undefined {
  return v === undefined || v.trim() === '' ? undefined : Number(v);
}

/**
 * Merges explicit options over environment variables over DEFAULTS, validates everything at once
 * (InvalidOptionsError lists every problem) and freezes the result.
 */
export function resolveServeOptions(given: Partial<ServeOptions>, env: Env = {}): Readonly<ServeOptions> {
  const timeoutGiven = given.timeoutSeconds;
  const envTimeout = envInt(env.MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT);
  const opts: ServeOptions = {
    modelUri: given.modelUri ?? '',
    ...(given.models ? { models: Object.freeze([...given.models]) } : {}),
    ...(given.modelRepository !== undefined ? { modelRepository: given.modelRepository } : {}),
    pollIntervalSeconds: given.pollIntervalSeconds ?? envInt(env.MLSERVE_POLL_INTERVAL) ?? DEFAULTS.pollIntervalSeconds,
    trackingUri: given.trackingUri,
    noCache: given.noCache ?? DEFAULTS.noCache,
    modelName: given.modelName,
    grpcPort: given.grpcPort,
    host: given.host ?? env.MLFLOW_HOST ?? DEFAULTS.host,
    port: given.port ?? envInt(env.MLFLOW_PORT) ?? DEFAULTS.port,
    // MLflow uses `timeout or env_default`: 0 falls back (spec §1.8).
    timeoutSeconds: timeoutGiven || envTimeout || DEFAULTS.timeoutSeconds,
    workers: given.workers ?? envInt(env.MLFLOW_MODELS_WORKERS) ?? DEFAULTS.workers,
    batching: given.batching ?? DEFAULTS.batching,
    maxBatchSize: given.maxBatchSize ?? DEFAULTS.maxBatchSize,
    maxBatchDelayMs: given.maxBatchDelayMs ?? DEFAULTS.maxBatchDelayMs,
    maxQueue: given.maxQueue ?? DEFAULTS.maxQueue,
    drainTimeoutSeconds: given.drainTimeoutSeconds ?? DEFAULTS.drainTimeoutSeconds,
    warmup: given.warmup ?? DEFAULTS.warmup,
    bodyLimitBytes: given.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes,
    maxNestingDepth: given.maxNestingDepth ?? DEFAULTS.maxNestingDepth,
    maxRows: given.maxRows ?? DEFAULTS.maxRows,
    maxColumns: given.maxColumns ?? DEFAULTS.maxColumns,
    maxElements: given.maxElements ?? DEFAULTS.maxElements,
    headerTimeoutSeconds: given.headerTimeoutSeconds ?? DEFAULTS.headerTimeoutSeconds,
    bodyTimeoutSeconds: given.bodyTimeoutSeconds ?? DEFAULTS.bodyTimeoutSeconds,
    keepAliveTimeoutSeconds: given.keepAliveTimeoutSeconds ?? DEFAULTS.keepAliveTimeoutSeconds,
    maxConnections: given.maxConnections ?? DEFAULTS.maxConnections,
    maxHeaderBytes: given.maxHeaderBytes ?? DEFAULTS.maxHeaderBytes,
    maxHeaderCount: given.maxHeaderCount ?? DEFAULTS.maxHeaderCount,
    authTokens: Object.freeze(given.authTokens ? [...given.authTokens] : splitList(env.MLSERVE_AUTH_TOKENS)),
    authTokenFile: given.authTokenFile,
    authHealth: given.authHealth ?? DEFAULTS.authHealth,
    metricsTokens: Object.freeze(given.metricsTokens ? [...given.metricsTokens] : splitList(env.MLSERVE_METRICS_TOKENS)),
    corsOrigins: Object.freeze(given.corsOrigins ? [...given.corsOrigins] : splitList(env.MLSERVE_CORS_ORIGINS)),
    corsAllowCredentials: given.corsAllowCredentials ?? DEFAULTS.corsAllowCredentials,
    compression: given.compression ?? DEFAULTS.compression,
    compressionMinBytes: given.compressionMinBytes ?? DEFAULTS.compressionMinBytes,
    httpParser: given.httpParser ?? DEFAULTS.httpParser,
    onnxEvaluator: given.onnxEvaluator ?? DEFAULTS.onnxEvaluator,
    sslKeyfile: given.sslKeyfile,
    sslCertfile: given.sslCertfile,
    sslCaCerts: given.sslCaCerts,
    sslCertReqs: given.sslCertReqs ?? DEFAULTS.sslCertReqs,
    stackTraces: given.stackTraces ?? DEFAULTS.stackTraces,
    schemaDetails: given.schemaDetails ?? !(envBool(env.MLFLOW_DISABLE_SCHEMA_DETAILS) ?? false),
    envManager: given.envManager ?? DEFAULTS.envManager,
    engine: given.engine ?? DEFAULTS.engine,
    python: given.python,
    ui: given.ui ?? DEFAULTS.ui,

    logLevel: given.logLevel ?? (envWord(env.MLSERVE_LOG_LEVEL) as LogLevel | undefined) ?? DEFAULTS.logLevel,
    logFormat: given.logFormat ?? (envWord(env.MLSERVE_LOG_FORMAT) as LogFormat | undefined) ?? DEFAULTS.logFormat,
  };
  const problems: string[] = [];
  if (!opts.modelUri && !opts.models?.length && opts.modelRepository === undefined) problems.push('A model URI is required (-m/--model-uri).');
  if (!Number.isFinite(opts.pollIntervalSeconds) || opts.pollIntervalSeconds < 0) problems.push(`Invalid poll interval ${given.pollIntervalSeconds ?? env.MLSERVE_POLL_INTERVAL}: expected seconds >= 0 (0: never).`);
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) problems.push(`Invalid port ${given.port ?? env.MLFLOW_PORT}: expected an integer from 0 to 65535.`);
  if (!Number.isFinite(opts.timeoutSeconds) || opts.timeoutSeconds < 0) problems.push(`Invalid timeout ${opts.timeoutSeconds}: expected a number of seconds >= 0.`);
  if (!Number.isInteger(opts.workers) || opts.workers < 0) problems.push(`Invalid workers ${opts.workers}: expected an integer >= 1 (0 picks from the cores).`);
  if (!Number.isInteger(opts.maxBatchSize) || opts.maxBatchSize < 1) problems.push(`Invalid max batch size ${opts.maxBatchSize}: expected an integer >= 1.`);
  if (!Number.isFinite(opts.maxBatchDelayMs) || opts.maxBatchDelayMs < 0) problems.push(`Invalid max batch delay ${opts.maxBatchDelayMs}: expected milliseconds >= 0.`);
  if (opts.grpcPort !== undefined && (!Number.isInteger(opts.grpcPort) || opts.grpcPort < 0 || opts.grpcPort > 65535)) problems.push(`Invalid gRPC port ${opts.grpcPort}: expected an integer from 0 to 65535.`);
  if (opts.modelName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(opts.modelName)) problems.push(`Invalid model name ${JSON.stringify(opts.modelName)}: use letters, digits, '.', '_' and '-' (it appears in V2 URL paths).`);
  if (!Number.isFinite(opts.drainTimeoutSeconds) || opts.drainTimeoutSeconds < 0) problems.push(`Invalid drain timeout ${opts.drainTimeoutSeconds}: expected seconds >= 0.`);
  if (!Number.isInteger(opts.maxQueue) || opts.maxQueue < 1) problems.push(`Invalid max queue ${opts.maxQueue}: expected an integer >= 1.`);
  if (!Number.isInteger(opts.bodyLimitBytes) || opts.bodyLimitBytes < 1) problems.push(`Invalid body limit ${opts.bodyLimitBytes}: expected a positive number of bytes.`);
  // Deeper values could not be handed to inference workers (structured clone recurses): 1000 at most.
  if (opts.maxNestingDepth > 1000) problems.push(`Invalid max nesting depth ${opts.maxNestingDepth}: expected an integer from 1 to 1000.`);
  for (const [name, v] of [['max nesting depth', opts.maxNestingDepth], ['max rows', opts.maxRows], ['max columns', opts.maxColumns], ['max elements', opts.maxElements]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) problems.push(`Invalid ${name} ${v}: expected an integer >= 1.`);
  }
  for (const [name, v] of [['header timeout', opts.headerTimeoutSeconds], ['body timeout', opts.bodyTimeoutSeconds], ['keep-alive timeout', opts.keepAliveTimeoutSeconds]] as const) {
    if (!Number.isFinite(v) || v <= 0) problems.push(`Invalid ${name} ${v}: expected seconds > 0.`);
  }
  for (const [name, v] of [['max connections', opts.maxConnections], ['max header size', opts.maxHeaderBytes], ['max header count', opts.maxHeaderCount], ['compression min size', opts.compressionMinBytes]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) problems.push(`Invalid ${name} ${v}: expected an integer >= 1.`);
  }
  if ((opts.sslKeyfile === undefined) !== (opts.sslCertfile === undefined)) problems.push('TLS needs both --ssl-keyfile and --ssl-certfile.');
  if (![0, 1, 2].includes(opts.sslCertReqs)) problems.push(`Invalid ssl cert reqs ${opts.sslCertReqs}: expected 0 (none), 1 (optional) or 2 (required).`);
  if (opts.sslCertReqs > 0 && opts.sslCaCerts === undefined) problems.push('Checking client certificates (--ssl-cert-reqs 1 or 2) needs --ssl-ca-certs.');
  if (opts.corsAllowCredentials && opts.corsOrigins.includes('*')) problems.push("CORS with credentials needs explicit origins: '*' would let every site send the browser's credentials.");
  for (const o of opts.corsOrigins) {
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/i.test(o.replace(/\/+$/, ''))) problems.push(`Invalid CORS origin '${o}': expected scheme://host[:port] (e.g. https://app.example.com) or '*'.`);
  }
  if (!ENV_MANAGERS.includes(opts.envManager)) {
    problems.push(`Invalid value for \`env_manager\`: ${opts.envManager}. Must be one of ['local', 'conda', 'virtualenv', 'uv']`);
  }
  if (!ENGINES.includes(opts.engine)) problems.push(`Invalid engine '${opts.engine}': expected one of ${ENGINES.join(', ')}.`);
  if (opts.python !== undefined && opts.python.trim() === '') problems.push('Invalid --python: expected the path of a Python interpreter.');
  if (!LOG_LEVELS.includes(opts.logLevel)) problems.push(`Invalid log level ${JSON.stringify(opts.logLevel)}: expected one of ${LOG_LEVELS.join(', ')}.`);
  if (!ONNX_EVALUATORS.includes(opts.onnxEvaluator)) problems.push(`Invalid ONNX evaluator ${JSON.stringify(opts.onnxEvaluator)}: expected auto, native or onnxruntime.`);
  if (!HTTP_PARSERS.includes(opts.httpParser)) problems.push(`Invalid HTTP parser ${JSON.stringify(opts.httpParser)}: expected fast or node.`);
  if (!LOG_FORMATS.includes(opts.logFormat)) problems.push(`Invalid log format ${JSON.stringify(opts.logFormat)}: expected text or json.`);
  if (problems.length) throw new InvalidOptionsError(problems);
  return Object.freeze(opts);
}
