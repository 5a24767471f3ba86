import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMarkedFloat } from '../../data/float-hint.js';
import { NdArray, NpDType, PyNode } from '../../pyobj/index.js';
import { markPyFloat } from '../../pyobj/tree.js';
import { b1, f8, i8, obj } from '../../../test/helpers/sklearn-tree.js';
import { Labels } from './labels.js';

const take = (a: NdArray, idx: number[]) => Labels.read(PyNode.root(a)).take(Int32Array.from(idx));

describe('Labels (classes_)', () => {
  it('keeps the dtype the model holds: int64, float, bool, str', () => {
    const ints = take(i8([-3, 7, 40]), [2, 0]);
    assert.equal(ints.dtype, 'int64');
    assert.deepEqual([...(ints.data as BigInt64Array)], [40n, -3n]);
    assert.equal(take(f8([0, 1]), [1]).dtype, 'float64');
    assert.deepEqual(take(b1([false, true]), [1, 0]).data, [true, false]);
    const str = new NdArray(NpDType.parse('<U3'), [2], ['ant', 'bee']);
    assert.deepEqual(take(str, [1]).data, ['bee']);
  });

  it('keeps Python types in object arrays, floats marked as floats', () => {
    const labels = ['cat', 2, 2.0];
    const a = obj(labels);
    markPyFloat(a.data as unknown[], 2);
    const out = take(a, [0, 1, 2]);
    assert.equal(out.dtype, 'object');
    assert.deepEqual(out.data, ['cat', 2, 2]);
    assert.equal(isMarkedFloat(out.data as object, 1), false);
    assert.equal(isMarkedFloat(out.data as object, 2), true);
  });

  it('refuses indices outside the classes and multi-dimensional classes', () => {
    assert.throws(() => take(i8([0, 1]), [2]), RangeError);
    assert.throws(() => Labels.read(PyNode.root(f8([1, 2, 3, 4], [2, 2]))), /1-D array of classes/);
  });
});
