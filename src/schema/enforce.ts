// Owns signature enforcement of decoded input before the model sees it (`_enforce_schema`, spec §3.4–3.7).

import { SchemaEnforcementError } from '../errors.js';
import { Frame, isFrame, type Column } from '../data/frame.js';
import { Tensor, isTensor } from '../data/tensor.js';
import { inferPandasColumn, MISSING } from '../data/infer.js';
import { isFloatAt } from '../data/float-hint.js';
import { isFloat as isFloatDType } from '../data/dtype.js';
import { isPlainObject, pyTypeName } from '../data/pytype.js';
import { valueReprLimited } from '../data/pyrepr.js';
import { enforceColumnType, EnforceError } from './column-check.js';
import { enforceValue } from './values.js';
import { schemaRepr } from './repr.js';
import { enforceTensorSchema } from './enforce-tensor.js';
import type { ColSpec, Schema } from './types.js';
import { orderedKeys } from '../data/key-order.js';

/** Options of enforcement. */
export interface EnforceOptions {
  /** False hides schema details in messages (MLFLOW_DISABLE_SCHEMA_DETAILS). @default true */
  schemaDetails?: boolean;
}

/** A cell value from a dict/list path: 0-d tensors become plain values. */
function unwrapScalar(v: unknown): unknown {
  return isTensor(v) && v.ndim === 0 ? v.at(0) : v;
}

function isScalarLike(v: unknown): boolean {
  if (isTensor(v)) return v.ndim === 0;
  return v === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof v) || Buffer.isBuffer(v);
}

/** A column from cells that may be 0-d tensors of one dtype (kept typed) or plain JSON values. */
function columnFromCells(name: string | number, cells: unknown[], rows?: readonly object[]): Column {
  const dtypes = new Set<string>();
  let missing = false;
  for (const c of cells) {
    if (c === MISSING) missing = true;
    else if (isTensor(c) && c.ndim === 0) dtypes.add(c.dtype);
    else dtypes.add('raw');
  }
  if (dtypes.size === 1 && !dtypes.has('raw')) {
    const dtype = [...dtypes][0] as Tensor['dtype'];
    if (!missing) return { name, dtype, values: tensorCat(cells as Tensor[]) };
    if (isFloatDType(dtype) || dtype.startsWith('int') || dtype.startsWith('uint')) {
      const out = new Float64Array(cells.length);
      cells.forEach((c, i) => (out[i] = c === MISSING ? NaN : Number((c as Tensor).data[0])));
      return { name, dtype: dtype === 'float32' ? 'float32' : 'float64', values: dtype === 'float32' ? Float32Array.from(out) : out };
    }
  }
  const values = cells.map(unwrapScalar);
  const floatAt = (i: number): boolean => {
    const c = cells[i];
    if (isTensor(c)) return isFloatDType(c.dtype);
    return typeof c === 'number' && rows !== undefined ? isFloatAt(rows[i], name, c) : typeof c === 'number' && !Number.isInteger(c);
  };
  return inferPandasColumn(name, values, floatAt);
}

function tensorCat(ts: Tensor[]): Column['values'] {
  const first = ts[0];
  if (Array.isArray(first.data)) return ts.map((t) => (t.data as unknown[])[0]) as Column['values'];
  const Ctor = first.data.constructor as new (n: number) => { [i: number]: unknown };
  const out = new Ctor(ts.length);
  ts.forEach((t, i) => (out[i] = (t.data as ArrayLike<unknown>)[0]));
  return out as unknown as Column['values'];
}

function tensorColumns(t: Tensor): Column[] {
  if (t.ndim === 0) return [{ name: 0, dtype: t.dtype, values: t.data }];
  if (t.ndim === 1) return [{ name: 0, dtype: t.dtype, values: t.data }];
  const [rows, cols] = t.shape;
  if (t.ndim > 2) throw new EnforceError(`Must pass 2-d input. shape=(${t.shape.join(', ')})`);
  const out: Column[] = [];
  for (let c = 0; c < cols; c++) {
    const sub = Tensor.zeros(t.dtype, [rows]);
    const src = t.data as { [i: number]: unknown };
    const dst = sub.data as { [i: number]: unknown };
    for (let r = 0; r < rows; r++) dst[r] = src[r * cols + c];
    out.push({ name: c, dtype: t.dtype, values: sub.data });
  }
  return out;
}

/** Rows of a ≥2-D tensor as 1-row-less sub-tensors (cells of an object column). */
function tensorRows(t: Tensor): Tensor[] {
  const inner = t.shape.slice(1);
  const size = inner.reduce((a, b) => a * b, 1);
  const out: Tensor[] = [];
  for (let r = 0; r < t.shape[0]; r++) out.push(new Tensor(t.dtype, inner, t.data.slice(r * size, (r + 1) * size) as Tensor['data']));
  return out;
}

