// Owns merging the inputs of several requests into one model call, and splitting the output back (pure functions).

import { Frame, type Column } from '../data/frame.js';
import { Tensor, isTensor } from '../data/tensor.js';
import { allocate, type DTypeStorage, type DType } from '../data/dtype.js';
import { copyFloatMark } from '../data/float-hint.js';
import { isPlainObject } from '../data/pytype.js';

/** Params after enforcement are plain JSON-like values: a stable string tells equal ones apart. */
export function paramsKey(params: unknown): string {
  if (params === null || params === undefined) return String(params);
  // Most requests have no params: no stringify (with its replacer) on the hot path for them.
  if (typeof params === 'object' && !Array.isArray(params)) {
    let empty = true;
    for (const _ in params) {
      empty = false;
      break;
    }
    if (empty) return '{}';
  }
  return JSON.stringify(params, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** How many rows a batchable input has; undefined when it cannot be batched (plain JSON, 0-d tensors, ...). */
export function rowCount(input: unknown): number | undefined {
  if (input instanceof Frame) return input.numRows;
  if (isTensor(input)) return input.ndim >= 1 ? input.shape[0] : undefined;
  if (isPlainObject(input)) {
    const values = Object.values(input);
    if (values.length === 0 || !values.every((v) => isTensor(v) && v.ndim >= 1)) return undefined;
    const n = (values[0] as Tensor).shape[0];
    return values.every((v) => (v as Tensor).shape[0] === n) ? n : undefined;
  }
  return undefined;
}

/** A key that is equal for inputs that can be concatenated (same kind, columns, dtypes, trailing shapes). */
export function mergeKey(input: unknown): string | undefined {
  if (input instanceof Frame) return `F|${input.cols.map((c) => `${String(c.name)}:${c.dtype}`).join(',')}`;
  if (isTensor(input)) return input.ndim >= 1 ? `T|${input.dtype}|${input.shape.slice(1).join('x')}` : undefined;
  if (rowCount(input) !== undefined) {
    const dict = input as Record<string, Tensor>;
    return `D|${Object.keys(dict).map((k) => `${k}:${dict[k].dtype}|${dict[k].shape.slice(1).join('x')}`).join(',')}`;
  }
  return undefined;
}

function concatStorage(dtype: DType, parts: readonly DTypeStorage[DType][]): DTypeStorage[DType] {
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (parts.length === 1) return parts[0];
  const out = allocate(dtype, total) as unknown as { set?: (a: ArrayLike<unknown>, o: number) => void; [i: number]: unknown };
  let offset = 0;
  for (const p of parts) {
    if (typeof out.set === 'function' && ArrayBuffer.isView(p)) out.set(p as unknown as ArrayLike<unknown>, offset);
    else {
      const arr = p as unknown[];
      for (let i = 0; i < arr.length; i++) {
        out[offset + i] = arr[i];
        copyFloatMark(arr, i, out as unknown as object, offset + i);
      }
    }
    offset += p.length;
  }
  return out as unknown as DTypeStorage[DType];
}

function concatTensors(parts: readonly Tensor[]): Tensor {
  const rows = parts.reduce((n, t) => n + t.shape[0], 0);
  return new Tensor(parts[0].dtype, [rows, ...parts[0].shape.slice(1)], concatStorage(parts[0].dtype, parts.map((t) => t.data)));
}

/** Concatenates inputs that share a merge key along their first axis. */
export function mergeInputs(inputs: readonly unknown[]): unknown {
  const first = inputs[0];
  if (inputs.length === 1) return first;
  if (first instanceof Frame) {
    const frames = inputs as Frame[];
    const cols: Column[] = first.cols.map((c, i) => ({ name: c.name, dtype: c.dtype, values: concatStorage(c.dtype, frames.map((f) => f.cols[i].values)) }));
    return new Frame(cols, frames.reduce((n, f) => n + f.numRows, 0));
  }
  if (isTensor(first)) return concatTensors(inputs as Tensor[]);
  const dicts = inputs as Record<string, Tensor>[];
  return Object.fromEntries(Object.keys(first as object).map((k) => [k, concatTensors(dicts.map((d) => d[k]))]));
}

function sliceStorage(dtype: DType, values: DTypeStorage[DType], start: number, end: number): DTypeStorage[DType] {
  // A view, not a copy: split outputs are only read (encoded) after this.
  if (ArrayBuffer.isView(values)) return (values as Float64Array).subarray(start, end) as unknown as DTypeStorage[DType];
  const arr = values as unknown[];
  const out = arr.slice(start, end);
  for (let i = start; i < end; i++) copyFloatMark(arr, i, out, i - start);
  void dtype;
  return out as DTypeStorage[DType];
}

function sliceTensor(t: Tensor, start: number, end: number): Tensor {
  const inner = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return new Tensor(t.dtype, [end - start, ...t.shape.slice(1)], sliceStorage(t.dtype, t.data, start * inner, end * inner));
}

/** Leading-axis length of an output, or undefined when it has none. */
function outputLength(output: unknown): number | undefined {
  if (output instanceof Frame) return output.numRows;
  if (isTensor(output)) return output.ndim >= 1 ? output.shape[0] : undefined;
  if (ArrayBuffer.isView(output) && !(output instanceof DataView)) return (output as Float64Array).length;
  if (Array.isArray(output)) return output.length;
  if (isPlainObject(output)) {
    const lengths = new Set(Object.values(output).map(outputLength));
    return lengths.size === 1 ? [...lengths][0] : undefined;
  }
  return undefined;
}

function sliceOutput(output: unknown, start: number, end: number): unknown {
  if (output instanceof Frame) return new Frame(output.cols.map((c) => ({ name: c.name, dtype: c.dtype, values: sliceStorage(c.dtype, c.values, start, end) })), end - start);
  if (isTensor(output)) return sliceTensor(output, start, end);
  if (ArrayBuffer.isView(output)) return (output as Float64Array).subarray(start, end);
  if (Array.isArray(output)) return sliceStorage('object', output, start, end);
  const dict = output as Record<string, unknown>;
  return Object.fromEntries(Object.keys(dict).map((k) => [k, sliceOutput(dict[k], start, end)]));
}

/**
 * Splits a merged output back into one output per request, by the requests' row counts. An output
 * with k rows per input row (e.g. ONNX outputs flattened to 1-D) is split k rows at a time.
 * Returns undefined when the output cannot be split (the caller then runs requests one by one).
 */
export function splitOutput(output: unknown, counts: readonly number[]): unknown[] | undefined {
  if (counts.length === 1) return [output];
  const total = counts.reduce((a, b) => a + b, 0);
  const length = outputLength(output);
  if (length === undefined || total === 0 || length % total !== 0) return undefined;
  const k = length / total;
  const parts: unknown[] = [];
  let start = 0;
  for (const c of counts) {
    parts.push(sliceOutput(output, start, start + c * k));
    start += c * k;
  }
  return parts;
}
