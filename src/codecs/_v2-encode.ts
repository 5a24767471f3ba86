// Owns turning a model's return value into V2 outputs, as MLServer's MLflow runtime encodes it (OIP spec §3.8): Frame → pd, Tensor → np, dict → dict.

import { type DType, NAT } from '../data/dtype.js';
import { isFrame, type Column } from '../data/frame.js';
import { Tensor, isTensor } from '../data/tensor.js';
import { formatDatetime } from '../data/datetime.js';
import { isPlainObject } from '../data/pytype.js';
import { toNdarray } from '../data/ndarray.js';
import { encodeOutput } from './predictions.js';
import { dtypeToDatatype } from './_v2-datatype.js';
import { CONTENT_TYPES } from './_v2-metadata.js';
import type { V2Output, V2OutputData, V2Parameters } from './_v2-types.js';

/** Encoded outputs and the response-level content type. */
export interface EncodedOutputs {
  readonly outputs: V2Output[];
  readonly contentType: string;
}

/** MLServer's name for the single output of a tensor or list answer. */
export const DEFAULT_OUTPUT_NAME = 'output-1';

/** `inject_batch_dimension`: a 1-D shape `[N]` is sent as `[N, 1]` (and a scalar as `[1]`). */
function withBatchDim(shape: readonly number[]): number[] {
  return shape.length > 1 ? [...shape] : [...shape, 1];
}

/** Element values of any dtype as BYTES text, with the content type that says how to read them. */
function bytesData(dtype: DType, values: ArrayLike<unknown>): { data: string[]; contentType: string } {
  const n = values.length;
  const all = <T>(test: (v: unknown) => v is T): boolean => Array.prototype.every.call(values, test);
  if (dtype === 'datetime64') {
    const v = values as BigInt64Array;
    return { data: Array.from(v, (x) => (x === NAT ? 'NaT' : formatDatetime(x))), contentType: CONTENT_TYPES.datetime };
  }
  if (all((v): v is string => typeof v === 'string')) return { data: Array.from(values as ArrayLike<string>), contentType: CONTENT_TYPES.string };
  if (n > 0 && all((v): v is Uint8Array => v instanceof Uint8Array)) {
    const data = Array.from(values as ArrayLike<Uint8Array>, (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'));
    return { data, contentType: CONTENT_TYPES.base64 };
  }
  // Anything else (None, numbers in an object column, lists, dicts): one JSON text per element, as `pd_json`.
  return { data: Array.from(values, (v) => encodeOutput(v)), contentType: CONTENT_TYPES.pandasJson };
}

function output(name: string, dtype: DType, shape: number[], values: ArrayLike<unknown>, numericParams?: V2Parameters): V2Output {
  const datatype = dtypeToDatatype(dtype);
  if (datatype !== 'BYTES') {
    return { name, datatype, shape, data: values as V2OutputData, ...(numericParams ? { parameters: numericParams } : {}) };
  }
  const { data, contentType } = bytesData(dtype, values);
  return { name, datatype, shape, data, parameters: { content_type: contentType } };
}

/** NumpyCodec.encode_output: flattened data, batch dimension injected, `np` content type. */
function tensorOutput(name: string, t: Tensor): V2Output {
  return output(name, t.dtype, withBatchDim(t.shape), t.data as ArrayLike<unknown>, { content_type: CONTENT_TYPES.numpy });
}

/** PandasCodec: one output per column, shape `[rows, 1]`. */
function columnOutput(col: Column, rows: number): V2Output {
  return output(String(col.name), col.dtype, [rows, 1], col.values as ArrayLike<unknown>);
}

/** One named value of a dict answer or a plain answer. */
function valueOutput(name: string, v: unknown): V2Output {
  if (isTensor(v)) return tensorOutput(name, v);
  const typed = typedArrayDType(v);
  if (typed) return tensorOutput(name, new Tensor(typed, [(v as ArrayLike<unknown>).length], v as Tensor['data']));
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) {
    return { name, datatype: 'BYTES', shape: [v.length, 1], data: v as string[], parameters: { content_type: CONTENT_TYPES.string } };
  }
  if (Array.isArray(v) || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
    const t = numericTensor(v);
    if (t) return tensorOutput(name, t);
  }
  const list = Array.isArray(v) ? v : [v];
  return output(name, 'object', Array.isArray(v) ? [v.length, 1] : [1], list);
}

const TYPED_DTYPES: [Function, DType][] = [
  [Float64Array, 'float64'], [Float32Array, 'float32'], [Int8Array, 'int8'], [Int16Array, 'int16'], [Int32Array, 'int32'],
  [BigInt64Array, 'int64'], [Uint16Array, 'uint16'], [Uint32Array, 'uint32'], [BigUint64Array, 'uint64'],
];

/** The dtype of a typed array a model returned directly (a Uint8Array is bytes, not a tensor). */
function typedArrayDType(v: unknown): DType | undefined {
  return TYPED_DTYPES.find(([Ctor]) => v instanceof Ctor)?.[1];
}

/** numpy's array of a nested list of numbers/bools, or undefined when it is not one (ragged, text, objects). */
function numericTensor(v: unknown): Tensor | undefined {
  try {
    const t = toNdarray(v);
    return t.dtype === 'object' || t.dtype === 'str' || t.dtype === 'bytes' || t.dtype === 'datetime64' ? undefined : t;
  } catch {
    return undefined;
  }
}

/**
 * V2 outputs of a model's return value: a Frame gives one output per column (`pd`), a Tensor one
 * output `output-1` (`np`), a dict one output per key (`dict`), a list of strings one BYTES output
 * (`str`); anything else one output whose elements are JSON text (`pd_json`).
 */
export function encodeModelOutput(value: unknown): EncodedOutputs {
  if (isFrame(value)) return { outputs: value.cols.map((c) => columnOutput(c, value.numRows)), contentType: CONTENT_TYPES.pandas };
  if (isTensor(value)) return { outputs: [tensorOutput(DEFAULT_OUTPUT_NAME, value)], contentType: CONTENT_TYPES.numpy };
  if (isPlainObject(value)) {
    return { outputs: Object.entries(value).map(([k, v]) => valueOutput(k, v)), contentType: CONTENT_TYPES.dict };
  }
  const out = valueOutput(DEFAULT_OUTPUT_NAME, value);
  return { outputs: [out], contentType: String(out.parameters?.content_type ?? CONTENT_TYPES.numpy) };
}
