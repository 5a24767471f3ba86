// Owns shaping predictions as XGBoost returns them: Booster arrays, classifier labels, predict_proba.

import { Tensor } from '../../data/tensor.js';
import { argmaxRows, type Objective } from './objectives.js';

const f32 = Math.fround;

/**
 * A float32 result as `Booster.predict` shapes it: `[N]` for one value per row, `[N, K]`
 * otherwise; `strict` always gives `[N, K]`.
 */
export function valuesTensor(values: Float32Array, numRows: number, width: number, strict = false): Tensor<'float32'> {
  return new Tensor('float32', width === 1 && !strict ? [numRows] : [numRows, width], values);
}

/**
 * `XGBClassifier.predict` (xgboost 1.7 sklearn.py) from the transformed predictions: argmax for
 * several classes (int64), 0/1 per output for multi-label (float64), class index of
 * multi:softmax (int32), else `prediction > 0.5` (int64); mapped through old label encoders.
 */
export function classifierLabels(values: Float32Array, numRows: number, width: number, nClasses: number, objective: Objective, labels?: readonly (number | string)[]): Tensor {
  let indices: Tensor;
  if (width > 1 && nClasses !== 2) {
    indices = new Tensor('int64', [numRows], BigInt64Array.from(argmaxRows(values, numRows, width), (v) => BigInt(v)));
  } else if (width > 1) {
    return new Tensor('float64', [numRows, width], Float64Array.from(values, (v) => (v > 0.5 ? 1 : 0)));
  } else if (objective.name === 'multi:softmax') {
    return new Tensor('int32', [numRows], Int32Array.from(values));
  } else {
    indices = new Tensor('int64', [numRows], BigInt64Array.from(values, (v) => (v > 0.5 ? 1n : 0n)));
  }
  return labels ? mapLabels(indices.data as BigInt64Array, labels) : indices;
}

function mapLabels(indices: BigInt64Array, labels: readonly (number | string)[]): Tensor {
  const picked = Array.from(indices, (i) => labels[Number(i)]);
  if (picked.every((v) => typeof v === 'string')) return new Tensor('str', [picked.length], picked as string[]);
  if (picked.every((v) => typeof v === 'number' && Number.isInteger(v))) return new Tensor('int64', [picked.length], BigInt64Array.from(picked as number[], (v) => BigInt(v)));
  return new Tensor('float64', [picked.length], Float64Array.from(picked as number[]));
}

/**
 * `XGBClassifier.predict_proba`: multi:softmax → scipy softmax of the margins; one column per
 * class (or multi-label) as is; a single probability p → columns `[1 - p, p]`. All float32.
 */
export function classifierProba(
  values: Float32Array,
  width: number,
  margins: Float32Array,
  numGroups: number,
  numRows: number,
  nClasses: number,
  objective: Objective,
): Tensor<'float32'> {
  if (objective.name === 'multi:softmax') return new Tensor('float32', [numRows, numGroups], scipySoftmax(margins, numRows, numGroups));
  if (width > 1 && (width === nClasses || (nClasses === 2 && width >= 2))) return new Tensor('float32', [numRows, width], values);
  if (width !== 1) throw new Error(`predict_proba: ${width} outputs per row do not match ${nClasses} classes`);
  const out = new Float32Array(numRows * 2);
  for (let r = 0; r < numRows; r++) {
    out[2 * r] = f32(1 - values[r]);
    out[2 * r + 1] = values[r];
  }
  return new Tensor('float32', [numRows, 2], out);
}

/** `scipy.special.softmax(x, axis=1)` on float32: `exp(x - max)` over its float32 row sum. */
function scipySoftmax(margins: Float32Array, numRows: number, width: number): Float32Array {
  const out = new Float32Array(margins.length);
  for (let r = 0; r < numRows; r++) {
    const at = r * width;
    let max = margins[at];
    for (let k = 1; k < width; k++) max = Math.max(max, margins[at + k]);
    let sum = 0;
    for (let k = 0; k < width; k++) {
      out[at + k] = Math.exp(f32(margins[at + k] - max));
      sum = f32(sum + out[at + k]);
    }
    for (let k = 0; k < width; k++) out[at + k] = out[at + k] / sum;
  }
  return out;
}
