import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SourceTree, TreeShapeError, buildNodeForest } from './node-forest.js';
import { fillRows } from './rows.js';
import { rowLeaves, treeLeaves } from './walk.js';

/** A tree from arrays: leaves have left = -1; `cats[n]` makes node n categorical. */
function tree(
  left: number[],
  right: number[],
  column: number[],
  threshold: number[],
  cats: Record<number, { bits: number[]; otherLeft: boolean }> = {},
): SourceTree {
  return {
    count: left.length,
    isLeaf: (n) => left[n] === -1,
    left: (n) => left[n],
    right: (n) => right[n],
    column: (n) => column[n],
    threshold: (n) => threshold[n],
    categories: (n) => cats[n],
  };
}

/** A random full binary tree over `width` features (seeded), leaves numbered by node id. */
function randomTree(seed: number, internal: number, width: number): SourceTree & { nodes: number } {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const left = [-1];
  const right = [-1];
  const column = [0];
  const threshold = [0];
  const leaves = [0];
  for (let i = 0; i < internal; i++) {
    // Split a random leaf: unbalanced trees, as forests grow them.
    const at = leaves.splice(Math.floor(rand() * leaves.length), 1)[0];
    const l = left.length;
    left.push(-1, -1);
    right.push(-1, -1);
    column.push(0, 0);
    threshold.push(0, 0);
    left[at] = l;
    right[at] = l + 1;
    column[at] = Math.floor(rand() * width);
    threshold[at] = Math.round((rand() * 4 - 2) * 8) / 8;
    leaves.push(l, l + 1);
  }
  return Object.assign(tree(left, right, column, threshold), { nodes: left.length });
}

/** The plain walk, node by node: the reference. */
function reference(t: SourceTree, x: ArrayLike<number>, o: number): number {
  let n = t.root ?? 0;
  while (!t.isLeaf(n)) n = x[o + t.column(n)] <= t.threshold(n) ? t.left(n) : t.right(n);
  return n;
}

