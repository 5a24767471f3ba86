// Owns KNeighborsClassifier and KNeighborsRegressor: the k nearest training rows found the way the
// fitted model's `_fit_method` finds them (its pickled KD or ball tree, or brute force as ArgKmin
// or the pairwise-distance fallback computes it), then sklearn's votes (the smallest label wins a
// tie, as scipy's mode and numpy's argmax do), distance weights (an exact match takes all the
// weight) and averages, summed in numpy's order.

import { Tensor } from '../../data/tensor.js';
import { NdArray, type PyNode } from '../../pyobj/index.js';
import { type BinaryTree, queryTree, readBinaryTree } from './binary-tree.js';
import { type DistanceMetric, metricByName } from './distance-metrics.js';
import { type BuildContext, type Estimator, type EstimatorBuilder, fittedInput, releaseBefore } from './estimator.js';
import { interleave } from './tree-outputs.js';
import { Labels } from './labels.js';
import { pairwiseSum } from './math.js';
import { type DenseMatrix, densify, isSparse, readDense, readSparse } from './matrix.js';
import { type NeighborSort, introSort, simultaneousSort } from './neighbor-heap.js';
import { type Neighbors, bruteSearch, cosineDistances, euclideanBruteSearch, normalizeRows, selectFromDistances, squaredEuclideanDistances, squaredRowNorms } from './neighbor-search.js';
import { type FittedInput, type Table, rowMajor, shortName, validateNumeric } from './table.js';

/** The most values a sparse `_fit_X` may expand to (8 bytes each). */
const MAX_DENSE_FIT = 1 << 27;

/** Finds the k nearest training rows of row-major queries. */
type Search = (xs: Float64Array, n: number, withDistances: boolean) => Neighbors;

/** What every neighbours estimator reads: its input, k, the search, and whether weights are distances. */
interface Parts {
  readonly input: FittedInput;
  readonly k: number;
  readonly nFit: number;
  readonly features: number;
  readonly search: Search;
  readonly distanceWeights: boolean;
  /** sklearn ≥ 1.3 refuses rows whose neighbours all weigh zero. */
  readonly zeroWeightCheck: boolean;
}

/** `_fit_X` as a dense row-major matrix (a sparse one densified within a bound). */
function readFitX(node: PyNode): DenseMatrix {
  const fitNode = node.get('_fit_X');
  if (!isSparse(fitNode)) return readDense(fitNode);
  const s = readSparse(fitNode);
  if (s.rows * s.cols > MAX_DENSE_FIT) throw fitNode.error(`is a sparse ${s.rows} × ${s.cols} matrix, too large for mlserve to search`);
  return densify(s);
}

/** `effective_metric_params_`: Minkowski's p and w. */
function metricParams(node: PyNode): { p?: number; w?: Float64Array } {
  const params = node.optional('effective_metric_params_');
  if (!params) return {};
  const out: { p?: number; w?: Float64Array } = {};
  for (const [key, value] of params.asEntries()) {
    if (key === 'p') out.p = value.asFloat();
    else if (key === 'w') {
      if (value.isNone) continue;
      out.w = value.value instanceof NdArray ? value.asFloat64Array() : Float64Array.from(value.asList().map((v) => v.asFloat()));
    } else throw params.error(`has the metric parameter ${String(key)}, which mlserve does not evaluate`);
  }
  return out;
}

