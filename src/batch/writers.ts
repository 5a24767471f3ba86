// Owns the writer interface every output format implements, and the row table of a scored batch (with kept input columns).

import type { OutputFormat, ScoredBatch } from './types.js';
import { toOutputTable, withInputColumns, type OutputTable } from './output-table.js';

/** Writes scored batches, in input order, to a sink in one output format. */
export interface PredictionWriter {
  /** Writes the predictions of one batch. */
  write(batch: ScoredBatch): Promise<void>;
  /** Writes whatever closes the output (JSON brackets, Parquet footer); the sink is committed by the caller. */
  finish(): Promise<void>;
  /** Releases temporary resources after a failure. Never throws. */
  abort(): Promise<void>;
}

/** How row-per-row formats build their rows. */
export interface RowOptions {
  readonly format: OutputFormat;
  /** Put the input's columns in front of the predictions. */
  readonly keepColumns: boolean;
  /** Name of the column of unnamed predictions (a 1-D answer). */
  readonly bareName: string;
}

/** The rows of a batch: its predictions (one row per input row), after the input's columns when kept. */
export function batchTable(batch: ScoredBatch, options: RowOptions): OutputTable {
  const table = toOutputTable(batch.output, batch.rows, options.bareName, options.format);
  return options.keepColumns ? withInputColumns(table, batch.input, options.format) : table;
}

/** Column names of a table, for matching later batches to the first one's columns. */
export function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
