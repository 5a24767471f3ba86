import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Frame } from '../../data/frame.js';
import { PyGlobal } from '../../pyobj/index.js';
import { fittedOn, numberFrame, record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';
import type { Table } from './table.js';

const rows = (t: Table) => Array.from({ length: t.rows }, (_, r) => t.columns.map((c) => (c as ArrayLike<unknown>)[r]));

describe('FunctionTransformer', () => {
  const fn = (func: unknown, extra: Record<string, unknown> = {}) =>
    buildModel(root(record('sklearn.preprocessing._function_transformer.FunctionTransformer', { func: func as null, validate: false, kw_args: null, ...fittedOn(['a', 'b']), ...(extra as object) })), 'm');

  it('applies numpy ufuncs named by numpy 1 and numpy 2 pickles, keeping DataFrame labels', () => {
    for (const g of [new PyGlobal('numpy', 'log1p'), new PyGlobal('numpy.core._multiarray_umath', 'log1p')]) {
      const out = fn(g).transform!(toTable(numberFrame({ a: [0, Math.E - 1], b: [1, 3] })));
      assert.deepEqual(out.labels, ['a', 'b']);
      assert.deepEqual(rows(out), [
        [0, Math.log1p(1)],
        [1, Math.log1p(3)],
      ]);
    }
    assert.deepEqual(rows(fn(new PyGlobal('numpy', 'rint')).transform!(toTable(numberFrame({ a: [0.5, 1.5], b: [2.5, -0.5] })))), [
      [0, 2],
      [2, -0],
    ]);
  });

  it('passes X through unchanged without a function, and makes it a float array with validate=True', () => {
    const x = toTable(new Frame([{ name: 's', dtype: 'object', values: ['keep'] }]));
    assert.equal(fn(null).transform!(x), x);
    const out = fn(null, { validate: true, ...fittedOn(['a']) }).transform!(toTable(numberFrame({ a: [1] })));
    assert.equal(out.labels, undefined);
    assert.throws(() => fn(null, { validate: true, ...fittedOn(['a']) }).transform!(toTable(numberFrame({ a: [NaN] }))), /NaN/);
  });

  it('refuses functions it does not know and kw_args', () => {
    assert.throws(() => fn(new PyGlobal('numpy', 'clip'), { kw_args: new Map([['a_min', 0]]) }), /function numpy\.clip at step  ?\(not one of the numpy functions|numpy\.clip/);
    assert.throws(() => fn(new PyGlobal('mylib', 'f')), /function mylib\.f/);
  });
});
