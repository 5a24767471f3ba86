// Owns scikit-learn's SimpleImputer (mean, median, most frequent or constant statistics, on
// numbers or on Python objects, with its missing-value indicator) and MissingIndicator.

import { NpDType, type PyNode, type PyValue } from '../../pyobj/index.js';
import { type EstimatorBuilder, fittedInput, inputNames } from './estimator.js';
import { checkFeatures, type Column, type FittedInput, SparseColumn, Table } from './table.js';

/** sklearn's `_get_mask(X, missing_values)` for one value: NaN matches only NaN (never None), anything else by equality. */
function missingTest(missing: PyValue): (v: unknown) => boolean {
  if (typeof missing === 'number' && missing !== missing) return (v) => typeof v === 'number' && v !== v;
  if (missing === null) return (v) => v === null || v === undefined;
  if (typeof missing === 'boolean') return (v) => v === missing || v === (missing ? 1 : 0);
  return (v) => v === missing;
}

/** The values of one column as an array (sparse columns expanded). */
function cells(col: Column): ArrayLike<unknown> {
  return col instanceof SparseColumn ? col.toDense() : col;
}

/** MissingIndicator's fitted state: which features get an indicator column. */
interface Indicator {
  readonly features: Int32Array;
  readonly names: (input: readonly string[]) => string[];
}

function readIndicator(node: PyNode): Indicator {
  const features = node.get('features_').asInt32Array();
  const prefix = 'missingindicator';
  return { features, names: (input) => Array.from(features, (j) => `${prefix}_${input[j]}`) };
}

/** The indicator columns (0/1) of the given missing masks. */
function indicatorColumns(masks: readonly Uint8Array[], ind: Indicator, rows: number): Float64Array[] {
  return Array.from(ind.features, (j) => {
    const out = new Float64Array(rows);
    const m = masks[j];
    for (let r = 0; r < rows; r++) out[r] = m[r];
    return out;
  });
}

/** Checks shared by both: feature names and count, finiteness of numeric columns where the missing marker is not NaN. */
function checkInput(x: Table, input: FittedInput, allowNan: boolean, objectFit: boolean): void {
  checkFeatures(x, input);
  if (allowNan) {
    if (!objectFit) x.numeric('allow-nan', input.className);
    return;
  }
  for (const col of x.columns) {
    const values = cells(col);
    for (let r = 0; r < values.length; r++) {
      const v = values[r];
      if (typeof v === 'number' && v - v !== 0) throw new Error(v !== v ? 'Input contains NaN' : "Input contains infinity or a value too large for dtype('float64').");
    }
  }
}

/**
 * SimpleImputer: missing values replaced by `statistics_`; features without a statistic (all
 * missing at fit) dropped unless `keep_empty_features` or the constant strategy; indicator columns
 * appended with `add_indicator`. A model fitted on object data keeps Python objects; one fitted on
 * numbers computes in float64.
 */
export const simpleImputer: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const strategy = node.str('strategy');
  const missingValue = node.get('missing_values').value;
  const isMissing = missingTest(missingValue);
  const allowNan = typeof missingValue === 'number' && missingValue !== missingValue;
  const statsArray = node.array('statistics_');
  const stats = Array.from({ length: statsArray.size }, (_, i) => statsArray.item(i));
  // The dtype X had at fit (older releases keep none: then the statistics' dtype tells).
  const fitDtype = node.optional('_fit_dtype')?.value;
  const objectFit = fitDtype instanceof NpDType ? fitDtype.kind === 'O' : statsArray.dtype.kind === 'O';
  const keepAll = strategy === 'constant' || (node.optional('keep_empty_features')?.asBool() ?? false);
  const kept = stats.map((v, j) => j).filter((j) => keepAll || !(typeof stats[j] === 'number' ? Number.isNaN(stats[j]) : stats[j] !== stats[j]));
  const indicator = node.optional('add_indicator')?.asBool() && node.optional('indicator_') ? readIndicator(node.get('indicator_')) : undefined;
  return {
    className: input.className,
    transform(x) {
      checkInput(x, input, allowNan, objectFit);
      if (x.width !== stats.length) throw new Error(`X has ${x.width} features per sample, expected ${stats.length}`);
      const n = x.rows;
      const numericCols = objectFit ? undefined : x.numeric(allowNan ? 'allow-nan' : 'finite', input.className);
      const masks: Uint8Array[] = [];
      const out: Column[] = [];
      for (let j = 0; j < x.width; j++) {
        const values: ArrayLike<unknown> = numericCols ? cells(numericCols[j]) : cells(x.columns[j]);
        const mask = new Uint8Array(n);
        for (let r = 0; r < n; r++) if (isMissing(values[r])) mask[r] = 1;
        masks.push(mask);
      }
      for (const j of kept) {
        const fill = stats[j];
        const mask = masks[j];
        if (numericCols) {
          const col = cells(numericCols[j]) as ArrayLike<number>;
          const f = typeof fill === 'number' ? fill : Number(fill);
          const filled = Float64Array.from(col);
          for (let r = 0; r < n; r++) if (mask[r]) filled[r] = f;
          out.push(filled);
        } else {
          const col = cells(x.columns[j]);
          const filled = Array.from(col);
          for (let r = 0; r < n; r++) if (mask[r]) filled[r] = fill;
          out.push(filled);
        }
      }
      if (indicator) out.push(...indicatorColumns(masks, indicator, n));
      return new Table(n, out);
    },
    featureNamesOut(given) {
      const names = inputNames(input, given);
      return [...kept.map((j) => names[j]), ...(indicator ? indicator.names(names) : [])];
    },
  };
};

/** MissingIndicator: one 0/1 column per feature in `features_`, 1 where the value is missing. */
export const missingIndicator: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const missingValue = node.get('missing_values').value;
  const isMissing = missingTest(missingValue);
  const allowNan = typeof missingValue === 'number' && missingValue !== missingValue;
  const indicator = readIndicator(node);
  return {
    className: input.className,
    transform(x) {
      checkInput(x, input, allowNan, x.columns.some((c) => Array.isArray(c)));
      const masks = x.columns.map((col) => {
        const values = cells(col);
        return Uint8Array.from({ length: x.rows }, (_, r) => (isMissing(values[r]) ? 1 : 0));
      });
      return new Table(x.rows, indicatorColumns(masks, indicator, x.rows));
    },
    featureNamesOut: (given) => indicator.names(inputNames(input, given)),
  };
};
