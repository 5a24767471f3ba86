import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Frame } from '../../data/frame.js';
import { predictMargins } from './engine.js';
import { featureSource, toFeatureMatrix } from './features.js';
import { accumulateForest } from './forest-predict.js';
import { type Learner, readLearner, type TreeBooster } from './learner.js';

/** A tree in XGBoost's JSON schema. */
interface JsonTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[];
  split_type: number[];
  base_weights: number[];
  tree_param: Record<string, string>;
  [key: string]: unknown;
}

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** A random tree over `numFeature` features: uneven depths, both default directions, float32 values. */
function randomTree(rand: () => number, numFeature: number, maxDepth: number): JsonTree {
  const t: JsonTree = { left_children: [], right_children: [], split_indices: [], split_conditions: [], default_left: [], split_type: [], base_weights: [], tree_param: {} };
  const grow = (depth: number): number => {
    const id = t.left_children.length;
    t.left_children.push(-1);
    t.right_children.push(-1);
    t.split_type.push(0);
    t.base_weights.push(0);
    if (depth >= maxDepth || (depth > 0 && rand() < 0.25)) {
      t.split_indices.push(0);
      t.split_conditions.push(Math.fround(rand() * 2 - 1));
      t.default_left.push(0);
      return id;
    }
    t.split_indices.push(Math.floor(rand() * numFeature));
    t.split_conditions.push(Math.fround(rand() * 4 - 2));
    t.default_left.push(rand() < 0.5 ? 1 : 0);
    const l = grow(depth + 1);
    const r = grow(depth + 1);
    t.left_children[id] = l;
    t.right_children[id] = r;
    return id;
  };
  grow(0);
  t.tree_param = { num_nodes: String(t.left_children.length), num_feature: String(numFeature), size_leaf_vector: '0' };
  return t;
}

function modelDoc(trees: JsonTree[], opts: { numFeature: number; numClass?: number; treeInfo?: number[]; baseScore?: string; extraModel?: Record<string, unknown>; numTarget?: number }): unknown {
  return {
    version: [2, 1, 0],
    learner: {
      attributes: {},
      feature_names: [],
      feature_types: [],
      learner_model_param: {
        base_score: opts.baseScore ?? '5E-1',
        num_class: String(opts.numClass ?? 0),
        num_feature: String(opts.numFeature),
        num_target: String(opts.numTarget ?? 1),
      },
      objective: { name: (opts.numClass ?? 0) > 1 ? 'multi:softprob' : 'reg:squarederror' },
      gradient_booster: {
        name: 'gbtree',
        model: { gbtree_model_param: { num_parallel_tree: '1', num_trees: String(trees.length) }, tree_info: opts.treeInfo ?? trees.map(() => 0), trees, ...opts.extraModel },
      },
    },
  };
}

/** The reference: walk each JSON tree node by node, XGBoost's rules, float32 accumulation. */
function reference(trees: JsonTree[], rows: number[][], base: number): Float32Array {
  const out = new Float32Array(rows.length).fill(base);
  rows.forEach((row, r) => {
    for (const t of trees) {
      let n = 0;
      while (t.left_children[n] !== -1) {
        const v = Math.fround(row[t.split_indices[n]]);
        if (Number.isNaN(v)) n = t.default_left[n] ? t.left_children[n] : t.right_children[n];
        else n = v < t.split_conditions[n] ? t.left_children[n] : t.right_children[n];
      }
      out[r] += t.split_conditions[n];
    }
  });
  return out;
}

function frameOf(rows: number[][], numFeature: number): Frame {
  return new Frame(Array.from({ length: numFeature }, (_, j) => ({ name: j, dtype: 'float64' as const, values: Float64Array.from(rows, (row) => row[j]) })));
}

function rowsFor(rand: () => number, trees: JsonTree[], numFeature: number, count: number): number[][] {
  const thresholds = trees.flatMap((t) => t.split_conditions);
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: numFeature }, () => {
      const u = rand();
      if (u < 0.1) return NaN;
      if (u < 0.13) return [Infinity, -Infinity, 1e300][i % 3];
      if (u < 0.3) return thresholds[Math.floor(rand() * thresholds.length)];
      return rand() * 4 - 2;
    }),
  );
}

function margins(learner: Learner, rows: number[][], dense: boolean): Float32Array {
  const booster = learner.booster as TreeBooster;
  const x = toFeatureMatrix(frameOf(rows, learner.numFeature), { numFeature: learner.numFeature, numCols: learner.numCols, missing: NaN, rejectInfinity: false });
  const out = new Float32Array(rows.length).fill(learner.baseMargin[0]);
  accumulateForest(booster.forest, dense ? booster.dense : null, x, out, 1, 0, booster.forest.numTrees);
  return out;
}

