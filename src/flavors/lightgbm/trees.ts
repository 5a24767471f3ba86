// Owns reading one `Tree=N` block into typed arrays and checking it is a tree LightGBM could have written (include/LightGBM/tree.h).

import { type Field, LightGBMFormatError, quote, type TreeBlock } from './model-text.js';
import { parseDouble, parseInteger } from './numbers.js';

/** `decision_type` bit: categorical split (kCategoricalMask). */
export const CATEGORICAL_MASK = 1;
/** `decision_type` bit: missing values go left (kDefaultLeftMask). */
export const DEFAULT_LEFT_MASK = 2;
/** LightGBM's MissingType, bits 2–3 of `decision_type`. */
export const MissingType = { None: 0, Zero: 1, NaN: 2 } as const;

/**
 * Linear models at the leaves (`is_linear=1`, LightGBM ≥ 3.1): leaf `l` outputs
 * `constant[l] + Σ coeffs[k] · x[features[k]]` for `k` in `[start[l], start[l + 1])`.
 */
export interface LinearLeaves {
  readonly constant: Float64Array;
  readonly start: Int32Array;
  readonly features: Int32Array;
  readonly coeffs: Float64Array;
}

/**
 * One tree in LightGBM's own layout: internal nodes `0 … numLeaves - 2` (root 0), children
 * `>= 0` for internal nodes and `~leaf` (negative) for leaves.
 */
export interface Tree {
  readonly numLeaves: number;
  readonly splitFeature: Int32Array;
  readonly threshold: Float64Array;
  readonly decisionType: Uint8Array;
  readonly leftChild: Int32Array;
  readonly rightChild: Int32Array;
  readonly leafValue: Float64Array;
  /** Categorical splits: node `threshold` indexes `catBoundaries`, which delimit words of `catThreshold`. */
  readonly catBoundaries: Int32Array;
  readonly catThreshold: Uint32Array;
  readonly linear: LinearLeaves | null;
}

/** Reads and checks one tree block; `numFeatures` is `max_feature_idx + 1`. */
export function readTree(block: TreeBlock, numFeatures: number): Tree {
  const r = new TreeReader(block);
  const numLeaves = r.integer('num_leaves', 1, 2 ** 31 - 1);
  const numCat = r.integer('num_cat', 0, 2 ** 31 - 1);
  const leafValue = r.doubles('leaf_value', numLeaves, 'num_leaves');
  const isLinear = r.has('is_linear') && r.integer('is_linear', 0, 1) === 1;
  const empty = { splitFeature: new Int32Array(0), threshold: new Float64Array(0), decisionType: new Uint8Array(0), leftChild: new Int32Array(0), rightChild: new Int32Array(0) };
  const noCats = { catBoundaries: new Int32Array(1), catThreshold: new Uint32Array(0) };
  // A constant tree stops here, as LightGBM's reader does.
  if (numLeaves <= 1 && !isLinear) return { numLeaves, leafValue, ...empty, ...noCats, linear: null };
  const n = numLeaves - 1;
  const what = 'num_leaves - 1';
  const tree: Tree = {
    numLeaves,
    leafValue,
    splitFeature: Int32Array.from(r.integers('split_feature', n, what, 0, numFeatures - 1)),
    threshold: r.doubles('threshold', n, what),
    decisionType: Uint8Array.from(r.has('decision_type') ? r.integers('decision_type', n, what, 0, 15) : new Array<number>(n).fill(0)),
    leftChild: Int32Array.from(r.integers('left_child', n, what, -numLeaves, n - 1)),
    rightChild: Int32Array.from(r.integers('right_child', n, what, -numLeaves, n - 1)),
    ...(numCat > 0 ? readCategories(r, numCat) : noCats),
    linear: isLinear ? readLinear(r, numLeaves, numFeatures) : null,
  };
  checkNodes(tree, numCat, r);
  return tree;
}

function readCategories(r: TreeReader, numCat: number): Pick<Tree, 'catBoundaries' | 'catThreshold'> {
  const bounds = r.integers('cat_boundaries', numCat + 1, 'num_cat + 1', 0, 2 ** 31 - 1);
  for (let i = 1; i < bounds.length; i++) {
    if (bounds[i] < bounds[i - 1]) throw r.error('cat_boundaries', `cat_boundaries must not decrease (${bounds[i - 1]} then ${bounds[i]})`);
  }
  const words = r.integers('cat_threshold', bounds[numCat], 'the last cat_boundaries value', 0, 2 ** 32 - 1);
  return { catBoundaries: Int32Array.from(bounds), catThreshold: Uint32Array.from(words) };
}

