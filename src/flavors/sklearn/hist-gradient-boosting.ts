// Owns scikit-learn's HistGradientBoostingClassifier and HistGradientBoostingRegressor: every
// TreePredictor in one node space (numeric splits `x <= num_threshold` on float64, NaN by
// `missing_go_to_left`; categorical splits by bit sets, unknown categories as missing), leaves
// added to `_baseline_prediction` iteration by iteration, then the loss's link.

import { Tensor } from '../../data/tensor.js';
import type { NdArray, PyNode } from '../../pyobj/index.js';
import type { SourceTree } from '../trees/node-forest.js';
import { type BuildContext, type EstimatorBuilder, floatVector } from './estimator.js';
import { twoColumns } from './gb-losses.js';
import { type HgbInput, rawCategory, readHgbInput } from './hgb-input.js';
import { Labels } from './labels.js';
import { argmaxRows, expit, softmaxRows } from './math.js';
import type { Table } from './table.js';
import { type TreeSum, addTrees, forestOf } from './tree-sum.js';

/** Words of a categorical bit set (256 categories: scikit-learn bins categories as uint8). */
const CAT_WORDS = 8;

interface Hgb {
  /** Raw predictions per row (`n_trees_per_iteration_`). */
  readonly k: number;
  /** The link of `_loss` (`IdentityLink`, `LogLink`, `LogitLink`, `MultinomialLogit`, …). */
  readonly link: string;
  /** True from 1.4 (the state has `_preprocessor`): labels from raw values, not from probabilities. */
  readonly labelsFromRaw: boolean;
  raw(x: Table): Float64Array;
}

function field(nodes: PyNode, a: NdArray, name: string): NdArray {
  try {
    return a.field(name);
  } catch (err) {
    throw nodes.error((err as Error).message);
  }
}

/** The categories each categorical feature knew at fit (`_bin_mapper.bin_thresholds_`), as bit sets over their uint8 values. */
function knownCategories(mapper: PyNode, width: number): { categorical: Uint8Array; known: (Uint32Array | null)[] } {
  const isCat = mapper.get('is_categorical_').asInt32Array();
  if (isCat.length !== width) throw mapper.error(`marks ${isCat.length} features, the model has ${width}`);
  const thresholds = mapper.list('bin_thresholds_');
  if (thresholds.length !== width) throw mapper.error(`has bin thresholds for ${thresholds.length} features, the model has ${width}`);
  const categorical = Uint8Array.from(isCat, (v) => (v ? 1 : 0));
  const known = Array.from(categorical, (c, f) => {
    if (!c) return null;
    const bits = new Uint32Array(CAT_WORDS);
    for (const v of thresholds[f].asFloat64Array()) {
      const code = rawCategory(v);
      if (!(code >= 0 && code < 32 * CAT_WORDS)) throw thresholds[f].error(`holds category ${v}, outside 0…255`);
      bits[code >>> 5] |= 1 << (code & 31);
    }
    return bits;
  });
  return { categorical, known };
}

/** One TreePredictor as the shared walk reads it; `leafValue` collects its leaves' values. */
function predictorSource(p: PyNode, width: number, known: (Uint32Array | null)[], values: Map<SourceTree, Float64Array>): SourceTree {
  const nodesNode = p.get('nodes');
  const nodes = nodesNode.asArray();
  if (nodes.ndim !== 1) throw nodesNode.error('should be a 1-D array of nodes');
  const get = (name: string) => field(nodesNode, nodes, name);
  const value = get('value').toFloat64Array();
  const feature = get('feature_idx').toInt32Array();
  const threshold = get('num_threshold').toFloat64Array();
  const missingLeft = get('missing_go_to_left').toInt32Array();
  const left = get('left').toFloat64Array();
  const right = get('right').toFloat64Array();
  const isLeaf = get('is_leaf').toInt32Array();
  const isCat = get('is_categorical').toInt32Array();
  const bitsetIdx = get('bitset_idx').toFloat64Array();
  const rawLeftNode = p.optional('raw_left_cat_bitsets');
  const rawLeft = rawLeftNode?.asArray();
  const rawLeftBits = rawLeft ? Uint32Array.from(rawLeft.toFloat64Array()) : new Uint32Array(0);
  if (rawLeft && rawLeft.size > 0 && (rawLeft.ndim !== 2 || rawLeft.shape[1] !== CAT_WORDS)) throw rawLeftNode!.error(`should have shape (n, ${CAT_WORDS})`);
  const source: SourceTree = {
    count: nodes.shape[0],
    isLeaf: (n) => isLeaf[n] !== 0,
    left: (n) => left[n],
    right: (n) => right[n],
    // Numeric nodes whose missing values go left read the row's copy with NaN as -Infinity.
    column: (n) => (feature[n] < 0 || feature[n] >= width ? -1 : !isCat[n] && missingLeft[n] ? feature[n] + width : feature[n]),
    threshold: (n) => threshold[n],
    categories(n) {
      if (!isCat[n]) return undefined;
      const b = bitsetIdx[n];
      const knownBits = known[feature[n]];
      if (!knownBits) throw p.error(`has a categorical split on feature ${feature[n]}, which is not categorical`);
      if (!((b + 1) * CAT_WORDS <= rawLeftBits.length)) throw p.error(`has a categorical split with bit set ${b}, beyond its raw_left_cat_bitsets`);
      // Left: the categories of the split; right: the other known ones; unknown ones go where missing values go.
      const bits = new Uint32Array(CAT_WORDS);
      const unknown = missingLeft[n] ? 0xffffffff : 0;
      for (let w = 0; w < CAT_WORDS; w++) bits[w] = rawLeftBits[b * CAT_WORDS + w] | (~knownBits[w] & unknown);
      return { bits, otherLeft: missingLeft[n] !== 0 };
    },
  };
  values.set(source, value);
  return source;
}

