// Owns scikit-learn's linear projections: PCA and IncrementalPCA (centring, projection on
// `components_`, whitening, in the order each release computes them) and TruncatedSVD. They are
// transformers: their output is X for the next step of a pipeline.

import type { PyNode } from '../../pyobj/index.js';
import { type Estimator, type EstimatorBuilder, fittedInput, releaseBefore } from './estimator.js';
import { type FittedInput, type NumericColumn, SparseColumn, Table, shortName, validateSparse } from './table.js';

/** `components_` (`k × d`, row-major) with its shape, checked against the fitted feature count. */
function components(node: PyNode, input: FittedInput): { w: Float64Array; k: number; d: number } {
  const c = node.get('components_');
  const a = c.asArray();
  if (a.ndim !== 2) throw c.error(`should be 2-D, found shape (${a.shape.join(', ')})`);
  const [k, d] = a.shape;
  if (input.nFeatures !== undefined && d !== input.nFeatures) throw c.error(`has ${d} columns for ${input.nFeatures} features`);
  return { w: c.asFloat64Array(), k, d };
}

/**
 * `X @ W.T` as `k` output columns, each value summed over the features in order from zero (the
 * order of scipy's sparse product; numpy's BLAS product for dense X agrees within rounding).
 * `center`, when given, is subtracted from each value of X first.
 */
function project(cols: readonly NumericColumn[], rows: number, w: Float64Array, k: number, d: number, center?: Float64Array): Float64Array[] {
  const out: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    const acc = new Float64Array(rows);
    for (let j = 0; j < d; j++) {
      const wj = w[c * d + j];
      const col = cols[j];
      if (col instanceof SparseColumn) {
        if (center) throw new Error('internal: centring a sparse column');
        const { index, values } = col;
        for (let p = 0; p < index.length; p++) acc[index[p]] += values[p] * wj;
        continue;
      }
      if (center) {
        const m = center[j];
        for (let r = 0; r < rows; r++) acc[r] += (col[r] - m) * wj;
      } else {
        for (let r = 0; r < rows; r++) acc[r] += col[r] * wj;
      }
    }
    out.push(acc);
  }
  return out;
}

/** `_ClassNamePrefixFeaturesOutMixin`: `pca0`, `pca1`, … (the class name lowercased). */
function prefixedNames(className: string, k: number): () => readonly string[] {
  const prefix = shortName(className).toLowerCase();
  return () => Array.from({ length: k }, (_, i) => `${prefix}${i}`);
}

/** The projection's output as X for the next step. */
function outputTable(rows: number, columns: Float64Array[]): Table {
  return new Table(rows, columns);
}

/**
 * PCA and IncrementalPCA (`_BasePCA.transform`). From scikit-learn 1.5 the projection comes first
 * and `mean_ @ components_.T` is subtracted from it, and whitening divides by `sqrt(explained_variance_)`
 * clipped below at machine epsilon; before, X was centred first and the division was not clipped.
 * The fitted state is the same in both, so the release that saved it decides.
 */
export const pca: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const { w, k, d } = components(node, input);
  const meanNode = node.optional('mean_');
  const mean = meanNode?.asFloat64Array();
  if (mean && mean.length !== d) throw meanNode!.error(`has ${mean.length} values for ${d} features`);
  const whiten = node.optional('whiten')?.asBool() ?? false;
  const centreAfter = !releaseBefore(node, 1, 5);
  let scale: Float64Array | undefined;
  if (whiten) {
    const variance = node.float64('explained_variance_');
    if (variance.length !== k) throw node.get('explained_variance_').error(`has ${variance.length} values for ${k} components`);
    scale = variance.map((v) => {
      const s = Math.sqrt(v);
      return centreAfter && s < Number.EPSILON ? Number.EPSILON : s;
    });
  }
  // mean_ @ components_.T, subtracted after the projection (1.5+).
  const meanProjection = new Float64Array(k);
  if (mean && centreAfter) for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) meanProjection[c] += mean[j] * w[c * d + j];
  return {
    className: input.className,
    transform(x) {
      if (!centreAfter && x.sparse) throw new TypeError('A sparse matrix was passed, but dense data is required. Use X.toarray() to convert to a dense numpy array.');
      const cols = validateSparse(x, input);
      if (cols.length !== d) throw new Error(`X has ${cols.length} features, but ${shortName(input.className)} is expecting ${d} features as input.`);
      const dense = centreAfter ? cols : cols.map((c) => (c instanceof SparseColumn ? c.toDense() : c));
      const out = project(dense, x.rows, w, k, d, centreAfter ? undefined : mean);
      for (let c = 0; c < k; c++) {
        const col = out[c];
        if (mean && centreAfter) for (let r = 0; r < x.rows; r++) col[r] -= meanProjection[c];
        if (scale) for (let r = 0; r < x.rows; r++) col[r] /= scale[c];
      }
      return outputTable(x.rows, out);
    },
    featureNamesOut: prefixedNames(input.className, k),
  };
};

/** TruncatedSVD: `X @ components_.T`, no centring. */
export const truncatedSvd: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const { w, k, d } = components(node, input);
  const est: Estimator = {
    className: input.className,
    transform(x) {
      const cols = validateSparse(x, input);
      if (cols.length !== d) throw new Error(`X has ${cols.length} features, but TruncatedSVD is expecting ${d} features as input.`);
      return outputTable(x.rows, project(cols, x.rows, w, k, d));
    },
    featureNamesOut: prefixedNames(input.className, k),
  };
  return est;
};
