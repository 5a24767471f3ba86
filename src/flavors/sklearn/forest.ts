// Owns scikit-learn's forests: RandomForestClassifier/Regressor and ExtraTreesClassifier/
// Regressor (one or several outputs): every member tree in one node space, walked together, the
// members' outputs summed in `estimators_` order and divided by their number, as sklearn does.

import { Tensor } from '../../data/tensor.js';
import type { PyNode } from '../../pyobj/index.js';
import { type EstimatorBuilder, fittedInput } from './estimator.js';
import type { FittedInput, Table } from './table.js';
import { type FittedTree, leafProbabilities, readFittedTree, treeLayout, valuesAreCounts } from './tree.js';
import { treeColumns } from './tree-input.js';
import { type ClassLabels, labelsByArgmax, probaTensor, readClassLabels } from './tree-outputs.js';
import { sklearnRelease, treeSource } from './tree-state.js';
import { type TreeSum, addTrees, forestOf } from './tree-sum.js';

interface Forest {
  readonly input: FittedInput;
  readonly members: readonly FittedTree[];
  readonly acceptsNan: boolean;
  /** Builds the sum of the members' leaf values, `width` values per leaf from `leaf(member, …)`. */
  sum(width: number, fill: (member: FittedTree, sum: Omit<TreeSum, 'leafValues'>, leafBase: number, leaves: number, out: Float64Array, at: number) => void): TreeSum;
}

/** The members (`estimators_`) with the forest's feature checks; NaN as the first member takes it (1.4+). */
function readForest(node: PyNode): Forest {
  const input = fittedInput(node);
  const list = node.list('estimators_');
  if (list.length === 0) throw node.error('has no estimators_');
  const members = list.map((m) => readFittedTree(m, input.nFeatures));
  const first = members[0].tree;
  for (const m of members) {
    const t = m.tree;
    if (t.nFeatures !== first.nFeatures || t.nOutputs !== first.nOutputs || t.nClasses.some((k, i) => k !== first.nClasses[i])) {
      throw m.node.error('has a tree of another shape than the forest\'s first');
    }
  }
  const release = sklearnRelease(node);
  // Forests take missing values from 1.4 on, when their first tree does (`_validate_X_predict`).
  const acceptsNan = (release === undefined || release[0] > 1 || release[1] >= 4) && members[0].acceptsNan;
  const layout = treeLayout(members.map((m) => m.tree), first.nFeatures);
  const forest = forestOf(node, members.map((m) => treeSource(m.tree, layout.width, true)), layout);
  return {
    input,
    members,
    acceptsNan,
    sum(width, fill) {
      const base = { forest, layout, leafWidth: width, outputs: width, offset: null, scale: 1 };
      const leafValues = new Float64Array(forest.numLeaves * width);
      let leafBase = 0;
      for (let t = 0; t < members.length; t++) {
        let leaves = 0;
        while (leafBase + leaves < forest.numLeaves && forest.leafTree[leafBase + leaves] === t) leaves++;
        fill(members[t], base, leafBase, leaves, leafValues, leafBase * width);
        leafBase += leaves;
      }
      return { ...base, leafValues };
    },
  };
}

/** The mean of the members' outputs: a sum from zero in member order, then `/= n_estimators`. */
function mean(f: Forest, sum: TreeSum, x: Table): Float64Array {
  const cols = treeColumns(x, f.input, f.acceptsNan);
  const out = new Float64Array(x.rows * sum.outputs);
  addTrees(sum, cols, x.rows, out);
  const n = f.members.length;
  for (let i = 0; i < out.length; i++) out[i] /= n;
  return out;
}

/** RandomForestClassifier, ExtraTreesClassifier: mean class probabilities, labels by their first argmax, logs. */
export const forestClassifier: EstimatorBuilder = (node) => {
  const f = readForest(node);
  const t0 = f.members[0].tree;
  const classes: ClassLabels = readClassLabels(node, t0.nOutputs);
  classes.counts.forEach((k, i) => {
    if (k !== t0.nClasses[i]) throw node.error(`has ${k} classes for output ${i}, its trees ${t0.nClasses[i]}`);
  });
  const M = t0.maxClasses;
  const sum = f.sum(t0.nOutputs * M, (m, s, leafBase, leaves, out, at) => leafProbabilities(m.tree, s.forest, leafBase, leaves, valuesAreCounts(m.tree, m.node), out, at));
  return {
    className: node.className!,
    predict: (x) => labelsByArgmax(classes, mean(f, sum, x), x.rows, M),
    predictProba: (x) => probaTensor(classes, mean(f, sum, x), x.rows, M, false),
    predictLogProba: (x) => probaTensor(classes, mean(f, sum, x), x.rows, M, true),
  };
};

/** RandomForestRegressor, ExtraTreesRegressor: the members' mean value, `[n]` or `[n, outputs]`. */
export const forestRegressor: EstimatorBuilder = (node) => {
  const f = readForest(node);
  const t0 = f.members[0].tree;
  if (t0.maxClasses !== 1) throw node.error(`has regression trees with ${t0.maxClasses} values per output`);
  const O = t0.nOutputs;
  const sum = f.sum(O, (m, s, leafBase, leaves, out, at) => {
    for (let l = 0; l < leaves; l++) out.set(m.tree.values.subarray(s.forest.leafSource[leafBase + l] * O, (s.forest.leafSource[leafBase + l] + 1) * O), at + l * O);
  });
  return {
    className: node.className!,
    predict: (x) => new Tensor('float64', O === 1 ? [x.rows] : [x.rows, O], mean(f, sum, x)),
  };
};