describe('NodeForest layout and walk', () => {
  it('numbers internal nodes then leaves in preorder and loops leaves to themselves', () => {
    //      0: x0 <= 1
    //     /          \
    //   1: leaf     2: x1 <= 5
    //               /      \
    //            3: leaf   4: leaf
    const f = buildNodeForest([tree([1, -1, 3, -1, -1], [2, -1, 4, -1, -1], [0, 0, 1, 0, 0], [1, 0, 5, 0, 0])], 2);
    assert.equal(f.numInternal, 2);
    assert.equal(f.numLeaves, 3);
    assert.deepEqual([...f.roots], [0]);
    assert.deepEqual([...f.leafSource], [1, 3, 4]);
    for (let l = 0; l < 3; l++) assert.deepEqual([f.kids[2 * (2 + l)], f.kids[2 * (2 + l) + 1]], [2 + l, 2 + l]);
    const x = Float64Array.of(0, 0, 2, 5, 2, 6);
    const leaves = new Int32Array(3);
    treeLeaves(f, 0, x, 2, 3, leaves);
    assert.deepEqual([...leaves].map((l) => f.leafSource[l]), [1, 3, 4]);
  });

  it('gives every row the leaf of the plain walk, eight rows at a time and one row through eight trees', () => {
    const width = 5;
    const trees = Array.from({ length: 19 }, (_, i) => randomTree(i + 1, i === 3 ? 0 : 5 + 7 * i, width));
    const f = buildNodeForest(trees, width);
    const rows = 37;
    const x = Float64Array.from({ length: rows * width }, (_, i) => Math.round(Math.sin(i * 12.9898) * 43758.5453 * 8) / 8 % 3);
    const leaves = new Int32Array(rows);
    const perRow = new Int32Array(trees.length);
    for (let t = 0; t < trees.length; t++) {
      treeLeaves(f, t, x, width, rows, leaves);
      for (let r = 0; r < rows; r++) assert.equal(f.leafSource[leaves[r]], reference(trees[t], x, r * width), `tree ${t} row ${r}`);
    }
    for (let r = 0; r < rows; r++) {
      rowLeaves(f, x, r * width, perRow);
      for (let t = 0; t < trees.length; t++) assert.equal(f.leafSource[perRow[t]], reference(trees[t], x, r * width), `row ${r} tree ${t}`);
    }
  });

  it('sends missing values left through the row copy with NaN as -Infinity, right through the first', () => {
    // Node 0 reads feature 0 from the copy (missing goes left); node 2 reads feature 0 as is (missing goes right).
    const width = 1;
    const t = tree([1, -1, 3, -1, -1], [2, -1, 4, -1, -1], [width + 0, 0, 0, 0, 0], [0, 0, 10, 0, 0]);
    const f = buildNodeForest([t], 2 * width);
    const x = new Float64Array(4 * 2);
    fillRows([Float64Array.of(NaN, -1, 5, 11)], 0, 4, x, 2, 2, false);
    assert.deepEqual([...x], [NaN, -Infinity, -1, -1, 5, 5, 11, 11]);
    const leaves = new Int32Array(4);
    treeLeaves(f, 0, x, 2, 4, leaves);
    assert.deepEqual([...leaves].map((l) => f.leafSource[l]), [1, 1, 3, 4]);
  });

  it('rounds values to float32 when asked, as scikit-learn compares float32 X with float64 thresholds', () => {
    const x = new Float64Array(2);
    fillRows([Float64Array.of(0.1, 1e40)], 0, 2, x, 1, 1, true);
    assert.deepEqual([...x], [Math.fround(0.1), Infinity]);
    // 0.1 as float32 is above the float64 threshold 0.1: the row goes right.
    const f = buildNodeForest([tree([1, -1, -1], [2, -1, -1], [0, 0, 0], [0.1, 0, 0])], 1);
    const leaves = new Int32Array(1);
    treeLeaves(f, 0, x, 1, 1, leaves);
    assert.equal(f.leafSource[leaves[0]], 2);
  });

  it('decides categorical nodes by the integer part of the value, other values by the node', () => {
    // Categories 1 and 33 go left; NaN, negatives and values past the set go where the node says.
    const bits = [1 << 1, 1 << 1];
    const t = tree([1, -1, -1], [2, -1, -1], [0, 0, 0], [0, 0, 0], { 0: { bits, otherLeft: true } });
    const f = buildNodeForest([t], 1, 2);
    assert.equal(f.general[0], 1);
    const values = [1, 1.9, 33, 2, 0, NaN, -0.5, 64, 1e300];
    const x = Float64Array.from(values);
    const leaves = new Int32Array(values.length);
    treeLeaves(f, 0, x, 1, values.length, leaves);
    assert.deepEqual([...leaves].map((l) => (f.leafSource[l] === 1 ? 'L' : 'R')).join(''), 'LLLRRLLLL');
    const right = buildNodeForest([tree([1, -1, -1], [2, -1, -1], [0, 0, 0], [0, 0, 0], { 0: { bits, otherLeft: false } })], 1, 2);
    const perRow = new Int32Array(1);
    rowLeaves(right, Float64Array.of(NaN), 0, perRow);
    assert.equal(right.leafSource[perRow[0]], 2);
  });

  it('refuses what is not a tree: cycles, shared nodes, children and features out of range', () => {
    assert.throws(() => buildNodeForest([tree([1, 0], [1, -1], [0, 0], [0, 0])], 1), TreeShapeError);
    assert.throws(() => buildNodeForest([tree([1, -1, -1], [1, -1, -1], [0, 0, 0], [0, 0, 0])], 1), /reached twice/);
    assert.throws(() => buildNodeForest([tree([1, -1], [7, -1], [0, 0], [0, 0])], 1), /child 7, outside/);
    assert.throws(() => buildNodeForest([tree([1, -1, -1], [2, -1, -1], [3, 0, 0], [0, 0, 0])], 2), /feature 3/);
    assert.throws(() => buildNodeForest([tree([], [], [], [])], 1), /no root/);
    // A single leaf is a tree.
    const f = buildNodeForest([tree([-1], [-1], [0], [0])], 1);
    assert.deepEqual([f.numInternal, f.numLeaves, f.roots[0]], [0, 1, 0]);
  });
});
