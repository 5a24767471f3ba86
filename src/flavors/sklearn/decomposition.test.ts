import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { f8, fittedOn, numberFrame, record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';
import { SparseColumn, Table } from './table.js';

const pca = (version: string, whiten = false) =>
  buildModel(
    root(record('sklearn.decomposition._pca.PCA', {
      ...fittedOn(['a', 'b']), whiten, mean_: f8([1000.1, -0.3]), components_: f8([0.6, 0.8], [1, 2]),
      explained_variance_: f8([4]), _sklearn_version: version,
    })),
    'm',
  );
const first = (t: Table) => (t.columns[0] as Float64Array)[0];

describe('PCA', () => {
  it('centres before the projection up to scikit-learn 1.4 and after it from 1.5, as the saving release did', () => {
    const x = toTable(numberFrame({ a: [1003.7], b: [0.9] }));
    assert.equal(first(pca('1.4.2').transform!(x)), (1003.7 - 1000.1) * 0.6 + (0.9 - -0.3) * 0.8);
    assert.equal(first(pca('1.6.1').transform!(x)), 1003.7 * 0.6 + 0.9 * 0.8 - (1000.1 * 0.6 + -0.3 * 0.8));
    assert.notEqual(first(pca('1.4.2').transform!(x)), first(pca('1.6.1').transform!(x)));
  });

  it('divides by the square root of the explained variance when whitening, and names its output pca0, …', () => {
    const p = pca('1.6.1', true);
    assert.equal(first(p.transform!(toTable(numberFrame({ a: [1000.1], b: [4.7] })))), (1000.1 * 0.6 + 4.7 * 0.8 - (1000.1 * 0.6 + -0.3 * 0.8)) / 2);
    assert.deepEqual(p.featureNamesOut!(), ['pca0']);
  });

  it('refuses sparse X before scikit-learn 1.5, as its check_array did', () => {
    const sparse = new Table(1, [new SparseColumn(1, Int32Array.of(0), Float64Array.of(1)), Float64Array.of(0)], { sparse: true });
    assert.throws(() => pca('1.2.1').transform!(sparse), /sparse matrix was passed, but dense data is required/);
    assert.doesNotThrow(() => pca('1.6.1').transform!(sparse));
  });
});

describe('TruncatedSVD', () => {
  it('projects without centring, sparse columns by their non-zero values', () => {
    const svd = buildModel(root(record('sklearn.decomposition._truncated_svd.TruncatedSVD', { ...fittedOn(['a', 'b']), components_: f8([0.6, 0.8, -0.8, 0.6], [2, 2]) })), 'm');
    const sparse = new Table(2, [new SparseColumn(2, Int32Array.of(1), Float64Array.of(5)), Float64Array.of(1, 0)], { sparse: true });
    const out = svd.transform!(sparse);
    assert.deepEqual(out.columns.map((c) => [...(c as Float64Array)]), [[0.8, 3], [0.6, -4]]);
  });
});