describe('forest evaluation', () => {
  it('the complete-tree layout and the pointer walk both equal a node-by-node reference (NaN, ±Infinity, exact thresholds)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = random(seed);
      const numFeature = 1 + Math.floor(rand() * 6);
      const trees = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => randomTree(rand, numFeature, Math.floor(rand() * 8)));
      const learner = readLearner(modelDoc(trees, { numFeature }));
      assert.ok((learner.booster as TreeBooster).dense, `seed ${seed}: dense layout built`);
      const rows = rowsFor(rand, trees, numFeature, 37);
      const want = reference(trees, rows, 0.5);
      assert.deepEqual(Array.from(margins(learner, rows, true)), Array.from(want), `seed ${seed} dense`);
      assert.deepEqual(Array.from(margins(learner, rows, false)), Array.from(want), `seed ${seed} pointer`);
    }
  });

  it('keeps the pointer walk for deep, unbalanced trees (no padding to 2^depth)', () => {
    const rand = random(99);
    // A chain 30 splits deep (each left child a leaf): padding it would need 2^30 nodes.
    const chain: JsonTree = { left_children: [], right_children: [], split_indices: [], split_conditions: [], default_left: [], split_type: [], base_weights: [], tree_param: {} };
    const node = (left: number, right: number, feature: number, cond: number, defaultLeft: number): number => {
      chain.left_children.push(left);
      chain.right_children.push(right);
      chain.split_indices.push(feature);
      chain.split_conditions.push(Math.fround(cond));
      chain.default_left.push(defaultLeft);
      chain.split_type.push(0);
      chain.base_weights.push(0);
      return chain.left_children.length - 1;
    };
    for (let d = 0; d < 30; d++) {
      // Internal node 2d: left leaf 2d + 1, right the next internal node (or the last leaf).
      node(2 * d + 1, 2 * d + 2, d % 3, d / 30 - 0.5, d % 2);
      node(-1, -1, 0, d / 7, 0);
    }
    node(-1, -1, 0, 0.25, 0);
    chain.tree_param = { num_nodes: String(chain.left_children.length) };
    const trees = [chain, randomTree(rand, 3, 4)];
    const learner = readLearner(modelDoc(trees, { numFeature: 3 }));
    assert.equal((learner.booster as TreeBooster).dense, null);
    const rows = rowsFor(rand, trees, 3, 50);
    assert.deepEqual(Array.from(margins(learner, rows, false)), Array.from(reference(trees, rows, 0.5)));
  });

  it('rejects trees whose nodes loop', () => {
    const t = randomTree(random(3), 2, 2);
    t.left_children[1] = 0;
    t.right_children[1] = 0;
    assert.throws(() => readLearner(modelDoc([t], { numFeature: 2 })), /reached twice|outside/);
  });

  it('adds vector leaves of multi-target trees (XGBoost 2: base_weights per node; XGBoost 3: leaf_weights by leaf index)', () => {
    const v2 = {
      left_children: [1, -1, -1],
      right_children: [2, -1, -1],
      parents: [2147483647, 0, 0],
      split_indices: [0, 0, 0],
      split_conditions: [0.5, 0, 0],
      default_left: [1, 0, 0],
      base_weights: [0, 0, 1, 2, -1, -2],
      tree_param: { num_nodes: '3', num_feature: '1', size_leaf_vector: '2' },
    };
    const v3 = { ...v2, right_children: [2, 1, 0], leaf_weights: [10, 20, -10, -20] };
    const rows = [[0], [1], [NaN]];
    for (const [tree, want] of [
      [v2, [1.5, 2.5, -0.5, -1.5, 1.5, 2.5]],
      [v3, [-9.5, -19.5, 10.5, 20.5, -9.5, -19.5]],
    ] as const) {
      const learner = readLearner(modelDoc([tree as unknown as JsonTree], { numFeature: 1, numTarget: 2, baseScore: '[5E-1,5E-1]' }));
      const x = featureSource(frameOf(rows as number[][], 1), { numFeature: 1, numCols: 1, missing: NaN, rejectInfinity: false });
      assert.deepEqual(Array.from(predictMargins(learner, x)), want);
    }
  });

  it('reads per-output base scores and iteration_indptr (XGBoost ≥ 2)', () => {
    const rand = random(5);
    const trees = [0, 1, 2, 0, 1, 2].map(() => randomTree(rand, 2, 2));
    const learner = readLearner(modelDoc(trees, { numFeature: 2, numClass: 3, treeInfo: [0, 1, 2, 0, 1, 2], baseScore: '[1E0,2E0,3E0]', extraModel: { iteration_indptr: [0, 3, 6] } }));
    assert.deepEqual(Array.from(learner.baseMargin), [1, 2, 3]);
    assert.deepEqual((learner.booster as TreeBooster).roundStarts, [0, 3, 6]);
  });
});
