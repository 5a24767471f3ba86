// Owns reading scikit-learn's fitted `sklearn.tree._tree.Tree` (the `tree_` of every tree and
// forest member) from its pickled state, in each release's node layout, and when a fitted tree
// takes missing values at predict time.

import type { PyNode } from '../../pyobj/index.js';
import type { SourceTree } from '../trees/node-forest.js';

/** sklearn's `_TREE_LEAF`: the `left_child` of a leaf. */
const TREE_LEAF = -1;

/** A fitted Tree's arrays. `values` is `nodeCount × nOutputs × maxClasses`, row-major. */
export interface SklearnTree {
  readonly nodeCount: number;
  readonly nFeatures: number;
  readonly nOutputs: number;
  /** Classes per output (1 for a regressor's outputs). */
  readonly nClasses: Int32Array;
  readonly maxClasses: number;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** `missing_go_to_left` (scikit-learn 1.3+, 8-field nodes); null for 7-field nodes (no missing-value support). */
  readonly missingLeft: Uint8Array | null;
  readonly weightedSamples: Float64Array;
  readonly values: Float64Array;
}

/** Reads `tree_` (a `Tree(n_features, n_classes, n_outputs)` record with `nodes` and `values`). */
export function readSklearnTree(tree: PyNode): SklearnTree {
  if (tree.className !== 'sklearn.tree._tree.Tree') throw tree.error(`should be a sklearn.tree._tree.Tree, found ${tree.typeName}`);
  const args = tree.args();
  if (args.length !== 3) throw tree.error(`should be built from (n_features, n_classes, n_outputs), found ${args.length} arguments`);
  const nFeatures = args[0].asInt();
  const nClasses = args[1].asInt32Array();
  const nOutputs = args[2].asInt();
  if (nOutputs < 1 || nClasses.length !== nOutputs) throw tree.error(`has ${nClasses.length} class counts for ${nOutputs} outputs`);
  let maxClasses = 0;
  for (const k of nClasses) {
    if (k < 1) throw tree.error(`has an output with ${k} classes`);
    maxClasses = Math.max(maxClasses, k);
  }
  const nodesNode = tree.get('nodes');
  const nodes = nodesNode.asArray();
  if (nodes.ndim !== 1) throw nodesNode.error(`should be a 1-D array of nodes, found shape (${nodes.shape.join(', ')})`);
  const nodeCount = nodes.shape[0];
  const declared = tree.optional('node_count')?.asInt();
  if (declared !== undefined && declared !== nodeCount) throw tree.error(`has node_count ${declared} but ${nodeCount} nodes`);
  const field = (name: string) => {
    try {
      return nodes.field(name);
    } catch (err) {
      throw nodesNode.error((err as Error).message);
    }
  };
  const hasMissing = nodes.dtype.field('missing_go_to_left') !== undefined;
  const valuesNode = tree.get('values');
  const valuesArray = valuesNode.asArray();
  const shape = valuesArray.shape;
  if (shape.length !== 3 || shape[0] !== nodeCount || shape[1] !== nOutputs || shape[2] !== maxClasses) {
    throw valuesNode.error(`should have shape (${nodeCount}, ${nOutputs}, ${maxClasses}), found (${shape.join(', ')})`);
  }
  const left = intField(field('left_child'), nodesNode, 'left_child');
  const right = intField(field('right_child'), nodesNode, 'right_child');
  const feature = intField(field('feature'), nodesNode, 'feature');
  return {
    nodeCount,
    nFeatures,
    nOutputs,
    nClasses,
    maxClasses,
    left,
    right,
    feature,
    threshold: field('threshold').toFloat64Array(),
    missingLeft: hasMissing ? Uint8Array.from(field('missing_go_to_left').toInt32Array()) : null,
    weightedSamples: field('weighted_n_node_samples').toFloat64Array(),
    values: valuesNode.asFloat64Array(),
  };
}

function intField(a: { toInt32Array(): Int32Array }, node: PyNode, name: string): Int32Array {
  try {
    return a.toInt32Array();
  } catch (err) {
    throw node.error(`field ${name}: ${(err as Error).message}`);
  }
}

/**
 * The tree as the shared walk reads it. `rowWidth` is the number of features; with
 * `missingCopy`, nodes whose missing values go left read the row's second copy (NaN as
 * -Infinity: see fillRows), the others the first (NaN fails `<=` and goes right), which is
 * scikit-learn's `_apply_dense`. Without, every node reads the first copy: NaN always goes right,
 * as GradientBoosting's `predict_stages` (which ignores `missing_go_to_left`) and trees without
 * missing-value support.
 */
export function treeSource(t: SklearnTree, rowWidth: number, missingCopy: boolean): SourceTree {
  const { left, right, feature, threshold, missingLeft } = t;
  const copy = missingCopy && missingLeft !== null;
  return {
    count: t.nodeCount,
    isLeaf: (n) => left[n] === TREE_LEAF,
    left: (n) => left[n],
    right: (n) => right[n],
    column: (n) => (feature[n] >= rowWidth ? -1 : copy && missingLeft[n] === 1 ? feature[n] + rowWidth : feature[n]),
    threshold: (n) => threshold[n],
  };
}

/** The `major.minor` of the state's `_sklearn_version`, or undefined when absent or unreadable. */
export function sklearnRelease(node: PyNode): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(node.optional('_sklearn_version')?.asStr() ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function atLeast(v: [number, number] | undefined, major: number, minor: number): boolean {
  return v === undefined || v[0] > major || (v[0] === major && v[1] >= minor);
}

const CLASSIFIER_NAN_CRITERIA = new Set(['gini', 'log_loss', 'entropy']);
const REGRESSOR_NAN_CRITERIA = new Set(['squared_error', 'friedman_mse', 'poisson']);

/**
 * Whether a fitted DecisionTree or ExtraTree takes NaN at predict time (`_support_missing_values`,
 * the `allow_nan` tag), else sklearn refuses it ("Input X contains NaN"). Nodes without
 * `missing_go_to_left` (before 1.3) never do. The rule changed between releases with nothing in
 * the state to show it, so it follows `_sklearn_version` (newest rule when absent):
 * 1.3–1.5 the best splitter with a criterion that supports it (1.4+: and no monotonic
 * constraints); 1.6–1.8 either splitter; 1.9+ every DecisionTree, and an ExtraTree with the
 * random splitter.
 */
export function treeAcceptsNan(estimator: PyNode, tree: SklearnTree): boolean {
  if (tree.missingLeft === null) return false;
  const release = sklearnRelease(estimator);
  const splitter = estimator.optional('splitter')?.asStr();
  const extra = /\.ExtraTree(Classifier|Regressor)$/.test(estimator.className ?? '');
  if (atLeast(release, 1, 9)) return !extra || splitter === 'random';
  const criterion = estimator.optional('criterion')?.asStr() ?? '';
  const classifier = /Classifier$/.test(estimator.className ?? '');
  if (!(classifier ? CLASSIFIER_NAN_CRITERIA : REGRESSOR_NAN_CRITERIA).has(criterion)) return false;
  if (atLeast(release, 1, 4) && estimator.optional('monotonic_cst') !== undefined) return false;
  return atLeast(release, 1, 6) ? splitter === 'best' || splitter === 'random' : splitter === 'best';
}
