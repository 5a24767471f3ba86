// Owns what scikit-learn's tree classifiers answer from per-row class scores: labels by first
// argmax (one output or several), probabilities as one array or, for several outputs, the list
// sklearn returns (a 3-D tensor), and their logs.

import { markFloat, isMarkedFloat } from '../../data/float-hint.js';
import { allocate, type DTypeStorage } from '../../data/dtype.js';
import { Tensor } from '../../data/tensor.js';
import type { PyNode } from '../../pyobj/index.js';
import { Labels } from './labels.js';
import { argmaxRow, logInPlace } from './math.js';

/** A classifier's classes: `classes_` for one output, the list of arrays for several. */
export interface ClassLabels {
  readonly outputs: readonly Labels[];
  /** Classes per output. */
  readonly counts: readonly number[];
  /** numpy's `U` width of `classes_[0]` in characters (multi-output labels are cast to its dtype), else 0. */
  readonly strWidth: number;
}

/** Reads `classes_` for `nOutputs` outputs. */
export function readClassLabels(node: PyNode, nOutputs: number): ClassLabels {
  const classes = node.get('classes_');
  const items = nOutputs === 1 ? [classes] : classes.asList();
  if (items.length !== nOutputs) throw classes.error(`has ${items.length} class arrays for ${nOutputs} outputs`);
  const outputs = items.map((c) => Labels.read(c));
  const first = items[0].asArray();
  return { outputs, counts: outputs.map((l) => l.size), strWidth: first.dtype.kind === 'U' ? first.dtype.itemsize / 4 : 0 };
}

/**
 * `classes_.take(argmax(scores, axis=1))`: scores are `rows × width` (row-major), output `k`'s
 * `stride`-wide block starting at `k * stride`; argmax runs over the whole block, as sklearn's
 * `np.argmax(proba[:, k], axis=1)` does. Several outputs give `[rows, outputs]` labels in the
 * dtype of `classes_[0]`, as sklearn builds them.
 */
export function labelsByArgmax(classes: ClassLabels, scores: Float64Array, rows: number, stride: number): Tensor {
  const O = classes.outputs.length;
  const width = O * stride;
  const parts = classes.outputs.map((labels, k) => {
    const idx = new Int32Array(rows);
    for (let r = 0; r < rows; r++) idx[r] = argmaxRow(scores, r * width + k * stride, stride);
    return labels.take(idx);
  });
  return O === 1 ? parts[0] : interleave(parts, rows, classes.strWidth);
}

/** Labels of several outputs side by side, cast to the first output's dtype (`strWidth`: its `U` width, 0 if none) as numpy's assignment does. */
export function interleave(parts: Tensor[], rows: number, strWidth: number): Tensor {
  const O = parts.length;
  const dtype = parts[0].dtype;
  for (const p of parts) {
    if (p.dtype !== dtype && dtype !== 'object') throw new Error(`The outputs' classes have different types (${parts.map((q) => q.dtype).join(', ')}), which mlserve does not combine.`);
  }
  const out = (dtype === 'str' || dtype === 'object' || dtype === 'bool' ? new Array(rows * O) : allocate(dtype, rows * O)) as unknown[];
  parts.forEach((p, k) => {
    const src = p.data as ArrayLike<unknown>;
    for (let r = 0; r < rows; r++) {
      let v = src[r];
      if (dtype === 'str' && strWidth > 0) v = [...(v as string)].slice(0, strWidth).join('');
      out[r * O + k] = v;
      if (dtype === 'object' && isMarkedFloat(src as unknown[], r)) markFloat(out, r * O + k);
    }
  });
  return new Tensor(dtype, [rows, O], out as unknown as DTypeStorage[typeof dtype]);
}

/**
 * `predict_proba`: `[rows, classes]` for one output; for several, sklearn's list of `[rows,
 * classes_k]` arrays, which MLflow writes as nested lists: a `[outputs, rows, classes]` tensor
 * when every output has as many classes (else an error, as the ragged list has no tensor form).
 */
export function probaTensor(classes: ClassLabels, proba: Float64Array, rows: number, stride: number, log: boolean): Tensor<'float64'> {
  const O = classes.outputs.length;
  const k0 = classes.counts[0];
  if (O > 1 && classes.counts.some((k) => k !== k0)) {
    throw new Error(`predict_proba of this multi-output model gives arrays of different widths (${classes.counts.join(', ')} classes), which mlserve cannot return as one tensor.`);
  }
  const out = new Float64Array(O * rows * k0);
  for (let k = 0; k < O; k++) {
    for (let r = 0; r < rows; r++) {
      const src = (r * O + k) * stride;
      out.set(proba.subarray(src, src + k0), (k * rows + r) * k0);
    }
  }
  if (log) logInPlace(out);
  return new Tensor('float64', O === 1 ? [rows, k0] : [O, rows, k0], out);
}
