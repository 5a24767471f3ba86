// Owns scikit-learn's single trees: DecisionTreeClassifier/Regressor and ExtraTreeClassifier/
// Regressor (one or several outputs), their leaves' values as each release stores them, and
// the pieces the forests share (a classifier tree's per-leaf probabilities).

import { Tensor } from '../../data/tensor.js';
import type { PyNode } from '../../pyobj/index.js';
import type { NodeForest } from '../trees/node-forest.js';
import { type Estimator, type EstimatorBuilder, fittedInput } from './estimator.js';
import { pairwiseSum } from './math.js';
import { type ClassLabels, labelsByArgmax, probaTensor, readClassLabels } from './tree-outputs.js';
import { treeColumns } from './tree-input.js';
import { type SklearnTree, readSklearnTree, sklearnRelease, treeAcceptsNan, treeSource } from './tree-state.js';
import { type RowLayout, forestOf, leavesOf } from './tree-sum.js';
import type { Table } from './table.js';

/** A fitted tree estimator (`tree_` read), and whether it takes NaN at predict time. */
export interface FittedTree {
  readonly node: PyNode;
  readonly tree: SklearnTree;
  readonly acceptsNan: boolean;
}

/** Reads a DecisionTree or ExtraTree's `tree_`, checking it against the estimator's feature count. */
export function readFittedTree(node: PyNode, nFeatures?: number): FittedTree {
  const tree = readSklearnTree(node.get('tree_'));
  if (nFeatures !== undefined && tree.nFeatures !== nFeatures) throw node.error(`has a tree over ${tree.nFeatures} features, the estimator ${nFeatures}`);
  return { node, tree, acceptsNan: treeAcceptsNan(node, tree) };
}

/** The row layout for trees walked as sklearn's `apply` does (float32 values, NaN by `missing_go_to_left`). */
export function treeLayout(trees: readonly SklearnTree[], width: number): RowLayout {
  const copies = trees.some((t) => t.missingLeft?.includes(1)) ? 2 : 1;
  return { width, copies, round32: true };
}

/**
 * Whether a classifier tree's `value` holds weighted class counts (before 1.4: probabilities are
 * counts normalised at predict time) or class fractions (1.4+, normalised at fit). The root
 * tells: its values sum to its weighted sample count, or to 1; when that count is 1 itself, the
 * release does.
 */
export function valuesAreCounts(t: SklearnTree, estimator: PyNode): boolean {
  const w = t.weightedSamples[0];
  const sum = pairwiseSum(t.values, 0, t.nClasses[0]);
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  if (!near(w, 1)) {
    if (near(sum, w)) return true;
    if (near(sum, 1)) return false;
  }
  const release = sklearnRelease(estimator);
  return release !== undefined && (release[0] < 1 || (release[0] === 1 && release[1] < 4));
}

/**
 * The leaves' class probabilities, `numLeaves × outputs × maxClasses` by leaf index: class
 * fractions as stored, or counts normalised as sklearn's `predict_proba` did before 1.4
 * (`proba / proba.sum(axis=1)`, a zero sum left as is).
 */
export function leafProbabilities(t: SklearnTree, forest: NodeForest, leafBase: number, numLeaves: number, counts: boolean, out: Float64Array, outOffset: number): void {
  const { nOutputs: O, maxClasses: M, nClasses, values } = t;
  const size = O * M;
  for (let l = 0; l < numLeaves; l++) {
    const src = forest.leafSource[leafBase + l] * size;
    const dst = outOffset + l * size;
    for (let k = 0; k < O; k++) {
      const s = src + k * M;
      const d = dst + k * M;
      const nk = nClasses[k];
      let norm = 1;
      if (counts) {
        norm = pairwiseSum(values, s, nk);
        if (norm === 0) norm = 1;
      }
      // Columns past an output's classes are padding (zero), left out of sklearn's probabilities.
      for (let c = 0; c < M; c++) out[d + c] = c >= nk ? 0 : counts ? values[s + c] / norm : values[s + c];
    }
  }
}

/** The leaves' raw values, `numLeaves × outputs × maxClasses` by leaf index. */
function leafValues(t: SklearnTree, forest: NodeForest): Float64Array {
  const size = t.nOutputs * t.maxClasses;
  const out = new Float64Array(forest.numLeaves * size);
  for (let l = 0; l < forest.numLeaves; l++) out.set(t.values.subarray(forest.leafSource[l] * size, (forest.leafSource[l] + 1) * size), l * size);
  return out;
}

/** Rows gathered from per-leaf blocks: `out[r] = values[leaf[r]]`. */
function gather(values: Float64Array, size: number, leaves: Int32Array): Float64Array {
  const out = new Float64Array(leaves.length * size);
  for (let r = 0; r < leaves.length; r++) out.set(values.subarray(leaves[r] * size, (leaves[r] + 1) * size), r * size);
  return out;
}

interface TreeWalk {
  readonly forest: NodeForest;
  readonly layout: RowLayout;
  readonly leaves: (x: Table) => Int32Array;
}

function treeWalk(node: PyNode): { walk: TreeWalk; fitted: FittedTree } {
  const input = fittedInput(node);
  const fitted = readFittedTree(node, input.nFeatures);
  const layout = treeLayout([fitted.tree], fitted.tree.nFeatures);
  const forest = forestOf(node, [treeSource(fitted.tree, layout.width, true)], layout);
  const leaves = (x: Table) => leavesOf(forest, layout, treeColumns(x, input, fitted.acceptsNan), x.rows);
  return { walk: { forest, layout, leaves }, fitted };
}

/** DecisionTreeClassifier, ExtraTreeClassifier: labels by first argmax of the leaf's values, probabilities, their logs. */
export const treeClassifier: EstimatorBuilder = (node) => {
  const { walk, fitted } = treeWalk(node);
  const t = fitted.tree;
  const classes: ClassLabels = readClassLabels(node, t.nOutputs);
  classes.counts.forEach((k, i) => {
    if (k !== t.nClasses[i]) throw node.error(`has ${k} classes for output ${i}, its tree ${t.nClasses[i]}`);
  });
  const size = t.nOutputs * t.maxClasses;
  const raw = leafValues(t, walk.forest);
  const counts = valuesAreCounts(t, node);
  const proba = counts ? new Float64Array(raw.length) : raw;
  if (counts) leafProbabilities(t, walk.forest, 0, walk.forest.numLeaves, true, proba, 0);
  return {
    className: node.className!,
    predict: (x) => labelsByArgmax(classes, gather(raw, size, walk.leaves(x)), x.rows, t.maxClasses),
    predictProba: (x) => probaTensor(classes, gather(proba, size, walk.leaves(x)), x.rows, t.maxClasses, false),
    predictLogProba: (x) => probaTensor(classes, gather(proba, size, walk.leaves(x)), x.rows, t.maxClasses, true),
  } satisfies Estimator;
};

/** DecisionTreeRegressor, ExtraTreeRegressor: the leaf's value, `[n]` or `[n, outputs]`. */
export const treeRegressor: EstimatorBuilder = (node) => {
  const { walk, fitted } = treeWalk(node);
  const t = fitted.tree;
  if (t.maxClasses !== 1) throw node.error(`has a regression tree with ${t.maxClasses} values per output`);
  const values = leafValues(t, walk.forest);
  return {
    className: node.className!,
    predict(x) {
      const out = gather(values, t.nOutputs, walk.leaves(x));
      return new Tensor('float64', t.nOutputs === 1 ? [x.rows] : [x.rows, t.nOutputs], out);
    },
  };
};
