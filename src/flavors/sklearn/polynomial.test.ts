import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PyNode } from '../../pyobj/index.js';
import { numberFrame, record } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';

const poly = (state: Record<string, unknown>) =>
  buildModel(PyNode.root(record('sklearn.preprocessing._polynomial.PolynomialFeatures', { n_features_in_: 2, order: 'C', ...(state as object) })), 'm');

describe('PolynomialFeatures', () => {
  it("orders and names terms as scikit-learn does (get_feature_names_out of degree=(1, 3) on two features)", () => {
    const model = poly({ degree: [1, 3], _min_degree: 1, _max_degree: 3, include_bias: true, interaction_only: false, n_output_features_: 10 });
    assert.deepEqual(model.featureNamesOut!(), ['1', 'x0', 'x1', 'x0^2', 'x0 x1', 'x1^2', 'x0^3', 'x0^2 x1', 'x0 x1^2', 'x1^3']);
    const out = model.transform!(toTable(numberFrame({ a: [2], b: [3] })));
    assert.deepEqual(out.columns.map((c) => (c as Float64Array)[0]), [1, 2, 3, 4, 6, 9, 8, 12, 18, 27]);
  });

  it('keeps interactions only, and refuses a state whose output count does not match', () => {
    const model = poly({ degree: 2, _min_degree: 0, _max_degree: 2, include_bias: false, interaction_only: true, n_output_features_: 3 });
    assert.deepEqual(model.featureNamesOut!(['a', 'b']), ['a', 'b', 'a b']);
    assert.throws(() => poly({ degree: 2, _min_degree: 0, _max_degree: 2, include_bias: false, interaction_only: true, n_output_features_: 4 }), /n_output_features_ 4/);
    assert.throws(() => poly({ degree: 40, _min_degree: 0, _max_degree: 40, include_bias: true, interaction_only: false, n_output_features_: 10 ** 9 }), /more than mlserve builds/);
  });
});
