// Owns LightGBM's objectives as the model text names them (`objective=binary sigmoid:1`) and their output transforms (ConvertOutput).

import { LightGBMFormatError } from './model-text.js';
import { lightgbmAtof, parseInteger } from './numbers.js';

/** What `Booster.predict` returns for an objective, before any transform is applied. */
export type ObjectiveTask = 'binary' | 'multiclass' | 'multiclassova' | 'regression' | 'ranking' | 'raw';

/** An objective read from the model: its canonical name, settings, and the transform of raw scores. */
export interface Objective {
  /** Canonical name (`binary`, `multiclass`, `regression_l1`, …), or `none` for no objective (custom objectives). */
  readonly name: string;
  /** The `objective=` line as written, or "" when absent. */
  readonly text: string;
  readonly task: ObjectiveTask;
  /** `sigmoid:` of binary and multiclassova. */
  readonly sigmoid?: number;
  /** `num_class:` of multiclass and multiclassova. */
  readonly numClass?: number;
  /** `sqrt` of regression objectives that keep it (the model was trained on sqrt-transformed labels). */
  readonly sqrt?: boolean;
  /**
   * Applies ConvertOutput in place to each row of `values` (`numRows × width`). Single-output
   * objectives transform the first value of a row, as LightGBM's do.
   */
  convert(values: Float64Array, numRows: number, width: number): void;
}

/** ParseObjectiveAlias (include/LightGBM/config.h), applied, as LightGBM does, to the whole text. */
const ALIASES: Record<string, string> = {
  regression_l2: 'regression',
  mean_squared_error: 'regression',
  mse: 'regression',
  l2: 'regression',
  l2_root: 'regression',
  root_mean_squared_error: 'regression',
  rmse: 'regression',
  mean_absolute_error: 'regression_l1',
  l1: 'regression_l1',
  mae: 'regression_l1',
  softmax: 'multiclass',
  multiclass_ova: 'multiclassova',
  ova: 'multiclassova',
  ovr: 'multiclassova',
  xentropy: 'cross_entropy',
  xentlambda: 'cross_entropy_lambda',
  mean_absolute_percentage_error: 'mape',
  xendcg: 'rank_xendcg',
  xe_ndcg: 'rank_xendcg',
  xe_ndcg_mart: 'rank_xendcg',
  xendcg_mart: 'rank_xendcg',
  none: 'custom',
  null: 'custom',
  na: 'custom',
};

/** Objectives whose output is the raw score, unless `sqrt` squares it back (RegressionL2loss and subclasses). */
const SQRT_CAPABLE = new Set(['regression', 'regression_l1', 'quantile', 'fair', 'mape']);
/** Objectives whose output is `exp(score)` (RegressionPoissonLoss and subclasses). */
const EXPONENTIAL = new Set(['poisson', 'gamma', 'tweedie']);
/** Objectives whose output is the raw score. */
const IDENTITY = new Set(['huber', 'lambdarank', 'rank_xendcg']);

/** Every objective name LightGBM's model loader knows. */
export const OBJECTIVE_NAMES = ['regression', 'regression_l1', 'quantile', 'huber', 'fair', 'poisson', 'binary', 'lambdarank', 'rank_xendcg', 'multiclass', 'multiclassova', 'cross_entropy', 'cross_entropy_lambda', 'mape', 'gamma', 'tweedie', 'custom'];

/**
 * Reads the `objective=` value (CreateObjectiveFunction, src/objective/objective_function.cpp);
 * `line` is where it sits, for errors. An absent line or a custom objective gives raw scores.
 */
