// Owns Parquet output with hyparquet-writer (pure JavaScript): one row group per batch, column types from the first batch.

import { ByteWriter, ParquetWriter, type ColumnSource, type SchemaElement, type Writer } from 'hyparquet-writer';
import { ServingError } from '../errors.js';
import { NAT } from '../data/dtype.js';
import { halfToFloat } from '../data/cell.js';
import { dateToNs } from '../data/datetime.js';
import { cellJson, plainValue } from './cells.js';
import type { OutputColumn, OutputTable } from './output-table.js';
import type { Sink } from './sink.js';
import { batchTable, type PredictionWriter, type RowOptions } from './writers.js';

/** The Parquet type of a column, chosen from the first batch. */
type Kind = 'DOUBLE' | 'FLOAT' | 'INT32' | 'INT64' | 'BOOLEAN' | 'STRING' | 'BYTES' | 'TIMESTAMP' | 'JSON';

const ELEMENTS: Record<Kind, Omit<SchemaElement, 'name'>> = {
  DOUBLE: { type: 'DOUBLE' },
  FLOAT: { type: 'FLOAT' },
  INT32: { type: 'INT32' },
  INT64: { type: 'INT64' },
  BOOLEAN: { type: 'BOOLEAN' },
  STRING: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  BYTES: { type: 'BYTE_ARRAY' },
  TIMESTAMP: { type: 'INT64', converted_type: 'TIMESTAMP_MICROS' },
  JSON: { type: 'BYTE_ARRAY', converted_type: 'JSON' },
};

const isMissing = (v: unknown): boolean => v === null || v === undefined || (typeof v === 'number' && v !== v);

/** The Parquet type for a column's dtype; object columns by their values (JSON for lists, dicts and mixtures). */
function kindOf(col: OutputColumn): Kind {
  switch (col.dtype) {
    case 'float64': return 'DOUBLE';
    case 'float32': case 'float16': return 'FLOAT';
    case 'int8': case 'int16': case 'int32': case 'uint8': case 'uint16': return 'INT32';
    case 'int64': case 'uint32': case 'uint64': return 'INT64';
    case 'bool': return 'BOOLEAN';
    case 'str': return 'STRING';
    case 'bytes': return 'BYTES';
    case 'datetime64': return col.datetimeAsInt ? 'INT64' : 'TIMESTAMP';
  }
  const kinds = new Set<string>();
  for (let i = 0; i < col.values.length; i++) {
    const v = col.values[i];
    if (typeof v === 'number' && v !== v) kinds.add('number');
    else if (!isMissing(v)) kinds.add(v instanceof Date ? 'date' : v instanceof Uint8Array ? 'bytes' : Array.isArray(v) || typeof v === 'object' ? 'json' : typeof v);
  }
  if (kinds.size > 1) return 'JSON';
  const FROM: Record<string, Kind> = { string: 'STRING', number: 'DOUBLE', boolean: 'BOOLEAN', bigint: 'INT64', date: 'TIMESTAMP', bytes: 'BYTES' };
  return FROM[[...kinds][0] ?? 'string'] ?? 'JSON';
}

function mismatch(col: OutputColumn, kind: Kind, v: unknown): ServingError {
  return new ServingError('INVALID_PARAMETER_VALUE', `Column '${col.name}' holds ${typeof v} values (${cellJson(col, 0)}...) but its Parquet type, set by the first batch, is ${kind}.`);
}

