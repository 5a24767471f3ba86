// Owns reading CSV input in chunks of rows: pandas' tokenizer and column readers (codecs/csv), the signature's column types.

import { BadRequestError } from '../errors.js';
import { buildFrame, tokenizeCsv, CsvParseError, type CsvRecord } from '../codecs/csv.js';
import { csvReading, type CsvReading } from '../codecs/mlflow-csv.js';
import type { DecodedRequest } from '../codecs/types.js';
import type { Frame } from '../data/frame.js';
import type { Schema } from '../schema/types.js';
import type { InputChunk } from './types.js';
import { columnWidener } from './widen.js';
import type { TextPiece } from './source.js';

/** Longest text kept while waiting for a record to end (an unclosed quote would otherwise buffer the whole input). */
const MAX_PENDING_CHARS = 64 * 1024 * 1024;

/** How to read CSV input. */
export interface CsvReadOptions {
  /** Rows per chunk. */
  readonly batchSize: number;
  /** The model's input schema: column types, and whether the rows are its single named tensor input. */
  readonly schema?: Schema;
}

/**
 * Checks the header once, before any row: required columns of a column signature must all be
 * there. A header problem concerns every row, so it stops the run whatever --on-error says
 * (each row would otherwise fail alone and be blamed for it).
 */
function checkHeader(header: readonly string[], schema: Schema | undefined): void {
  if (schema?.kind !== 'columns' || !schema.specs.every((s) => s.name !== undefined)) return;
  const present = new Set(header);
  const missing = schema.specs.filter((s) => s.required && !present.has(s.name!)).map((s) => `'${s.name}'`);
  if (missing.length === 0) return;
  throw new BadRequestError(
    `The CSV header [${header.map((h) => `'${h}'`).join(', ')}] lacks the model's required input column${missing.length === 1 ? '' : 's'} [${missing.join(', ')}] (Model is missing inputs), so no row can be scored. The model's inputs: ${schema.specs.map((s) => s.name).join(', ')}.`,
  );
}

/** MLflow's wrapping of a pandas read error (spec §2.9); the CsvParseError stays the cause (it has the line and column). */
function pandasError(err: CsvParseError): BadRequestError {
  return new BadRequestError(
    `Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame produced using the \`pandas.DataFrame.to_csv()\` method. Error: '${err.message}'`,
    { cause: err, stackTrace: err.stack },
  );
}

function tokenize(text: string, final: boolean, line: number, pandasLine: number): ReturnType<typeof tokenizeCsv> {
  try {
    return tokenizeCsv(text, { final, line, pandasLine });
  } catch (err) {
    throw err instanceof CsvParseError ? pandasError(err) : err;
  }
}

/** A chunk of CSV records under `header`. */
function csvChunk(header: string[], width: number, rows: CsvRecord[], firstRow: number, bytesRead: number, reading: CsvReading, widen: (f: Frame) => Frame): InputChunk {
  return {
    firstRow,
    size: rows.length,
    rowWise: true,
    bytesRead,
    header,
    decode(start, end): DecodedRequest {
      const part = start === 0 && end === rows.length ? rows : rows.slice(start, end);
      try {
        // Every chunk uses the width the first data row set, as pandas reads the whole file with it.
        const frame = buildFrame(header, part, { columnTypes: reading.columnTypes, expectedFields: width });
        return reading.request(widen(frame));
      } catch (err) {
        throw err instanceof CsvParseError ? pandasError(err) : err;
      }
    },
    where: (i) => ({ row: firstRow + i + 1, line: rows[i].line }),
    raw: (i) => ({ kind: 'csv', fields: rows[i].fields }),
    columnsOf: () => header,
  };
}

/**
 * Reads CSV text as pandas.read_csv does (first record is the header, blank lines skipped) and
 * yields chunks of `batchSize` rows; a header-only input gives one empty chunk. Inferred column
 * types stay steady across chunks (see widen.ts). Throws
 * BadRequestError with MLflow's message for an empty input or an unclosed quote.
 */
export async function* readCsvChunks(pieces: AsyncIterable<TextPiece>, options: CsvReadOptions): AsyncGenerator<InputChunk> {
  let header: string[] | undefined;
  let width = 0;
  let rows: CsvRecord[] = [];
  let firstRow = 0;
  let yielded = false;
  let pending = '';
  let line = 1;
  let pandasLine = 1;
  let bytesRead = 0;
  let reading: CsvReading | undefined;
  const widen = columnWidener();

  const take = (records: CsvRecord[]): void => {
    let i = 0;
    if (header === undefined && records.length > 0) {
      header = records[i++].fields;
      checkHeader(header, options.schema);
      reading = csvReading(options.schema, header);
    }
    if (i < records.length && rows.length === 0 && firstRow === 0 && width === 0) width = Math.max(header!.length, records[i].fields.length);
    for (; i < records.length; i++) rows.push(records[i]);
  };
  function* flush(all: boolean): Generator<InputChunk> {
    while (rows.length >= options.batchSize || (all && rows.length > 0)) {
      const part = rows.length > options.batchSize ? rows.slice(0, options.batchSize) : rows;
      rows = part === rows ? [] : rows.slice(options.batchSize);
      yield csvChunk(header!, width, part, firstRow, bytesRead, reading!, widen);
      yielded = true;
      firstRow += part.length;
    }
  }

  for await (const piece of pieces) {
    const text = pending ? pending + piece.text : piece.text;
    bytesRead = piece.bytesRead;
    const tokens = tokenize(text, false, line, pandasLine);
    pending = tokens.consumed === text.length ? '' : text.slice(tokens.consumed);
    line = tokens.line;
    pandasLine = tokens.pandasLine;
    if (pending.length > MAX_PENDING_CHARS) {
      throw new BadRequestError(`The CSV record starting at line ${line} is longer than ${MAX_PENDING_CHARS} characters: is a quote left open?`);
    }
    take(tokens.records);
    yield* flush(false);
  }
  take(tokenize(pending, true, line, pandasLine).records);
  if (header === undefined) throw pandasError(new CsvParseError('No columns to parse from file'));
  if (width === 0) width = header.length;
  yield* flush(true);
  if (!yielded) yield csvChunk(header, width, [], 0, bytesRead, reading!, widen);
}
