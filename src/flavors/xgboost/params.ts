// Owns the predict params of XGBoost models: the `predict` keyword arguments MLflow forwards, plus `mlserve_predict`.

import { ServingError } from '../../errors.js';
import type { ModelParams } from '../types.js';

/** What a prediction returns (see docs/xgboost.md). */
export type PredictMethod = 'predict' | 'predict_proba' | 'margin';

/** The values `mlserve_predict` (flavor option or param) accepts. */
export const PREDICT_METHODS: readonly PredictMethod[] = ['predict', 'predict_proba', 'margin'];

/** Resolved options of one prediction. */
export interface PredictOptions {
  readonly method: PredictMethod;
  /** Boosting rounds `[begin, end)`; end 0 means all (XGBoost's iteration_range). */
  readonly iterationRange?: readonly [number, number];
  /** Deprecated tree limit (ntree_limit), converted by the caller. */
  readonly ntreeLimit?: number;
  /** Booster only: 2-D output even for one output per row. */
  readonly strictShape: boolean;
  /** Booster only: leaf indices instead of predictions. */
  readonly predLeaf: boolean;
}

/** Keyword arguments of `Booster.predict` and of the estimators' `predict` (xgboost 1.7). */
const BOOSTER_ARGS = new Set(['output_margin', 'ntree_limit', 'pred_leaf', 'pred_contribs', 'approx_contribs', 'pred_interactions', 'validate_features', 'training', 'iteration_range', 'strict_shape']);
const ESTIMATOR_ARGS = new Set(['output_margin', 'ntree_limit', 'validate_features', 'base_margin', 'iteration_range']);

function invalid(message: string): ServingError {
  return new ServingError('INVALID_PARAMETER_VALUE', message);
}

/** True for `true`, false for absent/false/null; anything else is an error. */
function flag(params: Record<string, unknown>, key: string): boolean {
  const v = params[key];
  if (v === undefined || v === null || v === false) return false;
  if (v === true) return true;
  throw invalid(`Param ${key} must be a boolean, got ${JSON.stringify(v)}`);
}

/** Checks a `mlserve_predict` value (from MLmodel or a param). */
export function parsePredictMethod(v: unknown, where: string): PredictMethod {
  if (typeof v === 'string' && (PREDICT_METHODS as readonly string[]).includes(v)) return v as PredictMethod;
  throw invalid(`${where} must be one of ${PREDICT_METHODS.join(', ')}; got ${JSON.stringify(v)}`);
}

/**
 * Reads request params as MLflow's xgboost pyfunc would pass them to `predict`: arguments that
 * `predict` does not take are dropped (MLflow warns and drops them); `mlserve_predict` overrides
 * the flavor's default method. SHAP outputs are not supported.
 */
export function readPredictOptions(params: ModelParams, isBooster: boolean, defaultMethod: PredictMethod): PredictOptions {
  const p = params ?? {};
  const accepted = isBooster ? BOOSTER_ARGS : ESTIMATOR_ARGS;
  const take = (key: string): Record<string, unknown> => (accepted.has(key) ? p : {});
  let method = p.mlserve_predict === undefined || p.mlserve_predict === null ? defaultMethod : parsePredictMethod(p.mlserve_predict, 'Param mlserve_predict');
  if (flag(take('output_margin'), 'output_margin')) method = 'margin';
  for (const key of ['pred_contribs', 'approx_contribs', 'pred_interactions']) {
    if (flag(take(key), key)) throw new ServingError('NOT_IMPLEMENTED', `Param ${key} (SHAP values) is not supported by mlserve's XGBoost evaluator`);
  }
  const baseMargin = take('base_margin').base_margin;
  if (baseMargin !== undefined && baseMargin !== null) throw new ServingError('NOT_IMPLEMENTED', 'Param base_margin is not supported by mlserve');
  return {
    method,
    iterationRange: readRange(take('iteration_range').iteration_range),
    ntreeLimit: readCount(take('ntree_limit').ntree_limit, 'ntree_limit'),
    strictShape: flag(take('strict_shape'), 'strict_shape'),
    predLeaf: flag(take('pred_leaf'), 'pred_leaf'),
  };
}

function readCount(v: unknown, key: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw invalid(`Param ${key} must be a non-negative integer, got ${JSON.stringify(String(v))}`);
  return n;
}

function readRange(v: unknown): readonly [number, number] | undefined {
  if (v === undefined || v === null) return undefined;
  const items = Array.isArray(v) ? v : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : undefined;
  if (!items || items.length !== 2) throw invalid(`Param iteration_range must be a pair [begin, end], got ${JSON.stringify(String(v))}`);
  const begin = readCount(items[0], 'iteration_range[0]')!;
  const end = readCount(items[1], 'iteration_range[1]')!;
  if (begin === undefined || end === undefined) throw invalid('Param iteration_range must hold two integers');
  if (end !== 0 && end < begin) throw invalid(`Param iteration_range [${begin}, ${end}] ends before it begins`);
  return [begin, end];
}