function readLinear(r: TreeReader, numLeaves: number, numFeatures: number): LinearLeaves {
  // LightGBM reads missing linear fields as zeros / empty models.
  const constant = r.has('leaf_const') ? r.doubles('leaf_const', numLeaves, 'num_leaves') : new Float64Array(numLeaves);
  const counts = r.has('num_features') ? r.integers('num_features', numLeaves, 'num_leaves', 0, numFeatures) : new Array<number>(numLeaves).fill(0);
  const start = new Int32Array(numLeaves + 1);
  for (let l = 0; l < numLeaves; l++) start[l + 1] = start[l] + counts[l];
  const total = start[numLeaves];
  if (total === 0) return { constant, start, features: new Int32Array(0), coeffs: new Float64Array(0) };
  // Coefficients without their features (or the reverse) is a file LightGBM would misread.
  const features = Int32Array.from(r.integers('leaf_features', total, 'the sum of num_features', 0, numFeatures - 1));
  const coeffs = r.doubles('leaf_coeff', total, 'the sum of num_features');
  return { constant, start, features, coeffs };
}

/** Decision types, category indexes, and the shape: from node 0 every node and leaf is reached exactly once. */
function checkNodes(t: Tree, numCat: number, r: TreeReader): void {
  const n = t.numLeaves - 1;
  for (let i = 0; i < n; i++) {
    const type = t.decisionType[i];
    if ((type & CATEGORICAL_MASK) !== 0) {
      const cat = t.threshold[i];
      if (!(Number.isInteger(cat) && cat >= 0 && cat < numCat)) {
        throw r.error('threshold', `node ${i} is a categorical split whose threshold ${cat} is not a category set index below num_cat=${numCat}`);
      }
    } else if (((type >> 2) & 3) === 3) {
      throw r.error('decision_type', `node ${i} has decision_type ${type}, whose missing type 3 does not exist (0 None, 1 Zero, 2 NaN)`);
    }
  }
  if (n === 0) return;
  const seenNode = new Uint8Array(n);
  const seenLeaf = new Uint8Array(t.numLeaves);
  const stack = [0];
  seenNode[0] = 1;
  while (stack.length) {
    const node = stack.pop()!;
    for (const child of [t.leftChild[node], t.rightChild[node]]) {
      const seen = child >= 0 ? seenNode : seenLeaf;
      const at = child >= 0 ? child : ~child;
      if (seen[at]) throw r.error('left_child', `${child >= 0 ? `node ${at}` : `leaf ${at}`} is reached twice (the children do not form a tree)`);
      seen[at] = 1;
      if (child >= 0) stack.push(child);
    }
  }
  const lost = seenNode.indexOf(0) >= 0 ? `node ${seenNode.indexOf(0)}` : seenLeaf.indexOf(0) >= 0 ? `leaf ${seenLeaf.indexOf(0)}` : '';
  if (lost) throw r.error('left_child', `${lost} is not reachable from the root (the children do not form a tree)`);
}

/** Reads typed fields of one tree block, with messages naming the tree, the line and what was expected. */
class TreeReader {
  readonly #block: TreeBlock;
  constructor(block: TreeBlock) {
    this.#block = block;
  }

  has(key: string): boolean {
    return this.#block.fields.has(key);
  }

  error(key: string, message: string): LightGBMFormatError {
    const line = this.#block.fields.get(key)?.line ?? this.#block.line;
    return new LightGBMFormatError(`tree ${this.#block.index} (Tree= line ${this.#block.line}): ${message}`, line);
  }

  #field(key: string): Field {
    const f = this.#block.fields.get(key);
    if (!f) throw new LightGBMFormatError(`tree ${this.#block.index} has no ${key} line (truncated or not a LightGBM model?)`, this.#block.line);
    return f;
  }

  integer(key: string, min: number, max: number): number {
    const text = this.#field(key).value;
    const v = parseInteger(text.trim());
    if (v === undefined || v < min || v > max) throw this.error(key, `${key} is ${quote(text)}, expected an integer in ${min}..${max}`);
    return v;
  }

  #tokens(key: string, count: number, what: string): string[] {
    const tokens = this.#field(key).value.split(/[ \t]+/).filter((s) => s !== '');
    if (tokens.length !== count) throw this.error(key, `${key} has ${tokens.length} values, expected ${count} (${what})`);
    return tokens;
  }

  integers(key: string, count: number, what: string, min: number, max: number): number[] {
    return this.#tokens(key, count, what).map((s, i) => {
      const v = parseInteger(s);
      if (v === undefined || v < min || v > max) throw this.error(key, `${key} value ${i} is ${quote(s)}, expected an integer in ${min}..${max}`);
      return v;
    });
  }

  doubles(key: string, count: number, what: string): Float64Array {
    const tokens = this.#tokens(key, count, what);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const v = parseDouble(tokens[i]);
      if (v === undefined) throw this.error(key, `${key} value ${i} is ${quote(tokens[i])}, expected a number`);
      out[i] = v;
    }
    return out;
  }
}
