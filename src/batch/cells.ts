// Owns the text of one output cell: JSON as MLflow writes it (Python json.dumps), CSV as pandas' to_csv writes it, and plain values for Parquet.

import { NAT } from '../data/dtype.js';
import { halfToFloat, narrowBigInt } from '../data/cell.js';
import { dateToNs, formatDatetime, nsToDate } from '../data/datetime.js';
import { isMarkedFloat } from '../data/float-hint.js';
import { floatRepr } from '../data/pyrepr.js';
import { Tensor } from '../data/tensor.js';
import { elementJson, encodeOutput } from '../codecs/predictions.js';
import type { OutputColumn } from './output-table.js';

/** JSON text of cell `i`, exactly as MLflow's `{"predictions": ...}` would write that value (spec §4.2–4.3). */
export function cellJson(col: OutputColumn, i: number): string {
  return elementJson(col.dtype, col.values, i, col.datetimeAsInt === true);
}

/** pandas' to_csv text of a float: repr, empty for NaN, `inf` / `-inf`. */
function floatCsv(x: number): string {
  if (x !== x) return '';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return floatRepr(x);
}

/** CSV text of a value in an object column. */
function objectCsv(v: unknown, marked: boolean): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return v !== v ? '' : marked || !Number.isSafeInteger(v) ? floatCsv(v) : String(v);
    case 'boolean':
      return v ? 'True' : 'False';
    case 'bigint':
      return String(v);
    case 'undefined':
      return '';
    default:
      if (v === null) return '';
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : formatDatetime(dateToNs(v)).replace('T', ' ');
      if (v instanceof Uint8Array && !(v instanceof Tensor)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      // Lists, dicts and tensors: their JSON text.
      return encodeOutput(v);
  }
}

/** Unquoted CSV text of cell `i`, as pandas' to_csv writes it: floats by repr, NaN empty, booleans `True`/`False`. */
export function cellCsv(col: OutputColumn, i: number): string {
  const v = col.values[i];
  switch (col.dtype) {
    case 'float32':
    case 'float64':
      return floatCsv(v as number);
    case 'float16':
      return floatCsv(halfToFloat(v as number));
    case 'datetime64':
      if (v === NAT) return '';
      return col.datetimeAsInt ? String(v) : formatDatetime(v as bigint).replace('T', ' ');
    case 'bytes':
    case 'str':
    case 'bool':
    case 'object':
      return objectCsv(v, typeof v === 'number' && isMarkedFloat(col.values, i));
    default:
      return String(v);
  }
}

/** `s` quoted for CSV when it holds a comma, quote or line break (quotes doubled), as Python's csv module does. */
export function quoteCsv(s: string): string {
  if (!/[",\r\n]/.test(s)) return s;
  return '"' + s.replace(/"/g, '""') + '"';
}

/** A JSON-like JavaScript value (for Parquet JSON columns): tensors as nested lists, typed arrays as lists, bytes as base64. */
export function plainValue(v: unknown): unknown {
  if (v instanceof Tensor) return plainValue(v.toArray());
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? narrowBigInt(x) : x));
  if (Array.isArray(v)) return v.map(plainValue);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plainValue(x)]));
  if (typeof v === 'bigint') return narrowBigInt(v);
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainValue(x)]));
  return v;
}

/** Cell `i` of a datetime column as a Date (null for NaT), for Parquet. */
export function cellDate(col: OutputColumn, i: number): Date | null {
  return nsToDate(col.values[i] as bigint);
}
