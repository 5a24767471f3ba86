// Owns `mlserve models predict`: flags to batch options, progress and summary on stderr, Ctrl-C handling.

import { existsSync, fstatSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { rm } from 'node:fs/promises';
import { resolveModel } from '../../uri/resolve.js';
import { processEnv } from '../../config/options.js';
import { ModelExecutionError, ServingError } from '../../errors.js';
import {
  INPUT_FORMATS,
  OUTPUT_FORMATS,
  BATCH_DEFAULTS,
  checkBatchOptions,
  inputFormatOfPath,
  outputFormatOfPath,
  predictBatch,
  type InputFormat,
  type InputSource,
  type OnError,
  type OutputFormat,
  type PredictBatchOptions,
} from '../../batch/predict.js';
import { PREDICT_FLAGS, formatHelp, type ParsedFlags } from '../flags.js';
import { UsageError, parse, intFlag, checkEnvManager, engineFlag, warn } from '../common.js';
import { openBatchModel } from '../../batch/open-model.js';
import { formatSummary, progressLine } from './_progress.js';
import { createLogger } from '../../logger.js';

/** Help text of `models predict`. */
export const PREDICT_HELP = formatHelp(
  'mlserve models predict -m <model-uri> [-i input] [-o output] [-t json|csv|jsonl|parquet] [--output-format json|jsonl|csv|parquet]',
  'Score a file or a stream with a model, as `mlflow models predict` does. CSV, JSON lines and Parquet are\n' +
    'read, scored and written --batch-size rows at a time, in bounded memory; a JSON document is read whole.',
  PREDICT_FLAGS,
);

/** `-t`: MLflow's json/csv, mlserve's jsonl/parquet; when absent, the input file's extension, else json. */
function inputFormatFlag(flags: ParsedFlags, inputPath: string | undefined): InputFormat {
  const given = flags['content-type'] as string | undefined;
  if (given === undefined) return inputFormatOfPath(inputPath) ?? 'json';
  // MLflow's message first, so scripts matching it keep working.
  if (!INPUT_FORMATS.includes(given as InputFormat)) throw new UsageError('Content type must be one of json or csv. (mlserve also reads jsonl and parquet.)');
  return given as InputFormat;
}

function outputFormatFlag(flags: ParsedFlags, outputPath: string | undefined): OutputFormat {
  const given = flags['output-format'] as string | undefined;
  if (given === undefined) return outputFormatOfPath(outputPath) ?? BATCH_DEFAULTS.outputFormat;
  if (!OUTPUT_FORMATS.includes(given as OutputFormat)) throw new UsageError(`--output-format must be one of ${OUTPUT_FORMATS.join(', ')}; got '${given}'.`);
  return given as OutputFormat;
}

function onErrorFlag(flags: ParsedFlags): OnError {
  const given = (flags['on-error'] as string | undefined) ?? BATCH_DEFAULTS.onError;
  if (given !== 'fail' && given !== 'skip') throw new UsageError(`--on-error must be fail or skip; got '${given}'.`);
  return given;
}

/** Standard input, with its size when it is a redirected file (for the ETA). */
function stdinSource(): InputSource {
  let sizeBytes: number | undefined;
  try {
    const s = fstatSync(0);
    if (s.isFile()) sizeBytes = s.size;
  } catch {
    // No size: no ETA.
  }
  return { stream: process.stdin, sizeBytes };
}

/** Reads the flags into batch options; throws UsageError for bad values and combinations. */
function batchOptions(flags: ParsedFlags): PredictBatchOptions {
  const inputPath = flags['input-path'] as string | undefined;
  const outputPath = flags['output-path'] as string | undefined;
  const options: PredictBatchOptions = {
    input: inputPath === undefined ? stdinSource() : { path: inputPath },
    inputFormat: inputFormatFlag(flags, inputPath),
    output: outputPath === undefined ? { stream: process.stdout } : { path: outputPath },
    outputFormat: outputFormatFlag(flags, outputPath),
    batchSize: intFlag(flags, 'batch-size'),
    keepColumns: flags['keep-columns'] === true,
    onError: onErrorFlag(flags),
    errorsPath: flags['errors-path'] as string | undefined,
    schemaDetails: !['true', '1'].includes((processEnv().MLFLOW_DISABLE_SCHEMA_DETAILS ?? '').trim().toLowerCase()),
  };
  const problems = checkBatchOptions(options);
  if (problems.length) throw new UsageError(problems.join('\n'));
  // A person at a terminal who gave no -i would wait for input that never comes.
  if (inputPath === undefined && process.stdin.isTTY) throw new UsageError('No input: pass -i <file>, or pipe a file into mlserve (mlserve models predict -m <model> < input.json).');
  // Checked before the model loads (which may take minutes), not after the scoring.
  if (inputPath !== undefined && !existsSync(inputPath)) throw new ServingError('RESOURCE_DOES_NOT_EXIST', `Cannot read the input: the file ${inputPath} does not exist.`);
  for (const path of [outputPath, options.errorsPath]) {
    if (path === undefined) continue;
    const folder = dirname(resolve(path));
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
      throw new ServingError('RESOURCE_DOES_NOT_EXIST', `Cannot write ${path}: the folder ${folder} does not exist. Create it first, or choose another path.`);
    }
  }
  return options;
}

