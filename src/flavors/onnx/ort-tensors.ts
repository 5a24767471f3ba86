// Owns the conversion between protocol.ts WireTensors and onnxruntime-node's Tensors, wherever the session runs (its worker thread or inline).

import type * as Ort from 'onnxruntime-node';
import type { OrtType, WireData, WireTensor } from './protocol.js';

type OrtModule = typeof Ort;

/** onnxruntime Tensors over the wire tensors' data (shared, not copied). */
export function toOrtFeeds(ort: OrtModule, feeds: Readonly<Record<string, WireTensor>>): Record<string, Ort.Tensor> {
  const out: Record<string, Ort.Tensor> = {};
  for (const name in feeds) {
    const t = feeds[name]!;
    out[name] = new ort.Tensor(t.type, t.data as never, t.dims);
  }
  return out;
}

/** The fetched outputs of a run as wire tensors. */
export function fromOrtResult(result: Ort.InferenceSession.ReturnType, fetches: readonly string[]): Record<string, WireTensor> {
  const outputs: Record<string, WireTensor> = {};
  for (const name of fetches) {
    const v = result[name] as Ort.Tensor;
    outputs[name] = { type: v.type as OrtType, dims: [...v.dims], data: wireData(v) };
  }
  return outputs;
}

function wireData(t: Ort.Tensor): WireData {
  const d = t.data as unknown;
  // Where the runtime has Float16Array, onnxruntime hands float16 out as one; mlserve keeps bit patterns.
  if (t.type === 'float16' && !(d instanceof Uint16Array)) {
    const v = d as { buffer: ArrayBuffer; byteOffset: number; length: number };
    return new Uint16Array(v.buffer, v.byteOffset, v.length);
  }
  return d as WireData;
}
