// Owns the command-line flag tables (typed against the options) and a small parser on node:util.parseArgs.

import { parseArgs } from 'node:util';
import type { ServeOptions } from '../config/options.js';
import type { DockerContextOptions } from '../deploy/context.js';
import type { KServeOptions } from '../deploy/kserve.js';
import type { PredictBatchOptions } from '../batch/predict.js';

/** One flag: long name, optional short letter, kind, help text, and the option it sets (or an explicit 'none'). */
export interface FlagSpec<K extends string = string> {
  readonly long: string;
  readonly short?: string;
  readonly kind: 'string' | 'boolean';
  readonly help: string;
  readonly option: K | 'none';
  readonly valueName?: string;
  /** The flag may be given more than once (its value is then a list). */
  readonly multiple?: boolean;
}

/** `-h/--help`, for every command but `serve` (whose `-h` is `--host`, as in MLflow). */
const HELP_FLAG = { long: 'help', short: 'h', kind: 'boolean', option: 'none', help: 'Show this help.' } as const;

/** Flags of `mlserve models serve`, with MLflow's names and defaults. */
export const SERVE_FLAGS = [
  { long: 'model-uri', short: 'm', kind: 'string', multiple: true, option: 'modelUri', valueName: '[NAME=]URI', help: 'Model URI: a local directory, file:, runs:/, models:/ or mlflow-artifacts:/. Required (or --model-repository, --config). Give it more than once, as NAME=URI, to serve several models (/models/NAME/invocations).' },
  { long: 'model-repository', kind: 'string', option: 'modelRepository', valueName: 'DIR', help: 'Serve every model folder (a folder with an MLmodel file) in DIR, each under its folder name; the V2 repository API can load and unload them.' },
  { long: 'config', kind: 'string', option: 'models', valueName: 'FILE', help: 'YAML file naming each model with its own options (workers, batching, timeout, engine); see docs/models.md.' },
  { long: 'poll-interval', kind: 'string', option: 'pollIntervalSeconds', valueName: 'SECONDS', help: 'Check every SECONDS where models:/ aliases, latest and stages point, and switch to new versions without dropping requests (env MLSERVE_POLL_INTERVAL; SIGHUP checks at once). Default 0: never.' },
  { long: 'tracking-uri', kind: 'string', option: 'trackingUri', valueName: 'URI', help: 'MLflow tracking store for runs:/ and models:/ URIs (file:, sqlite:, http(s):). Default: env MLFLOW_TRACKING_URI, else ./mlruns or ./mlflow.db.' },
  { long: 'no-cache', kind: 'boolean', option: 'noCache', help: 'Download the model afresh instead of reusing the local cache (~/.cache/mlserve/models, env MLSERVE_CACHE_DIR).' },
  { long: 'model-name', kind: 'string', option: 'modelName', valueName: 'NAME', help: "The model's name in the V2 (Open Inference Protocol) routes. Default: the registered model's name or the directory name." },
  { long: 'grpc-port', kind: 'string', option: 'grpcPort', valueName: 'PORT', help: 'Also serve the V2 gRPC service (inference.GRPCInferenceService) on this port. Off unless given.' },
  { long: 'port', short: 'p', kind: 'string', option: 'port', valueName: 'PORT', help: 'Port to listen on (env MLFLOW_PORT). Default 5000.' },
  { long: 'host', short: 'h', kind: 'string', option: 'host', valueName: 'HOST', help: 'Interface to bind (env MLFLOW_HOST). Default 127.0.0.1; use 0.0.0.0 to accept remote clients.' },
  { long: 'timeout', short: 't', kind: 'string', option: 'timeoutSeconds', valueName: 'SECONDS', help: 'Seconds before a request is answered 504 (env MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT). Default 60; 0 also means the default, as in MLflow.' },
  { long: 'workers', short: 'w', kind: 'string', option: 'workers', valueName: 'N', help: 'Inference workers (env MLFLOW_MODELS_WORKERS). Default 0: pick from the machine, one per core for JavaScript models, 1 for ONNX (onnxruntime uses every core), 1 Python process for the Python engine.' },
  { long: 'max-batch-size', kind: 'string', option: 'maxBatchSize', valueName: 'ROWS', help: 'Most rows merged into one model call (adaptive batching). Default 1024.' },
  { long: 'max-batch-delay-ms', kind: 'string', option: 'maxBatchDelayMs', valueName: 'MS', help: 'Extra wait to gather a fuller batch when a worker is free. Default 0: never wait.' },
  { long: 'max-queue', kind: 'string', option: 'maxQueue', valueName: 'N', help: 'Most requests waiting for a worker; beyond it 503 with Retry-After. Default 1000.' },
  { long: 'no-batching', kind: 'boolean', option: 'batching', help: 'Never merge requests into one model call.' },
  { long: 'drain-timeout', kind: 'string', option: 'drainTimeoutSeconds', valueName: 'SECONDS', help: 'On SIGTERM, readiness turns false and in-flight requests get this long to finish. Default 30.' },
  { long: 'no-warmup', kind: 'boolean', option: 'warmup', help: "Report ready without scoring the model's serving input example first." },
  { long: 'max-body-size', kind: 'string', option: 'bodyLimitBytes', valueName: 'BYTES', help: 'Largest request body accepted; larger bodies get 413. Default 104857600 (100 MiB).' },
  { long: 'log-level', kind: 'string', option: 'logLevel', valueName: 'LEVEL', help: 'error | warn | info | debug (env MLSERVE_LOG_LEVEL). Default info: start-up, download and load progress, one access-log line per request, model exceptions. warn leaves the access log out.' },
  { long: 'log-format', kind: 'string', option: 'logFormat', valueName: 'FORMAT', help: 'text | json: one JSON object per line, for log collectors (env MLSERVE_LOG_FORMAT). Default text.' },
  { long: 'max-nesting-depth', kind: 'string', option: 'maxNestingDepth', valueName: 'N', help: 'Deepest nesting of JSON arrays and objects in a request; deeper gets 400. Default 1000.' },
  { long: 'max-rows', kind: 'string', option: 'maxRows', valueName: 'N', help: 'Most rows in one request; more gets 413. Default 10000000.' },
  { long: 'max-columns', kind: 'string', option: 'maxColumns', valueName: 'N', help: 'Most columns (values per row) in one request; more gets 413. Default 100000.' },
  { long: 'max-elements', kind: 'string', option: 'maxElements', valueName: 'N', help: 'Most elements (rows x columns) in one request; more gets 413. Default 100000000.' },
  { long: 'header-timeout', kind: 'string', option: 'headerTimeoutSeconds', valueName: 'SECONDS', help: 'Seconds to receive request headers; slower gets 408 (slowloris). Default 10.' },
  { long: 'body-timeout', kind: 'string', option: 'bodyTimeoutSeconds', valueName: 'SECONDS', help: 'Seconds to receive a whole request with its body; slower gets 408. Default 60.' },
  { long: 'keep-alive-timeout', kind: 'string', option: 'keepAliveTimeoutSeconds', valueName: 'SECONDS', help: "Seconds an idle keep-alive connection stays open (keep it above a load balancer's idle time-out). Default 65." },
  { long: 'max-connections', kind: 'string', option: 'maxConnections', valueName: 'N', help: 'Most open connections; more are closed at once. Default 10000.' },
  { long: 'max-header-size', kind: 'string', option: 'maxHeaderBytes', valueName: 'BYTES', help: 'Largest request line and headers; larger gets 431. Default 16384.' },
  { long: 'max-header-count', kind: 'string', option: 'maxHeaderCount', valueName: 'N', help: 'Most request headers; more gets 431. Default 100.' },
  { long: 'auth-token', kind: 'string', option: 'authTokens', valueName: 'TOKENS', help: 'Require Authorization: Bearer <token> (or X-API-Key) on every route but health and /metrics; comma-separated (env MLSERVE_AUTH_TOKENS).' },
  { long: 'auth-token-file', kind: 'string', option: 'authTokenFile', valueName: 'PATH', help: 'More tokens, one per line (# comments).' },
  { long: 'auth-health', kind: 'boolean', option: 'authHealth', help: 'Require a token on liveness and readiness (/ping, /health, /v2/health/*) too.' },
  { long: 'metrics-token', kind: 'string', option: 'metricsTokens', valueName: 'TOKENS', help: 'Require one of these tokens on /metrics (env MLSERVE_METRICS_TOKENS). Default: /metrics is open.' },
  { long: 'cors-origins', kind: 'string', option: 'corsOrigins', valueName: 'ORIGINS', help: "Browser origins allowed to call the server, comma-separated, or '*' (env MLSERVE_CORS_ORIGINS). Default: CORS off." },
  { long: 'cors-allow-credentials', kind: 'boolean', option: 'corsAllowCredentials', help: 'Allow credentialed CORS requests (needs explicit --cors-origins).' },
  { long: 'no-compression', kind: 'boolean', option: 'compression', help: 'Never compress answers (default: gzip or br for answers of 64 KiB or more when the client accepts it).' },
  { long: 'http-parser', kind: 'string', option: 'httpParser', valueName: 'fast|node', help: "fast: mlserve's HTTP/1.1 lane for plain /invocations, /ping, /health and /version requests, node:http for the rest; node: node:http alone. Default fast." },
  { long: 'onnx-evaluator', kind: 'string', option: 'onnxEvaluator', valueName: 'auto|native|onnxruntime', help: "auto: small ONNX models made of the operators mlserve computes exactly as onnxruntime does run their small calls on mlserve's own evaluator (on CPUs where that was established, AVX512F), the rest on onnxruntime; native: that evaluator on any CPU; onnxruntime: everything on onnxruntime. Default auto." },
  { long: 'compression-min-size', kind: 'string', option: 'compressionMinBytes', valueName: 'BYTES', help: 'Smallest answer compressed. Default 65536.' },
  { long: 'ssl-keyfile', kind: 'string', option: 'sslKeyfile', valueName: 'PATH', help: 'PEM private key: serve HTTPS (and gRPC over TLS). Needs --ssl-certfile.' },
  { long: 'ssl-certfile', kind: 'string', option: 'sslCertfile', valueName: 'PATH', help: 'PEM certificate chain for HTTPS.' },
  { long: 'ssl-ca-certs', kind: 'string', option: 'sslCaCerts', valueName: 'PATH', help: 'PEM CA certificates client certificates are checked against.' },
  { long: 'ssl-cert-reqs', kind: 'string', option: 'sslCertReqs', valueName: '0|1|2', help: 'Client certificates: 0 not asked (default), 1 checked when sent, 2 required.' },
  { long: 'no-stack-traces', kind: 'boolean', option: 'stackTraces', help: "Leave MLflow's stack_trace out of error answers (it is sent without server paths otherwise)." },
  { long: 'engine', kind: 'string', option: 'engine', valueName: 'auto|native|python', help: 'auto (default): run the model natively when mlserve can, else in Python workers (models with python_function). native: never use Python. python: always use Python workers.' },
  { long: 'env-manager', kind: 'string', option: 'envManager', valueName: 'NAME', help: "Python engine: local (default) runs --python as is; virtualenv and uv build the model's environment from python_env.yaml / requirements.txt (cached in ~/.cache/mlserve/envs, env MLSERVE_ENV_DIR); conda is refused. Natively served models ignore it." },
  { long: 'python', kind: 'string', option: 'python', valueName: 'PATH', help: 'Python engine, --env-manager local: the interpreter, which must have MLflow. Default: env MLSERVE_PYTHON, else python3 on PATH.' },
  { long: 'no-ui', kind: 'boolean', option: 'ui', help: 'Do not serve the page at / that tries the model (/openapi.json stays on).' },
  { long: 'no-conda', kind: 'boolean', option: 'none', help: 'Accepted for MLflow compatibility; has no effect.' },
  { long: 'install-mlflow', kind: 'boolean', option: 'none', help: 'Accepted for MLflow compatibility; has no effect.' },
  { long: 'enable-mlserver', kind: 'boolean', option: 'none', help: "Accepted for MLflow compatibility; mlserve has batching and workers built in, and runs Python models in its own Python workers." },
  { long: 'help', kind: 'boolean', option: 'none', help: 'Show this help (-h is --host, as in MLflow).' },
] as const satisfies readonly FlagSpec<keyof ServeOptions>[];