/** Runs `models predict`; resolves with the exit code. */
export async function predictCommand(argv: string[]): Promise<number> {
  const flags = parse(argv, PREDICT_FLAGS, 'models predict');
  if (flags.help) return void process.stdout.write(PREDICT_HELP), 0;
  if (!flags['model-uri']) throw new UsageError(`Missing option '-m' / '--model-uri'.\n\n${PREDICT_HELP}`);
  const options = batchOptions(flags);
  const envManager = checkEnvManager(flags, warn);
  const engine = engineFlag(flags) ?? 'auto';
  const env = processEnv();
  const logger = createLogger();
  const resolved = await resolveModel(flags['model-uri'] as string, {
    env,
    trackingUri: flags['tracking-uri'] as string | undefined,
    noCache: flags['no-cache'] === true,
    logger,
  });
  // A --no-cache download is removed when the run ends.
  const removeTemporary = (): Promise<unknown> => Promise.all((resolved.temporary ?? []).map((d) => rm(d, { recursive: true, force: true })));
  let model;
  try {
    model = await openBatchModel(resolved.path, { engine, envManager, python: flags.python as string | undefined, env, logger });
    if (model.choice.engine === 'python') logger.info(`engine python (${model.choice.reason})`);
  } catch (err) {
    await removeTemporary();
    throw err;
  }
  // Redraw progress only for people: pipes and CI logs get the summary line alone.
  const progress = process.stderr.isTTY ? progressLine(process.stderr) : undefined;
  const interrupt = new AbortController();
  const stop = (): void => interrupt.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const summary = await predictBatch(model, { ...options, onProgress: (p) => progress?.update(p), signal: interrupt.signal });
    progress?.stop();
    warn(formatSummary(summary));
    return 0;
  } catch (err) {
    progress?.stop();
    // MLflow prints the traceback; name what the model raised, which the generic message hides.
    if (err instanceof ModelExecutionError && err.cause instanceof Error) {
      throw new ServingError(err.errorCode, `${err.message} The model raised ${err.cause.name}: ${err.cause.message}`, { cause: err });
    }
    // A reader that closed the pipe early (`| head`) wanted no more: end quietly, as Unix tools do.
    if ((err as NodeJS.ErrnoException)?.code === 'EPIPE' && !('path' in options.output)) return 141;
    if (!interrupt.signal.aborted) throw err;
    warn(`mlserve: interrupted${'path' in options.output ? `; ${options.output.path} was not written` : ''}.`);
    return 130;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await model.close();
    await removeTemporary();
  }
}
