// Owns scikit-learn's DistanceMetric family that neighbour searches use (sklearn.metrics._dist_metrics):
// Euclidean, Manhattan, Chebyshev and (weighted) Minkowski, with the "reduced distance" each ranks
// by (squared Euclidean, Σ w|x − y|^p) and its conversions, computed as the Cython code does.

import { NdArray, type PyNode } from '../../pyobj/index.js';
import { pow } from './pow.js';

/** The metrics mlserve evaluates, as sklearn's DistanceMetric classes. */
export type MetricKind = 'euclidean' | 'manhattan' | 'chebyshev' | 'minkowski';

/** A distance metric with its reduced distance. */
export interface DistanceMetric {
  readonly kind: MetricKind;
  /** `DistanceMetric.p` (2, 1, ∞, or Minkowski's p): what a KD tree's node bounds use. */
  readonly p: number;
  /** Minkowski's weights (`w`), if any. */
  readonly w?: Float64Array;
  /** The reduced distance between `a[ao : ao + d]` and `b[bo : bo + d]`. */
  rdist(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number;
  /** The true distance (`dist`), as the Cython method computes it. */
  dist(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number;
  /** `_rdist_to_dist` (C). */
  rdistToDist(r: number): number;
  /** `_dist_to_rdist` (C). */
  distToRdist(d: number): number;
  /** The Python-level `rdist_to_dist` a tree query applies to its results (numpy's power). */
  rdistToDistNumpy(r: number): number;
}

/** C's `pow(x, p)` for x ≥ 0, rounded as glibc rounds it (Math.pow's last bit differs too often). */
export function powP(x: number, p: number): number {
  if (p === 1) return x;
  if (p === 2) return x * x;
  return x > 0 ? pow(x, p) : Math.pow(x, p);
}

/** numpy's `x ** e` with a scalar exponent: its fast paths (sqrt for 0.5, square for 2), else pow. */
function numpyPower(x: number, e: number): number {
  if (e === 0.5) return Math.sqrt(x);
  if (e === 1) return x;
  if (e === 2) return x * x;
  return x > 0 ? pow(x, e) : Math.pow(x, e);
}

/** `euclidean_rdist`: Σ (a − b)², in feature order. */
export function euclideanRdist(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = a[ao + j] - b[bo + j];
    s += t * t;
  }
  return s;
}

const EUCLIDEAN: DistanceMetric = {
  kind: 'euclidean',
  p: 2,
  rdist: euclideanRdist,
  dist: (a, ao, b, bo, d) => Math.sqrt(euclideanRdist(a, ao, b, bo, d)),
  rdistToDist: Math.sqrt,
  distToRdist: (x) => x * x,
  rdistToDistNumpy: Math.sqrt,
};

function manhattanDist(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += Math.abs(a[ao + j] - b[bo + j]);
  return s;
}

const identity = (x: number): number => x;

const MANHATTAN: DistanceMetric = {
  kind: 'manhattan',
  p: 1,
  rdist: manhattanDist,
  dist: manhattanDist,
  rdistToDist: identity,
  distToRdist: identity,
  rdistToDistNumpy: identity,
};

function chebyshevDist(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = Math.abs(a[ao + j] - b[bo + j]);
    // C's fmax: a NaN argument loses.
    if (t > s || s !== s) s = t;
  }
  return s;
}

const CHEBYSHEV: DistanceMetric = {
  kind: 'chebyshev',
  p: Infinity,
  rdist: chebyshevDist,
  dist: chebyshevDist,
  rdistToDist: identity,
  distToRdist: identity,
  rdistToDistNumpy: identity,
};

