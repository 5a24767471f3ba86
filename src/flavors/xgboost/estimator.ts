// Owns what the MLflow `model_class` means for prediction: Booster, or a scikit-learn estimator and its saved metadata.

import { parseXgbJson } from './model-file.js';

/** How `predict` behaves: Booster.predict, a classifier's labels, or a regressor's/ranker's values. */
export type EstimatorKind = 'booster' | 'classifier' | 'regressor';

/** The scikit-learn side of a model (`learner.attributes.scikit_learn`, written by `XGBModel.save_model`). */
export interface Estimator {
  readonly kind: EstimatorKind;
  /** `model_class` from MLmodel (or its default). */
  readonly modelClass: string;
  /** `n_classes_` of a classifier, when saved. */
  readonly nClasses?: number;
  /** Labels of a pre-1.6 label encoder (`_le.classes_`), which predict maps class indices through. */
  readonly labels?: readonly (number | string)[];
  /** The estimator's `missing` value (NaN when unset). */
  readonly missing: number;
  /** `best_iteration` from early stopping, which estimators' predict uses. */
  readonly bestIteration?: number;
}

/** MLflow's default when MLmodel has no model_class (spec §6.7). */
export const DEFAULT_MODEL_CLASS = 'xgboost.core.Booster';

/**
 * Reads the estimator from `model_class` and the booster attributes. Unknown classes fall back
 * to the saved `_estimator_type`, then to Booster behaviour.
 */
export function readEstimator(modelClass: string, attributes: Readonly<Record<string, string>>): Estimator {
  const meta = readMeta(attributes.scikit_learn);
  const kind = kindOf(modelClass, meta._estimator_type);
  const best = attributes.best_iteration === undefined ? NaN : Number(attributes.best_iteration);
  const missing = meta.missing;
  const le = meta._le as { classes_?: unknown } | undefined;
  const labels = Array.isArray(le?.classes_) ? (le.classes_ as (number | string)[]) : undefined;
  return {
    kind,
    modelClass,
    nClasses: typeof meta.n_classes_ === 'number' ? meta.n_classes_ : undefined,
    labels,
    missing: typeof missing === 'number' ? missing : NaN,
    bestIteration: Number.isInteger(best) && best >= 0 ? best : undefined,
  };
}

function kindOf(modelClass: string, estimatorType: unknown): EstimatorKind {
  const name = modelClass.split('.').pop() ?? '';
  if (name === 'Booster') return 'booster';
  if (/Classifier/.test(name)) return 'classifier';
  if (/Regressor|Ranker|^XGBModel$/.test(name)) return 'regressor';
  if (estimatorType === 'classifier') return 'classifier';
  if (estimatorType === 'regressor' || estimatorType === 'ranker') return 'regressor';
  return 'booster';
}

function readMeta(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const meta = parseXgbJson(text);
    if (meta === null || typeof meta !== 'object') return {};
    const out = meta as Record<string, unknown>;
    // json.dumps writes NaN for float('nan'); parseXgbJson reads it as null.
    if (out.missing === null) out.missing = NaN;
    if (typeof out._le === 'string') out._le = parseXgbJson(out._le);
    return out;
  } catch {
    return {};
  }
}