/** Options that every serve flag table must cover (compile-time check that no option lacks a flag). */
type Covered = (typeof SERVE_FLAGS)[number]['option'];
type MissingFlag = Exclude<keyof ServeOptions, Covered | 'schemaDetails'>;
const _allOptionsHaveFlags: MissingFlag extends never ? true : never = true;
void _allOptionsHaveFlags;

/** Flags of `mlserve models predict`: MLflow's, then mlserve's batch-scoring flags; `option` names the PredictBatchOptions field. */
export const PREDICT_FLAGS = [
  { long: 'model-uri', short: 'm', kind: 'string', option: 'none', valueName: 'URI', help: 'Model URI. Required.' },
  { long: 'tracking-uri', kind: 'string', option: 'none', valueName: 'URI', help: 'MLflow tracking store for runs:/ and models:/ URIs. Default: env MLFLOW_TRACKING_URI, else ./mlruns or ./mlflow.db.' },
  { long: 'no-cache', kind: 'boolean', option: 'none', help: 'Download the model afresh instead of reusing the local cache.' },
  { long: 'input-path', short: 'i', kind: 'string', option: 'input', valueName: 'PATH', help: 'Input file; standard input when absent.' },
  { long: 'output-path', short: 'o', kind: 'string', option: 'output', valueName: 'PATH', help: 'Output file (written whole or not at all); standard output when absent.' },
  { long: 'content-type', short: 't', kind: 'string', option: 'inputFormat', valueName: 'TYPE', help: "json or csv as in MLflow, or jsonl (one record object per line) or parquet. Default: from the input file's extension (.csv, .jsonl, .ndjson, .parquet), else json." },
  { long: 'output-format', kind: 'string', option: 'outputFormat', valueName: 'FORMAT', help: 'json (MLflow\'s {"predictions": ...}), jsonl (one JSON value per input row), csv (one row per input row) or parquet. Default: parquet for a .parquet output path, else json.' },
  { long: 'batch-size', kind: 'string', option: 'batchSize', valueName: 'ROWS', help: 'Rows read, scored and written at a time (csv, jsonl, parquet input). Default 10000.' },
  { long: 'keep-columns', kind: 'boolean', option: 'keepColumns', help: 'With --output-format csv, jsonl or parquet: write the input columns before the predictions.' },
  { long: 'on-error', kind: 'string', option: 'onError', valueName: 'fail|skip', help: 'fail: stop at the first bad row, naming its line and column (default). skip: write bad rows to the errors file and go on.' },
  { long: 'errors-path', kind: 'string', option: 'errorsPath', valueName: 'PATH', help: 'Where --on-error skip writes bad rows. Default <output-path>.errors.csv (CSV input) or .errors.jsonl.' },
  { long: 'engine', kind: 'string', option: 'none', valueName: 'auto|native|python', help: 'As for `models serve`: auto (default), native or python (score with a Python worker that runs the model with MLflow).' },
  { long: 'env-manager', kind: 'string', option: 'none', valueName: 'NAME', help: "Python engine: local (default), virtualenv or uv (build the model's environment); conda is refused." },
  { long: 'python', kind: 'string', option: 'none', valueName: 'PATH', help: 'Python engine, --env-manager local: the interpreter (default: env MLSERVE_PYTHON, else python3 on PATH).' },
  { long: 'install-mlflow', kind: 'boolean', option: 'none', help: 'Accepted for MLflow compatibility; has no effect.' },
  HELP_FLAG,
] as const satisfies readonly FlagSpec<keyof PredictBatchOptions>[];

