// Owns the size of a model input as the inline policy counts it: its elements (rows × columns).

import { Frame } from '../data/frame.js';
import { isTensor, type Tensor } from '../data/tensor.js';

/**
 * Elements of a Frame (rows × columns), a Tensor, or a dict of Tensors (all together); undefined
 * for anything else (lists, scalars, JSON values), whose cost cannot be estimated from a size.
 */
export function inputElements(input: unknown): number | undefined {
  if (input instanceof Frame) return input.numRows * input.cols.length;
  if (isTensor(input)) return input.size;
  if (input !== null && typeof input === 'object' && !Array.isArray(input) && Object.getPrototypeOf(input) === Object.prototype) {
    let n = 0;
    for (const k in input) {
      const v = (input as Record<string, unknown>)[k];
      if (!isTensor(v)) return undefined;
      n += (v as Tensor).size;
    }
    return n > 0 ? n : undefined;
  }
  return undefined;
}
