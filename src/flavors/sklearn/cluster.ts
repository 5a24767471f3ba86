// Owns scikit-learn's k-means models (KMeans, MiniBatchKMeans): `predict` assigns each row to the
// nearest of `cluster_centers_` as Lloyd's E-step does (‖c‖² − 2 x·c, the first centre on a tie),
// and `transform` gives the distances to every centre as `euclidean_distances` computes them.

import { Tensor } from '../../data/tensor.js';
import { type EstimatorBuilder, fittedInput } from './estimator.js';
import { Table, rowMajor, shortName, validateNumeric } from './table.js';

/** KMeans and MiniBatchKMeans: `predict` (int32 cluster indices, as sklearn returns them) and `transform`. */
export const kmeans: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const centersNode = node.get('cluster_centers_');
  const shape = centersNode.asArray().shape;
  if (shape.length !== 2 || shape[0] < 1) throw centersNode.error(`should be a (n_clusters, n_features) array, found shape (${shape.join(', ')})`);
  const [k, d] = shape;
  if (input.nFeatures !== undefined && d !== input.nFeatures) throw centersNode.error(`has ${d} columns for ${input.nFeatures} features`);
  const centers = centersNode.asFloat64Array();
  // row_norms(cluster_centers_, squared=True), computed once as predict computes it each call.
  const norms = new Float64Array(k);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) norms[c] += centers[c * d + j] * centers[c * d + j];
  const rows = (x: Table): Float64Array => {
    const cols = validateNumeric(x, input);
    if (cols.length !== d) throw new Error(`X has ${cols.length} features, but ${shortName(input.className)} is expecting ${d} features as input.`);
    return rowMajor(cols, x.rows);
  };
  const dot = (xs: Float64Array, o: number, c: number): number => {
    let s = 0;
    for (let j = 0; j < d; j++) s += xs[o + j] * centers[c * d + j];
    return s;
  };
  return {
    className: input.className,
    predict(x) {
      const xs = rows(x);
      const labels = new Int32Array(x.rows);
      for (let r = 0, o = 0; r < x.rows; r++, o += d) {
        let best = 0;
        let min = norms[0] + -2 * dot(xs, o, 0);
        for (let c = 1; c < k; c++) {
          const v = norms[c] + -2 * dot(xs, o, c);
          if (v < min) {
            min = v;
            best = c;
          }
        }
        labels[r] = best;
      }
      return new Tensor('int32', [x.rows], labels);
    },
    transform(x) {
      const xs = rows(x);
      const out = Array.from({ length: k }, () => new Float64Array(x.rows));
      for (let r = 0, o = 0; r < x.rows; r++, o += d) {
        let xx = 0;
        for (let j = 0; j < d; j++) xx += xs[o + j] * xs[o + j];
        for (let c = 0; c < k; c++) {
          // euclidean_distances: (−2 x·c + ‖x‖²) + ‖c‖², negatives clipped to zero, then the root.
          const sq = -2 * dot(xs, o, c) + xx + norms[c];
          out[c][r] = Math.sqrt(sq > 0 ? sq : 0);
        }
      }
      return new Table(x.rows, out);
    },
    featureNamesOut: () => Array.from({ length: k }, (_, i) => `${shortName(input.className).toLowerCase()}${i}`),
  };
};
