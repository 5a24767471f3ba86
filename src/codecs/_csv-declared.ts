// Owns reading a CSV column into a declared type: pandas' read_csv(dtype=...) for bool, ints, floats
// and str (parsers.pyx `_convert_with_dtype` plus its inferred-then-cast fallback), and mlserve's
// own binary (lenient base64), datetime (ISO-8601) and json cell readers.

import { NAT } from '../data/dtype.js';
import { datetimeRangeProblem, parseDatetime } from '../data/datetime.js';
import { markFloat } from '../data/float-hint.js';
import { cellError, clip, type CsvParseError } from './_csv-error.js';
import { decodeBase64Lenient } from '../data/base64.js';
import { type BuiltColumn, safeIntsToInt64, scanCells, scanKind, stringsColumn } from './_csv-infer.js';
import { boolWordValue, isNa, pyRepr, pythonFloatAccepts, pythonIntAccepts } from './_csv-scalars.js';
import { parseJson } from './json-parse.js';

/** A type a CSV column can be declared to have (MLflow schema types map onto these). */
export type CsvColumnType = 'bool' | 'int32' | 'int64' | 'float32' | 'float64' | 'str' | 'binary' | 'datetime' | 'json';

/** The column being read: its label, its position among the fields, and each row's line. */
export interface ColumnContext {
  readonly name: string;
  /** 0-based field position, as pandas' messages number columns. */
  readonly index: number;
  /** 1-based physical line of row `r`. */
  lineOf(r: number): number;
  /** Deepest nesting of JSON cells (a deeper cell stays text). */
  readonly maxDepth?: number;
}

function fail(ctx: ColumnContext, r: number, reason: string): CsvParseError {
  return cellError(ctx.name, ctx.lineOf(r), reason);
}

function unsafeCast(ctx: ColumnContext, to: string, from: string, suffix = ''): string {
  return `cannot safely convert passed user dtype of ${to} for ${from} dtyped data in column ${ctx.index}${suffix}`;
}

function toBool(cells: readonly string[], ctx: ColumnContext): BuiltColumn {
  const scan = scanCells(cells);
  const n = cells.length;
  const values: boolean[] = new Array(n);
  if (scan.firstNonBool < 0) {
    if (scan.naCount > 0) throw fail(ctx, scan.firstNa, `Bool column has NA values in column ${ctx.index}`);
    for (let r = 0; r < n; r++) values[r] = boolWordValue(cells[r]);
    return { dtype: 'bool', values };
  }
  // pandas infers the column, then keeps the cast only if no value changes (0/1 only).
  const kind = scanKind(scan);
  if (kind === 'object') throw fail(ctx, scan.firstNonBool, unsafeCast(ctx, 'bool', 'object'));
  for (let r = 0; r < n; r++) {
    const v = scan.nums[r];
    if (v !== 0 && v !== 1) throw fail(ctx, r, unsafeCast(ctx, 'bool', kind === 'int' ? 'int64' : 'float64'));
    values[r] = v === 1;
  }
  return { dtype: 'bool', values };
}

function toInt(cells: readonly string[], ctx: ColumnContext, dtype: 'int32' | 'int64'): BuiltColumn {
  const scan = scanCells(cells);
  const n = cells.length;
  const kind = scanKind(scan);
  const nums = scan.nums;
  if (kind === 'int') {
    if (scan.naCount > 0) throw fail(ctx, scan.firstNa, `Integer column has NA values in column ${ctx.index}`);
    if (!scan.bigInts) return dtype === 'int64' ? { dtype, values: safeIntsToInt64(nums) } : { dtype, values: Int32Array.from(nums) };
    const big = cells.map((s) => BigInt(s.trim()));
    if (dtype === 'int32') return { dtype, values: Int32Array.from(big, (v) => Number(BigInt.asIntN(32, v))) };
    const r = big.findIndex((v) => v !== BigInt.asIntN(64, v));
    if (r >= 0) throw fail(ctx, r, `integer ${clip(cells[r].trim())} is out of bounds for int64`);
    return { dtype, values: BigInt64Array.from(big) };
  }
  if (kind === 'float') {
    // Integral floats (`1.0`, `1e3`) cast unchanged; anything else (fractions, NaN, overflow) is refused.
    const limit = dtype === 'int32' ? 2 ** 31 : 2 ** 63;
    for (let r = 0; r < n; r++) {
      const v = nums[r];
      if (!Number.isInteger(v) || v < -limit || v >= limit) throw fail(ctx, r, unsafeCast(ctx, dtype, 'float64'));
    }
    if (dtype === 'int32') return { dtype, values: Int32Array.from(nums) };
    const safe = nums.every((v) => Number.isSafeInteger(v));
    return { dtype, values: safe ? safeIntsToInt64(nums) : BigInt64Array.from(nums, (v) => BigInt(v)) };
  }
  if (kind === 'bool') {
    if (scan.naCount > 0) throw fail(ctx, scan.firstNa, unsafeCast(ctx, dtype, 'bool', ' due to NA values'));
    const ones = Float64Array.from(cells, (s) => (boolWordValue(s) ? 1 : 0));
    return dtype === 'int64' ? { dtype, values: safeIntsToInt64(ones) } : { dtype, values: Int32Array.from(ones) };
  }
  // Object column: numpy's astype runs Python int() over every value.
  for (let r = 0; r < n; r++) {
    const s = cells[r];
    if (isNa(s)) throw fail(ctx, r, 'cannot convert float NaN to integer');
    if (!pythonIntAccepts(s)) throw fail(ctx, r, `invalid literal for int() with base 10: ${pyRepr(s)}`);
  }
  throw fail(ctx, scan.firstNonInt, unsafeCast(ctx, dtype, 'object'));
}