/** The brute-force search for the fitted metric (a metric mlserve does not evaluate is a PyTreeError). */
function bruteSearchFor(node: PyNode, fit: DenseMatrix, metricName: string, k: number, sort: NeighborSort): Search {
  const { rows: nFit, cols: d, data } = fit;
  // Before 1.1 brute force had no ArgKmin: every distance, then argpartition.
  const chunked = releaseBefore(node, 1, 1);
  if (chunked && (metricName === 'euclidean' || metricName === 'sqeuclidean')) {
    const norms = squaredRowNorms(data, nFit, d);
    return (xs, n) => {
      const nb = selectFromDistances(squaredEuclideanDistances(xs, n, data, norms, nFit, d), n, nFit, k);
      if (metricName === 'euclidean') for (let i = 0; i < nb.distances.length; i++) nb.distances[i] = Math.sqrt(nb.distances[i]);
      return nb;
    };
  }
  if (metricName === 'euclidean' || metricName === 'sqeuclidean') {
    // ArgKmin's Euclidean specialisation: ‖x‖² − 2 x·y + ‖y‖² (the true root unless squared).
    const norms = squaredRowNorms(data, nFit, d);
    const squared = metricName === 'sqeuclidean';
    return (xs, n, withDistances) => euclideanBruteSearch(xs, n, data, norms, nFit, d, k, withDistances && !squared, sort);
  }
  if (metricName === 'cosine') {
    const fitNormalized = normalizeRows(data, nFit, d);
    return (xs, n) => selectFromDistances(cosineDistances(xs, n, fitNormalized, nFit, d), n, nFit, k);
  }
  if (metricName === 'precomputed') {
    return (xs, n) => {
      for (let i = 0; i < xs.length; i++) if (xs[i] < 0) throw new Error('Negative values in data passed to precomputed distance matrix.');
      return selectFromDistances(xs, n, nFit, k);
    };
  }
  const { p, w } = metricParams(node);
  const metric: DistanceMetric | undefined = metricByName(metricName, p, w, node.get('effective_metric_'));
  if (!metric) throw node.get('effective_metric_').error(`is the metric '${metricName}', which mlserve does not evaluate`);
  if (metric.w && metric.w.length !== d) throw node.error(`has ${metric.w.length} Minkowski weights for ${d} features`);
  if (chunked) {
    return (xs, n) => {
      const dist = new Float64Array(n * nFit);
      for (let i = 0; i < n; i++) for (let j = 0; j < nFit; j++) dist[i * nFit + j] = metric.dist(xs, i * d, data, j * d, d);
      return selectFromDistances(dist, n, nFit, k);
    };
  }
  return (xs, n, withDistances) => bruteSearch(xs, n, data, nFit, d, k, (x, xo, y, yo) => metric.rdist(x, xo, y, yo, d), withDistances ? metric.rdistToDist : undefined, sort);
}

/** Reads what both neighbours estimators share; undefined when a part was recorded as unsupported. */
function readParts(node: PyNode, ctx: BuildContext): Parts | undefined {
  const input = fittedInput(node);
  const k = node.int('n_neighbors');
  if (k < 1) throw node.get('n_neighbors').error(`should be a positive int, found ${k}`);
  const weightsNode = node.get('weights');
  if (!weightsNode.isNone && typeof weightsNode.value !== 'string') {
    const name = weightsNode.className ?? (weightsNode.value as { qualname?: string }).qualname ?? weightsNode.typeName;
    ctx.unsupported(name, 'function', 'a callable neighbour weighting, which mlserve does not run');
    return undefined;
  }
  const weights = weightsNode.isNone ? 'uniform' : weightsNode.asStr();
  if (weights !== 'uniform' && weights !== 'distance') throw weightsNode.error(`is '${weights}', not 'uniform' or 'distance'`);
  const metricNode = node.get('effective_metric_');
  if (typeof metricNode.value !== 'string') {
    const name = metricNode.className ?? (metricNode.value as { qualname?: string }).qualname ?? metricNode.typeName;
    ctx.unsupported(name, 'function', 'a callable or object distance metric, which mlserve does not run');
    return undefined;
  }
  const method = node.str('_fit_method');
  // scikit-learn 1.9 sorts neighbours with an introsort; equally distant ones then come in another order.
  const sort = releaseBefore(node, 1, 9) ? simultaneousSort : introSort;
  let search: Search;
  let nFit: number;
  let features: number;
  if (method === 'kd_tree' || method === 'ball_tree') {
    const tree: BinaryTree = readBinaryTree(node.get('_tree'));
    nFit = tree.n;
    features = tree.d;
    search = (xs, n, withDistances) => queryTree(tree, xs, n, k, withDistances, sort);
  } else if (method === 'brute') {
    const fit = readFitX(node);
    nFit = fit.rows;
    features = metricNode.asStr() === 'precomputed' ? fit.rows : fit.cols;
    search = bruteSearchFor(node, fit, metricNode.asStr(), k, sort);
  } else throw node.get('_fit_method').error(`is '${method}', not one of 'brute', 'kd_tree', 'ball_tree'`);
  if (input.nFeatures !== undefined && input.nFeatures !== features) throw node.error(`was fitted on ${input.nFeatures} features, its training rows have ${features}`);
  return { input, k, nFit, features, search, distanceWeights: weights === 'distance', zeroWeightCheck: !releaseBefore(node, 1, 3) };
}

