// Owns `mlserve models serve`: flags to options, start the server, stop on SIGINT/SIGTERM.

import { serve, type ServerHandle } from '../../serve.js';
import { processEnv, type ServeOptions } from '../../config/options.js';
import type { LogFormat, LogLevel } from '../../logger.js';
import { SERVE_FLAGS, formatHelp, type ParsedFlags } from '../flags.js';
import { parseModelArgument } from '../../models/spec.js';
import { UsageError, parse, intFlag, numberFlag, listFlag, checkEnvManager, engineFlag, warn } from '../common.js';

/** Help text of `models serve`. */
export const SERVE_HELP = formatHelp(
  'mlserve models serve -m <model-uri> [options]',
  'Serve a model with an MLflow-compatible scoring server.',
  SERVE_FLAGS,
);

/** Runs `models serve`; resolves with the exit code once the server has stopped. */
export async function serveCommand(argv: string[]): Promise<number> {
  const flags = parse(argv, SERVE_FLAGS, 'models serve');
  if (flags.help) return void process.stdout.write(SERVE_HELP), 0;
  const given = serveOptions(flags, await modelsOf(flags));
  // serve() logs its progress and, once ready, the line naming the model, its version and the URL.
  const handle: ServerHandle = await serve(given, processEnv());
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      handle.logger.info(`${signal} received: draining, then shutting down`);
      handle.close().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    // SIGHUP: check now where followed aliases point (as --poll-interval does periodically).
    process.on('SIGHUP', () => {
      handle.logger.info('SIGHUP received: checking model versions');
      void handle.checkVersions();
    });
  });
  return 0;
}

/** The options the flags give (each flag of SERVE_FLAGS that names an option sets it; serve.test.ts checks). */
export function serveOptions(flags: ParsedFlags, models: Partial<ServeOptions>): Partial<ServeOptions> {
  const given: Partial<ServeOptions> = {
    pollIntervalSeconds: numberFlag(flags, 'poll-interval'),
    trackingUri: flags['tracking-uri'] as string | undefined,
    noCache: flags['no-cache'] ? true : undefined,
    modelName: flags['model-name'] as string | undefined,
    grpcPort: intFlag(flags, 'grpc-port'),
    host: flags.host as string | undefined,
    port: intFlag(flags, 'port'),
    timeoutSeconds: intFlag(flags, 'timeout'),
    workers: intFlag(flags, 'workers'),
    maxBatchSize: intFlag(flags, 'max-batch-size'),
    maxBatchDelayMs: numberFlag(flags, 'max-batch-delay-ms'),
    maxQueue: intFlag(flags, 'max-queue'),
    batching: flags['no-batching'] ? false : undefined,
    drainTimeoutSeconds: numberFlag(flags, 'drain-timeout'),
    warmup: flags['no-warmup'] ? false : undefined,
    bodyLimitBytes: intFlag(flags, 'max-body-size'),
    maxNestingDepth: intFlag(flags, 'max-nesting-depth'),
    maxRows: intFlag(flags, 'max-rows'),
    maxColumns: intFlag(flags, 'max-columns'),
    maxElements: intFlag(flags, 'max-elements'),
    headerTimeoutSeconds: numberFlag(flags, 'header-timeout'),
    bodyTimeoutSeconds: numberFlag(flags, 'body-timeout'),
    keepAliveTimeoutSeconds: numberFlag(flags, 'keep-alive-timeout'),
    maxConnections: intFlag(flags, 'max-connections'),
    maxHeaderBytes: intFlag(flags, 'max-header-size'),
    maxHeaderCount: intFlag(flags, 'max-header-count'),
    authTokens: listFlag(flags, 'auth-token'),
    authTokenFile: flags['auth-token-file'] as string | undefined,
    authHealth: flags['auth-health'] ? true : undefined,
    metricsTokens: listFlag(flags, 'metrics-token'),
    corsOrigins: listFlag(flags, 'cors-origins'),
    corsAllowCredentials: flags['cors-allow-credentials'] ? true : undefined,
    compression: flags['no-compression'] ? false : undefined,
    compressionMinBytes: intFlag(flags, 'compression-min-size'),
    httpParser: flags['http-parser'] as ServeOptions['httpParser'] | undefined,
    onnxEvaluator: flags['onnx-evaluator'] as ServeOptions['onnxEvaluator'] | undefined,
    sslKeyfile: flags['ssl-keyfile'] as string | undefined,
    sslCertfile: flags['ssl-certfile'] as string | undefined,
    sslCaCerts: flags['ssl-ca-certs'] as string | undefined,
    sslCertReqs: intFlag(flags, 'ssl-cert-reqs'),
    stackTraces: flags['no-stack-traces'] ? false : undefined,
    envManager: checkEnvManager(flags, warn),
    engine: engineFlag(flags),
    python: flags.python as string | undefined,
    ui: flags['no-ui'] ? false : undefined,
    logLevel: (flags['log-level'] as string | undefined)?.toLowerCase() as LogLevel | undefined,
    logFormat: (flags['log-format'] as string | undefined)?.toLowerCase() as LogFormat | undefined,
    ...models,
  };
  for (const k of Object.keys(given) as (keyof typeof given)[]) if (given[k] === undefined) delete given[k];
  return given;
}

/** `-m URI` (one model, as MLflow), or several `-m NAME=URI`, `--model-repository DIR` and `--config FILE`. */
async function modelsOf(flags: ParsedFlags): Promise<Partial<ServeOptions>> {
  const given = (flags['model-uri'] as string[] | undefined) ?? [];
  const repository = flags['model-repository'] as string | undefined;
  const configFile = flags.config as string | undefined;
  if (given.length === 0 && repository === undefined && configFile === undefined) throw new UsageError(`Missing option '-m' / '--model-uri'.\n\n${SERVE_HELP}`);
  const args = given.map((v) => parseModelArgument(v));
  if (given.length === 1 && repository === undefined && configFile === undefined) {
    // One model: served exactly as before (its name from -m NAME=URI, else --model-name).
    if (args[0].name !== undefined && flags['model-name'] !== undefined) throw new UsageError(`The model is named twice: -m ${args[0].name}=... and --model-name ${String(flags['model-name'])}; give one.`);
    return { modelUri: args[0].uri, ...(args[0].name !== undefined ? { modelName: args[0].name } : {}) };
  }
  if (flags['model-name'] !== undefined) throw new UsageError('--model-name names the one model served; with several, name each one: -m NAME=URI.');
  // Imported here: its YAML parser takes longer to load than the rest of `models serve` (bench/cold-start.ts).
  const config = configFile !== undefined ? await (await import('../../models/config-file.js')).readConfigFile(configFile) : undefined;
  const models = [...(config?.models ?? []), ...args];
  return {
    models,
    ...(repository !== undefined ? { modelRepository: repository } : config?.modelRepository !== undefined ? { modelRepository: config.modelRepository } : {}),
    ...(config?.pollIntervalSeconds !== undefined && flags['poll-interval'] === undefined ? { pollIntervalSeconds: config.pollIntervalSeconds } : {}),
  };
}