/** MinkowskiDistance(p, w): reduced distance Σ w_j |a_j − b_j|^p. */
function minkowski(p: number, w: Float64Array | undefined): DistanceMetric {
  const rdist = (a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number => {
    let s = 0;
    if (w) for (let j = 0; j < d; j++) s += w[j] * powP(Math.abs(a[ao + j] - b[bo + j]), p);
    else for (let j = 0; j < d; j++) s += powP(Math.abs(a[ao + j] - b[bo + j]), p);
    return s;
  };
  const inv = 1 / p;
  return {
    kind: 'minkowski',
    p,
    w,
    rdist,
    dist: (a, ao, b, bo, d) => powP(rdist(a, ao, b, bo, d), inv),
    rdistToDist: (r) => powP(r, inv),
    distToRdist: (x) => powP(x, p),
    rdistToDistNumpy: (r) => numpyPower(r, inv),
  };
}

/**
 * `DistanceMetric.get_metric(name, **params)` for the names sklearn maps to these classes
 * (minkowski with p = 1, 2, ∞ and no weights becomes Manhattan, Euclidean, Chebyshev); undefined
 * for names that are not DistanceMetrics (cosine, precomputed, scipy's metrics).
 */
export function metricByName(name: string, p: number | undefined, w: Float64Array | undefined, where: PyNode): DistanceMetric | undefined {
  switch (name) {
    case 'euclidean':
    case 'l2':
      return EUCLIDEAN;
    case 'manhattan':
    case 'cityblock':
    case 'l1':
      return MANHATTAN;
    case 'chebyshev':
    case 'infinity':
      return CHEBYSHEV;
    case 'minkowski':
    case 'p': {
      const q = p ?? 2;
      if (!(q > 0)) throw where.error(`has the Minkowski p ${q}; p must be > 0`);
      if (w && w.some((v) => !(v >= 0))) throw where.error('has negative Minkowski weights');
      if (!w && q === 1) return MANHATTAN;
      if (!w && q === 2) return EUCLIDEAN;
      if (q === Infinity) return w ? undefined : CHEBYSHEV;
      return minkowski(q, w);
    }
    default:
      return undefined;
  }
}

/**
 * The class of a Cython object pickled as `newObj(cls)` (its `__reduce__`), or as skops records it
 * (an object of that class): the short class name, `KDTree`, `EuclideanDistance64`…
 */
export function pickledClass(node: PyNode): string {
  const cls = node.className ?? '';
  if (/\.newObj$/.test(cls)) {
    const args = node.args();
    return args.length > 0 ? args[0].asGlobal().name : '';
  }
  return cls.slice(cls.lastIndexOf('.') + 1);
}

const PICKLED: Record<string, MetricKind> = {
  EuclideanDistance: 'euclidean',
  ManhattanDistance: 'manhattan',
  ChebyshevDistance: 'chebyshev',
  MinkowskiDistance: 'minkowski',
};

/**
 * A pickled DistanceMetric (a tree's `dist_metric`): `newObj(cls)` with state `(p, vec, mat)`,
 * class `EuclideanDistance` (≤ 1.2) or `EuclideanDistance64` (1.3+).
 */
export function readPickledMetric(node: PyNode): DistanceMetric {
  const cls = pickledClass(node);
  const base = cls.replace(/(64|32)$/, '');
  const kind = base ? PICKLED[base] : undefined;
  if (!kind) throw node.error(`is the distance metric ${cls || node.typeName}, which mlserve does not evaluate in a tree search`);
  if (kind === 'euclidean') return EUCLIDEAN;
  if (kind === 'manhattan') return MANHATTAN;
  if (kind === 'chebyshev') return CHEBYSHEV;
  const state = node.state().asList();
  if (state.length < 2) throw node.error('has a Minkowski state without p and w');
  const p = state[0].asFloat();
  const vec = state[1].value instanceof NdArray ? state[1].asFloat64Array() : new Float64Array(0);
  const m = metricByName('minkowski', p, vec.length > 0 ? vec : undefined, node);
  if (!m) throw node.error(`has a Minkowski metric with p = ${p} and weights, which sklearn does not build`);
  // A tree keeps the MinkowskiDistance it was given, even for p = 1 or 2.
  return m.kind === 'minkowski' ? m : minkowski(p, vec.length > 0 ? vec : undefined);
}
