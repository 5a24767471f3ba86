import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { f8, fittedOn, numberFrame, record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';

const kmeans = buildModel(root(record('sklearn.cluster._kmeans.KMeans', { ...fittedOn(['a', 'b']), cluster_centers_: f8([0, 0, 2, 0, 0, 2], [3, 2]) })), 'm');

describe('KMeans', () => {
  it('assigns the nearest centre as int32, the first one on a tie', () => {
    const out = kmeans.predict!(toTable(numberFrame({ a: [1.9, 1, 1], b: [0.1, 0, 1] })));
    assert.equal(out.dtype, 'int32');
    assert.deepEqual([...out.data], [1, 0, 0]);
  });

  it('transforms to the distances to every centre, named kmeans0, kmeans1, …', () => {
    const t = kmeans.transform!(toTable(numberFrame({ a: [2], b: [2] })));
    assert.deepEqual(t.columns.map((c) => (c as Float64Array)[0]), [Math.sqrt(8), 2, 2]);
    assert.deepEqual(kmeans.featureNamesOut!(), ['kmeans0', 'kmeans1', 'kmeans2']);
  });
});