/** Normalises any decoded input to a Frame the way `_enforce_schema` does for column signatures. */
function toFrame(input: unknown, schema: Extract<Schema, { kind: 'columns' }>): Frame {
  if (isFrame(input)) return input;
  if (isTensor(input)) return new Frame(tensorColumns(input));
  if (isScalarLike(input)) return new Frame([columnFromCells(0, [input])]);
  if (isPlainObject(input)) {
    const entries = orderedKeys(input).map((k) => [k, input[k]] as [string, unknown]);
    const nested = schema.specs.some((s) => s.type.kind === 'array' || s.type.kind === 'object');
    const allScalar = entries.every(([, v]) => isScalarLike(v) || (Array.isArray(v) && v.every((x) => typeof x === 'string')));
    if (nested || allScalar) {
      return new Frame(entries.map(([k, v]) => (isScalarLike(v) ? columnFromCells(k, [v], [input]) : { name: k, dtype: 'object', values: [v] })), 1);
    }
    const lengths = new Set<number>();
    const cols: (Column | { scalar: unknown; name: string })[] = entries.map(([k, v]) => {
      if (isTensor(v) && v.ndim === 1) return lengths.add(v.size), { name: k, dtype: v.dtype, values: v.data };
      if (isTensor(v) && v.ndim >= 2) return lengths.add(v.shape[0]), { name: k, dtype: 'object', values: tensorRows(v) };
      if (Array.isArray(v)) return lengths.add(v.length), inferPandasColumn(k, v, (i) => typeof v[i] === 'number' && isFloatAt(v, i, v[i] as number));
      return { scalar: v, name: k };
    });
    if (lengths.size > 1) {
      throw new EnforceError(
        'This model contains a column-based signature, which suggests a DataFrame input. There was an error casting the input data to a DataFrame: All arrays must be of the same length',
      );
    }
    const n = lengths.size ? [...lengths][0] : 1;
    return new Frame(cols.map((c) => ('scalar' in c ? columnFromCells(c.name, new Array(n).fill(c.scalar)) : c)), n);
  }
  if (Array.isArray(input)) {
    if (input.length && input.every(isPlainObject)) {
      const names: string[] = [];
      const seen = new Set<string>();
      for (const row of input as Record<string, unknown>[]) for (const k of orderedKeys(row)) if (!seen.has(k)) seen.add(k), names.push(k);
      return new Frame(
        names.map((k) => columnFromCells(k, (input as Record<string, unknown>[]).map((r) => (k in r ? r[k] : MISSING)), input as object[])),
        input.length,
      );
    }
    return new Frame([inferPandasColumn(0, input, (i) => typeof input[i] === 'number' && isFloatAt(input, i, input[i] as number))], input.length);
  }
  throw new EnforceError(`Expected input to be DataFrame. Found: ${pyTypeName(input)}`);
}

function enforceColumnSpec(col: Column, spec: ColSpec): Column {
  const name = String(spec.name ?? col.name);
  if (spec.type.kind === 'scalar') return { ...enforceColumnType(name, col, spec.type.type), name: col.name };
  if (spec.type.kind === 'any') return col;
  const values = Array.from(col.values as ArrayLike<unknown>, (v) => enforceValue(v, spec.type, spec.required));
  return { name: col.name, dtype: 'object', values };
}

function listRepr(names: readonly (string | number)[]): string {
  return `[${names.map((n) => (typeof n === 'number' ? String(n) : `'${n}'`)).join(', ')}]`;
}

function enforceColumnSchema(input: unknown, schema: Extract<Schema, { kind: 'columns' }>): Frame {
  const frame = toFrame(input, schema);
  const named = schema.specs.every((s) => s.name !== undefined);
  if (!named) {
    if (frame.cols.length < schema.specs.length) {
      throw new EnforceError(
        `Model inference is missing inputs. The model signature declares ${schema.specs.length} inputs  but the provided value only has ${frame.cols.length} inputs. Note: the inputs were not named in the signature so we can only verify their count.`,
      );
    }
    return new Frame(schema.specs.map((s, i) => enforceColumnSpec(frame.cols[i], s)), frame.numRows);
  }
  const present = new Set(frame.columns);
  const missing = schema.specs.filter((s) => s.required && !present.has(s.name as string)).map((s) => s.name as string);
  if (missing.length) {
    const declared = new Set(schema.specs.map((s) => s.name as string));
    const extra = frame.cols.filter((c) => !declared.has(String(c.name))).map((c) => c.name);
    const note = extra.length ? ` Note that there were extra inputs: ${listRepr(extra)}.` : '';
    throw new EnforceError(`Model is missing inputs ${listRepr(missing)}.${note}`);
  }
  const cols: Column[] = [];
  for (const spec of schema.specs) {
    const col = frame.getColumn(spec.name as string);
    if (col) cols.push(enforceColumnSpec(col, spec));
  }
  return new Frame(cols, frame.numRows);
}

/** Python `str()` of decoded input, for MLflow's message prefixes. */
export function inputStr(input: unknown): string {
  return valueReprLimited(input);
}

/**
 * Enforces decoded input against the signature's input schema and returns what the model gets:
 * a Frame (columns in schema order, extras dropped) for column signatures, a Tensor or named
 * tensors for tensor signatures. Throws SchemaEnforcementError with MLflow's message.
 */
export function enforceInput(input: unknown, schema: Schema | undefined, options: EnforceOptions = {}): unknown {
  if (!schema) return input;
  try {
    return schema.kind === 'columns' ? enforceColumnSchema(input, schema) : enforceTensorSchema(input, schema);
  } catch (err) {
    if (!(err instanceof EnforceError)) throw err;
    const detail =
      options.schemaDetails === false
        ? 'Failed to enforce model input schema. Please check your input data.'
        : `Failed to enforce schema of data '${inputStr(input)}' with schema '${schemaRepr(schema)}'. Error: ${err.message}`;
    throw new SchemaEnforcementError(detail, { cause: err });
  }
}