/** Batch options every predict flag table must cover; the rest come from the environment or the caller. */
type PredictCovered = (typeof PREDICT_FLAGS)[number]['option'];
type MissingPredictFlag = Exclude<keyof PredictBatchOptions, PredictCovered | 'schemaDetails' | 'onProgress' | 'signal'>;
const _allPredictOptionsHaveFlags: MissingPredictFlag extends never ? true : never = true;
void _allPredictOptionsHaveFlags;

/** MLflow's Docker flags that mean nothing for a Node.js image: accepted, warned about, ignored. */
const DOCKER_COMPAT_FLAGS = [
  { long: 'env-manager', kind: 'string', option: 'none', valueName: 'NAME', help: "Accepted for MLflow compatibility; the image runs models in Node.js." },
  { long: 'mlflow-home', kind: 'string', option: 'none', valueName: 'PATH', help: 'Accepted for MLflow compatibility; has no effect.' },
  { long: 'install-java', kind: 'boolean', option: 'none', help: 'Accepted for MLflow compatibility; has no effect.' },
  { long: 'install-mlflow', kind: 'boolean', option: 'none', help: 'Accepted for MLflow compatibility; has no effect.' },
  { long: 'enable-mlserver', kind: 'boolean', option: 'none', help: 'Accepted for MLflow compatibility; the image serves the V2 protocol itself.' },
] as const satisfies readonly FlagSpec[];

