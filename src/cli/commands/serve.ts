// Owns `mlserve models serve`: flags to options, start the server, stop on SIGINT/SIGTERM.

import { serve, type ServerHandle } from '../../serve.js';
import { processEnv, type ServeOptions } from '../../config/options.js';
import type { LogFormat, LogLevel } from '../../logger.js';
import { SERVE_FLAGS, formatHelp } from '../flags.js';
import { UsageError, parse, intFlag, numberFlag, checkEnvManager, engineFlag, warn } from '../common.js';

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
  if (!flags['model-uri']) throw new UsageError(`Missing option '-m' / '--model-uri'.\n\n${SERVE_HELP}`);
  const given: Partial<ServeOptions> & { modelUri: string } = {
    modelUri: flags['model-uri'] as string,
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
    envManager: checkEnvManager(flags, warn),
    engine: engineFlag(flags),
    python: flags.python as string | undefined,
    ui: flags['no-ui'] ? false : undefined,
    logLevel: (flags['log-level'] as string | undefined)?.toLowerCase() as LogLevel | undefined,
    logFormat: (flags['log-format'] as string | undefined)?.toLowerCase() as LogFormat | undefined,
  };
  for (const k of Object.keys(given) as (keyof typeof given)[]) if (given[k] === undefined) delete given[k];
  // serve() logs its progress and, once ready, the line naming the model, its version and the URL.
  const handle: ServerHandle = await serve(given, processEnv());
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      handle.logger.info(`${signal} received: draining, then shutting down`);
      handle.close().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