function toFloat(cells: readonly string[], ctx: ColumnContext, dtype: 'float32' | 'float64'): BuiltColumn {
  const scan = scanCells(cells);
  const kind = scanKind(scan);
  let nums = scan.nums;
  if (kind === 'bool') {
    nums = Float64Array.from(cells, (s) => (isNa(s) ? NaN : boolWordValue(s) ? 1 : 0));
  } else if (kind === 'object') {
    // Object column: numpy's astype runs Python float() over every value.
    for (let r = 0; r < cells.length; r++) {
      const s = cells[r];
      if (!isNa(s) && !pythonFloatAccepts(s)) throw fail(ctx, r, `could not convert string to float: ${pyRepr(s)}`);
    }
    throw fail(ctx, scan.firstNonFloat, unsafeCast(ctx, dtype, 'object'));
  }
  return dtype === 'float64' ? { dtype, values: nums } : { dtype, values: Float32Array.from(nums) };
}

function toBinary(cells: readonly string[], ctx: ColumnContext): BuiltColumn {
  const values: Uint8Array[] = new Array(cells.length);
  for (let r = 0; r < cells.length; r++) {
    const s = cells[r];
    if (isNa(s)) throw fail(ctx, r, "argument should be a bytes-like object or ASCII string, not 'float'");
    try {
      values[r] = decodeBase64Lenient(s);
    } catch (err) {
      throw fail(ctx, r, (err as Error).message);
    }
  }
  return { dtype: 'bytes', values };
}

function toDatetime(cells: readonly string[], ctx: ColumnContext): BuiltColumn {
  const values = new BigInt64Array(cells.length);
  for (let r = 0; r < cells.length; r++) {
    const s = cells[r];
    if (isNa(s)) {
      values[r] = NAT;
      continue;
    }
    const parsed = parseDatetime(s);
    if (!parsed) throw fail(ctx, r, `Unknown datetime string format, unable to parse: ${clip(s)}`);
    const problem = datetimeRangeProblem(clip(s), parsed);
    if (problem) throw fail(ctx, r, problem.message);
    values[r] = parsed.ns;
  }
  return { dtype: 'datetime64', values };
}

/** True when the first non-blank character can start a JSON document (Python's NaN/Infinity included). */
function mayBeJson(s: string): boolean {
  let i = 0;
  let c = s.charCodeAt(0);
  while (c === 32 || (c >= 9 && c <= 13)) c = s.charCodeAt(++i);
  // [ { " - 0-9 t f n N I
  return c === 91 || c === 123 || c === 34 || c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110 || c === 78 || c === 73;
}

function toJson(cells: readonly string[], maxDepth?: number): BuiltColumn {
  const values: unknown[] = new Array(cells.length);
  for (let r = 0; r < cells.length; r++) {
    const s = cells[r];
    if (isNa(s)) {
      values[r] = NaN;
      continue;
    }
    values[r] = s;
    if (!mayBeJson(s)) continue;
    try {
      const v = parseJson(s, maxDepth);
      values[r] = v;
      // A top-level `1.0` keeps being a float (nested ones are marked by parseJson).
      if (typeof v === 'number' && Number.isInteger(v) && /[.eE]/.test(s)) markFloat(values, r);
    } catch {
      // Not JSON: keep the text.
    }
  }
  return { dtype: 'object', values };
}

/** Reads a column's fields as the declared type; throws CsvParseError naming the column and line. */
export function convertDeclared(cells: readonly string[], type: CsvColumnType, ctx: ColumnContext): BuiltColumn {
  switch (type) {
    case 'bool':
      return toBool(cells, ctx);
    case 'int32':
    case 'int64':
      return toInt(cells, ctx, type);
    case 'float32':
    case 'float64':
      return toFloat(cells, ctx, type);
    case 'str':
      return { dtype: 'object', values: stringsColumn(cells) };
    case 'binary':
      return toBinary(cells, ctx);
    case 'datetime':
      return toDatetime(cells, ctx);
    case 'json':
      return toJson(cells, ctx.maxDepth);
  }
}
