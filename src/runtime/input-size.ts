// Owns the size of a model input as the inline policy counts it: its elements (rows × columns).

import { Frame } from '../data/frame.js';
import { isPlainObject } from '../data/pytype.js';
import { isTensor } from '../data/tensor.js';

/**
 * Elements of a Frame (rows × columns), a Tensor, or a dict of Tensors (all together); undefined
 * for anything else (lists, scalars, JSON values), whose cost cannot be estimated from a size.
 */
export function inputElements(input: unknown): number | undefined {
  if (input instanceof Frame) return input.numRows * input.cols.length;
  if (isTensor(input)) return input.size;
  if (isPlainObject(input)) {
    let n = 0;
    for (const k in input) {
      const v = input[k];
      if (!isTensor(v)) return undefined;
      n += v.size;
    }
    return n > 0 ? n : undefined;
  }
  return undefined;
}
