// Owns the conversion between data/ Tensors and the tensors onnxruntime takes (protocol.ts WireTensor).

import type { DType } from '../../data/dtype.js';
import { Tensor } from '../../data/tensor.js';
import type { OrtType, WireData, WireTensor } from './protocol.js';

const SAME_NAME = new Set<string>([
  'float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64',
]);

/** A feed, and whether mlserve allocated its data (then its buffer may be transferred to the worker). */
export interface Feed {
  readonly wire: WireTensor;
  readonly owned: boolean;
}

const utf8 = new TextDecoder();

/**
 * The onnxruntime tensor for `t`. Numeric data is shared, not copied; booleans become 0/1 bytes;
 * `str` becomes a string tensor, and so do `bytes` and all-string `object` tensors (UTF-8), as
 * onnxruntime's Python binding accepts numpy string and object arrays for string inputs.
 * `expected` is the model input's element type: float64 data for a float32 input is cast to
 * float32, MLflow's only implicit cast (mlflow/onnx `_cast_float64_to_float32`).
 * Throws a plain Error for dtypes onnxruntime has no tensor type for.
 */
export function tensorToFeed(t: Tensor, name: string, expected?: string): Feed {
  const dims = [...t.shape];
  if (t.dtype === 'float64' && expected === 'float32') {
    return { wire: { type: 'float32', dims, data: Float32Array.from(t.data as Float64Array) }, owned: true };
  }
  if (SAME_NAME.has(t.dtype)) return { wire: { type: t.dtype as OrtType, dims, data: t.data as WireData }, owned: false };
  switch (t.dtype) {
    case 'bool':
      return { wire: { type: 'bool', dims, data: Uint8Array.from(t.data as boolean[], (b) => (b ? 1 : 0)) }, owned: true };
    case 'str':
      return { wire: { type: 'string', dims, data: t.data as string[] }, owned: false };
    case 'bytes':
      return { wire: { type: 'string', dims, data: (t.data as Uint8Array[]).map((b) => utf8.decode(b)) }, owned: true };
    case 'object': {
      const cells = t.data as unknown[];
      if (cells.every((c) => typeof c === 'string')) return { wire: { type: 'string', dims, data: cells as string[] }, owned: false };
      if (cells.every((c) => c instanceof Uint8Array)) return { wire: { type: 'string', dims, data: (cells as Uint8Array[]).map((b) => utf8.decode(b)) }, owned: true };
      break;
    }
  }
  throw new Error(`Input '${name}' has dtype ${t.dtype}${t.dtype === 'object' ? ' with non-string values' : ''}, which onnxruntime has no tensor type for.`);
}

/** The data/ Tensor for an onnxruntime output: bool bytes become booleans, strings become `str`. */
export function wireToTensor(w: WireTensor): Tensor {
  switch (w.type) {
    case 'bool':
      return new Tensor('bool', w.dims, Array.from(w.data as Uint8Array, (b) => b !== 0));
    case 'string':
      return new Tensor('str', w.dims, w.data as string[]);
    default:
      return new Tensor(w.type as DType, w.dims, w.data as never);
  }
}
