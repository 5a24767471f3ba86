// Owns the contract between the sklearn flavor and its estimator files: what an evaluator built
// from a state tree offers (sklearn's predict functions over a Table), how it is built, and the
// readers of the fitted attributes every estimator has.

import type { Tensor } from '../../data/tensor.js';
import type { PyNode } from '../../pyobj/index.js';
import type { FittedInput, Table } from './table.js';

/**
 * An evaluator of one fitted estimator. It has exactly the methods the fitted estimator has in
 * scikit-learn (`hasattr(model, "predict_proba")`): a method sklearn only offers for some
 * settings (SVC's `predict_proba` with `probability=True`, SGDClassifier's for a log or
 * modified-Huber loss) is left undefined otherwise. Methods may throw plain Errors for input the
 * estimator rejects (sklearn's ValueErrors: MLflow answers them with its generic 400).
 */
export interface Estimator {
  /** Fully qualified class name (`sklearn.linear_model._logistic.LogisticRegression`). */
  readonly className: string;
  /** sklearn's `_estimator_type` where a wrapper needs it (OneVsRestClassifier asks `is_regressor`). */
  readonly estimatorType?: 'classifier' | 'regressor';
  /** `transform(X)` of a transformer. */
  transform?(x: Table): Table;
  /** `predict(X)`: labels as the model's `classes_` holds them, or float64 values. */
  predict?(x: Table): Tensor;
  /** `predict_proba(X)`: float64 `[n, n_classes]`. */
  predictProba?(x: Table): Tensor<'float64'>;
  predictLogProba?(x: Table): Tensor<'float64'>;
  predictJointLogProba?(x: Table): Tensor<'float64'>;
  /** `decision_function(X)`: float64 `[n]` or `[n, k]`. */
  decisionFunction?(x: Table): Tensor<'float64'>;
  /**
   * A transformer's `get_feature_names_out(input_features)`: the labels of its output with
   * `set_output(transform="pandas")`. `inputFeatures` are the names of its input (what the step
   * before names its output), else its own `feature_names_in_`.
   */
  featureNamesOut?(inputFeatures?: readonly string[]): readonly string[];
  /**
   * Prediction methods scikit-learn offers for this model that mlserve leaves out on purpose, and
   * why (e.g. an answer MLflow cannot return as a table): a `predict_fn` naming one is refused at
   * load with this reason, instead of every request failing.
   */
  readonly withheld?: Readonly<Partial<Record<PredictMethod, string>>>;
}

/** Every method an Estimator may have. */
export const ESTIMATOR_METHODS = ['transform', 'predict', 'predictProba', 'predictLogProba', 'predictJointLogProba', 'decisionFunction', 'featureNamesOut'] as const;

/**
 * An estimator offering the methods `inner` has (bound to it), under another class name and with
 * some methods replaced: for wrappers (a search's best estimator) and output containers.
 */
export function forwardTo(className: string, inner: Estimator, overrides: Partial<Estimator> = {}): Estimator {
  const out: Record<string, unknown> = { className };
  if (inner.estimatorType) out.estimatorType = inner.estimatorType;
  for (const m of ESTIMATOR_METHODS) {
    const f = overrides[m] ?? inner[m]?.bind(inner);
    if (f) out[m] = f;
  }
  if (inner.withheld) out.withheld = inner.withheld;
  return out as unknown as Estimator;
}

/** The prediction functions MLflow's pyfunc may call (`python_function.predict_fn`). */
export const PREDICT_METHODS = {
  predict: 'predict',
  predict_proba: 'predictProba',
  predict_log_proba: 'predictLogProba',
  predict_joint_log_proba: 'predictJointLogProba',
} as const satisfies Record<string, keyof Estimator>;

/** A `python_function.predict_fn` mlserve evaluates. */
export type PredictFn = keyof typeof PREDICT_METHODS;

/** The Estimator method of a `predict_fn`. */
export type PredictMethod = (typeof PREDICT_METHODS)[PredictFn];

/** What a builder may ask of the build in progress. */
export interface BuildContext {
  /** The `/`-separated step names from the root to the estimator being built (`prep/num`); '' at the root. */
  readonly path: string;
  /**
   * Builds a nested estimator (a pipeline step, a ColumnTransformer's transformer, a search's
   * `best_estimator_`) named `step` below the current path. An unknown class is recorded and the
   * build goes on, so that one refusal names every unknown part.
   */
  child(node: PyNode, step: string): Estimator;
  /** Records something mlserve cannot evaluate (a function pickled by value, an unknown numpy function). */
  unsupported(name: string, kind: 'class' | 'function', detail?: string): void;
}

/** Builds an evaluator from an estimator's state tree; registered by fully qualified class name. */
export type EstimatorBuilder = (node: PyNode, ctx: BuildContext) => Estimator;

/** The `n_features_in_` and `feature_names_in_` an estimator was fitted with (both optional, as in sklearn). */
export function fittedInput(node: PyNode): FittedInput {
  const names = node.optional('feature_names_in_');
  return {
    className: node.className ?? node.typeName,
    nFeatures: node.optional('n_features_in_')?.asInt(),
    featureNames: names ? stringItems(names) : undefined,
  };
}

/** `_check_feature_names_in(est, input_features)`: the given names, else the fitted feature names, else `x0`, `x1`, … */
export function inputNames(input: FittedInput, given?: readonly string[]): readonly string[] {
  if (given) return given;
  if (input.featureNames) return input.featureNames;
  if (input.nFeatures === undefined) throw new Error(`${input.className} has neither feature_names_in_ nor n_features_in_ to name its output`);
  return Array.from({ length: input.nFeatures }, (_, i) => `x${i}`);
}

/** The strings of a numpy str or object array (feature names, column names). */
export function stringItems(node: PyNode): string[] {
  const a = node.asArray();
  const out: string[] = [];
  for (let i = 0; i < a.size; i++) {
    const v = a.item(i);
    if (typeof v !== 'string') throw node.error(`should hold strings, found ${v === null ? 'None' : typeof v} at ${i}`);
    out.push(v);
  }
  return out;
}

/** A float64 vector from a number or a numeric array attribute (sklearn stores some as scalars, some as arrays). */
export function floatVector(node: PyNode): Float64Array {
  const v = node.value;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return Float64Array.of(node.asFloat());
  return node.asFloat64Array();
}

/**
 * True when the state's `_sklearn_version` is older than major.minor (false when absent). Only for
 * the rare behaviour a release changed without any trace in the fitted state.
 */
export function releaseBefore(node: PyNode, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(node.optional('_sklearn_version')?.asStr() ?? '');
  return m !== null && (Number(m[1]) < major || (Number(m[1]) === major && Number(m[2]) < minor));
}
