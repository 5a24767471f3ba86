import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFeatures, rowMajor, SparseColumn, Table, validateNumeric } from './table.js';

const LR = 'sklearn.linear_model._logistic.LogisticRegression';

describe('Table (sklearn X)', () => {
  it('reports feature names only for DataFrames labelled by strings', () => {
    assert.deepEqual(new Table(1, [Float64Array.of(1), Float64Array.of(2)], { labels: ['a', 'b'] }).featureNames(), ['a', 'b']);
    assert.equal(new Table(1, [Float64Array.of(1)], { labels: [0] }).featureNames(), undefined);
    assert.equal(new Table(1, [Float64Array.of(1)]).featureNames(), undefined);
    assert.throws(() => new Table(1, [Float64Array.of(1), Float64Array.of(2)], { labels: ['a', 0] }).featureNames(), /only supported if all input features have string names/);
  });

  it('converts object columns as numpy does and checks finiteness as asked', () => {
    const x = new Table(3, [['1.5', 2, 3], Float64Array.of(1, Infinity, 3)]);
    assert.throws(() => x.numeric('finite', LR), /infinity/);
    const y = new Table(3, [['1.5', true, null]]);
    assert.deepEqual([...(y.numeric('allow-nan', LR)[0] as Float64Array)], [1.5, 1, NaN]);
    assert.throws(() => y.numeric('finite', LR), /Input X contains NaN\. LogisticRegression does not accept missing values/);
    assert.throws(() => new Table(1, [['red']]).numeric('any', LR), /could not convert string to float: 'red'/);
  });

  it('finds a NaN or an infinity at any position, odd and even lengths alike', () => {
    for (const n of [1, 2, 5, 6]) {
      for (let at = 0; at < n; at++) {
        for (const [bad, message] of [[NaN, /NaN/], [Infinity, /infinity/], [-Infinity, /infinity/]] as const) {
          const col = new Float64Array(n).fill(1.5);
          col[at] = bad;
          assert.throws(() => new Table(n, [Float64Array.of(...new Array(n).fill(0)), col]).numeric('finite', LR), message, `${bad} at ${at} of ${n}`);
        }
        const nan = new Float64Array(n).fill(-2);
        nan[at] = NaN;
        assert.equal(new Table(n, [nan]).numeric('allow-nan', LR)[0], nan);
      }
    }
    assert.equal(new Table(0, [new Float64Array(0)]).numeric('finite', LR).length, 1);
  });

  it('keeps sparse columns sparse for numeric() and expands them for dense()', () => {
    const s = new SparseColumn(4, Int32Array.of(1, 3), Float64Array.of(5, 6));
    const x = new Table(4, [s]);
    assert.equal(x.numeric('finite', LR)[0], s);
    assert.deepEqual([...x.dense('finite', LR)[0]], [0, 5, 0, 6]);
    assert.throws(() => new Table(4, [new SparseColumn(4, Int32Array.of(0), Float64Array.of(NaN))]).numeric('finite', LR), /NaN/);
  });

  it('checks feature names and count as scikit-learn does', () => {
    const fitted = { className: LR, nFeatures: 2, featureNames: ['a', 'b'] };
    const cols = [Float64Array.of(1), Float64Array.of(2)];
    checkFeatures(new Table(1, cols, { labels: ['a', 'b'] }), fitted);
    checkFeatures(new Table(1, cols), fitted); // an array: only the count is checked
    assert.throws(() => checkFeatures(new Table(1, cols, { labels: ['b', 'a'] }), fitted), /Feature names must be in the same order as they were in fit/);
    assert.throws(() => checkFeatures(new Table(1, cols, { labels: ['a', 'z'] }), fitted), /Feature names unseen at fit time:\n- z\nFeature names seen at fit time, yet now missing:\n- b/);
    assert.throws(() => checkFeatures(new Table(1, [cols[0]]), fitted), /X has 1 features, but LogisticRegression is expecting 2 features as input/);
    assert.deepEqual(validateNumeric(new Table(1, cols, { labels: ['a', 'b'] }), fitted), cols);
  });

  it('gathers columns into a row-major matrix', () => {
    assert.deepEqual([...rowMajor([Float64Array.of(1, 2), Float64Array.of(3, 4)], 2)], [1, 3, 2, 4]);
  });

  it('refuses columns of the wrong length', () => {
    assert.throws(() => new Table(2, [Float64Array.of(1)]), RangeError);
  });
});
