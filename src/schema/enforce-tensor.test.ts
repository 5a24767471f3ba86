import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enforceTensorSchema } from './enforce-tensor.js';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';

test('a frame of float columns becomes the row-major tensor of an unnamed float spec, rounded to its dtype', () => {
  const a = [0.1, -0, 1e300];
  const b = [2.5, NaN, -1e-320];
  const frame = new Frame([
    { name: 'a', dtype: 'float64', values: Float64Array.from(a) },
    { name: 'b', dtype: 'float32', values: Float32Array.from(b) },
  ]);
  const f32 = enforceTensorSchema(frame, { kind: 'tensors', specs: [{ dtype: 'float32', shape: [-1, 2] }] }) as Tensor;
  assert.equal(f32.dtype, 'float32');
  assert.deepEqual(f32.shape, [3, 2]);
  assert.deepStrictEqual(Array.from(f32.data as Float32Array), [0.1, 2.5, -0, NaN, 1e300, -1e-320].map(Math.fround));
  const f64 = enforceTensorSchema(frame, { kind: 'tensors', specs: [{ dtype: 'float64', shape: [-1, 2] }] }) as Tensor;
  assert.deepStrictEqual(Array.from(f64.data as Float64Array), [0.1, Math.fround(2.5), -0, NaN, 1e300, Math.fround(-1e-320)]);
});

test('a frame whose shape does not meet the spec keeps its enforcement error', () => {
  const frame = new Frame([
    { name: 'a', dtype: 'float64', values: Float64Array.from([1, 2]) },
    { name: 'b', dtype: 'float64', values: Float64Array.from([3, 4]) },
  ]);
  assert.throws(() => enforceTensorSchema(frame, { kind: 'tensors', specs: [{ dtype: 'float32', shape: [-1, 3] }] }), /the input shape must be of the structure \(-1, number_of_dataframe_columns\)/);
});
