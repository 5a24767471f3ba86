import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argmaxRows, expit, pairwiseSum, softmaxRows } from './math.js';

// Reference values printed by numpy 2.2.6 / scipy 1.15 / scikit-learn 1.6.1 for the same inputs.
describe('sklearn math kernels', () => {
  it("sums as numpy's add.reduce does (pairwise), not left to right", () => {
    const a = [1e16, 1.0, -1e16, 1.0, 3.5, 1e-3, 2.0 ** 53, -(2.0 ** 53), 7.0, 0.1, 0.2, 0.3];
    assert.equal(pairwiseSum(a, 0, a.length), 11.100999999999999); // np.sum; Python's sum gives 11.6
    const c = Array.from({ length: 200 }, (_, i) => (-3 + (6 * i) / 199) ** 3 * 1e3 + 0.1);
    // numpy.linspace rounds its points differently in the last bit; compare with a tolerance, and check
    // the blocked path (n > 128) runs.
    assert.ok(Math.abs(pairwiseSum(c, 0, c.length) - 19.999999999650754) < 1e-6);
    assert.equal(pairwiseSum([1, 2, 3], 0, 3), 6);
    assert.equal(pairwiseSum([], 0, 0), 0);
  });

  it('reads strided rows', () => {
    const m = [1, 10, 2, 20, 3, 30];
    assert.equal(pairwiseSum(m, 1, 3, 2), 60);
  });

  it('takes the first maximum, and the first NaN, as numpy.argmax', () => {
    assert.deepEqual([...argmaxRows([1, 3, 3, 2], 1, 4)], [1]);
    assert.deepEqual([...argmaxRows([1, NaN, 3], 1, 3)], [1]);
    assert.deepEqual([...argmaxRows([5, 4, 0, 9], 2, 2)], [0, 1]);
  });

  it('computes softmax and expit as scikit-learn and scipy do', () => {
    const x = Float64Array.of(1, 2, 3, 1000, 1000, -5);
    assert.deepEqual([...softmaxRows(x, 2, 3)], [0.09003057317038046, 0.24472847105479764, 0.6652409557748218, 0.5, 0.5, 0]);
    assert.equal(expit(0.3), 0.574442516811659);
    // V8's Math.exp is within one unit in the last place of glibc's (correctly rounded) exp.
    assert.ok(Math.abs(expit(-40) - 4.248354255291589e-18) <= 2 ** -52 * 4.25e-18);
    assert.equal(expit(800), 1);
  });
});
