// Owns decoding of `text/csv` request bodies with the signature's column types (spec §2.9, with mlserve's improvements).

import { BadRequestError } from '../errors.js';
import type { Schema, ColSpec } from '../schema/types.js';
import { decodeCsv, CsvParseError, type CsvColumnType } from './csv.js';
import type { DecodedRequest, DecodeContext } from './types.js';

const TENSOR_TYPES: Partial<Record<string, CsvColumnType>> = {
  bool: 'bool', int32: 'int32', int64: 'int64', float32: 'float32', float64: 'float64', str: 'str', datetime64: 'datetime',
};

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
      const t = TENSOR_TYPES[s.dtype];
      if (s.name === undefined) continue;
      if (s.shape.length <= 1) {
        if (t) types.set(s.name, t);
      } else types.set(s.name, 'json'); // a row of a named (-1, k, ...) tensor: a JSON list in its cell
    }
  }
  return types;
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
    const frame = decodeCsv(text, { columnTypes: csvColumnTypes(ctx.signature?.inputs) });
    return { input: frame, params: null, unwrapped: false };
  } catch (err) {
    if (!(err instanceof CsvParseError)) throw err;
    throw new BadRequestError(
      `Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame produced using the \`pandas.DataFrame.to_csv()\` method. Error: '${err.message}'`,
      { cause: err, stackTrace: err.stack },
    );
  }
}