/** `kneighbors(X)` of a validated X: the neighbours and, for distance weights, `_get_weights`. */
function kneighbors(parts: Parts, x: Table): { nb: Neighbors; weights?: Float64Array } {
  const cols = validateNumeric(x, parts.input);
  const n = x.rows;
  if (cols.length !== parts.features) throw new Error(`X has ${cols.length} features, but ${shortName(parts.input.className)} is expecting ${parts.features} features as input.`);
  if (parts.k > parts.nFit) throw new Error(`Expected n_neighbors <= n_samples_fit, but n_neighbors = ${parts.k}, n_samples_fit = ${parts.nFit}, n_samples = ${n}`);
  const nb = parts.search(rowMajor(cols, n), n, parts.distanceWeights);
  // An index of −1 (a row no finite distance reached) is Python's last row.
  const idx = nb.indices;
  for (let i = 0; i < idx.length; i++) if (idx[i] < 0) idx[i] += parts.nFit;
  if (!parts.distanceWeights) return { nb };
  return { nb, weights: distanceWeights(nb, n, parts.zeroWeightCheck) };
}

/** `_get_weights(dist, "distance")`: 1 / d; a row with a zero distance weighs those neighbours 1, the others 0. */
function distanceWeights(nb: Neighbors, n: number, zeroCheck: boolean): Float64Array {
  const { k, distances } = nb;
  const w = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    let anyInf = false;
    for (let j = 0; j < k; j++) {
      w[o + j] = 1.0 / distances[o + j];
      if (w[o + j] === Infinity || w[o + j] === -Infinity) anyInf = true;
    }
    if (anyInf) for (let j = 0; j < k; j++) w[o + j] = w[o + j] === Infinity || w[o + j] === -Infinity ? 1 : 0;
    if (zeroCheck) {
      let all = true;
      for (let j = 0; j < k; j++) if (w[o + j] !== 0) all = false;
      if (all) throw new Error("All neighbors of some sample is getting zero weights. Please modify 'weights' to avoid this case if you are using a user-defined function.");
    }
  }
  return w;
}

/** One output of a classifier: its classes and each training row's class index. */
interface ClassOutput {
  readonly labels: Labels;
  readonly y: Int32Array;
}

/** `classes_` and `_y` of a (multi-output) classifier. */
function readClassOutputs(node: PyNode, nFit: number): ClassOutput[] {
  const multi = node.optional('outputs_2d_')?.asBool() ?? false;
  const classesNode = node.get('classes_');
  const yNode = node.get('_y');
  const yArr = yNode.asArray();
  const y = yNode.asInt32Array();
  const outputs = multi ? classesNode.asList() : [classesNode];
  const o = outputs.length;
  if (yArr.size !== nFit * o || (multi && (yArr.ndim !== 2 || yArr.shape[1] !== o))) throw yNode.error(`has shape (${yArr.shape.join(', ')}) for ${nFit} training rows and ${o} outputs`);
  return outputs.map((c, j) => {
    const labels = Labels.read(c);
    const col = new Int32Array(nFit);
    for (let r = 0; r < nFit; r++) {
      const v = y[r * o + j];
      if (!(v >= 0 && v < labels.size)) throw yNode.error(`holds the class index ${v}, outside the ${labels.size} classes`);
      col[r] = v;
    }
    return { labels, y: col };
  });
}

/** Per row, the class each output votes for: plain counts, or `weighted_mode` sums (numpy's pairwise sum over the k positions). */
function votes(out: ClassOutput, nb: Neighbors, n: number, weights: Float64Array | undefined): Int32Array {
  const { k, indices } = nb;
  const c = out.labels.size;
  const winners = new Int32Array(n);
  const counts = new Float64Array(c);
  const template = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    let best = 0;
    if (!weights) {
      counts.fill(0);
      for (let j = 0; j < k; j++) counts[out.y[indices[o + j]]]++;
      for (let cls = 1; cls < c; cls++) if (counts[cls] > counts[best]) best = cls;
    } else {
      // weighted_mode: classes in ascending order, a class replaces the current one only with a strictly larger sum.
      let bestCount = 0;
      for (let cls = 0; cls < c; cls++) {
        for (let j = 0; j < k; j++) template[j] = out.y[indices[o + j]] === cls ? weights[o + j] : 0;
        const sum = pairwiseSum(template, 0, k);
        if (sum > bestCount) {
          bestCount = sum;
          best = cls;
        }
      }
    }
    winners[r] = best;
  }
  return winners;
}

