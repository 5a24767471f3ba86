import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { f8, fittedOn, numberFrame, record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';
import { SparseColumn, Table } from './table.js';

const build = (cls: string, state: Record<string, unknown>) => buildModel(root(record(`sklearn.preprocessing._data.${cls}`, { ...fittedOn(['a', 'b']), ...(state as object) })), 'm');
const values = (t: Table) => t.columns.map((c) => [...(c instanceof SparseColumn ? c.toDense() : (c as Float64Array))]);

describe('scalers', () => {
  it('StandardScaler divides dense X by scale_ and multiplies sparse X by 1 / scale_, as scikit-learn does', () => {
    const scaler = build('StandardScaler', { with_mean: false, with_std: true, mean_: f8([0, 0]), scale_: f8([7, 10]) });
    const dense = scaler.transform!(toTable(numberFrame({ a: [0.1, 0.3], b: [2, 3] })));
    assert.deepEqual(values(dense), [[0.1 / 7, 0.3 / 7], [0.2, 0.3]]);
    const sparseIn = new Table(2, [new SparseColumn(2, Int32Array.of(0), Float64Array.of(0.3)), Float64Array.of(2, 3)], { sparse: true });
    const sparse = scaler.transform!(sparseIn);
    assert.ok(sparse.sparse);
    assert.ok(sparse.columns[0] instanceof SparseColumn);
    // 0.3 * (1 / 7) and 0.3 / 7 differ in the last bit: each input gets its own arithmetic.
    assert.deepEqual(values(sparse)[0], [0.3 * (1 / 7), 0]);
    assert.notEqual(0.3 * (1 / 7), 0.3 / 7);
  });

  it('StandardScaler centres and scales as with_mean / with_std say, and keeps NaN', () => {
    const scaler = build('StandardScaler', { with_mean: true, with_std: false, mean_: f8([1, 2]), scale_: null });
    assert.deepEqual(values(scaler.transform!(toTable(numberFrame({ a: [3, NaN], b: [2, 4] })))), [[2, NaN], [0, 2]]);
    assert.throws(() => scaler.transform!(toTable(numberFrame({ a: [Infinity], b: [1] }))), /infinity/);
  });

  it('MinMaxScaler scales, shifts and clips to feature_range', () => {
    const scaler = build('MinMaxScaler', { scale_: f8([0.5, 1]), min_: f8([0, -1]), clip: true, feature_range: [-1, 2] });
    assert.deepEqual(values(scaler.transform!(toTable(numberFrame({ a: [2, 10], b: [0, -5] })))), [[1, 2], [-1, -1]]);
  });

  it('RobustScaler and MaxAbsScaler', () => {
    const robust = build('RobustScaler', { with_centering: true, with_scaling: true, center_: f8([1, 1]), scale_: f8([2, 4]) });
    assert.deepEqual(values(robust.transform!(toTable(numberFrame({ a: [5], b: [9] })))), [[2], [2]]);
    const maxAbs = build('MaxAbsScaler', { scale_: f8([4, 8]) });
    assert.deepEqual(values(maxAbs.transform!(toTable(numberFrame({ a: [-2], b: [4] })))), [[-0.5], [0.5]]);
  });

  it('Normalizer divides rows by their norm, leaving (near-)zero rows alone', () => {
    const l1 = build('Normalizer', { norm: 'l1' });
    assert.deepEqual(values(l1.transform!(toTable(numberFrame({ a: [1, 0, 1e-300], b: [-3, 0, 0] })))), [[0.25, 0, 1e-300], [-0.75, 0, 0]]);
    const l2 = build('Normalizer', { norm: 'l2' });
    assert.deepEqual(values(l2.transform!(toTable(numberFrame({ a: [3], b: [4] })))), [[0.6], [0.8]]);
    const max = build('Normalizer', { norm: 'max' });
    assert.deepEqual(values(max.transform!(toTable(numberFrame({ a: [3], b: [-6] })))), [[0.5], [-1]]);
    assert.throws(() => l2.transform!(toTable(numberFrame({ a: [NaN], b: [1] }))), /NaN/);
  });

  it('names its output one-to-one', () => {
    assert.deepEqual(build('MaxAbsScaler', { scale_: f8([1, 1]) }).featureNamesOut!(), ['a', 'b']);
  });
});
