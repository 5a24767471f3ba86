// Owns keeping column types steady across batches: a column read as float stays float when a later batch holds only integers.

import { Frame, type Column } from '../data/frame.js';

/**
 * Remembers which columns were float64 in earlier batches and widens int64 columns of later ones
 * to float64. Without it, a column of `1.5, 2, 3` split into batches would reach the model as float
 * in one batch and int in the next (pandas reads the whole file, so it is float throughout).
 */
export function columnWidener(): (frame: Frame) => Frame {
  const floats = new Set<string>();
  return (frame) => {
    let changed = false;
    const cols = frame.cols.map((c): Column => {
      const name = String(c.name);
      if (c.dtype === 'float64') floats.add(name);
      else if (c.dtype === 'int64' && floats.has(name)) {
        changed = true;
        return { name: c.name, dtype: 'float64', values: Float64Array.from(c.values as BigInt64Array, Number) };
      }
      return c;
    });
    return changed ? new Frame(cols, frame.numRows) : frame;
  };
}
