import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Frame } from '../../data/frame.js';
import { PyNode, readPythonObjectFile } from '../../pyobj/index.js';
import { b1, f8, fittedOn, i8, obj, record, root } from '../../../test/helpers/sklearn-tree.js';
import { caseModelDir, readCaseExpected, sklearnCases } from '../../../test/helpers/sklearn-fixtures.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';
import { SparseColumn, type Table } from './table.js';

const OHE = 'sklearn.preprocessing._encoders.OneHotEncoder';

function frame(s: (string | null | number)[], n: number[]): Table {
  return toTable(
    new Frame([
      { name: 's', dtype: 'object', values: s },
      { name: 'n', dtype: 'float64', values: Float64Array.from(n) },
    ]),
  );
}

function dense(t: Table): number[][] {
  return Array.from({ length: t.rows }, (_, r) => t.columns.map((c) => (c instanceof SparseColumn ? c.toDense()[r] : (c as Float64Array)[r])));
}

function oneHot(extra: Record<string, unknown>) {
  return buildModel(
    root(
      record(OHE, {
        categories_: [obj(['a', 'b', 'c']), f8([1, 2])],
        handle_unknown: 'ignore',
        drop_idx_: null,
        _drop_idx_after_grouping: null,
        _n_features_outs: [3, 2],
        _infrequent_enabled: false,
        sparse_output: true,
        ...fittedOn(['s', 'n']),
        ...(extra as object),
      }),
    ),
    'm',
  );
}

describe('OneHotEncoder', () => {
  it('writes one column per category, zeros for unknown values, as sparse columns', () => {
    const out = oneHot({}).transform!(frame(['b', 'z', null], [2, 1, 3]));
    assert.ok(out.sparse);
    assert.ok(out.columns.every((c) => c instanceof SparseColumn));
    assert.deepEqual(dense(out), [
      [0, 1, 0, 0, 1],
      [0, 0, 0, 1, 0],
      [0, 0, 0, 0, 0],
    ]);
    assert.deepEqual(oneHot({}).featureNamesOut!(), ['s_a', 's_b', 's_c', 'n_1.0', 'n_2.0']);
  });

  it("fails on unknown values with handle_unknown='error', as scikit-learn does", () => {
    assert.throws(() => oneHot({ handle_unknown: 'error' }).transform!(frame(['b', 'z'], [2, 1])), /Found unknown categories \["z"\] in column 0 during transform/);
    assert.throws(() => oneHot({}).transform!(frame(['b'], [Infinity])), /infinity/);
  });

  it('drops the category drop_idx_ names, shifting the ones after it', () => {
    const model = oneHot({ _drop_idx_after_grouping: obj([null, 0]), drop_idx_: obj([null, 0]), _n_features_outs: [3, 1], sparse_output: false });
    const out = model.transform!(frame(['a', 'c', 'a'], [2, 1, 3]));
    assert.equal(out.sparse, false);
    assert.deepEqual(dense(out), [
      [1, 0, 0, 1],
      [0, 0, 1, 0],
      [1, 0, 0, 0],
    ]);
    assert.deepEqual(model.featureNamesOut!(), ['s_a', 's_b', 's_c', 'n_2.0']);
  });

  it('groups infrequent categories, and unknown values with them under infrequent_if_exist', () => {
    const model = buildModel(
      root(
        record(OHE, {
          categories_: [obj(['a', 'b', 'c', 'd'])],
          handle_unknown: 'infrequent_if_exist',
          drop_idx_: null,
          _drop_idx_after_grouping: null,
          _n_features_outs: [3],
          _infrequent_enabled: true,
          _infrequent_indices: [i8([2, 3])],
          _default_to_infrequent_mappings: [i8([0, 1, 2, 2])],
          sparse_output: false,
          ...fittedOn(['s']),
        }),
      ),
      'm',
    );
    const out = model.transform!(toTable(new Frame([{ name: 's', dtype: 'object', values: ['a', 'c', 'd', 'z', 'b'] }])));
    assert.deepEqual(dense(out), [
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    assert.deepEqual(model.featureNamesOut!(), ['s_a', 's_b', 's_infrequent_sklearn']);
  });

  it('matches values as Python compares them: True with 1, and a missing value with the missing category the model knows', () => {
    const model = oneHot({ categories_: [obj(['a', NaN]), b1([false, true])], _n_features_outs: [2, 2] });
    assert.deepEqual(dense(model.transform!(frame([null, 'a'], [1, 0]))), [
      [0, 1, 0, 1],
      [1, 0, 1, 0],
    ]);
  });
});

describe('OrdinalEncoder', () => {
  it('encodes categories, unknown and missing values as configured', () => {
    const model = buildModel(
      root(
        record('sklearn.preprocessing._encoders.OrdinalEncoder', {
          categories_: [obj(['a', 'b', NaN])],
          handle_unknown: 'use_encoded_value',
          unknown_value: -1,
          encoded_missing_value: -2,
          _missing_indices: new Map([[0, 2]]),
          _infrequent_enabled: false,
          ...fittedOn(['s']),
        }),
      ),
      'm',
    );
    const out = model.transform!(toTable(new Frame([{ name: 's', dtype: 'object', values: ['b', 'z', NaN, null, 'a'] }])));
    assert.deepEqual(dense(out), [[1], [-1], [-2], [-2], [0]]);
  });
});

describe('LabelEncoder', () => {
  for (const c of sklearnCases({ model: 'label-encoder' })) {
    it(`${c.id}: transform gives scikit-learn's codes`, () => {
      const model = buildModel(PyNode.root(readPythonObjectFile(join(caseModelDir(c), c.file))), c.file);
      const request = JSON.parse(readFileSync(join(caseModelDir(c), '..', 'request.json'), 'utf8')) as { dataframe_split: { data: string[][] } };
      const values = request.dataframe_split.data.map((row) => row[0]);
      const out = model.transform!(toTable(new Frame([{ name: 'animal', dtype: 'str', values }])));
      assert.deepEqual([...(out.columns[0] as Float64Array)], readCaseExpected(c).transform!.values);
      assert.throws(() => model.transform!(toTable(new Frame([{ name: 'animal', dtype: 'str', values: ['unicorn'] }]))), /previously unseen labels/);
    });
  }
});
