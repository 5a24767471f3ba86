// Owns flattening XGBoost trees (gbtree / dart JSON) into one set of typed arrays for fast evaluation.

import { ModelFormatError, numberOr, numbersAt, objectAt, requireNumbers } from './fields.js';

/**
 * Every node of every tree, indexed by one absolute node id (tree `t` starts at `roots[t]`).
 * Internal nodes: `feature[n] >= 0`, go to `left[n]` when `x < cond[n]`, to `right[n]` otherwise,
 * to `missing[n]` when `x` is missing. Leaves: `feature[n] === -1`, `cond[n]` is the leaf value
 * (already multiplied by the tree's dart weight, in float32 as XGBoost does).
 */
export interface Forest {
  readonly numTrees: number;
  readonly roots: Int32Array;
  /** Output group of each tree (`tree_info`); 0 for vector-leaf trees. */
  readonly group: Int32Array;
  readonly feature: Int32Array;
  readonly cond: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly missing: Int32Array;
  /** Highest split feature index + 1. */
  readonly featuresUsed: number;
  /** Categorical splits, or null when the forest has none. */
  readonly categorical: CategoricalSplits | null;
  /** Vector leaves (multi-target trees, XGBoost ≥ 2), or null for scalar leaves. */
  readonly leafVectors: LeafVectors | null;
}

/**
 * Categorical nodes: a bit set of the categories that go right (XGBoost's `Decision`); any other
 * category, a negative one or one past 2^24 goes left; missing follows the default direction.
 */
export interface CategoricalSplits {
  /** Per node: first word in `bits`, or -1 for numeric nodes. */
  readonly offset: Int32Array;
  /** Per node: number of 32-bit words. */
  readonly words: Int32Array;
  readonly bits: Uint32Array;
}

/** Leaf vectors of multi-target trees: `size` values per leaf starting at `offset[n]`. */
export interface LeafVectors {
  readonly size: number;
  readonly offset: Int32Array;
  readonly values: Float32Array;
}

/** One tree as found in the model document, with its output group and dart weight. */
export interface TreeSource {
  readonly tree: Record<string, unknown>;
  readonly group: number;
  readonly weight: number;
}

/** Largest category XGBoost accepts (`OutOfRangeCat`): values at or past it are invalid. */
export const MAX_CATEGORY = 16777216;

/** Flattens trees into a Forest; throws ModelFormatError on malformed trees. */
export function buildForest(sources: readonly TreeSource[]): Forest {
  const counts = sources.map((s, t) => nodeCount(s.tree, `trees[${t}]`));
  const total = counts.reduce((a, b) => a + b, 0);
  const f = {
    roots: new Int32Array(sources.length),
    group: new Int32Array(sources.length),
    feature: new Int32Array(total),
    cond: new Float32Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    missing: new Int32Array(total),
  };
  const catOffset = new Int32Array(total).fill(-1);
  const catWords = new Int32Array(total);
  const catBits: number[] = [];
  const vecSize = Math.max(1, ...sources.map((s) => leafVectorSize(s.tree)));
  const vecOffset = vecSize > 1 ? new Int32Array(total).fill(-1) : null;
  const vecValues: number[] = [];
  let featuresUsed = 0;
  let base = 0;
  sources.forEach((src, t) => {
    const where = `trees[${t}]`;
    const tree = src.tree;
    const n = counts[t];
    const lefts = requireNumbers(tree, 'left_children', n, where);
    const rights = requireNumbers(tree, 'right_children', n, where);
    const splits = requireNumbers(tree, 'split_indices', n, where);
    const conds = requireNumbers(tree, 'split_conditions', n, where);
    const dleft = requireNumbers(tree, 'default_left', n, where);
    const types = numbersAt(tree, 'split_type', where);
    const cats = categoriesOf(tree, where);
    f.roots[t] = base;
    f.group[t] = vecSize > 1 ? 0 : src.group;
    const w = Math.fround(src.weight);
    for (let i = 0; i < n; i++) {
      const id = base + i;
      const l = lefts[i];
      if (l === -1) {
        f.feature[id] = -1;
        f.left[id] = f.right[id] = f.missing[id] = id;
        if (vecOffset) {
          vecOffset[id] = vecValues.length;
          vecValues.push(...leafVector(tree, i, rights[i], vecSize, w, where));
        } else {
          // XGBoost multiplies the float32 leaf value by the float32 dart weight (gbm/gbtree.cc, Dart).
          f.cond[id] = w === 1 ? conds[i] : Math.fround(Math.fround(conds[i]) * w);
        }
        continue;
      }
      const r = rights[i];
      if (!(l >= 0 && l < n && r >= 0 && r < n)) throw new ModelFormatError(`${where}: node ${i} has children ${l}, ${r} outside 0..${n - 1}`);
      const fidx = splits[i];
      if (!(fidx >= 0 && fidx < 2 ** 31 - 1)) throw new ModelFormatError(`${where}: node ${i} splits on feature ${fidx}`);
      featuresUsed = Math.max(featuresUsed, fidx + 1);
      f.feature[id] = fidx;
      f.cond[id] = conds[i];
      f.left[id] = base + l;
      f.right[id] = base + r;
      f.missing[id] = base + (dleft[i] ? l : r);
      if (types && types[i] === 1) {
        const set = cats.get(i);
        if (!set) throw new ModelFormatError(`${where}: node ${i} is a categorical split without categories`);
        catOffset[id] = catBits.length;
        catWords[id] = set.length;
        catBits.push(...set);
      }
    }
    checkAcyclic(f.left, f.right, f.feature, base, n, where);
    base += n;
  });
  return {
    numTrees: sources.length,
    ...f,
    featuresUsed,
    categorical: catBits.length || catOffset.some((o) => o >= 0) ? { offset: catOffset, words: catWords, bits: Uint32Array.from(catBits) } : null,
    leafVectors: vecOffset ? { size: vecSize, offset: vecOffset, values: Float32Array.from(vecValues) } : null,
  };
}

