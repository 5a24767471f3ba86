// Owns scikit-learn's GradientBoostingClassifier and GradientBoostingRegressor: the init
// estimator's raw predictions ('zero', a DummyEstimator, or any estimator mlserve evaluates), then
// `learning_rate × tree value` added stage by stage as `predict_stages` does, then the loss's
// labels and probabilities.

import { Tensor } from '../../data/tensor.js';
import type { PyNode } from '../../pyobj/index.js';
import { type BuildContext, type Estimator, type EstimatorBuilder, fittedInput } from './estimator.js';
import { type BoostingLoss, readBoostingLoss } from './gb-losses.js';
import { Labels } from './labels.js';
import { logInPlace } from './math.js';
import { type Table, numericTable } from './table.js';
import { readFittedTree } from './tree.js';
import { float32Columns, treeColumns } from './tree-input.js';
import { treeSource } from './tree-state.js';
import { type TreeSum, addTrees, forestOf } from './tree-sum.js';

interface Boosting {
  readonly loss: BoostingLoss;
  /** `decision_function`'s raw predictions, `rows × k`. */
  raw(x: Table): Float64Array;
}

/**
 * Reads `estimators_` (an object array of DecisionTreeRegressor, stages × k), `learning_rate`,
 * `_loss` and `init_`. X is checked as the trees check it (float32, finite: GradientBoosting's
 * predict refuses NaN in every release), and the init estimator sees it as float32, as it does
 * in sklearn (`_raw_predict_init` validates X through the first tree first).
 */
function readBoosting(node: PyNode, ctx: BuildContext, nClasses: number): Boosting {
  const input = fittedInput(node);
  const loss = readBoostingLoss(node, nClasses);
  const estimatorsNode = node.get('estimators_');
  const shape = estimatorsNode.asArray().shape;
  if (shape.length !== 2 || shape[1] !== loss.k || shape[0] === 0) throw estimatorsNode.error(`should be an array of (stages, ${loss.k}) trees, found shape (${shape.join(', ')})`);
  const count = shape[0] * shape[1];
  const members = Array.from({ length: count }, (_, i) => readFittedTree(estimatorsNode.at(i), input.nFeatures));
  const width = members[0].tree.nFeatures;
  for (const m of members) {
    const t = m.tree;
    if (t.nFeatures !== width || t.nOutputs !== 1 || t.maxClasses !== 1) throw m.node.error('is not a single-output regression tree over the model\'s features');
  }
  const layout = { width, copies: 1, round32: true } as const;
  // predict_stages compares `X[i, f] <= threshold` only: NaN (never accepted here) would go right.
  const forest = forestOf(node, members.map((m) => treeSource(m.tree, width, false)), layout);
  const leafValues = new Float64Array(forest.numLeaves);
  for (let l = 0; l < forest.numLeaves; l++) leafValues[l] = members[forest.leafTree[l]].tree.values[forest.leafSource[l]];
  const offset = Int32Array.from({ length: count }, (_, t) => t % loss.k);
  const sum: TreeSum = { forest, layout, leafValues, leafWidth: 1, outputs: loss.k, offset, scale: node.float('learning_rate') };
  const initNode = node.get('init_');
  const init: Estimator | 'zero' = initNode.value === 'zero' ? 'zero' : ctx.child(initNode, 'init_');
  return {
    loss,
    raw(x) {
      const cols = treeColumns(x, input, false);
      const out = init === 'zero' ? new Float64Array(x.rows * loss.k) : loss.initRaw(init, numericTable(x.rows, float32Columns(cols)));
      addTrees(sum, cols, x.rows, out);
      return out;
    },
  };
}

/** GradientBoostingClassifier: labels, probabilities and their logs by its loss; the decision function. */
export const gradientBoostingClassifier: EstimatorBuilder = (node, ctx) => {
  const classes = Labels.read(node.get('classes_'));
  const b = readBoosting(node, ctx, classes.size);
  const { decide, proba } = b.loss;
  if (!decide || !proba) throw node.error('has a regression loss');
  const probaTensor = (x: Table, log: boolean) => {
    const p = proba(b.raw(x), x.rows);
    return new Tensor('float64', [x.rows, classes.size], log ? logInPlace(p) : p);
  };
  return {
    className: node.className!,
    predict: (x) => classes.take(decide(b.raw(x), x.rows)),
    predictProba: (x) => probaTensor(x, false),
    predictLogProba: (x) => probaTensor(x, true),
    decisionFunction: (x) => new Tensor('float64', b.loss.k === 1 ? [x.rows] : [x.rows, b.loss.k], b.raw(x)),
  };
};

/** GradientBoostingRegressor: the raw prediction. */
export const gradientBoostingRegressor: EstimatorBuilder = (node, ctx) => {
  const b = readBoosting(node, ctx, 0);
  return {
    className: node.className!,
    predict: (x) => new Tensor('float64', [x.rows], b.raw(x)),
  };
};
