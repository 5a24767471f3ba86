// Owns the core of `mlserve models predict`: read input in chunks, score each through the server's pipeline, write as it goes.

import { resolve } from 'node:path';
import { BadRequestError, InvalidOptionsError, ServingError } from '../errors.js';
import type { ScoringContext } from '../pipeline/mlflow.js';
import { directPredictor } from '../runtime/direct.js';
import type { LoadedModel } from '../model/load.js';
import type { Predictor } from '../runtime/types.js';
import type { Signature } from '../schema/types.js';
import { materializeOutput } from '../codecs/prewritten.js';
import { defaultErrorsPath, errorsFile, type ErrorsFile } from './errors-file.js';
import { describeFault, faultMessage } from './faults.js';
import { openReader } from './readers.js';
import { scoreChunk } from './score.js';
import { openFileSink, streamSink, type Sink } from './sink.js';
import type { BatchProgress, BatchSummary, InputFormat, InputSource, OnError, OutputFormat, OutputTarget } from './types.js';
import type { PredictionWriter, RowOptions } from './writers.js';
import { mlflowJsonWriter } from './write-json.js';
import { jsonlWriter } from './write-jsonl.js';
import { csvWriter } from './write-csv.js';
import { parquetWriter } from './write-parquet.js';

export type { BatchProgress, BatchSummary, InputFormat, InputSource, OnError, OutputFormat, OutputTarget } from './types.js';
export { INPUT_FORMATS, OUTPUT_FORMATS, inputFormatOfPath, outputFormatOfPath } from './formats.js';
export { defaultErrorsPath } from './errors-file.js';

/** Options of a batch-scoring run. */
export interface PredictBatchOptions {
  readonly input: InputSource;
  /** How to read the input. */
  readonly inputFormat: InputFormat;
  readonly output: OutputTarget;
  /** How to write predictions. @default 'json' (MLflow's `{"predictions": ...}`) */
  readonly outputFormat?: OutputFormat;
  /** Rows per model call (CSV, JSON lines, Parquet). @default 10000 */
  readonly batchSize?: number;
  /** Write the input's columns before the predictions (csv, jsonl, parquet output). @default false */
  readonly keepColumns?: boolean;
  /** Stop at the first bad row, or write bad rows to `errorsPath` and go on. @default 'fail' */
  readonly onError?: OnError;
  /** The side file of skipped rows. @default `<output path>.errors.csv` (CSV input) or `.errors.jsonl` */
  readonly errorsPath?: string;
  /** Include schema details in enforcement errors (MLFLOW_DISABLE_SCHEMA_DETAILS). @default true */
  readonly schemaDetails?: boolean;
  /** Called after every batch. */
  readonly onProgress?: (progress: BatchProgress) => void;
  /** Stops the run between batches; nothing is left at the output path. */
  readonly signal?: AbortSignal;
}

/** Defaults of the optional options. */
export const BATCH_DEFAULTS = Object.freeze({ outputFormat: 'json' as OutputFormat, batchSize: 10_000, keepColumns: false, onError: 'fail' as OnError });

/** Every problem with a combination of options (empty when they are fine); messages name the CLI flags. */
export function checkBatchOptions(o: PredictBatchOptions): string[] {
  const problems: string[] = [];
  const batchSize = o.batchSize ?? BATCH_DEFAULTS.batchSize;
  const outputFormat = o.outputFormat ?? BATCH_DEFAULTS.outputFormat;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) problems.push(`--batch-size must be a positive integer, got ${batchSize}.`);
  if (o.keepColumns && outputFormat === 'json') problems.push("--keep-columns needs --output-format csv, jsonl or parquet: MLflow's JSON document holds predictions only.");
  if (o.onError === 'skip' && o.inputFormat === 'json') problems.push('--on-error skip needs row-wise input (csv, jsonl or parquet): a JSON document is scored as one request.');
  if (o.onError === 'skip' && o.errorsPath === undefined && !('path' in o.output)) problems.push('--on-error skip with standard output needs --errors-path for the skipped rows.');
  if (o.errorsPath !== undefined && o.onError !== 'skip') problems.push('--errors-path only applies with --on-error skip.');
  const outputPath = 'path' in o.output ? resolve(o.output.path) : undefined;
  if (outputPath !== undefined && 'path' in o.input && resolve(o.input.path) === outputPath) problems.push('The output path is the input path; the input would be overwritten.');
  if (o.errorsPath !== undefined && outputPath === resolve(o.errorsPath)) problems.push('--errors-path is the output path.');
  return problems;
}

