import { test } from 'node:test';
import assert from 'node:assert/strict';
import { astype } from './cast.js';
import type { Column } from '../data/frame.js';

test('astype to float32 and float64 converts typed numeric columns as Python float() and numpy rounding do', () => {
  const doubles = [0.1, -0, 1e-46, 3.4028235677973366e38, 16777217, Number.MAX_VALUE, NaN, -Infinity];
  const ints = [0n, -1n, 9007199254740993n, -(2n ** 63n), 2n ** 63n - 1n, 16777217n];
  const f64: Column = { name: 'a', dtype: 'float64', values: Float64Array.from(doubles) };
  const f32: Column = { name: 'b', dtype: 'float32', values: Float32Array.from(doubles) };
  const i64: Column = { name: 'c', dtype: 'int64', values: BigInt64Array.from(ints) };
  const same = (col: Column, dtype: string, expected: number[]): void => {
    assert.equal(col.dtype, dtype);
    assert.ok(dtype === 'float32' ? col.values instanceof Float32Array : col.values instanceof Float64Array);
    assert.deepStrictEqual(Array.from(col.values as ArrayLike<number>), expected);
  };
  same(astype(f64, 'float32'), 'float32', doubles.map(Math.fround));
  same(astype(f32, 'float64'), 'float64', doubles.map(Math.fround));
  same(astype(i64, 'float64'), 'float64', ints.map(Number));
  same(astype(i64, 'float32'), 'float32', ints.map((v) => Math.fround(Number(v))));
  assert.equal(astype(f64, 'float64'), f64, 'an already matching column is kept');
  const converted = astype(f32, 'float64');
  assert.notEqual(converted.values, f32.values);
});