function readHgb(node: PyNode, ctx: BuildContext): Hgb {
  const k = node.int('n_trees_per_iteration_');
  const baseline = floatVector(node.get('_baseline_prediction'));
  if (baseline.length !== k) throw node.get('_baseline_prediction').error(`has ${baseline.length} values for ${k} trees per iteration`);
  const { categorical, known } = knownCategories(node.get('_bin_mapper'), node.optional('_n_features')?.asInt() ?? node.int('n_features_in_'));
  const width = categorical.length;
  const input: HgbInput = readHgbInput(node, ctx, categorical);
  const values = new Map<SourceTree, Float64Array>();
  const trees: SourceTree[] = [];
  for (const iteration of node.list('_predictors')) {
    const predictors = iteration.asList();
    if (predictors.length !== k) throw iteration.error(`has ${predictors.length} predictors, expected ${k}`);
    for (const p of predictors) trees.push(predictorSource(p, width, known, values));
  }
  const layout = { width, copies: 2, round32: false } as const;
  const forest = forestOf(node, trees, layout, CAT_WORDS);
  const leafValues = new Float64Array(forest.numLeaves);
  for (let l = 0; l < forest.numLeaves; l++) leafValues[l] = values.get(trees[forest.leafTree[l]])![forest.leafSource[l]];
  const offset = Int32Array.from(trees, (_, t) => t % k);
  const sum: TreeSum = { forest, layout, leafValues, leafWidth: 1, outputs: k, offset, scale: 1 };
  const loss = node.get('_loss');
  const link = loss.get('link');
  return {
    k,
    link: (link.className ?? link.typeName).replace(/^sklearn\._loss\.link\./, ''),
    labelsFromRaw: node.has('_preprocessor'),
    raw(x) {
      const cols = input(x);
      const out = new Float64Array(x.rows * k);
      for (let r = 0; r < x.rows; r++) out.set(baseline, r * k);
      addTrees(sum, cols, x.rows, out);
      return out;
    },
  };
}

/** HistGradientBoostingRegressor: `link.inverse(raw)` (identity, or exp for the log link). */
export const histGradientBoostingRegressor: EstimatorBuilder = (node, ctx) => {
  const h = readHgb(node, ctx);
  if (h.k !== 1) throw node.error(`has ${h.k} trees per iteration`);
  if (h.link !== 'IdentityLink' && h.link !== 'LogLink') throw node.get('_loss').error(`has a link mlserve does not know (${h.link})`);
  const exp = h.link === 'LogLink';
  return {
    className: node.className!,
    predict(x) {
      const raw = h.raw(x);
      if (exp) for (let i = 0; i < raw.length; i++) raw[i] = Math.exp(raw[i]);
      return new Tensor('float64', [x.rows], raw);
    },
  };
};

/** HistGradientBoostingClassifier: probabilities through the loss's link, labels, the decision function. */
export const histGradientBoostingClassifier: EstimatorBuilder = (node, ctx) => {
  const h = readHgb(node, ctx);
  const classes = Labels.read(node.get('classes_'));
  const binary = h.link === 'LogitLink';
  if (binary ? classes.size !== 2 || h.k !== 1 : h.link !== 'MultinomialLogit' || h.k !== classes.size) {
    throw node.get('_loss').error(`has link ${h.link} with ${h.k} trees per iteration for ${classes.size} classes`);
  }
  const n = classes.size;
  const proba = (raw: Float64Array, rows: number): Float64Array => (binary ? twoColumns(raw, rows, expit) : softmaxRows(raw, rows, n));
  return {
    className: node.className!,
    predict(x) {
      const raw = h.raw(x);
      // 1.4+: `raw > 0` (a tie is class 0, as argmax of [0.5, 0.5]) or argmax of raw; before: argmax of the probabilities.
      if (!h.labelsFromRaw) return classes.take(argmaxRows(proba(raw, x.rows), x.rows, n));
      if (binary) return classes.take(Int32Array.from(raw, (v) => (v > 0 ? 1 : 0)));
      return classes.take(argmaxRows(raw, x.rows, n));
    },
    predictProba: (x) => new Tensor('float64', [x.rows, n], proba(h.raw(x), x.rows)),
    decisionFunction: (x) => new Tensor('float64', h.k === 1 ? [x.rows] : [x.rows, h.k], h.raw(x)),
  };
};