/** A model behind any engine: its signature and the predictor that runs it (see openBatchModel). */
export interface BatchModel {
  readonly signature?: Signature;
  readonly signatureFromTypeHint: boolean;
  readonly predictor: Predictor;
}

/** Name of the column of unnamed predictions: the output signature's single column name, else `prediction`. */
function bareName(model: LoadedModel | BatchModel): string {
  const outputs = model.signature?.outputs;
  const only = outputs?.kind === 'columns' && outputs.specs.length === 1 ? outputs.specs[0].name : undefined;
  return only ?? 'prediction';
}

function createWriter(sink: Sink, options: RowOptions): PredictionWriter {
  switch (options.format) {
    case 'json':
      return mlflowJsonWriter(sink);
    case 'jsonl':
      return jsonlWriter(sink, options);
    case 'csv':
      return csvWriter(sink, options);
    case 'parquet':
      return parquetWriter(sink, options);
  }
}

/**
 * Scores `options.input` with `model`, streaming: CSV, JSON lines and Parquet are read, scored
 * and written `batchSize` rows at a time (memory stays bounded); a JSON document is read whole
 * and scored as one request, as MLflow does. Output to a file appears only when the run succeeds.
 * A bad row stops the run with BadRequestError naming its line (or row) and column, unless
 * `onError` is 'skip'. Throws InvalidOptionsError for inconsistent options.
 */
export async function predictBatch(model: LoadedModel | BatchModel, options: PredictBatchOptions): Promise<BatchSummary> {
  const problems = checkBatchOptions(options);
  if (problems.length) throw new InvalidOptionsError(problems);
  const started = performance.now();
  const outputFormat = options.outputFormat ?? BATCH_DEFAULTS.outputFormat;
  const ctx: ScoringContext = {
    signature: model.signature,
    signatureFromTypeHint: model.signatureFromTypeHint,
    predictor: 'predictor' in model ? model.predictor : directPredictor(model),
    schemaDetails: options.schemaDetails ?? true,
  };
  const reader = await openReader(options.input, options.inputFormat, options.batchSize ?? BATCH_DEFAULTS.batchSize, ctx);
  const sink = 'path' in options.output ? await openFileSink(options.output.path) : streamSink(options.output.stream);
  const writer = createWriter(sink, { format: outputFormat, keepColumns: options.keepColumns ?? false, bareName: bareName(model) });
  let errors: ErrorsFile | undefined;
  if (options.onError === 'skip') {
    errors = errorsFile(options.errorsPath ?? defaultErrorsPath((options.output as { path: string }).path, options.inputFormat), options.inputFormat);
  }
  let rows = 0;
  let firstFault: string | undefined;
  try {
    for await (const chunk of reader.chunks) {
      if (options.signal?.aborted) throw new ServingError('CANCELLED', 'Interrupted.');
      for (const piece of await scoreChunk(chunk, ctx, errors === undefined)) {
        if ('ok' in piece) {
          // Answers written as MLflow's JSON (Python engine) stay text for JSON output; other formats need values.
          await writer.write(outputFormat === 'json' ? piece.ok : { ...piece.ok, output: materializeOutput(piece.ok.output) });
          rows += chunk.rowWise ? piece.end - piece.start : chunk.size;
          continue;
        }
        const fault = describeFault(chunk, piece.bad, piece.error);
        if (!errors) throw new BadRequestError(`${faultMessage(fault)} (--on-error skip sets bad rows aside and goes on)`, { cause: piece.error });
        firstFault ??= faultMessage(fault);
        await errors.add(fault, chunk.raw(piece.bad), chunk.header);
      }
      options.onProgress?.({
        rowsDone: rows,
        rowsSkipped: errors?.count ?? 0,
        bytesRead: chunk.bytesRead,
        totalBytes: reader.totalBytes,
        totalRows: reader.totalRows,
        elapsedMs: performance.now() - started,
      });
    }
    if (rows === 0 && errors !== undefined && errors.count > 0) {
      // Skipping is for a few bad rows: when every row is bad, the run failed (no empty output posing as a result).
      await errors.commit();
      throw new BadRequestError(
        `No row could be scored: all ${errors.count} row${errors.count === 1 ? ' was' : 's were'} bad, written to ${errors.path}. The first: ${firstFault}`,
      );
    }
    await writer.finish();
    await sink.commit();
    await errors?.commit();
  } catch (err) {
    await writer.abort();
    await sink.abort();
    await errors?.abort();
    throw err;
  }
  const skipped = errors?.count ?? 0;
  return { rows, skipped, seconds: (performance.now() - started) / 1000, errorsPath: skipped ? errors?.path : undefined };
}
