// Tests how model input becomes LightGBM's rows: column matching, dtype conversions, pandas categories, input errors.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Frame } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';
import type { ModelInput } from '../types.js';
import { bigintToFloat32, type FeatureModel, featureRows } from './features.js';

const MODEL: FeatureModel = { numFeatures: 3, featureNames: ['a', 'b_c', 'd'], pandasCategorical: null };

/** Every row `featureRows` writes, as arrays. */
function read(input: ModelInput, model: FeatureModel = MODEL): number[][] {
  const rows = featureRows(input, model);
  const stride = rows.numCols + 1;
  const out = new Float64Array(rows.numRows * stride).fill(-999);
  rows.fill(out, 0, rows.numRows, stride);
  return Array.from({ length: rows.numRows }, (_, r) => Array.from(out.subarray(r * stride, r * stride + rows.numCols)));
}

const f64 = (...values: number[]) => ({ dtype: 'float64' as const, values: Float64Array.from(values) });

describe('featureRows: DataFrame columns', () => {
  it('takes the model feature names in any order, extra columns ignored, spaces read as underscores', () => {
    const frame = Frame.of({ d: f64(3, 30), extra: f64(9, 9), 'b c': f64(2, 20), a: f64(1, 10) });
    assert.deepEqual(read(frame), [
      [1, 2, 3],
      [10, 20, 30],
    ]);
  });

  it('is positional, as LightGBM is, when the names are not the model feature names', () => {
    assert.deepEqual(read(Frame.of({ x: f64(1), y: f64(2), z: f64(3) })), [[1, 2, 3]]);
  });

  it("answers LightGBM's shape error when a feature is missing", () => {
    assert.throws(() => read(Frame.of({ a: f64(1), d: f64(3) })), /The number of features in data \(2\) is not the same as it was in training data \(3\)/);
  });

  it('refuses an empty frame as LightGBM does', () => {
    assert.throws(() => read(new Frame([], 0)), /Input data must be 2 dimensional and non empty/);
  });

  it('converts integer, unsigned, 64-bit, half and boolean columns exactly', () => {
    const frame = new Frame([
      { name: 'a', dtype: 'int64', values: BigInt64Array.from([2n ** 53n + 1n, -5n]) },
      { name: 'b_c', dtype: 'bool', values: [true, false] },
      { name: 'd', dtype: 'float16', values: Uint16Array.from([0x3c00, 0x7e00]) },
    ]);
    const [first, second] = read(frame);
    assert.deepEqual(first, [2 ** 53, 1, 1]);
    assert.deepEqual(second.slice(0, 2), [-5, 0]);
    assert.ok(Number.isNaN(second[2]));
  });

  it("refuses text and date columns with LightGBM's message when the model has no pandas categories", () => {
    const frame = new Frame([
      { name: 'a', ...f64(1) },
      { name: 'b_c', dtype: 'str', values: ['x'] },
      { name: 'd', ...f64(1) },
    ]);
    assert.throws(() => read(frame), /pandas dtypes must be int, float or bool\.\nFields with bad pandas dtypes: b_c: object/);
  });
});

describe('featureRows: pandas categories', () => {
  const model: FeatureModel = { numFeatures: 3, featureNames: ['x', 'color', 'size'], pandasCategorical: [['red', 'green'], [10, 20, 30]], categoricalFeatures: [1, 2] };

  it('maps category values to their codes; unseen values and nulls are missing', () => {
    const frame = new Frame([
      { name: 'x', ...f64(0.5, 1, 2) },
      { name: 'color', dtype: 'str', values: ['green', 'purple', 'red'] },
      { name: 'size', dtype: 'int64', values: BigInt64Array.from([30n, 20n, 99n]) },
    ]);
    const rows = read(frame, model);
    assert.deepEqual(rows[0], [0.5, 1, 2]);
    assert.deepEqual([rows[1][1], rows[1][2]], [NaN, 1]);
    assert.deepEqual([rows[2][1], rows[2][2]], [0, NaN]);
  });

  it('reads numbers as codes where the categories are text (the codes LightGBM trains on)', () => {
    const frame = Frame.of({ x: f64(0), color: f64(1), size: f64(20) });
    assert.deepEqual(read(frame, model), [[0, 1, 1]]);
  });

  it('without saved categorical_feature, maps the text columns in order', () => {
    const noSaved: FeatureModel = { ...model, pandasCategorical: [['red', 'green']], categoricalFeatures: undefined };
    const frame = new Frame([
      { name: 'x', ...f64(1) },
      { name: 'color', dtype: 'str', values: ['green'] },
      { name: 'size', ...f64(7) },
    ]);
    assert.deepEqual(read(frame, noSaved), [[1, 1, 7]]);
    const two = new Frame([
      { name: 'x', dtype: 'str', values: ['a'] },
      { name: 'color', dtype: 'str', values: ['green'] },
      { name: 'size', ...f64(7) },
    ]);
    assert.throws(() => read(two, noSaved), /trained with 1 pandas category column\(s\) \(pandas_categorical\); the input has 2 text column\(s\): x, color/);
  });
});

describe('featureRows: 2-D arrays', () => {
  it('keeps float64 and float32 values and casts other numbers to float32, as numpy input is', () => {
    assert.deepEqual(read(new Tensor('float64', [1, 3], Float64Array.from([0.1, 2, 3]))), [[0.1, 2, 3]]);
    assert.deepEqual(read(new Tensor('int32', [1, 3], Int32Array.from([16777217, -1, 2]))), [[16777216, -1, 2]]);
    assert.deepEqual(read(new Tensor('int64', [1, 3], BigInt64Array.from([2n ** 60n + 2n ** 36n + 1n, 1n, 2n]))), [[2 ** 60 + 2 ** 37, 1, 2]]);
    assert.deepEqual(read(new Tensor('object', [1, 3], [null, true, 0.1])), [[NaN, 1, Math.fround(0.1)]]);
  });

  it('refuses other shapes, a wrong width, text and dictionaries', () => {
    assert.throws(() => read(new Tensor('float64', [3], Float64Array.from([1, 2, 3]))), /must be 2 dimensional/);
    assert.throws(() => read(new Tensor('float64', [1, 2], Float64Array.from([1, 2]))), /number of features in data \(2\)/);
    assert.throws(() => read(new Tensor('str', [1, 3], ['1', '2', '3'])), /LightGBM takes numbers/);
    assert.throws(() => read(new Tensor('object', [1, 3], ['x', 1, 2])), /the string "x"/);
    assert.throws(() => read({ a: new Tensor('float64', [1], Float64Array.from([1])) }), /Cannot predict data for type dict/);
  });
});

describe('bigintToFloat32', () => {
  it('rounds once to nearest, ties to even, where going through a double would round twice', () => {
    // 2^60 + 2^36 + 1 lies just above the midpoint of two float32s; as a double it is the midpoint.
    assert.equal(bigintToFloat32(2n ** 60n + 2n ** 36n + 1n), 2 ** 60 + 2 ** 37);
    assert.equal(bigintToFloat32(2n ** 60n + 2n ** 36n), 2 ** 60);
    assert.equal(bigintToFloat32(-(2n ** 60n) - 2n ** 36n - 1n), -(2 ** 60) - 2 ** 37);
    assert.equal(bigintToFloat32(16777217n), 16777216);
    assert.equal(bigintToFloat32(2n ** 63n - 1n), 2 ** 63);
  });
});
