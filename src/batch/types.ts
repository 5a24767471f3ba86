// Owns the types shared by the batch-scoring engine: formats, input chunks, scored batches, progress.

import type { Readable, Writable } from 'node:stream';
import type { DecodedRequest } from '../codecs/types.js';

/** Input formats of `models predict`: MLflow's `json` (a whole envelope) and `csv`, plus mlserve's `jsonl` and `parquet`. */
export type InputFormat = 'json' | 'csv' | 'jsonl' | 'parquet';

/** Output formats: MLflow's `{"predictions": ...}` document (`json`), or one row per input row. */
export type OutputFormat = 'json' | 'jsonl' | 'csv' | 'parquet';

/** What to do with a row that cannot be decoded or scored. */
export type OnError = 'fail' | 'skip';

/** Where input comes from: a file, or a stream (standard input) whose size may be known. */
export type InputSource = { readonly path: string } | { readonly stream: Readable; readonly sizeBytes?: number };

/** Where output goes: a file (written to a temporary file beside it, renamed at the end) or a stream. */
export type OutputTarget = { readonly path: string } | { readonly stream: Writable };

/** Where a row is in the input, for messages: its 1-based data row, and the line it starts on in text formats. */
export interface RowPosition {
  /** 1-based data row (the header is not a row). */
  readonly row: number;
  /** 1-based physical line where the row starts (CSV, JSON lines). */
  readonly line?: number;
}

/** A row as it appeared in the input, for the errors side file. */
export type RawRow =
  | { readonly kind: 'csv'; readonly fields: readonly string[] }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'record'; readonly value: Readonly<Record<string, unknown>> };

/** A batch of input rows, decodable whole or in part (so failing rows can be isolated). */
export interface InputChunk {
  /** 0-based index of the chunk's first row in the input. */
  readonly firstRow: number;
  /** Rows in the chunk; for a whole JSON document, the rows of its decoded input. */
  readonly size: number;
  /** False for a whole JSON document: it is scored as one request and cannot be split. */
  readonly rowWise: boolean;
  /** Input bytes consumed once this chunk was read (for progress), when known. */
  readonly bytesRead?: number;
  /** Header fields of CSV input (for the errors side file). */
  readonly header?: readonly string[];
  /** Decodes rows `[start, end)` of the chunk; throws ServingError for malformed rows. */
  decode(start: number, end: number): DecodedRequest;
  /** Position of row `i` of the chunk. */
  where(i: number): RowPosition;
  /** Row `i` of the chunk as it appeared in the input. */
  raw(i: number): RawRow;
  /** Column names of row `i`, used to name the column an error is about. */
  columnsOf(i: number): readonly string[];
}

/** A reader: chunks in input order, plus what is known about the input's size. */
export interface ChunkReader {
  readonly chunks: AsyncIterable<InputChunk>;
  /** Input size in bytes, when known (files, redirected standard input). */
  readonly totalBytes?: number;
  /** Rows in the input, when known without reading it (Parquet). */
  readonly totalRows?: number;
}

/** A model answer for a run of consecutive input rows. */
export interface ScoredBatch {
  /** The model's return value. */
  readonly output: unknown;
  /** The decoded input before enforcement (a Frame for row-wise formats); kept columns come from it. */
  readonly input: unknown;
  /** Input rows scored; undefined for a whole JSON document (its shape is free). */
  readonly rows?: number;
  /** True for unified-LLM requests: MLflow writes the value without the `predictions` wrapper. */
  readonly unwrapped: boolean;
}

/** Progress of a run, reported after every batch. */
export interface BatchProgress {
  /** Rows scored and written. */
  readonly rowsDone: number;
  /** Rows written to the errors side file. */
  readonly rowsSkipped: number;
  /** Input bytes consumed, when known. */
  readonly bytesRead?: number;
  /** Input size in bytes, when known. */
  readonly totalBytes?: number;
  /** Input rows, when known. */
  readonly totalRows?: number;
  /** Milliseconds since the run started. */
  readonly elapsedMs: number;
}

/** What a finished run did. */
export interface BatchSummary {
  /** Rows scored and written. */
  readonly rows: number;
  /** Rows skipped (written to `errorsPath`). */
  readonly skipped: number;
  /** Wall-clock seconds of the run. */
  readonly seconds: number;
  /** The errors side file, when rows were skipped. */
  readonly errorsPath?: string;
}
