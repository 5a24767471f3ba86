// Owns how a model's answer maps onto one output row per input row (CSV, JSON lines, Parquet): named, typed columns.
//
// | the model returns                               | columns                                            |
// | Frame                                            | its columns                                        |
// | 1-D Tensor, typed array, list of values          | one column (`bare`), named by the caller           |
// | Tensor of 2+ dimensions [N, ...]                 | one column whose cells are the [...] sub-arrays    |
// | list of plain objects (records)                  | one column per key, in first-seen order            |
// | dict / Map of the above (e.g. ONNX named outputs)| one column per key; multi-dimensional ones as lists|

import { ServingError } from '../errors.js';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import type { DType } from '../data/dtype.js';
import { isPlainObject } from '../data/pytype.js';
import { orderedKeys } from '../data/key-order.js';
import { copyFloatMark } from '../data/float-hint.js';

/** One output column: values of one dtype (`object` for anything), one per row. */
export interface OutputColumn {
  readonly name: string;
  readonly dtype: DType;
  readonly values: ArrayLike<unknown>;
  /** Datetimes came from a Tensor: numpy's `tolist()` writes them as integers (spec §4.2). */
  readonly datetimeAsInt?: boolean;
}

/** Output rows as columns. */
export interface OutputTable {
  readonly numRows: number;
  readonly columns: readonly OutputColumn[];
  /** True when the model gave unnamed values (one column named by the caller): JSON lines writes the bare value. */
  readonly bare: boolean;
}

const TYPED_DTYPES: [new (...args: never[]) => object, DType][] = [
  [Float64Array, 'float64'], [Float32Array, 'float32'], [Int32Array, 'int32'], [BigInt64Array, 'int64'], [Int16Array, 'int16'],
  [Int8Array, 'int8'], [Uint16Array, 'uint16'], [Uint32Array, 'uint32'], [BigUint64Array, 'uint64'], [Uint8ClampedArray, 'uint8'],
];

function typedDType(v: unknown): DType | undefined {
  if (!ArrayBuffer.isView(v) || v instanceof DataView || Buffer.isBuffer(v)) return undefined;
  if (v instanceof Uint8Array) return 'uint8';
  return TYPED_DTYPES.find(([Ctor]) => v instanceof Ctor)?.[1];
}

/** Rows of a ≥2-D tensor as sub-tensors. */
function tensorRows(t: Tensor): Tensor[] {
  const inner = t.shape.slice(1);
  const size = inner.reduce((a, b) => a * b, 1);
  const data = t.data as unknown as { subarray?: (s: number, e: number) => Tensor['data']; slice(s: number, e: number): Tensor['data'] };
  const out: Tensor[] = new Array(t.shape[0]);
  for (let r = 0; r < out.length; r++) {
    const part = data.subarray ? data.subarray(r * size, (r + 1) * size) : data.slice(r * size, (r + 1) * size);
    out[r] = new Tensor(t.dtype, inner, part);
  }
  return out;
}

/** One column from a row-aligned value (tensor, typed array or list); undefined when it is not one. */
function columnOf(name: string, v: unknown): OutputColumn | undefined {
  if (v instanceof Tensor) {
    if (v.ndim === 0) return undefined;
    if (v.ndim === 1) return { name, dtype: v.dtype, values: v.data as ArrayLike<unknown>, datetimeAsInt: true };
    return { name, dtype: 'object', values: tensorRows(v) };
  }
  const dtype = typedDType(v);
  if (dtype) return { name, dtype, values: v as ArrayLike<unknown> };
  if (Array.isArray(v)) return { name, dtype: 'object', values: v };
  return undefined;
}

/** Columns of a list of records: keys in first-seen order; float marks move from the records to the columns. */
function recordColumns(rows: readonly Record<string, unknown>[]): OutputColumn[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of orderedKeys(r)) if (!seen.has(k)) seen.add(k), names.push(k);
  return names.map((name) => {
    const values: unknown[] = new Array(rows.length);
    rows.forEach((r, i) => {
      const v = r[name];
      values[i] = v;
      copyFloatMark(r, name, values, i);
    });
    return { name, dtype: 'object', values };
  });
}