/** predict_proba of one output: per-class sums of weights (ones for uniform) in neighbour order, over their pairwise total. */
function probabilities(out: ClassOutput, nb: Neighbors, n: number, weights: Float64Array | undefined): Float64Array {
  const { k, indices } = nb;
  const c = out.labels.size;
  const proba = new Float64Array(n * c);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    const p = r * c;
    for (let j = 0; j < k; j++) proba[p + out.y[indices[o + j]]] += weights ? weights[o + j] : 1;
    let norm = pairwiseSum(proba, p, c);
    // 1.2 guards a zero total; later releases refuse such rows before.
    if (norm === 0) norm = 1;
    for (let cls = 0; cls < c; cls++) proba[p + cls] /= norm;
  }
  return proba;
}

/** KNeighborsClassifier: `predict` (majority or weighted vote) and `predict_proba`. */
export const kNeighborsClassifier: EstimatorBuilder = (node, ctx) => {
  const parts = readParts(node, ctx);
  if (!parts) return { className: node.className! };
  const outputs = readClassOutputs(node, parts.nFit);
  const first = (outputs.length > 1 ? node.get('classes_').asList()[0] : node.get('classes_')).asArray();
  const strWidth = first.dtype.kind === 'U' ? first.dtype.itemsize / 4 : 0;
  const est: { -readonly [K in keyof Estimator]: Estimator[K] } = {
    className: parts.input.className,
    estimatorType: 'classifier',
    predict(x) {
      const { nb, weights } = kneighbors(parts, x);
      const labels = outputs.map((out) => out.labels.take(votes(out, nb, x.rows, weights)));
      // Several outputs: numpy assigns each column into an array of the first output's dtype.
      return labels.length === 1 ? labels[0] : interleave(labels, x.rows, strWidth);
    },
  };
  if (outputs.length === 1) {
    est.predictProba = (x) => {
      const { nb, weights } = kneighbors(parts, x);
      return new Tensor('float64', [x.rows, outputs[0].labels.size], probabilities(outputs[0], nb, x.rows, weights));
    };
  } else {
    est.withheld = { predictProba: `predict_proba of a KNeighborsClassifier fitted on ${outputs.length} outputs is a list of arrays, which mlserve does not return; serve it with predict_fn predict` };
  }
  return est;
};

/**
 * KNeighborsRegressor: the mean of the neighbours' targets (numpy's pairwise sum for one target,
 * a running sum per target for several), or with distance weights `Σ y w / Σ w` (pairwise sums).
 */
export const kNeighborsRegressor: EstimatorBuilder = (node, ctx) => {
  const parts = readParts(node, ctx);
  if (!parts) return { className: node.className! };
  const yNode = node.get('_y');
  const yArr = yNode.asArray();
  const y = yNode.asFloat64Array();
  const o = yArr.ndim === 1 ? 1 : yArr.shape[1];
  if (yArr.ndim > 2 || yArr.shape[0] !== parts.nFit) throw yNode.error(`has shape (${yArr.shape.join(', ')}) for ${parts.nFit} training rows`);
  return {
    className: parts.input.className,
    estimatorType: 'regressor',
    predict(x) {
      const n = x.rows;
      const { nb, weights } = kneighbors(parts, x);
      const { k, indices } = nb;
      const out = new Float64Array(n * o);
      const buf = new Float64Array(k);
      for (let r = 0; r < n; r++) {
        const off = r * k;
        if (!weights) {
          for (let t = 0; t < o; t++) {
            let s = 0;
            if (o === 1) {
              for (let j = 0; j < k; j++) buf[j] = y[indices[off + j]];
              s = pairwiseSum(buf, 0, k);
            } else for (let j = 0; j < k; j++) s += y[indices[off + j] * o + t];
            out[r * o + t] = s / k;
          }
        } else {
          const denom = pairwiseSum(weights, off, k);
          for (let t = 0; t < o; t++) {
            for (let j = 0; j < k; j++) buf[j] = y[indices[off + j] * o + t] * weights[off + j];
            out[r * o + t] = pairwiseSum(buf, 0, k) / denom;
          }
        }
      }
      return new Tensor('float64', yArr.ndim === 1 ? [n] : [n, o], out);
    },
  };
};