function nodeCount(tree: Record<string, unknown>, where: string): number {
  const param = (tree.tree_param ?? {}) as Record<string, unknown>;
  const lefts = numbersAt(tree, 'left_children', where);
  const n = numberOr(param, 'num_nodes', lefts?.length ?? 0, `${where}.tree_param`);
  if (!(n >= 1) || !Number.isInteger(n)) throw new ModelFormatError(`${where} has ${n} nodes`);
  return n;
}

function leafVectorSize(tree: Record<string, unknown>): number {
  const param = (tree.tree_param ?? {}) as Record<string, unknown>;
  return Math.max(1, numberOr(param, 'size_leaf_vector', 1, 'tree_param'));
}

/** Leaf `i` of a multi-target tree: `leaf_weights[right[i]]` (XGBoost ≥ 3) or `base_weights[i]` (XGBoost 2). */
function leafVector(tree: Record<string, unknown>, i: number, right: number, size: number, w: number, where: string): number[] {
  const leafWeights = numbersAt(tree, 'leaf_weights', where);
  const values = leafWeights ?? requireNumbers(tree, 'base_weights', 0, where);
  const at = (leafWeights ? right : i) * size;
  if (!(at >= 0 && at + size <= values.length)) throw new ModelFormatError(`${where}: leaf ${i} has no weights`);
  const out: number[] = [];
  for (let k = 0; k < size; k++) out.push(w === 1 ? values[at + k] : Math.fround(Math.fround(values[at + k]) * w));
  return out;
}

/** Categorical nodes of a tree as bit sets (bit c of word c >> 5 set when category c goes right). */
function categoriesOf(tree: Record<string, unknown>, where: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const nodes = numbersAt(tree, 'categories_nodes', where);
  if (!nodes || nodes.length === 0) return out;
  const segments = requireNumbers(tree, 'categories_segments', nodes.length, where);
  const sizes = requireNumbers(tree, 'categories_sizes', nodes.length, where);
  const values = requireNumbers(tree, 'categories', 0, where);
  for (let j = 0; j < nodes.length; j++) {
    const chosen: number[] = [];
    for (let k = segments[j]; k < segments[j] + sizes[j]; k++) {
      const c = values[k];
      if (!(Number.isInteger(c) && c >= 0 && c < MAX_CATEGORY)) throw new ModelFormatError(`${where}: invalid category ${c}`);
      chosen.push(c);
    }
    const words = new Array<number>(chosen.length ? (Math.max(...chosen) >> 5) + 1 : 0).fill(0);
    for (const c of chosen) words[c >> 5] = (words[c >> 5] | (1 << (c & 31))) >>> 0;
    out.set(nodes[j], words);
  }
  return out;
}

/** Rejects trees whose reachable nodes form a cycle or are shared (evaluation would not end). */
function checkAcyclic(left: Int32Array, right: Int32Array, feature: Int32Array, base: number, n: number, where: string): void {
  const seen = new Uint8Array(n);
  const stack = [base];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen[id - base]) throw new ModelFormatError(`${where}: node ${id - base} is reached twice`);
    seen[id - base] = 1;
    if (feature[id] >= 0) stack.push(left[id], right[id]);
  }
}

/** The gbtree section of a booster document: its trees, tree_info and (dart) weight_drop. */
export function treeSources(gbtree: Record<string, unknown>, weightDrop: ArrayLike<number> | undefined): TreeSource[] {
  const model = objectAt(gbtree, 'model', 'gradient_booster');
  const trees = model.trees;
  if (!Array.isArray(trees)) throw new ModelFormatError('gradient_booster.model.trees is not an array');
  const info = numbersAt(model, 'tree_info', 'gradient_booster.model') ?? new Float64Array(trees.length);
  if (info.length < trees.length) throw new ModelFormatError(`tree_info has ${info.length} entries for ${trees.length} trees`);
  if (weightDrop && weightDrop.length < trees.length) throw new ModelFormatError(`weight_drop has ${weightDrop.length} entries for ${trees.length} trees`);
  return trees.map((tree, t) => {
    if (tree === null || typeof tree !== 'object') throw new ModelFormatError(`trees[${t}] is not an object`);
    return { tree: tree as Record<string, unknown>, group: info[t], weight: weightDrop ? weightDrop[t] : 1 };
  });
}
