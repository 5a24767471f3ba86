// Owns the shape of an ONNX model's answer: named tensors, or a Frame when the input was a Frame (spec §6.6).

import type { DTypeStorage } from '../../data/dtype.js';
import { type Column, Frame } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';

/** Named outputs with their original shapes: MLflow's `dict(zip(output_names, predicted))`. */
export function outputRecord(names: readonly string[], outputs: readonly Tensor[]): Record<string, Tensor> {
  return Object.fromEntries(names.map((n, i) => [n, outputs[i]]));
}

/**
 * The Frame MLflow answers a Frame input with: one column per output, each output flattened to
 * 1-D (`pd.DataFrame.from_dict({name: np.asarray(out).reshape(-1)})`, so an `[N, 3]` output
 * gives 3N rows).
 *
 * mlserve's exception: where MLflow fails because the flattened lengths differ (e.g. class
 * probabilities `[N, 3]` beside labels `[N]`), this answers N rows instead, one field per output:
 * 1-D outputs stay typed columns, and each multi-dimensional output becomes an `object` column
 * whose cells are Tensors of that row's slice (printed as lists). Outputs that do not all have N
 * as their first dimension still fail, with MLflow's pandas message.
 */
export function outputFrame(names: readonly string[], outputs: readonly Tensor[]): Frame {
  const lengths = outputs.map((t) => t.size);
  if (lengths.every((n) => n === lengths[0])) {
    return new Frame(names.map((name, i) => ({ name, dtype: outputs[i].dtype, values: outputs[i].data })));
  }
  const rows = outputs[0].shape[0];
  if (outputs.some((t) => t.ndim === 0 || t.shape[0] !== rows)) {
    throw new Error(
      `All arrays must be of the same length: outputs ${names.map((n, i) => `${n} [${outputs[i].shape.join(', ')}]`).join(', ')} ` +
        'neither flatten to the same length nor share their first dimension.',
    );
  }
  return new Frame(names.map((name, i) => rowColumn(name, outputs[i], rows)), rows);
}

function rowColumn(name: string, t: Tensor, rows: number): Column {
  if (t.ndim === 1) return { name, dtype: t.dtype, values: t.data };
  const inner = t.shape.slice(1);
  const step = t.size / rows;
  const data = t.data as DTypeStorage['float32'] | unknown[];
  const cells: Tensor[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    cells[r] = new Tensor(t.dtype, inner, data.slice(r * step, (r + 1) * step) as never);
  }
  return { name, dtype: 'object', values: cells };
}
