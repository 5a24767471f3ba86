import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { f8, fittedOn, numberFrame, record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { percentile } from './feature-selection.js';
import { toTable } from './input.js';

describe('feature selectors', () => {
  it("computes numpy's linear percentile, rounding as numpy does", () => {
    // Values printed by numpy 2.2.6.
    assert.equal(percentile(Float64Array.of(1, 2, 3, 4, 10), 70), 3.8);
    assert.equal(percentile(Float64Array.of(0.1, 0.7, 0.2), 50), 0.2);
    assert.equal(percentile(Float64Array.of(5, 1, 3.3, 2.2), 25), 1.9000000000000001);
    assert.equal(percentile(Float64Array.of(0.3, 0.1, 0.9, 0.55, 0.12, 0.77), 90), 0.835);
  });

  it('SelectKBest keeps the k best scores, ties to the later feature, NaN scores last, without copying columns', () => {
    const model = buildModel(root(record('sklearn.feature_selection._univariate_selection.SelectKBest', { k: 2, scores_: f8([5, NaN, 7, 5]), ...fittedOn(['a', 'b', 'c', 'd']) })), 'm');
    const x = toTable(numberFrame({ a: [1], b: [2], c: [3], d: [4] }));
    const out = model.transform!(x);
    assert.deepEqual(out.columns, [x.columns[2], x.columns[3]]);
    assert.deepEqual(model.featureNamesOut!(), ['c', 'd']);
    assert.throws(() => model.transform!(toTable(numberFrame({ a: [NaN], b: [2], c: [3], d: [4] }))), /NaN/);
  });

  it('VarianceThreshold keeps features above the threshold and lets NaN through', () => {
    const model = buildModel(root(record('sklearn.feature_selection._variance_threshold.VarianceThreshold', { threshold: 0.5, variances_: f8([0.4, 0.6]), ...fittedOn(['a', 'b']) })), 'm');
    const out = model.transform!(toTable(numberFrame({ a: [1], b: [NaN] })));
    assert.equal(out.width, 1);
    assert.ok(Number.isNaN((out.columns[0] as Float64Array)[0]));
  });
});
