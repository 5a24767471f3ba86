// Owns reading Parquet input in chunks of rows with hyparquet (pure JavaScript): columns become typed Frame columns.

import { parquetScan, parquetSchema, type AsyncBuffer, type ParquetScan, type SchemaElement } from 'hyparquet';
import { BadRequestError } from '../errors.js';
import { Frame, type Column } from '../data/frame.js';
import { NAT } from '../data/dtype.js';
import { dateToNs } from '../data/datetime.js';
import type { ChunkReader, InputChunk } from './types.js';

/** Fewest rows decoded per column read: pages are decoded whole, so tiny reads would decode them again and again. */
const MIN_WINDOW_ROWS = 65_536;

type Values = ArrayLike<unknown>;

const TYPED: [new (...args: never[]) => object, Column['dtype']][] = [
  [Float64Array, 'float64'], [Float32Array, 'float32'], [Int32Array, 'int32'], [BigInt64Array, 'int64'],
  [Int16Array, 'int16'], [Int8Array, 'int8'], [Uint8Array, 'uint8'], [Uint16Array, 'uint16'], [Uint32Array, 'uint32'], [BigUint64Array, 'uint64'],
];

/** A Frame column from Parquet values: typed when the values allow (as pandas.read_parquet types them), object otherwise. */
export function parquetColumn(name: string, data: Values, element: SchemaElement): Column {
  for (const [Ctor, dtype] of TYPED) if (data instanceof Ctor) return { name, dtype, values: data as unknown as Column['values'] };
  const values = Array.from(data);
  let nulls = false;
  const kinds = new Set<string>();
  for (const v of values) {
    if (v === null || v === undefined) nulls = true;
    else kinds.add(v instanceof Date ? 'date' : typeof v);
  }
  const kind = kinds.size === 1 ? [...kinds][0] : undefined;
  const n = values.length;
  if (kind === 'number' || kind === 'bigint') {
    // Integer columns with missing values become float64 with NaN, as in pandas.
    if (!nulls && (element.type === 'INT32' || element.type === 'INT64')) {
      return element.type === 'INT32' && kind === 'number'
        ? { name, dtype: 'int32', values: Int32Array.from(values as number[]) }
        : { name, dtype: 'int64', values: BigInt64Array.from(values as (number | bigint)[], (v) => BigInt(v)) };
    }
    const out = element.type === 'FLOAT' ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = values[i] == null ? NaN : Number(values[i]);
    return { name, dtype: element.type === 'FLOAT' ? 'float32' : 'float64', values: out };
  }
  if (kind === 'boolean' && !nulls) return { name, dtype: 'bool', values: values as boolean[] };
  if (kind === 'date') return { name, dtype: 'datetime64', values: BigInt64Array.from(values, (v) => (v == null ? NAT : dateToNs(v as Date))) };
  return { name, dtype: 'object', values: values.map((v) => v ?? null) };
}

function sliceValues(v: Values, start: number, end: number): Values {
  if (start === 0 && end === v.length) return v;
  return ArrayBuffer.isView(v) ? (v as unknown as Int32Array).subarray(start, end) : Array.prototype.slice.call(v, start, end);
}

function concatValues(parts: Values[]): Values {
  if (parts.length === 1) return parts[0];
  const first = parts[0];
  if (ArrayBuffer.isView(first) && parts.every((p) => p.constructor === first.constructor)) {
    const Ctor = first.constructor as new (n: number) => Int32Array;
    const out = new Ctor(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) out.set(p as unknown as Int32Array, at), (at += p.length);
    return out;
  }
  return parts.flatMap((p) => Array.from(p));
}

/** Reads rows `[start, end)` of every column through a window cache, so a page is decoded once. */
function windowedReader(scan: ParquetScan, names: readonly string[], windowRows: number): (start: number, end: number) => Promise<Values[]> {
  let win: { start: number; end: number; cols: Values[] } | undefined;
  const load = async (row: number): Promise<NonNullable<typeof win>> => {
    const range = scan.ranges.find((r) => row >= r.rowStart && row < r.rowEnd);
    if (!range) throw new BadRequestError(`The Parquet input has no row ${row + 1}.`);
    const end = Math.min(range.rowEnd, row + windowRows);
    const cols = await Promise.all(names.map((column) => scan.readColumn({ column, rowStart: row, rowEnd: end })));
    return { start: row, end, cols };
  };
  return async (start, end) => {
    const parts: Values[][] = names.map(() => []);
    for (let r = start; r < end; ) {
      if (!win || r < win.start || r >= win.end) win = await load(r);
      const w = win;
      const to = Math.min(end, w.end);
      w.cols.forEach((c, j) => parts[j].push(sliceValues(c, r - w.start, to - w.start)));
      r = to;
    }
    return parts.map((p) => (p.length ? concatValues(p) : []));
  };
}

function parquetChunk(names: readonly string[], elements: readonly SchemaElement[], cols: Values[], firstRow: number, size: number): InputChunk {
  return {
    firstRow,
    size,
    rowWise: true,
    decode: (start, end) => ({
      input: new Frame(names.map((n, j) => parquetColumn(n, sliceValues(cols[j], start, end), elements[j])), end - start),
      params: null,
      unwrapped: false,
    }),
    where: (i) => ({ row: firstRow + i + 1 }),
    raw: (i) => ({ kind: 'record', value: Object.fromEntries(names.map((n, j) => [n, cols[j][i]])) }),
    columnsOf: () => names,
  };
}

/**
 * Opens Parquet input (a file through an AsyncBuffer, read lazily) and reads it in chunks of
 * `batchSize` rows. Throws BadRequestError when the bytes are not a Parquet file.
 */
export async function readParquet(file: AsyncBuffer, batchSize: number): Promise<ChunkReader> {
  let scan: ParquetScan;
  try {
    scan = await parquetScan({ file });
  } catch (err) {
    throw new BadRequestError(`The input is not a readable Parquet file: ${(err as Error).message}`, { cause: err });
  }
  const elements = parquetSchema(scan.metadata).children.map((c) => c.element);
  const names = elements.map((e) => e.name);
  const totalRows = Number(scan.metadata.num_rows);
  const read = windowedReader(scan, names, Math.max(batchSize, MIN_WINDOW_ROWS));
  async function* chunks(): AsyncGenerator<InputChunk> {
    if (totalRows === 0) yield parquetChunk(names, elements, names.map(() => []), 0, 0);
    for (let start = 0; start < totalRows; start += batchSize) {
      const end = Math.min(totalRows, start + batchSize);
      let cols: Values[];
      try {
        cols = await read(start, end);
      } catch (err) {
        if (err instanceof BadRequestError) throw err;
        throw new BadRequestError(`Cannot read rows ${start + 1}-${end} of the Parquet input: ${(err as Error).message}`, { cause: err });
      }
      yield parquetChunk(names, elements, cols, start, end - start);
    }
  }
  return { chunks: chunks(), totalRows };
}
