import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toNdarray } from './ndarray.js';

describe('toNdarray', () => {
  it('reads the shape from first elements and fills the values row-major', () => {
    const t = toNdarray([[1, 2.5], [3, 4]]);
    assert.deepEqual(t.shape, [2, 2]);
    assert.deepEqual([...(t.data as Float64Array)], [1, 2.5, 3, 4]);
  });

  it('refuses a nesting whose first elements claim more than the rest holds, before allocating for the claim', () => {
    // First elements claim 5000 x 5000 x 5000 (1.25e11 leaves) in a few tens of kilobytes.
    const inner = [Array(5000).fill(0), ...Array(4999).fill(0)];
    const value = [inner, ...Array(4999).fill(0)];
    assert.throws(() => toNdarray(value), /inhomogeneous shape after 2 dimensions/);
  });
});
