// Owns scikit-learn's scalers (StandardScaler, MinMaxScaler, MaxAbsScaler, RobustScaler),
// Binarizer and Normalizer: column-wise and row-wise rescaling with the arithmetic sklearn uses for dense and
// for sparse input (dense divides by `scale_`, sparse multiplies by `1 / scale_`).

import type { PyNode } from '../../pyobj/index.js';
import { type Estimator, type EstimatorBuilder, fittedInput, inputNames } from './estimator.js';
import { pairwiseSum } from './math.js';
import { type Finiteness, type FittedInput, type NumericColumn, SparseColumn, Table, validateNumeric, validateSparse } from './table.js';

/** Per-feature parameters read once; `undefined` means the step is off (with_mean=False…). */
interface ColumnScaling {
  /** Subtracted first (dense input only). */
  readonly center?: Float64Array;
  /** Divided by (dense) or multiplied by its reciprocal (sparse). */
  readonly scale?: Float64Array;
}

/** A transformer mapping each column to a new one, one-to-one named. */
function columnwise(input: FittedInput, finite: Finiteness, each: (col: NumericColumn, j: number, sparse: boolean) => NumericColumn): Estimator {
  return {
    className: input.className,
    transform(x) {
      const cols = validateSparse(x, input, finite);
      return new Table(
        x.rows,
        cols.map((c, j) => each(c, j, x.sparse)),
        { sparse: x.sparse },
      );
    },
    featureNamesOut: (given) => inputNames(input, given),
  };
}

/** `X -= center; X /= scale` (dense) or `X *= 1 / scale` (sparse X, which sklearn never centres). */
function scaling(input: FittedInput, s: ColumnScaling): Estimator {
  return columnwise(input, 'allow-nan', (given, j, sparse) => {
    if (sparse) {
      const m = s.scale ? 1 / s.scale[j] : 1;
      return given instanceof SparseColumn ? given.map((v) => v * m) : given.map((v) => v * m);
    }
    const d0 = s.scale ? s.scale[j] : 1;
    // Stored sparse but dense for sklearn (a ColumnTransformer's dense output): zeros stay zeros unless centred.
    if (given instanceof SparseColumn && !s.center) return given.map((v) => v / d0);
    const col = given instanceof SparseColumn ? given.toDense() : given;
    const out = new Float64Array(col.length);
    const c = s.center ? s.center[j] : 0;
    const d = s.scale ? s.scale[j] : 1;
    if (s.center && s.scale) for (let r = 0; r < col.length; r++) out[r] = (col[r] - c) / d;
    else if (s.center) for (let r = 0; r < col.length; r++) out[r] = col[r] - c;
    else if (s.scale) for (let r = 0; r < col.length; r++) out[r] = col[r] / d;
    else out.set(col);
    return out;
  });
}

/** A per-feature vector of the expected length, when the flag that enables it is on. */
function vector(node: PyNode, name: string, on: boolean, input: FittedInput): Float64Array | undefined {
  if (!on) return undefined;
  const v = node.float64(name);
  if (input.nFeatures !== undefined && v.length !== input.nFeatures) throw node.get(name).error(`has ${v.length} values for ${input.nFeatures} features`);
  return v;
}

/** StandardScaler: `(x - mean_) / scale_`, each part as `with_mean` / `with_std` say. */
export const standardScaler: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const withMean = node.bool('with_mean');
  const withStd = node.bool('with_std');
  return scaling(input, { center: vector(node, 'mean_', withMean, input), scale: vector(node, 'scale_', withStd, input) });
};

/** RobustScaler: `(x - center_) / scale_`, each part as `with_centering` / `with_scaling` say. */
export const robustScaler: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  return scaling(input, {
    center: vector(node, 'center_', node.bool('with_centering'), input),
    scale: vector(node, 'scale_', node.bool('with_scaling'), input),
  });
};

/** MaxAbsScaler: `x / scale_`. */
export const maxAbsScaler: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  return scaling(input, { scale: vector(node, 'scale_', true, input) });
};

/** MinMaxScaler: `x * scale_ + min_`, then clipped to `feature_range` when `clip` (0.24+). */
export const minMaxScaler: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const scale = vector(node, 'scale_', true, input)!;
  const min = vector(node, 'min_', true, input)!;
  const clip = node.optional('clip')?.asBool() ?? false;
  const range = node.list('feature_range').map((v) => v.asFloat());
  const [lo, hi] = range;
  return columnwise(input, 'allow-nan', (given, j) => {
    const col = given instanceof SparseColumn ? given.toDense() : given;
    const out = new Float64Array(col.length);
    const s = scale[j];
    const m = min[j];
    for (let r = 0; r < col.length; r++) {
      let v = col[r] * s;
      v += m;
      if (clip) v = v < lo ? lo : v > hi ? hi : v;
      out[r] = v;
    }
    return out;
  });
};

/** Binarizer: 1 where a value is above `threshold`, else 0 (sparse zeros stay zeros). */
export const binarizer: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const t = node.float('threshold');
  return columnwise(input, 'finite', (col) => (col instanceof SparseColumn ? col.map((v) => (v > t ? 1 : 0)) : col.map((v) => (v > t ? 1 : 0))));
};

/** Normalizer: each row divided by its l1, l2 or max norm (norms below 10 eps left alone on dense input, exact zeros on sparse). */
export const normalizer: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const norm = node.str('norm');
  if (norm !== 'l1' && norm !== 'l2' && norm !== 'max') throw node.get('norm').error(`is ${JSON.stringify(norm)}, not l1, l2 or max`);
  return {
    className: input.className,
    transform(x) {
      const cols = validateNumeric(x, input, 'finite');
      const n = x.rows;
      const d = cols.length;
      const norms = rowNorms(cols, n, norm, x.sparse);
      const out = cols.map(() => new Float64Array(n));
      for (let r = 0; r < n; r++) {
        let v = norms[r];
        // sklearn's _handle_zeros_in_scale (dense) or its skip of zero rows (sparse).
        if (x.sparse ? v === 0 : v < 10 * Number.EPSILON) v = 1;
        for (let j = 0; j < d; j++) out[j][r] = cols[j][r] / v;
      }
      return new Table(n, out, { sparse: x.sparse });
    },
    featureNamesOut: (given) => inputNames(input, given),
  };
};

function rowNorms(cols: readonly Float64Array[], n: number, norm: 'l1' | 'l2' | 'max', sparse: boolean): Float64Array {
  const d = cols.length;
  const norms = new Float64Array(n);
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    if (norm === 'max') {
      let m = 0;
      for (let j = 0; j < d; j++) {
        const a = Math.abs(cols[j][r]);
        if (a > m || a !== a) m = a;
      }
      norms[r] = m;
    } else if (norm === 'l1') {
      for (let j = 0; j < d; j++) row[j] = Math.abs(cols[j][r]);
      // numpy's sum of a dense row is pairwise; scipy's sparse row sum is sequential.
      norms[r] = sparse ? sequentialSum(row) : pairwiseSum(row, 0, d);
    } else {
      let s = 0;
      for (let j = 0; j < d; j++) s += cols[j][r] * cols[j][r];
      norms[r] = Math.sqrt(s);
    }
  }
  return norms;
}

function sequentialSum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
