import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logSumExp } from './naive-bayes.js';

const scratch = new Float64Array(8);

describe("naive Bayes: scipy's logsumexp", () => {
  it('takes the maxima out of the sum: log1p(Σ exp(a − max) / m) + log m + max', () => {
    const a = [-1000, -1001, -1000.5];
    const s = Math.exp(-1) + Math.exp(-0.5);
    assert.equal(logSumExp(a, 0, 3, scratch), Math.log1p(s) + Math.log(1) + -1000);
  });

  it('counts repeated maxima', () => {
    assert.equal(logSumExp([2, 2, 0], 0, 3, scratch), Math.log1p(Math.exp(-2) / 2) + Math.log(2) + 2);
  });

  it('gives −∞ for a row of −∞ and NaN for a row holding NaN', () => {
    assert.equal(logSumExp([-Infinity, -Infinity], 0, 2, scratch), -Infinity);
    assert.ok(Number.isNaN(logSumExp([1, Number.NaN, 3], 0, 3, scratch)));
  });

  it('reads a row at an offset', () => {
    assert.equal(logSumExp([9, 9, 0, 0], 2, 2, scratch), Math.log(2));
  });
});
