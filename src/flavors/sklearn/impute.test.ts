import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Frame } from '../../data/frame.js';
import { NpDType } from '../../pyobj/index.js';
import { f8, fittedOn, i8, numberFrame, obj, record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';
import type { Table } from './table.js';

const IMPUTER = 'sklearn.impute._base.SimpleImputer';
const rows = (t: Table) => Array.from({ length: t.rows }, (_, r) => t.columns.map((c) => (c as ArrayLike<unknown>)[r]));
const indicator = (features: number[]) => record('sklearn.impute._base.MissingIndicator', { features_: i8(features), missing_values: NaN, error_on_new: false, features: 'missing-only', _precomputed: true });

describe('SimpleImputer', () => {
  it('fills NaN with the statistic, drops features without one, appends indicator columns', () => {
    const model = buildModel(
      root(
        record(IMPUTER, {
          strategy: 'mean',
          missing_values: NaN,
          statistics_: f8([1.5, NaN, 7]),
          _fit_dtype: NpDType.parse('<f8'),
          add_indicator: true,
          indicator_: indicator([0, 1]),
          keep_empty_features: false,
          ...fittedOn(['a', 'b', 'c']),
        }),
      ),
      'm',
    );
    const out = model.transform!(toTable(numberFrame({ a: [NaN, 2], b: [NaN, NaN], c: [3, NaN] })));
    assert.deepEqual(rows(out), [
      [1.5, 3, 1, 1],
      [2, 7, 0, 1],
    ]);
    assert.deepEqual(model.featureNamesOut!(), ['a', 'c', 'missingindicator_a', 'missingindicator_b']);
    assert.throws(() => model.transform!(toTable(numberFrame({ a: [Infinity], b: [1], c: [1] }))), /infinity/);
  });

  it('keeps Python objects for a model fitted on objects; None is missing only when missing_values is None', () => {
    const model = (missing: unknown) =>
      buildModel(
        root(
          record(IMPUTER, {
            strategy: 'constant',
            fill_value: 'none',
            missing_values: missing as null,
            statistics_: obj(['none']),
            _fit_dtype: NpDType.parse('|O'),
            add_indicator: false,
            indicator_: null,
            keep_empty_features: false,
            ...fittedOn(['s']),
          }),
        ),
        'm',
      );
    const x = () => toTable(new Frame([{ name: 's', dtype: 'object', values: ['a', null, NaN] }]));
    assert.throws(() => model(null).transform!(x()), /Input contains NaN/);
    assert.deepEqual(rows(model(null).transform!(toTable(new Frame([{ name: 's', dtype: 'object', values: ['a', null] }])))), [['a'], ['none']]);
    assert.deepEqual(rows(model(NaN).transform!(x())), [['a'], [null], ['none']]);
  });
});
