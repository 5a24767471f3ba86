import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Frame } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';
import { PySlice } from '../../pyobj/index.js';
import { f8, fittedOn, record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';
import { SparseColumn, type Table } from './table.js';

const CT = 'sklearn.compose._column_transformer.ColumnTransformer';
const rows = (t: Table) => Array.from({ length: t.rows }, (_, r) => t.columns.map((c) => (c instanceof SparseColumn ? c.toDense()[r] : (c as ArrayLike<unknown>)[r])));
const scaler = (names: string[], mean: number[]) =>
  record('sklearn.preprocessing._data.StandardScaler', { with_mean: true, with_std: false, mean_: f8(mean), scale_: null, ...fittedOn(names) });

/** ColumnTransformer([('num', StandardScaler(with_std=False), <num>), ...], remainder=...) fitted on columns a, b, s. */
function ct(extra: Record<string, unknown>, transformers: unknown[]) {
  return buildModel(root(record(CT, { ...fittedOn(['a', 'b', 's']), sparse_output_: false, transformer_weights: null, verbose_feature_names_out: true, transformers_: transformers as never, ...(extra as object) })), 'm');
}

const frame = (order: string[] = ['a', 'b', 's', 'extra']) => {
  const cols: Record<string, Frame['cols'][number]> = {
    a: { name: 'a', dtype: 'float64', values: Float64Array.of(1, 2) },
    b: { name: 'b', dtype: 'float64', values: Float64Array.of(10, 20) },
    s: { name: 's', dtype: 'str', values: ['x', 'y'] },
    extra: { name: 'extra', dtype: 'float64', values: Float64Array.of(0, 0) },
  };
  return toTable(new Frame(order.map((n) => cols[n])));
};

describe('ColumnTransformer', () => {
  it('takes columns by name from a DataFrame: any order, extra columns ignored, missing ones an error', () => {
    const model = ct({}, [
      ['num', scaler(['b', 'a'], [5, 1]), ['b', 'a']],
      ['remainder', 'passthrough', [2]],
    ]);
    assert.deepEqual(rows(model.transform!(frame())), [
      [5, 0, 'x'],
      [15, 1, 'y'],
    ]);
    assert.deepEqual(rows(model.transform!(frame(['s', 'extra', 'b', 'a']))), [
      [5, 0, 'x'],
      [15, 1, 'y'],
    ]);
    assert.throws(() => model.transform!(frame(['a', 's'])), /columns are missing: \{'b'\}/);
    assert.deepEqual(model.featureNamesOut!(), ['num__b', 'num__a', 'remainder__s']);
  });

  it('takes columns by position from an array, after checking their number', () => {
    const model = ct({ feature_names_in_: null }, [
      ['num', scaler(['x0'], [1]), [0]],
      ['rest', 'passthrough', new PySlice(1, null, null)],
    ]);
    const x = toTable(new Tensor('float64', [1, 3], Float64Array.of(1, 2, 3)));
    assert.deepEqual(rows(model.transform!(x)), [[0, 2, 3]]);
    assert.throws(() => model.transform!(toTable(new Tensor('float64', [1, 2], Float64Array.of(1, 2)))), /X has 2 features, but ColumnTransformer is expecting 3/);
  });

  it('reads boolean masks, label slices, drops and weights', () => {
    const model = ct({ transformer_weights: new Map([['num', 2]]), verbose_feature_names_out: false }, [
      ['num', scaler(['a'], [0]), [true, false, false]],
      ['pair', 'passthrough', new PySlice('a', 'b', null)],
      ['gone', 'drop', ['s']],
      ['empty', scaler([], []), []],
    ]);
    assert.deepEqual(rows(model.transform!(frame())), [
      [2, 1, 10],
      [4, 2, 20],
    ]);
    assert.deepEqual(model.featureNamesOut!(), ['a', 'a', 'b']);
  });

  it("reports sparse output where sparse_output_ says so, and labels it with set_output('pandas')", () => {
    const model = ct({ sparse_output_: true }, [['num', 'passthrough', ['a']]]);
    assert.equal(model.transform!(frame()).sparse, true);
    const pandas = ct({ _sklearn_output_config: new Map([['transform', 'pandas']]) }, [['num', scaler(['a', 'b'], [0, 0]), ['a', 'b']]]);
    assert.deepEqual(pandas.transform!(frame()).labels, ['num__a', 'num__b']);
  });
});
