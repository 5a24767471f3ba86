// Owns mlserve's options: their defaults, environment variables, validation and freezing.

import { InvalidOptionsError } from '../errors.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../logger.js';

/** Options of `serve()` and `mlserve models serve`. */
export interface ServeOptions {
  /** Model URI (`-m`): a local path, `file:`, `runs:/`, `models:/`, `mlflow-artifacts:/`. */
  modelUri: string;
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
  workers: 0,
  batching: true,
  maxBatchSize: 1024,
  maxBatchDelayMs: 0,
  maxQueue: 1000,
  drainTimeoutSeconds: 30,
  warmup: true,
  bodyLimitBytes: 100 * 1024 * 1024,
  schemaDetails: true,
  envManager: 'local',
  engine: 'auto',
  ui: true,

  logLevel: 'info',
  logFormat: 'text',
});

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
export function resolveServeOptions(given: Partial<ServeOptions> & { modelUri: string }, env: Env = {}): Readonly<ServeOptions> {
  const timeoutGiven = given.timeoutSeconds;
  const envTimeout = envInt(env.MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT);
  const opts: ServeOptions = {
    modelUri: given.modelUri,
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
    schemaDetails: given.schemaDetails ?? !(envBool(env.MLFLOW_DISABLE_SCHEMA_DETAILS) ?? false),
    envManager: given.envManager ?? DEFAULTS.envManager,
    engine: given.engine ?? DEFAULTS.engine,
    python: given.python,
    ui: given.ui ?? DEFAULTS.ui,

    logLevel: given.logLevel ?? (envWord(env.MLSERVE_LOG_LEVEL) as LogLevel | undefined) ?? DEFAULTS.logLevel,
    logFormat: given.logFormat ?? (envWord(env.MLSERVE_LOG_FORMAT) as LogFormat | undefined) ?? DEFAULTS.logFormat,
  };
  const problems: string[] = [];
  if (!opts.modelUri) problems.push('A model URI is required (-m/--model-uri).');
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
  if (!ENV_MANAGERS.includes(opts.envManager)) {
    problems.push(`Invalid value for \`env_manager\`: ${opts.envManager}. Must be one of ['local', 'conda', 'virtualenv', 'uv']`);
  }
  if (!ENGINES.includes(opts.engine)) problems.push(`Invalid engine '${opts.engine}': expected one of ${ENGINES.join(', ')}.`);
  if (opts.python !== undefined && opts.python.trim() === '') problems.push('Invalid --python: expected the path of a Python interpreter.');
  if (!LOG_LEVELS.includes(opts.logLevel)) problems.push(`Invalid log level ${JSON.stringify(opts.logLevel)}: expected one of ${LOG_LEVELS.join(', ')}.`);
  if (!LOG_FORMATS.includes(opts.logFormat)) problems.push(`Invalid log format ${JSON.stringify(opts.logFormat)}: expected text or json.`);
  if (problems.length) throw new InvalidOptionsError(problems);
  return Object.freeze(opts);
}