function shapeError(output: unknown, rows: number | undefined, format: string): ServingError {
  const what = output instanceof Tensor ? `a ${output.ndim}-d tensor` : output === null ? 'None' : Array.isArray(output) ? 'a list' : typeof output === 'object' ? (output as object).constructor?.name ?? 'an object' : typeof output;
  return new ServingError(
    'INVALID_PARAMETER_VALUE',
    `The model returned ${what}${rows === undefined ? '' : ` for ${rows} input rows`}; --output-format ${format} needs one prediction per input row: a list, typed array or tensor of rows, a Frame, or a dict of those.`,
  );
}

/**
 * Maps a model's answer onto rows (see the table at the top of this file). `bareName` names the
 * column of unnamed values. Throws ServingError when the answer is not row-aligned or when
 * `expectedRows` is given and differs from its row count.
 */
export function toOutputTable(output: unknown, expectedRows: number | undefined, bareName: string, format: string): OutputTable {
  let table: OutputTable | undefined;
  if (output instanceof Frame) {
    table = { numRows: output.numRows, bare: false, columns: output.cols.map((c) => ({ name: String(c.name), dtype: c.dtype, values: c.values as ArrayLike<unknown> })) };
  } else if (Array.isArray(output) && output.length > 0 && output.every((r) => isPlainObject(r))) {
    table = { numRows: output.length, bare: false, columns: recordColumns(output as Record<string, unknown>[]) };
  } else if (isPlainObject(output) || output instanceof Map) {
    const entries: [string, unknown][] = output instanceof Map ? [...output].map(([k, v]) => [String(k), v]) : orderedKeys(output).map((k) => [k, output[k]]);
    const columns = entries.map(([k, v]) => columnOf(k, v));
    if (columns.length > 0 && columns.every((c) => c !== undefined)) {
      const lengths = new Set(columns.map((c) => c!.values.length));
      if (lengths.size > 1) throw new ServingError('INVALID_PARAMETER_VALUE', `The model returned outputs of different lengths (${entries.map(([k], i) => `${k}: ${columns[i]!.values.length}`).join(', ')}); --output-format ${format} needs one value of each per input row.`);
      table = { numRows: [...lengths][0], bare: false, columns: columns as OutputColumn[] };
    }
  } else {
    const column = columnOf(bareName, output);
    if (column) table = { numRows: column.values.length, bare: true, columns: [column] };
  }
  if (!table) throw shapeError(output, expectedRows, format);
  if (expectedRows !== undefined && table.numRows !== expectedRows) {
    throw new ServingError('INVALID_PARAMETER_VALUE', `The model returned ${table.numRows} predictions for ${expectedRows} input rows; --output-format ${format} writes one row per input row.`);
  }
  return table;
}

/**
 * Puts the input's columns in front of the prediction columns (`--keep-columns`). A prediction
 * column named like an input column is renamed `<name>_prediction`.
 */
export function withInputColumns(table: OutputTable, input: unknown, format: string): OutputTable {
  if (!(input instanceof Frame)) throw new ServingError('INVALID_PARAMETER_VALUE', `--keep-columns needs tabular input (CSV, JSON lines, Parquet, or a dataframe_split / dataframe_records document).`);
  if (input.numRows !== table.numRows) {
    throw new ServingError('INVALID_PARAMETER_VALUE', `The model returned ${table.numRows} predictions for ${input.numRows} input rows; --keep-columns with --output-format ${format} needs one per row.`);
  }
  const inputs: OutputColumn[] = input.cols.map((c) => ({ name: String(c.name), dtype: c.dtype, values: c.values as ArrayLike<unknown> }));
  const taken = new Set(inputs.map((c) => c.name));
  const outputs = table.columns.map((c) => (taken.has(c.name) ? { ...c, name: `${c.name}_prediction` } : c));
  return { numRows: table.numRows, bare: false, columns: [...inputs, ...outputs] };
}
