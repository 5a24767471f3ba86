// Owns whole-document JSON input: MLflow's envelope read whole and decoded exactly as the server decodes it (spec §2.10).

import { decodeRequest } from '../pipeline/mlflow.js';
import type { DecodeContext, DecodedRequest } from '../codecs/types.js';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import type { InputChunk } from './types.js';

/**
 * Rows of a decoded input, for the summary and progress: a Frame's rows, a tensor's first
 * dimension, a list's length; for named tensors or columns (`inputs` / `instances` objects), the
 * first dimension they share; else 1.
 */
export function inputRows(input: unknown): number {
  if (input instanceof Frame) return input.numRows;
  if (input instanceof Tensor) return input.ndim === 0 ? 1 : input.shape[0];
  if (Array.isArray(input)) return input.length;
  if (input !== null && typeof input === 'object' && !ArrayBuffer.isView(input)) {
    const lengths = new Set(Object.values(input).map((v) => (v instanceof Tensor || Array.isArray(v) ? inputRows(v) : 1)));
    if (lengths.size === 1) return [...lengths][0];
  }
  return 1;
}

/** The one chunk of a JSON document: decoded once (throws MLflow's errors), scored whole. */
export function jsonDocumentChunk(body: Uint8Array, ctx: DecodeContext): InputChunk {
  const decoded: DecodedRequest = decodeRequest('application/json', body, ctx);
  const columns = decoded.input instanceof Frame ? decoded.input.columns : [];
  return {
    firstRow: 0,
    size: inputRows(decoded.input),
    rowWise: false,
    bytesRead: body.byteLength,
    decode: () => decoded,
    where: () => ({ row: 1 }),
    raw: () => ({ kind: 'text', text: '' }),
    columnsOf: () => columns,
  };
}
