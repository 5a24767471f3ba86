import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { PrewrittenJson } from '../data/prewritten.js';
import { encodeOutput, encodePredictions } from './predictions.js';
import { materializeOutput } from './prewritten.js';

describe('answers written as MLflow\'s JSON', () => {
  it('are written as they are', () => {
    const answer = new PrewrittenJson('[1.0, 2e-05, NaN]');
    assert.equal(encodePredictions(answer, true), '{"predictions": [1.0, 2e-05, NaN]}');
    assert.equal(encodeOutput({ nested: answer }), '{"nested": [1.0, 2e-05, NaN]}');
  });

  it('become Tensors of the numpy dtype and shape the worker reported', () => {
    const t = materializeOutput(new PrewrittenJson('[[1.0, 2.0], [3.0, 4.0]]', { t: 'nd', dt: 'float32', sh: [2, 2] })) as Tensor;
    assert.ok(t instanceof Tensor);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.shape, [2, 2]);
    assert.deepEqual([...(t.data as Float32Array)], [1, 2, 3, 4]);
    const empty = materializeOutput(new PrewrittenJson('[]', { t: 'nd', dt: 'int64', sh: [0, 3] })) as Tensor;
    assert.deepEqual(empty.shape, [0, 3]);
  });

  it('become Frames with the DataFrame\'s dtypes, object where a value is missing', () => {
    const f = materializeOutput(new PrewrittenJson('[{"a": 1, "b": "x", "c": null}, {"a": 2, "b": "y", "c": 1.5}]', { t: 'df', cols: [['a', 'int64'], ['b', 'object'], ['c', 'float64']] })) as Frame;
    assert.ok(f instanceof Frame);
    assert.deepEqual(f.cols.map((c) => c.dtype), ['int64', 'object', 'object']);
    assert.deepEqual([...(f.cols[0].values as BigInt64Array)], [1n, 2n]);
  });

  it('stay JSON values where the type is not reversible or not known', () => {
    assert.deepEqual(materializeOutput(new PrewrittenJson('["2024-01-01T00:00:00"]', { t: 'nd', dt: 'datetime64', sh: [1] })), ['2024-01-01T00:00:00']);
    assert.deepEqual(materializeOutput(new PrewrittenJson('{"a": [1, 2], "b": "x"}', { t: 'dict', v: { a: { t: 'nd', dt: 'int64', sh: [2] }, b: { t: 'js' } } })), {
      a: new Tensor('int64', [2], new BigInt64Array([1n, 2n])),
      b: 'x',
    });
    const other = { x: 1 };
    assert.equal(materializeOutput(other), other);
  });
});
