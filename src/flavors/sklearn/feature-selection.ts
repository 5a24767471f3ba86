// Owns scikit-learn's feature selectors that keep a fixed subset of the columns (VarianceThreshold,
// SelectKBest, SelectPercentile, SelectFpr, SelectFdr, SelectFwe): the support mask computed from
// the fitted scores as scikit-learn computes it, then a selection that copies no column.

import type { PyNode } from '../../pyobj/index.js';
import { type EstimatorBuilder, fittedInput, inputNames } from './estimator.js';
import { checkFeatures, type FittedInput, SparseColumn, Table } from './table.js';

/** numpy's `finfo(float64).min`, what `_clean_nans` puts in place of NaN scores. */
const FLOAT64_MIN = -Number.MAX_VALUE;

function cleanNans(scores: Float64Array): Float64Array {
  return scores.map((s) => (s !== s ? FLOAT64_MIN : s));
}

/** `np.argsort(scores, kind="mergesort")[-k:]` as a mask: the k largest, ties to the later feature. */
function topK(scores: Float64Array, k: number): boolean[] {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b] || a - b);
  const mask = new Array<boolean>(scores.length).fill(false);
  for (const i of order.slice(Math.max(0, order.length - k))) mask[i] = true;
  return mask;
}

/** `np.percentile(a, q)` with numpy's default linear method, rounding as numpy's `_lerp` does. */
export function percentile(a: Float64Array, q: number): number {
  const sorted = Float64Array.from(a).sort();
  const n = sorted.length;
  const quantile = q / 100;
  const virtual = n * quantile + (1 + quantile * -1) - 1;
  const prev = Math.min(Math.max(Math.floor(virtual), 0), n - 1);
  const next = Math.min(prev + 1, n - 1);
  const t = virtual - Math.floor(virtual);
  const lo = sorted[prev];
  const hi = sorted[next];
  const diff = hi - lo;
  return t >= 0.5 ? hi - diff * (1 - t) : lo + diff * t;
}

/** SelectPercentile's mask: scores above the percentile, then ties in feature order up to the share asked. */
function percentileMask(scores: Float64Array, pct: number): boolean[] {
  if (pct === 100) return new Array<boolean>(scores.length).fill(true);
  if (pct === 0) return new Array<boolean>(scores.length).fill(false);
  const clean = cleanNans(scores);
  const threshold = percentile(clean, 100 - pct);
  const mask = Array.from(clean, (s) => s > threshold);
  const ties = [...clean.keys()].filter((i) => clean[i] === threshold);
  const maxFeats = Math.trunc((clean.length * pct) / 100);
  const kept = mask.filter(Boolean).length;
  for (const i of ties.slice(0, Math.max(0, maxFeats - kept))) mask[i] = true;
  return mask;
}

/** Benjamini-Hochberg (SelectFdr): p-values up to the largest one under its step-up bound. */
function fdrMask(p: Float64Array, alpha: number): boolean[] {
  const n = p.length;
  const sorted = Float64Array.from(p).sort();
  let max = -Infinity;
  sorted.forEach((v, i) => {
    if (v <= (alpha / n) * (i + 1) && v > max) max = v;
  });
  return Array.from(p, (v) => max !== -Infinity && v <= max);
}

/** The support mask of a selector's state (`_get_support_mask`). */
function supportMask(node: PyNode): boolean[] {
  const name = node.className!.slice(node.className!.lastIndexOf('.') + 1);
  switch (name) {
    case 'VarianceThreshold': {
      const t = node.float('threshold');
      return Array.from(node.float64('variances_'), (v) => v > t);
    }
    case 'SelectKBest': {
      const scores = node.float64('scores_');
      const k = node.get('k');
      if (k.value === 'all') return new Array<boolean>(scores.length).fill(true);
      return topK(cleanNans(scores), k.asInt());
    }
    case 'SelectPercentile':
      return percentileMask(node.float64('scores_'), node.float('percentile'));
    case 'SelectFpr':
      return Array.from(node.float64('pvalues_'), (p) => p < node.float('alpha'));
    case 'SelectFwe': {
      const p = node.float64('pvalues_');
      return Array.from(p, (v) => v < node.float('alpha') / p.length);
    }
    case 'SelectFdr':
      return fdrMask(node.float64('pvalues_'), node.float('alpha'));
    default:
      throw node.error(`is not a selector mlserve knows`);
  }
}

/** Checks as SelectorMixin.transform does (`dtype=None`): names and count; NaN and infinities unless the selector allows NaN. */
function checkSelectorInput(x: Table, input: FittedInput, allowNan: boolean): void {
  checkFeatures(x, input);
  for (const col of x.columns) {
    const values = col instanceof SparseColumn ? col.values : col;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number' || v - v === 0) continue;
      if (v !== v && allowNan) continue;
      throw new Error(v !== v ? `Input X contains NaN.` : "Input X contains infinity or a value too large for dtype('float64').");
    }
  }
}

/** A selector: the columns of its support mask, as they are (numbers or objects). */
export const featureSelector: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const mask = supportMask(node);
  if (input.nFeatures !== undefined && mask.length !== input.nFeatures) throw node.error(`selects among ${mask.length} features, fitted on ${input.nFeatures}`);
  const keep = mask.flatMap((m, i) => (m ? [i] : []));
  const allowNan = node.className!.endsWith('.VarianceThreshold');
  return {
    className: input.className,
    transform(x) {
      checkSelectorInput(x, input, allowNan);
      return new Table(
        x.rows,
        keep.map((i) => x.columns[i]),
        { sparse: x.sparse },
      );
    },
    featureNamesOut: (given) => {
      const names = inputNames(input, given);
      return keep.map((i) => names[i]);
    },
  };
};
