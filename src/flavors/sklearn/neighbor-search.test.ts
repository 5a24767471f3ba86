import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { heapPush, introSort, simultaneousSort } from './neighbor-heap.js';
import { parallelOnX, selectFromDistances } from './neighbor-search.js';
import { argPartition, argSort } from './numpy-sort.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/sklearn-others');

interface Vectors {
  simultaneous_sort: { values: number[]; indices: number[] }[];
  argpartition: { values: number[]; kth: number; indices: number[] }[];
  argsort: { values: number[]; indices: number[] }[];
  numpy: string;
}

function vectors(version: string): Vectors {
  return JSON.parse(readFileSync(join(ROOT, version, 'vectors.json'), 'utf8'));
}

describe("sklearn's neighbour heap", () => {
  it('replaces the root and sifts down (the documented example of heap_push)', () => {
    const values = Float64Array.of(1.2, 0.4, 0.1);
    const indices = Int32Array.of(42, 1, 5);
    heapPush(values, indices, 0, 3, 0.2, 4);
    assert.deepEqual([...values], [0.4, 0.2, 0.1]);
    assert.deepEqual([...indices], [1, 4, 5]);
  });

  it('refuses a value equal to the largest kept: the first of equal distances stays', () => {
    const values = Float64Array.of(1, 0.5);
    const indices = Int32Array.of(7, 3);
    heapPush(values, indices, 0, 2, 1, 9);
    assert.deepEqual([...indices], [7, 3]);
  });
});

describe("sklearn's neighbour sort orders equal distances as each release does", () => {
  it('quicksort up to scikit-learn 1.8', () => {
    for (const v of vectors('v1.6.1').simultaneous_sort) {
      const values = Float64Array.from(v.values);
      const indices = Int32Array.from(v.values, (_, i) => i);
      simultaneousSort(values, indices, 0, values.length);
      assert.deepEqual([...indices], v.indices);
    }
  });

  it('introsort from scikit-learn 1.9', () => {
    for (const v of vectors('v1.9.1').simultaneous_sort) {
      const values = Float64Array.from(v.values);
      const indices = Int32Array.from(v.values, (_, i) => i);
      introSort(values, indices, 0, values.length);
      assert.deepEqual([...indices], v.indices);
    }
  });

  it('sorts within a row of a larger buffer, leaving the rest alone', () => {
    const values = Float64Array.of(9, 3, 1, 2, 9);
    const indices = Int32Array.of(0, 1, 2, 3, 4);
    introSort(values, indices, 1, 3);
    assert.deepEqual([...values], [9, 1, 2, 3, 9]);
    assert.deepEqual([...indices], [0, 2, 3, 1, 4]);
  });
});

describe("numpy's generic selection and sort (numpy 1.x, and builds without x86 SIMD sorting)", () => {
  const v = vectors('v1.2.1');
  it(`argpartition picks the members numpy ${v.numpy} picks among equal values`, () => {
    for (const c of v.argpartition) {
      const values = Float64Array.from(c.values);
      const idx = Int32Array.from(c.values, (_, i) => i);
      argPartition(values, idx, values.length, c.kth);
      assert.deepEqual([...idx], c.indices, `kth ${c.kth} of ${values.length}`);
    }
  });

  it(`argsort orders equal values as numpy ${v.numpy}'s introsort does`, () => {
    for (const c of v.argsort) {
      const values = Float64Array.from(c.values);
      const idx = Int32Array.from(c.values, (_, i) => i);
      argSort(values, idx, values.length);
      assert.deepEqual([...idx], c.indices, `${values.length} values`);
    }
  });

  it('selects the k smallest distances of each row, sorted', () => {
    const dist = Float64Array.of(5, 1, 4, 1, 3, /* row 2 */ 0, 2, 2, 9, 8);
    const nb = selectFromDistances(dist, 2, 5, 3);
    assert.deepEqual([...nb.distances], [1, 1, 3, 0, 2, 2]);
    assert.deepEqual(new Set(nb.indices.slice(0, 2)), new Set([1, 3]));
    assert.equal(nb.indices[2], 4);
  });
});

describe("ArgKmin's strategy", () => {
  it('runs parallel_on_X when there are more query rows than training rows or above 1024 rows', () => {
    assert.equal(parallelOnX(10, 300), false);
    assert.equal(parallelOnX(301, 300), true);
    assert.equal(parallelOnX(1025, 5000), true);
  });
});
