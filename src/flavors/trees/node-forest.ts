// Owns the compact node layout tree engines walk: every tree of a model in one node space
// (internal nodes first: a column, a float64 threshold, two children; then one node per leaf),
// built from the parent-child arrays libraries store, checked to be trees.

/**
 * Every tree of a model in one node space. Internal nodes of all trees come first
 * (`0 … numInternal - 1`), then one node per leaf; a leaf's children are itself, so a walk may
 * take extra steps once it has arrived. Internal node `n` goes to `kids[2n]` when
 * `x[col[n]] <= threshold[n]` and to `kids[2n + 1]` otherwise, where `x` is the row as the
 * engine laid it out (`col` may point into a second copy of the row: see `withMissingLeft`).
 *
 * A categorical node (`catOffset[n] >= 0`) instead reads the integer part `c` of its value:
 * it goes left when `0 <= value < 32 * catWords` and bit `c` of its bit set is set, and to
 * `catOtherLeft[n] ? left : right` for every other value (NaN, negative, beyond the set).
 */
export interface NodeForest {
  readonly numTrees: number;
  readonly numInternal: number;
  readonly numLeaves: number;
  /** Node where each tree's walk starts (a leaf node for single-leaf trees). */
  readonly roots: Int32Array;
  /** 1 for a tree with a categorical node: it is walked node by node. */
  readonly general: Uint8Array;
  readonly col: Int32Array;
  readonly threshold: Float64Array;
  readonly kids: Int32Array;
  /** Per internal node: the first word of its categorical bit set, or -1 for a numeric node. */
  readonly catOffset: Int32Array;
  /** Words per categorical bit set. */
  readonly catWords: number;
  readonly catBits: Uint32Array;
  readonly catOtherLeft: Uint8Array;
  /** Per leaf (node id − numInternal): the tree it belongs to and its node id in that tree's source arrays. */
  readonly leafTree: Int32Array;
  readonly leafSource: Int32Array;
}

/** A tree as a library stores it: nodes `0 … count - 1`, parent-child links, one decision per internal node. */
export interface SourceTree {
  readonly count: number;
  /** The root's node id (0 unless told). */
  readonly root?: number;
  isLeaf(node: number): boolean;
  left(node: number): number;
  right(node: number): number;
  /** Where in the engine's row the node reads its value. */
  column(node: number): number;
  threshold(node: number): number;
  /**
   * For a categorical node, the categories that go left (bit `c` of word `c >> 5`, at most
   * `catWords` words) and where every other value goes; undefined for a numeric node.
   */
  categories?(node: number): { readonly bits: ArrayLike<number>; readonly otherLeft: boolean } | undefined;
}

/** Why a source tree is not a tree: thrown by buildNodeForest (callers add which file and tree). */
export class TreeShapeError extends Error {}

/**
 * Flattens trees into a NodeForest. Each tree is checked on the way: every child id within the
 * tree, every node reached at most once from the root (no cycles, no shared subtrees), columns
 * within `[0, rowWidth)`. Only the reachable nodes are kept; nothing recurses.
 */
export function buildNodeForest(trees: readonly SourceTree[], rowWidth: number, catWords = 0): NodeForest {
  const orders = trees.map((tree, t) => preorder(tree, t, rowWidth));
  let numInternal = 0;
  let numLeaves = 0;
  let numCat = 0;
  for (const o of orders) {
    numInternal += o.internal;
    numLeaves += o.nodes.length - o.internal;
    numCat += o.categorical;
  }
  const total = numInternal + numLeaves;
  const f = {
    numTrees: trees.length,
    numInternal,
    numLeaves,
    roots: new Int32Array(trees.length),
    general: new Uint8Array(trees.length),
    col: new Int32Array(total),
    threshold: new Float64Array(total),
    kids: new Int32Array(2 * total),
    catOffset: new Int32Array(numInternal).fill(-1),
    catWords,
    catBits: new Uint32Array(numCat * catWords),
    catOtherLeft: new Uint8Array(numInternal),
    leafTree: new Int32Array(numLeaves),
    leafSource: new Int32Array(numLeaves),
  };
  let nodeBase = 0;
  let leafBase = numInternal;
  let catAt = 0;
  trees.forEach((tree, t) => {
    const { nodes, internal } = orders[t];
    // Ids in the forest: internal nodes in preorder, then leaves in preorder.
    const id = new Int32Array(tree.count);
    let i = nodeBase;
    let l = leafBase;
    for (const n of nodes) id[n] = tree.isLeaf(n) ? l++ : i++;
    f.roots[t] = id[nodes[0]];
    for (const n of nodes) {
      const k = id[n];
      if (tree.isLeaf(n)) {
        f.kids[2 * k] = k;
        f.kids[2 * k + 1] = k;
        f.leafTree[k - numInternal] = t;
        f.leafSource[k - numInternal] = n;
        continue;
      }
      f.kids[2 * k] = id[tree.left(n)];
      f.kids[2 * k + 1] = id[tree.right(n)];
      f.col[k] = tree.column(n);
      f.threshold[k] = tree.threshold(n);
      const cat = tree.categories?.(n);
      if (cat) {
        if (cat.bits.length > catWords) throw new TreeShapeError(`tree ${t}: node ${n} has a category set of ${cat.bits.length} words, more than ${catWords}`);
        f.catOffset[k] = catAt;
        for (let w = 0; w < cat.bits.length; w++) f.catBits[catAt + w] = cat.bits[w];
        f.catOtherLeft[k] = cat.otherLeft ? 1 : 0;
        f.general[t] = 1;
        catAt += catWords;
      }
    }
    nodeBase += internal;
    leafBase += nodes.length - internal;
  });
  return f;
}

/** The nodes reachable from the root in preorder, checked to form a tree. */
function preorder(tree: SourceTree, t: number, rowWidth: number): { nodes: number[]; internal: number; categorical: number } {
  const count = tree.count;
  const root = tree.root ?? 0;
  const inRange = (n: number): boolean => Number.isInteger(n) && n >= 0 && n < count;
  if (!inRange(root)) throw new TreeShapeError(`tree ${t} has no root (${count} nodes)`);
  const seen = new Uint8Array(count);
  const nodes: number[] = [];
  let internal = 0;
  let categorical = 0;
  const stack = [root];
  seen[root] = 1;
  while (stack.length > 0) {
    const n = stack.pop()!;
    nodes.push(n);
    if (tree.isLeaf(n)) continue;
    internal++;
    const col = tree.column(n);
    if (!(Number.isInteger(col) && col >= 0 && col < rowWidth)) throw new TreeShapeError(`tree ${t}: node ${n} reads feature ${col}, outside the model's features`);
    if (tree.categories?.(n)) categorical++;
    const kids = [tree.right(n), tree.left(n)];
    for (const c of kids) {
      if (!inRange(c)) throw new TreeShapeError(`tree ${t}: node ${n} has child ${c}, outside the tree's ${count} nodes`);
      if (seen[c]) throw new TreeShapeError(`tree ${t}: node ${c} is reached twice (the tree has a cycle or a shared node)`);
      seen[c] = 1;
    }
    stack.push(...kids);
  }
  return { nodes, internal, categorical };
}
