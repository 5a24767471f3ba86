// Owns the X HistGradientBoosting's predictors read: float64 features (NaN kept, infinities
// allowed) in the order the predictors index them. From 1.4 a model with categorical features
// holds `_preprocessor`, a ColumnTransformer that encodes them with an OrdinalEncoder (unknown and
// missing categories become NaN) and puts them first; before, categories are the raw values,
// which the predictors cast to uint8 as scikit-learn's Cython does.

import { PyGlobal, PyObject, type PyNode } from '../../pyobj/index.js';
import { columnTransformer } from './column-transformer.js';
import { type BuildContext, type Estimator, fittedInput } from './estimator.js';
import { type Table, checkFeatures, numericTable } from './table.js';

/** Builds the columns the predictors read from X. */
export type HgbInput = (x: Table) => readonly Float64Array[];

/** `functools.partial(check_array, dtype=[float64], ensure_all_finite=False)`: the numerical part of `_preprocessor`. */
function isCheckArray(node: PyNode): boolean {
  if (node.className !== 'sklearn.preprocessing._function_transformer.FunctionTransformer') return false;
  const func = node.optional('func')?.value;
  if (!(func instanceof PyObject) || func.className !== 'functools.partial') return false;
  const state = func.state;
  if (!Array.isArray(state) || state.length < 3) return false;
  const [target, args, kwargs] = state as unknown[];
  if (!(target instanceof PyGlobal) || target.qualname !== 'sklearn.utils.validation.check_array') return false;
  if (!Array.isArray(args) || args.length !== 0 || !(kwargs instanceof Map)) return false;
  for (const [k, v] of kwargs) {
    if (k === 'ensure_all_finite' || k === 'force_all_finite') {
      if (v !== false) return false;
    } else if (k !== 'dtype') return false;
  }
  return true;
}

/** The numerical part: `check_array(X, dtype=float64, ensure_all_finite=False)`, numbers only, NaN and infinities kept. */
function checkArray(node: PyNode): Estimator {
  const input = fittedInput(node);
  return {
    className: input.className,
    transform: (x) => numericTable(x.rows, x.dense('any', input.className)),
  };
}

/**
 * The input of a fitted HistGradientBoosting estimator: through `_preprocessor` when it has one
 * (evaluated as the ColumnTransformer it is, its check_array step by mlserve), else X validated
 * as float64 with the feature count of `_n_features`; raw categorical values as uint8 (see
 * rawCategory).
 */
export function readHgbInput(node: PyNode, ctx: BuildContext, categorical: Uint8Array): HgbInput {
  const input = fittedInput(node);
  const pre = node.optional('_preprocessor');
  if (pre) {
    const inner: BuildContext = {
      path: ctx.path,
      child: (child, step) => (isCheckArray(child) ? checkArray(child) : ctx.child(child, `_preprocessor/${step}`)),
      unsupported: (name, kind, detail) => ctx.unsupported(name, kind, detail),
    };
    const transformer = columnTransformer(pre, inner);
    const widthOut = categorical.length;
    return (x) => {
      const cols = transformer.transform!(x).dense('any', input.className);
      if (cols.length !== widthOut) throw new Error(`The preprocessor gave ${cols.length} features, the predictors read ${widthOut}.`);
      return cols;
    };
  }
  const nFeatures = node.optional('_n_features')?.asInt() ?? input.nFeatures;
  return (x) => {
    checkFeatures(x, input);
    if (nFeatures !== undefined && x.width !== nFeatures) throw new Error(`X has ${x.width} features but this estimator was trained with ${nFeatures} features.`);
    const cols = x.dense('any', input.className);
    return cols.map((c, j) => (categorical[j] ? c.map(rawCategory) : c));
  };
}

/**
 * A raw category as the predictors read it before 1.4: `<uint8_t>value` after the `value < 0`
 * test, which on x86-64 (what scikit-learn's wheels run on) truncates to int32 and keeps the low
 * byte: 258 is category 2, values from 2^31 on are 0. Negative values and NaN stay as they are
 * (missing).
 */
export function rawCategory(v: number): number {
  if (!(v >= 0)) return v;
  return v >= 2147483648 ? 0 : Math.trunc(v) & 255;
}
