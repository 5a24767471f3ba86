// Test helper: scikit-learn's tree states written by hand (a `Tree` with its structured node array,
// HistGradientBoosting's TreePredictor), for unit tests of the tree estimators.

import { NdArray, NpDType, PyGlobal, PyObject, type PyValue } from '../../src/pyobj/index.js';
import { f8, i8 } from './sklearn-tree.js';

/** A structured numpy array (little-endian fields in order, packed) from rows of numbers. */
export function structured(fields: readonly (readonly [string, string])[], rows: readonly Record<string, number>[]): NdArray {
  let offset = 0;
  const layout = fields.map(([name, str]) => {
    const dtype = NpDType.parse(str);
    const f = { name, dtype, offset, title: null };
    offset += dtype.itemsize;
    return f;
  });
  const itemsize = offset;
  const bytes = new Uint8Array(rows.length * itemsize);
  const view = new DataView(bytes.buffer);
  rows.forEach((row, r) => {
    for (const f of layout) {
      const v = row[f.name] ?? 0;
      const at = r * itemsize + f.offset;
      const { kind, itemsize: size } = f.dtype;
      if (kind === 'f') view.setFloat64(at, v, true);
      else if (size === 8) view.setBigInt64(at, BigInt(v), true);
      else if (size === 4) view.setUint32(at, v >>> 0, true);
      else view.setUint8(at, v);
    }
  });
  return new NdArray(new NpDType({ kind: 'V', itemsize, fields: layout }), [rows.length], bytes);
}

/** One node of a sklearn Tree: a split (`feature`, `threshold`, children) or a leaf (`leaf: true`). */
export type TreeNodeSpec = { left: number; right: number; feature: number; threshold: number; missingLeft?: boolean } | { leaf: true };

/** Node fields of scikit-learn 1.2 (7) and 1.3+ (8, with `missing_go_to_left`). */
const NODE_FIELDS_7: [string, string][] = [
  ['left_child', '<i8'],
  ['right_child', '<i8'],
  ['feature', '<i8'],
  ['threshold', '<f8'],
  ['impurity', '<f8'],
  ['n_node_samples', '<i8'],
  ['weighted_n_node_samples', '<f8'],
];
const NODE_FIELDS_8: [string, string][] = [...NODE_FIELDS_7, ['missing_go_to_left', '|u1']];

/**
 * A `sklearn.tree._tree.Tree` record: `Tree(n_features, n_classes, n_outputs)` with `nodes` and
 * `values` (`nodes × outputs × max classes`); `weighted` is each node's weighted sample count
 * (default: the sum of its output-0 values).
 */
export function sklearnTree(spec: {
  nFeatures: number;
  nClasses: readonly number[];
  nodes: readonly TreeNodeSpec[];
  values: readonly (readonly number[])[];
  fields?: 7 | 8;
  weighted?: readonly number[];
}): PyObject {
  const maxClasses = Math.max(...spec.nClasses);
  const rows = spec.nodes.map((n, i) => {
    const weighted = spec.weighted?.[i] ?? spec.values[i].slice(0, spec.nClasses[0]).reduce((a, b) => a + b, 0);
    if ('leaf' in n) return { left_child: -1, right_child: -1, feature: -2, threshold: -2, missing_go_to_left: 0, weighted_n_node_samples: weighted, n_node_samples: 1 };
    return { left_child: n.left, right_child: n.right, feature: n.feature, threshold: n.threshold, missing_go_to_left: n.missingLeft ? 1 : 0, weighted_n_node_samples: weighted, n_node_samples: 1 };
  });
  const nodes = structured(spec.fields === 7 ? NODE_FIELDS_7 : NODE_FIELDS_8, rows);
  const t = new PyObject(new PyGlobal('sklearn.tree._tree', 'Tree'), 'reduce', [spec.nFeatures, i8(spec.nClasses), spec.nClasses.length]);
  t.state = new Map<PyValue, PyValue>([
    ['max_depth', 10],
    ['node_count', spec.nodes.length],
    ['nodes', nodes],
    ['values', f8(spec.values.flat(), [spec.nodes.length, spec.nClasses.length, maxClasses])],
  ]);
  return t;
}

/** One node of a HistGradientBoosting TreePredictor. */
export interface PredictorNodeSpec {
  value?: number;
  leaf?: boolean;
  feature?: number;
  threshold?: number;
  missingLeft?: boolean;
  left?: number;
  right?: number;
  categorical?: boolean;
  bitset?: number;
}

const PREDICTOR_FIELDS: [string, string][] = [
  ['value', '<f8'],
  ['count', '<u4'],
  ['feature_idx', '<i8'],
  ['num_threshold', '<f8'],
  ['missing_go_to_left', '|u1'],
  ['left', '<u4'],
  ['right', '<u4'],
  ['gain', '<f8'],
  ['depth', '<u4'],
  ['is_leaf', '|u1'],
  ['bin_threshold', '|u1'],
  ['is_categorical', '|u1'],
  ['bitset_idx', '<u4'],
];

/** A `TreePredictor` record; `leftBitsets` are its `raw_left_cat_bitsets` rows (8 uint32 words each). */
export function treePredictor(nodes: readonly PredictorNodeSpec[], leftBitsets: readonly (readonly number[])[] = []): PyObject {
  const rows = nodes.map((n) => ({
    value: n.value ?? 0,
    feature_idx: n.feature ?? 0,
    num_threshold: n.threshold ?? 0,
    missing_go_to_left: n.missingLeft ? 1 : 0,
    left: n.left ?? 0,
    right: n.right ?? 0,
    is_leaf: n.leaf ? 1 : 0,
    is_categorical: n.categorical ? 1 : 0,
    bitset_idx: n.bitset ?? 0,
  }));
  const p = new PyObject(new PyGlobal('sklearn.ensemble._hist_gradient_boosting.predictor', 'TreePredictor'), 'newobj', []);
  const bits = new NdArray(NpDType.parse('<u4'), [leftBitsets.length, 8], Uint32Array.from(leftBitsets.flatMap((b) => [...b, ...new Array(8 - b.length).fill(0)])));
  p.state = new Map<PyValue, PyValue>([
    ['nodes', structured(PREDICTOR_FIELDS, rows)],
    ['binned_left_cat_bitsets', bits],
    ['raw_left_cat_bitsets', bits],
  ]);
  return p;
}