export function readObjective(text: string | undefined, line?: number): Objective {
  if (text === undefined) return none('');
  const whole = ALIASES[text] ?? text;
  const tokens = whole.split(' ').filter((s) => s !== '');
  const name = tokens[0] ?? '';
  const settings = new Map<string, string>();
  for (const t of tokens.slice(1)) {
    const parts = t.split(':').filter((s) => s !== '');
    if (parts.length === 2) settings.set(parts[0], parts[1]);
  }
  const flag = tokens.includes('sqrt');
  const sigmoid = (): number => {
    const v = settings.has('sigmoid') ? lightgbmAtof(settings.get('sigmoid')!) : undefined;
    if (v === undefined || !(v > 0)) throw new LightGBMFormatError(`objective ${JSON.stringify(text)}: the sigmoid setting must be a number greater than zero`, line);
    return v;
  };
  const numClass = (): number => {
    const v = parseInteger(settings.get('num_class') ?? '');
    if (v === undefined || v < 1) throw new LightGBMFormatError(`objective ${JSON.stringify(text)}: expected a num_class setting of at least 1`, line);
    return v;
  };
  if (name === 'custom') return none(text);
  if (SQRT_CAPABLE.has(name)) return { name, text, task: 'regression', sqrt: flag, convert: flag ? signedSquare : identity };
  if (EXPONENTIAL.has(name)) return { name, text, task: 'regression', convert: exponential };
  if (IDENTITY.has(name)) return { name, text, task: name === 'huber' ? 'regression' : 'ranking', convert: identity };
  if (name === 'binary') return binary(text, sigmoid());
  if (name === 'cross_entropy') return { name, text, task: 'binary', convert: (v, n, w) => logistic(v, n, w, 1) };
  if (name === 'cross_entropy_lambda') return { name, text, task: 'regression', convert: softplus };
  if (name === 'multiclass') return multiclass(text, numClass());
  if (name === 'multiclassova') return multiclassOva(text, numClass(), sigmoid());
  throw new LightGBMFormatError(`unknown objective ${JSON.stringify(text)}; LightGBM knows ${OBJECTIVE_NAMES.join(', ')}`, line);
}

function none(text: string): Objective {
  return { name: 'none', text, task: 'raw', convert: identity };
}

function binary(text: string, sigmoid: number): Objective {
  return { name: 'binary', text, task: 'binary', sigmoid, convert: (v, n, w) => logistic(v, n, w, sigmoid) };
}

function multiclass(text: string, numClass: number): Objective {
  return { name: 'multiclass', text, task: 'multiclass', numClass, convert: (v, n) => softmaxRows(v, n, numClass) };
}

function multiclassOva(text: string, numClass: number, sigmoid: number): Objective {
  return {
    name: 'multiclassova',
    text,
    task: 'multiclassova',
    numClass,
    sigmoid,
    convert: (v, n) => {
      for (let i = 0; i < n * numClass; i++) v[i] = 1 / (1 + Math.exp(-sigmoid * v[i]));
    },
  };
}

function identity(): void {}

/** RegressionL2loss with sqrt: `Sign(x) * x * x`. */
function signedSquare(v: Float64Array, n: number, w: number): void {
  for (let r = 0, i = 0; r < n; r++, i += w) {
    const x = v[i];
    v[i] = (x > 0 ? 1 : x < 0 ? -1 : 0) * x * x;
  }
}

function exponential(v: Float64Array, n: number, w: number): void {
  for (let r = 0, i = 0; r < n; r++, i += w) v[i] = Math.exp(v[i]);
}

/** BinaryLogloss / CrossEntropy: `1 / (1 + exp(-sigmoid * x))`. */
function logistic(v: Float64Array, n: number, w: number, sigmoid: number): void {
  for (let r = 0, i = 0; r < n; r++, i += w) v[i] = 1 / (1 + Math.exp(-sigmoid * v[i]));
}

/** CrossEntropyLambda: `log1p(exp(x))`. */
function softplus(v: Float64Array, n: number, w: number): void {
  for (let r = 0, i = 0; r < n; r++, i += w) v[i] = Math.log1p(Math.exp(v[i]));
}

/** Common::Softmax over each row's `k` scores: shift by the maximum, exponentiate, normalise. */
function softmaxRows(v: Float64Array, n: number, k: number): void {
  for (let r = 0, o = 0; r < n; r++, o += k) {
    let max = v[o];
    // std::max(input[i], wmax) keeps wmax only when input[i] < wmax.
    for (let j = 1; j < k; j++) max = v[o + j] < max ? max : v[o + j];
    let sum = 0;
    for (let j = 0; j < k; j++) {
      v[o + j] = Math.exp(v[o + j] - max);
      sum += v[o + j];
    }
    for (let j = 0; j < k; j++) v[o + j] /= sum;
  }
}