/** The model copied into a Docker build context (generate-dockerfile, build-docker). */
const MODEL_INTO_IMAGE_FLAG = { long: 'model-uri', short: 'm', kind: 'string', multiple: true, option: 'modelDir', valueName: '[NAME=]URI', help: 'Model to copy into the image (to /opt/ml/model). Without it, the image serves a model mounted at /opt/ml/model. Give it more than once, as NAME=URI, for an image that serves several models by name (each at /opt/ml/models/NAME).' } as const;
/** The Node.js base image of a Docker build context. */
const BASE_IMAGE_FLAG = { long: 'base-image', kind: 'string', option: 'baseImage', valueName: 'IMAGE', help: "Node.js base image (glibc-based). Default 'node:20-bookworm-slim'." } as const;

/** Flags of `mlserve models generate-dockerfile`, with MLflow's names and defaults. */
export const GENERATE_DOCKERFILE_FLAGS = [
  MODEL_INTO_IMAGE_FLAG,
  { long: 'output-directory', short: 'd', kind: 'string', option: 'outputDir', valueName: 'DIR', help: "Folder for the build context. Default 'mlflow-dockerfile'." },
  BASE_IMAGE_FLAG,
  ...DOCKER_COMPAT_FLAGS,
  HELP_FLAG,
] as const satisfies readonly FlagSpec<keyof DockerContextOptions>[];

