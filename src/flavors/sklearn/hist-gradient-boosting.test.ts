import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NdArray, NpDType, PyGlobal, PyObject, type PyValue } from '../../pyobj/index.js';
import { treePredictor } from '../../../test/helpers/sklearn-forest.js';
import { b1, f8, fittedOn, i8, numberFrame, obj, record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { rawCategory } from './hgb-input.js';
import { toTable } from './input.js';
import { Table } from './table.js';

const HGBR = 'sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor';
const HGBC = 'sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier';

const u1 = (v: number[]) => new NdArray(NpDType.parse('|u1'), [v.length], Uint8Array.from(v));
const loss = (name: string, link: string) => record(`sklearn._loss.loss.${name}`, { link: record(`sklearn._loss.link.${link}`, {}) });
const mapper = (isCat: number[], thresholds: PyValue[]) => record('sklearn.ensemble._hist_gradient_boosting.binning._BinMapper', { is_categorical_: u1(isCat), bin_thresholds_: thresholds });
const values = (t: { data: unknown }) => Array.from(t.data as ArrayLike<unknown>);

// Feature 0 categorical (known 0…3; 1 and 3 go left), feature 1 numeric (x1 <= 0.5, NaN left).
const PREDICTOR = treePredictor(
  [
    { feature: 0, categorical: true, bitset: 0, left: 1, right: 2 },
    { leaf: true, value: 1 },
    { feature: 1, threshold: 0.5, missingLeft: true, left: 3, right: 4 },
    { leaf: true, value: 10 },
    { leaf: true, value: 20 },
  ],
  [[(1 << 1) | (1 << 3)]],
);

function regressor(state: Record<string, PyValue> = {}) {
  return record(HGBR, {
    ...fittedOn(['cat', 'num']),
    _n_features: 2,
    n_trees_per_iteration_: 1,
    _baseline_prediction: f8([0.5], [1, 1]),
    _bin_mapper: mapper([1, 0], [f8([0, 1, 2, 3]), f8([0.5])]),
    _predictors: [[PREDICTOR]],
    _loss: loss('HalfSquaredError', 'IdentityLink'),
    _sklearn_version: '1.2.1',
    ...state,
  });
}

describe('HistGradientBoosting', () => {
  it('casts raw categories to uint8 as scikit-learn before 1.4 does: truncation, wrap-around, large values as 0', () => {
    assert.deepEqual([2.7, 258, 256 + 2.5, 2 ** 31 + 2, 1e300, Infinity, -0.5, -0].map(rawCategory), [2, 2, 2, 0, 0, 0, -0.5, 0]);
    assert.ok(Number.isNaN(rawCategory(NaN)));
  });

  it('sends known categories of the split left, other known ones right, unknown and missing ones where missing values go', () => {
    const m = buildModel(root(regressor()), 'm');
    const cat = [1, 3.7, 2, 5, NaN, -0.5, 257, 2 ** 31 + 1, 2];
    const num = [0, 0, 0, 0, 0, 0, 0, 0, NaN];
    // right: numeric split (x1 = 0 → 10; NaN → left, 10); unknown/missing categories follow missing_go_to_left = 0 (right).
    assert.deepEqual(values(m.predict!(toTable(numberFrame({ cat, num })))), [1.5, 1.5, 10.5, 10.5, 10.5, 10.5, 1.5, 10.5, 10.5]);
    const left = treePredictor(
      [{ feature: 0, categorical: true, bitset: 0, left: 1, right: 2, missingLeft: true }, { leaf: true, value: 1 }, { leaf: true, value: 20 }],
      [[(1 << 1) | (1 << 3)]],
    );
    const m2 = buildModel(root(regressor({ _predictors: [[left]] })), 'm');
    assert.deepEqual(values(m2.predict!(toTable(numberFrame({ cat: [2, 5, NaN, -1], num: [0, 0, 0, 0] })))), [20.5, 1.5, 1.5, 1.5]);
  });

  it('adds predictors iteration by iteration to the baseline, then applies the log link', () => {
    const leaf = (v: number) => treePredictor([{ leaf: true, value: v }]);
    const m = buildModel(root(regressor({ _predictors: [[leaf(0.25)], [leaf(0.125)]], _loss: loss('HalfPoissonLoss', 'LogLink') })), 'm');
    assert.deepEqual(values(m.predict!(toTable(numberFrame({ cat: [0], num: [0] })))), [Math.exp(0.5 + 0.25 + 0.125)]);
  });

  it('labels a binary classifier by raw > 0 from 1.4 and by argmax of the probabilities before, which differ at expit(raw) = 0.5', () => {
    const clf = (state: Record<string, PyValue>) =>
      record(HGBC, {
        ...fittedOn(['cat', 'num']),
        _n_features: 2,
        classes_: i8([3, 7]),
        n_trees_per_iteration_: 1,
        _baseline_prediction: f8([1e-17], [1, 1]),
        _bin_mapper: mapper([0, 0], [f8([0.5]), f8([0.5])]),
        _predictors: [[treePredictor([{ leaf: true, value: 0 }])]],
        _loss: loss('HalfBinomialLoss', 'LogitLink'),
        ...state,
      });
    const x = toTable(numberFrame({ cat: [0], num: [0] }));
    const before = buildModel(root(clf({})), 'm');
    assert.deepEqual(values(before.predictProba!(x)), [0.5, 0.5]);
    assert.deepEqual(values(before.predict!(x)), [3n]);
    const after = buildModel(root(clf({ _preprocessor: null })), 'm');
    assert.deepEqual(values(after.predict!(x)), [7n]);
  });

  it('encodes categories with _preprocessor from 1.4: codes first, unknown categories as missing', () => {
    const checkArray = new PyObject(new PyGlobal('functools', 'partial'), 'reduce', [new PyGlobal('sklearn.utils.validation', 'check_array')]);
    checkArray.state = [new PyGlobal('sklearn.utils.validation', 'check_array'), [], new Map<PyValue, PyValue>([['dtype', [new PyGlobal('numpy', 'float64')]], ['ensure_all_finite', false]]), null];
    const encoder = record('sklearn.preprocessing._encoders.OrdinalEncoder', {
      ...fittedOn(['color']),
      categories_: [obj(['blue', 'green', 'red'])],
      handle_unknown: 'use_encoded_value',
      unknown_value: NaN,
      encoded_missing_value: NaN,
      _missing_indices: new Map(),
      _infrequent_enabled: false,
    });
    const numerical = record('sklearn.preprocessing._function_transformer.FunctionTransformer', { ...fittedOn(['num']), func: checkArray, validate: false, kw_args: null });
    const pre = record('sklearn.compose._column_transformer.ColumnTransformer', {
      ...fittedOn(['num', 'color']),
      transformers_: [
        ['encoder', encoder, b1([false, true])],
        ['numerical', numerical, b1([true, false])],
      ],
      sparse_output_: false,
    });
    // Remapped features: 0 = color code (categorical; green = 1 goes left), 1 = num.
    const m = buildModel(
      root(
        regressor({
          ...fittedOn(['num', 'color']),
          _preprocessor: pre,
          _bin_mapper: mapper([1, 0], [f8([0, 1, 2]), f8([0.5])]),
          _predictors: [[treePredictor([{ feature: 0, categorical: true, bitset: 0, left: 1, right: 2 }, { leaf: true, value: 1 }, { leaf: true, value: 2 }], [[1 << 1]])]],
          _sklearn_version: '1.6.1',
        }),
      ),
      'm',
    );
    const x = new Table(4, [Float64Array.of(0, 1, 2, 3), ['green', 'red', 'purple', null]], { labels: ['num', 'color'] });
    assert.deepEqual(values(m.predict!(x)), [1.5, 2.5, 2.5, 2.5]);
    assert.throws(() => m.predict!(new Table(1, [Float64Array.of(0)], { labels: ['num'] })), /columns are missing/);
  });
});