/** Values of `col` as hyparquet-writer takes them for `kind`; missing values become null. */
function parquetData(col: OutputColumn, kind: Kind): ColumnSource['data'] {
  const src = col.values;
  const n = src.length;
  if (kind === 'DOUBLE' && src instanceof Float64Array) return src;
  if (kind === 'FLOAT' && src instanceof Float32Array) return src;
  if (kind === 'INT32' && src instanceof Int32Array) return src;
  if (kind === 'INT64' && src instanceof BigInt64Array && col.dtype !== 'datetime64') return src;
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let v = src[i];
    if (col.dtype === 'float16') v = halfToFloat(v as number);
    if (col.dtype === 'datetime64') v = v === NAT ? null : v;
    if (isMissing(v) && kind !== 'DOUBLE' && kind !== 'FLOAT') {
      out[i] = null;
      continue;
    }
    switch (kind) {
      case 'DOUBLE': case 'FLOAT':
        if (v === null || v === undefined) out[i] = null;
        else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') out[i] = Number(v);
        else throw mismatch(col, kind, v);
        break;
      case 'INT32': case 'INT64':
        if (typeof v === 'bigint') out[i] = kind === 'INT64' ? BigInt.asIntN(64, v) : Number(v);
        else if (typeof v === 'number' && Number.isInteger(v)) out[i] = kind === 'INT64' ? BigInt(v) : v;
        else if (typeof v === 'boolean') out[i] = kind === 'INT64' ? BigInt(Number(v)) : Number(v);
        else throw mismatch(col, kind, v);
        break;
      case 'BOOLEAN':
        if (typeof v !== 'boolean') throw mismatch(col, kind, v);
        out[i] = v;
        break;
      case 'STRING':
        out[i] = typeof v === 'string' ? v : cellJson(col, i);
        break;
      case 'BYTES':
        if (!(v instanceof Uint8Array)) throw mismatch(col, kind, v);
        out[i] = v;
        break;
      case 'TIMESTAMP':
        if (typeof v === 'bigint') out[i] = v / 1000n;
        else if (v instanceof Date) out[i] = dateToNs(v) / 1000n;
        else throw mismatch(col, kind, v);
        break;
      case 'JSON':
        out[i] = plainValue(v);
        break;
    }
  }
  return out as ColumnSource['data'];
}

/** A hyparquet Writer that hands each row group's bytes to the sink (backpressure included). */
function sinkWriter(sink: Sink): Writer {
  const bytes = new ByteWriter(1 << 20);
  const writer: Writer = bytes;
  const flush = (): Promise<void> => {
    if (bytes.index === 0) return Promise.resolve();
    const data = bytes.getBytes().slice();
    bytes.index = 0;
    return sink.write(data);
  };
  writer.flush = flush;
  writer.finish = flush;
  return writer;
}

/**
 * Writes Parquet (snappy-compressed, every column nullable): column types come from the first
 * batch with rows (float64 → DOUBLE, int64 → INT64, bool → BOOLEAN, strings → UTF8, datetimes →
 * TIMESTAMP_MICROS, lists and dicts → JSON), and each batch becomes one row group.
 */
export function parquetWriter(sink: Sink, options: RowOptions): PredictionWriter {
  let writer: ParquetWriter | undefined;
  let kinds = new Map<string, Kind>();
  let emptyTable: OutputTable | undefined;

  const open = (table: OutputTable): ParquetWriter => {
    kinds = new Map(table.columns.map((c) => [c.name, kindOf(c)]));
    const schema: SchemaElement[] = [
      { name: 'root', num_children: table.columns.length },
      ...table.columns.map((c) => ({ name: c.name, repetition_type: 'OPTIONAL' as const, ...ELEMENTS[kinds.get(c.name)!] })),
    ];
    return new ParquetWriter({ writer: sinkWriter(sink), schema, createdBy: 'mlserve (hyparquet-writer)' });
  };

  return {
    async write(batch) {
      const table = batchTable(batch, options);
      if (table.numRows === 0) {
        emptyTable ??= table;
        return;
      }
      writer ??= open(table);
      const extra = table.columns.filter((c) => !kinds.has(c.name)).map((c) => c.name);
      if (extra.length) throw new ServingError('INVALID_PARAMETER_VALUE', `The model returned columns [${extra.join(', ')}] that earlier batches did not have.`);
      const byName = new Map(table.columns.map((c) => [c.name, c]));
      const sources: ColumnSource[] = [...kinds].map(([name, kind]) => {
        const col = byName.get(name);
        return { name, data: col ? parquetData(col, kind) : new Array(table.numRows).fill(null) };
      });
      await writer.write({ columnData: sources, rowGroupSize: table.numRows });
    },
    async finish() {
      writer ??= open(emptyTable ?? { numRows: 0, bare: false, columns: [] });
      await writer.finish();
    },
    abort: async () => undefined,
  };
}
