// Owns decoding of `text/csv` request bodies with the signature's column types (spec §2.9, with mlserve's improvements).

import { BadRequestError } from '../errors.js';
import type { Frame } from '../data/frame.js';
import type { Schema, ColSpec } from '../schema/types.js';
import { buildFrame, tokenizeCsv, CsvParseError, type CsvColumnType, type CsvRecord } from './csv.js';
import { TENSOR_CSV_TYPES, csvTensorSpec, rowsAsTensor, tensorColumnTypes } from './_csv-tensor.js';
import type { DecodedRequest, DecodeContext } from './types.js';

function colSpecType(spec: ColSpec): CsvColumnType {
  if (spec.type.kind !== 'scalar') return 'json';
  switch (spec.type.type) {
    case 'boolean': return 'bool';
    case 'integer': return 'int32';
    case 'long': return 'int64';
    case 'float': return 'float32';
    case 'double': return 'float64';
    case 'string': return 'str';
    case 'binary': return 'binary';
    case 'datetime': return 'datetime';
  }
}

/**
 * The declared type of each CSV column: by name for named specs, by position for unnamed column
 * specs; named tensors of rank 2 and more read JSON lists. A single unnamed tensor spec gets none
 * (enforcement casts the whole table).
 */
export function csvColumnTypes(schema: Schema | undefined): Map<string | number, CsvColumnType> | undefined {
  if (!schema) return undefined;
  const types = new Map<string | number, CsvColumnType>();
  if (schema.kind === 'columns') {
    schema.specs.forEach((s, i) => types.set(s.name ?? i, colSpecType(s)));
  } else {
    for (const s of schema.specs) {
      const t = TENSOR_CSV_TYPES[s.dtype];
      if (s.name === undefined) continue;
      if (s.shape.length <= 1) {
        if (t) types.set(s.name, t);
      } else types.set(s.name, 'json'); // a row of a named (-1, k, ...) tensor: a JSON list in its cell
    }
  }
  return types;
}

/**
 * How a CSV with `header` is read under `schema`: the declared column types, and the tensor the
 * rows make when the signature's single named tensor input takes them (see csvTensorSpec, which
 * throws when that input cannot be filled from the header's columns).
 */
export interface CsvReading {
  readonly columnTypes?: ReadonlyMap<string | number, CsvColumnType>;
  /** Builds the request from the frame read with `columnTypes`. */
  request(frame: Frame): DecodedRequest;
}

/** The reading of a CSV with `header` under `schema` (MLflow's, plus rows as a single named tensor input). */
export function csvReading(schema: Schema | undefined, header: readonly string[]): CsvReading {
  const tensor = csvTensorSpec(schema, header);
  if (!tensor) return { columnTypes: csvColumnTypes(schema), request: (frame) => ({ input: frame, params: null, unwrapped: false }) };
  return {
    columnTypes: tensorColumnTypes(tensor, header.length),
    request: (frame) => ({ input: rowsAsTensor(frame, tensor), table: frame, params: null, unwrapped: false }),
  };
}

const DECODER = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a CSV body like pandas.read_csv, parsing columns with the signature's types (MLflow
 * answers 400 for datetime, tensor and Array/Object/Map signatures; mlserve parses them).
 */
export function decodeCsvRequest(body: Uint8Array, ctx: DecodeContext): DecodedRequest {
  let text: string;
  try {
    text = DECODER.decode(body);
  } catch {
    throw new BadRequestError('Failed to parse input as a Pandas DataFrame. The CSV body is not valid UTF-8.');
  }
  try {
    const { records } = tokenizeCsv(text);
    if (records.length === 0) throw new CsvParseError('No columns to parse from file');
    const header = records[0].fields;
    const reading = csvReading(ctx.signature?.inputs, header);
    return reading.request(buildFrame(header, records.slice(1) as CsvRecord[], { columnTypes: reading.columnTypes }));
  } catch (err) {
    if (!(err instanceof CsvParseError)) throw err;
    throw new BadRequestError(
      `Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame produced using the \`pandas.DataFrame.to_csv()\` method. Error: '${err.message}'`,
      { cause: err, stackTrace: err.stack },
    );
  }
}