/** Flags of `mlserve models build-docker`, with MLflow's names and defaults. */
export const BUILD_DOCKER_FLAGS = [
  MODEL_INTO_IMAGE_FLAG,
  { long: 'name', short: 'n', kind: 'string', option: 'none', valueName: 'NAME', help: "Image tag. Default 'mlflow-pyfunc-servable'." },
  BASE_IMAGE_FLAG,
  ...DOCKER_COMPAT_FLAGS,
  HELP_FLAG,
] as const satisfies readonly FlagSpec<keyof DockerContextOptions>[];

/** Flags of `mlserve models generate-kserve`. */
export const GENERATE_KSERVE_FLAGS = [
  { long: 'model-uri', short: 'm', kind: 'string', multiple: true, option: 'none', valueName: '[NAME=]URI', help: 'Model URI; names the InferenceService unless --name is given. Required. Give it more than once, as NAME=URI, for an image of several models (build-docker with the same -m): they are served under their names (then --name is required).' },
  { long: 'image', kind: 'string', option: 'image', valueName: 'IMAGE', help: 'Image built by `mlserve models build-docker` and pushed to a registry. Required.' },
  { long: 'output-directory', short: 'd', kind: 'string', option: 'none', valueName: 'DIR', help: "Folder for serving-runtime.yaml and inference-service.yaml. Default 'mlserve-kserve'." },
  { long: 'name', kind: 'string', option: 'name', valueName: 'NAME', help: 'InferenceService name, also the V2 model name. Default: from the model URI.' },
  { long: 'runtime-name', kind: 'string', option: 'runtimeName', valueName: 'NAME', help: "ServingRuntime name. Default 'mlserve-<name>'." },
  { long: 'namespace', kind: 'string', option: 'namespace', valueName: 'NS', help: 'Namespace of both objects. Default: none (kubectl\'s current namespace).' },
  { long: 'storage-uri', kind: 'string', option: 'storageUri', valueName: 'URI', help: 'Let KServe download the model from here (s3://, gs://, pvc://...) instead of serving the one in the image.' },
  { long: 'deployment-mode', kind: 'string', option: 'deploymentMode', valueName: 'MODE', help: 'RawDeployment (HTTP 8080 + gRPC 8081) or Serverless (HTTP only). Default RawDeployment.' },
  { long: 'cpu', kind: 'string', option: 'cpu', valueName: 'CPU', help: "CPU request and limit. Default '1'." },
  { long: 'memory', kind: 'string', option: 'memory', valueName: 'MEM', help: "Memory request and limit. Default '2Gi'." },
  { long: 'workers', short: 'w', kind: 'string', option: 'workers', valueName: 'N', help: 'Inference workers, set as MLFLOW_MODELS_WORKERS in the container. Default: not set, so mlserve picks (0: one per core for JavaScript models, 1 for ONNX).' },
  { long: 'drain-timeout', kind: 'string', option: 'drainTimeoutSeconds', valueName: 'SECONDS', help: 'Seconds mlserve drains on shutdown; the grace period adds 10. Default 30.' },
  HELP_FLAG,
] as const satisfies readonly FlagSpec<keyof KServeOptions>[];

/** Parsed flags: long name → value. */
export type ParsedFlags = Record<string, string | boolean | string[] | undefined>;

/** Parses argv against a flag table; unknown flags and missing values throw TypeError with node's message. */
export function parseFlags(argv: readonly string[], table: readonly FlagSpec[]): ParsedFlags {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const f of table) options[f.long] = { type: f.kind, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  const { values } = parseArgs({ args: [...argv], options, allowPositionals: false, strict: true });
  return values as ParsedFlags;
}

/** Help text for a command. */
export function formatHelp(usage: string, summary: string, table: readonly FlagSpec[]): string {
  const rows = table.map((f) => {
    const name = `${f.short ? `-${f.short}, ` : '    '}--${f.long}${f.kind === 'string' ? ` ${f.valueName ?? 'VALUE'}` : ''}`;
    return `  ${name.padEnd(34)} ${f.help}`;
  });
  return `Usage: ${usage}\n\n${summary}\n\nOptions:\n${rows.join('\n')}\n`;
}
