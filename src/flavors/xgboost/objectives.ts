// Owns XGBoost's objectives at inference: base_score to margin (ProbToMargin) and margin to output (PredTransform), in float32.

import { expf } from './expf.js';

const f32 = Math.fround;

/** An objective as prediction needs it. */
export interface Objective {
  readonly name: string;
  /** `base_score` (user space, as stored in the model) to the starting margin. */
  probToMargin(baseScore: number): number;
  /**
   * Margins (`numRows × width`, row-major) to predictions. Returns the same array transformed in
   * place, or a new one (multi:softmax gives one class index per row).
   */
  transform(margins: Float32Array, numRows: number, width: number): { values: Float32Array; width: number };
  /** `binary` and `multi` objectives are classifiers (labels and probabilities make sense). */
  readonly task: 'binary' | 'multi' | 'other';
}

const identity = (x: number): number => x;
/** `-logf(1.0f / base_score - 1.0f)` (LogisticRegression::ProbToMargin). */
const logit = (b: number): number => f32(-Math.log(f32(f32(1 / f32(b)) - 1)));
const log = (b: number): number => f32(Math.log(f32(b)));
/** common::Sigmoid: `1.0f / (1.0f + expf(-x))`. */
const sigmoid = (x: number): number => f32(1 / f32(1 + expf(-x)));
const exp = expf;
const hinge = (x: number): number => (x > 0 ? 1 : 0);

function elementwise(name: string, probToMargin: (b: number) => number, fn: (x: number) => number, task: Objective['task'] = 'other'): Objective {
  return {
    name,
    probToMargin,
    task,
    transform(margins, _numRows, width) {
      if (fn !== identity) for (let i = 0; i < margins.length; i++) margins[i] = fn(margins[i]);
      return { values: margins, width };
    },
  };
}

/** common::Softmax per row: max in float, exponentials in float summed in double, divided in float. */
function softmaxRows(margins: Float32Array, numRows: number, width: number): void {
  for (let r = 0; r < numRows; r++) {
    const at = r * width;
    let max = margins[at];
    for (let k = 1; k < width; k++) max = Math.max(margins[at + k], max);
    let sum = 0;
    for (let k = 0; k < width; k++) {
      margins[at + k] = expf(f32(margins[at + k] - max));
      sum += margins[at + k];
    }
    const denom = f32(sum);
    for (let k = 0; k < width; k++) margins[at + k] = f32(margins[at + k] / denom);
  }
}

/** Index of the first largest value of each row (common::FindMaxIndex). */
export function argmaxRows(values: Float32Array, numRows: number, width: number): Float64Array {
  const out = new Float64Array(numRows);
  for (let r = 0; r < numRows; r++) {
    const at = r * width;
    let best = 0;
    for (let k = 1; k < width; k++) if (values[at + k] > values[at + best]) best = k;
    out[r] = best;
  }
  return out;
}

const softprob: Objective = {
  name: 'multi:softprob',
  probToMargin: identity,
  task: 'multi',
  transform(margins, numRows, width) {
    softmaxRows(margins, numRows, width);
    return { values: margins, width };
  },
};

const softmax: Objective = {
  name: 'multi:softmax',
  probToMargin: identity,
  task: 'multi',
  transform(margins, numRows, width) {
    return { values: Float32Array.from(argmaxRows(margins, numRows, width)), width: 1 };
  },
};

const OBJECTIVES: readonly Objective[] = [
  ...['reg:squarederror', 'reg:linear', 'reg:squaredlogerror', 'reg:pseudohubererror', 'reg:absoluteerror', 'reg:quantileerror'].map((n) =>
    elementwise(n, identity, identity),
  ),
  ...['rank:pairwise', 'rank:ndcg', 'rank:map'].map((n) => elementwise(n, identity, identity)),
  elementwise('reg:logistic', logit, sigmoid),
  elementwise('binary:logistic', logit, sigmoid, 'binary'),
  // LogisticRaw::ProbToMargin is the identity: base_score is already a margin.
  elementwise('binary:logitraw', identity, identity, 'binary'),
  elementwise('binary:hinge', identity, hinge, 'binary'),
  ...['count:poisson', 'reg:gamma', 'reg:tweedie', 'survival:cox', 'survival:aft'].map((n) => elementwise(n, log, exp)),
  softprob,
  softmax,
];

/** Names of the objectives mlserve evaluates. */
export const SUPPORTED_OBJECTIVES: readonly string[] = OBJECTIVES.map((o) => o.name);

/** The objective named in the model, or undefined when mlserve does not know it. */
export function findObjective(name: string): Objective | undefined {
  return OBJECTIVES.find((o) => o.name === name);
}
