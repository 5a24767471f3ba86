import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { encodeOutput } from '../codecs/predictions.js';
import { mergeInputs, mergeKey, paramsKey, rowCount, splitOutput } from './merge.js';

const frame = (x: number[], s: string[]): Frame =>
  new Frame([
    { name: 'x', dtype: 'float64', values: Float64Array.from(x) },
    { name: 's', dtype: 'object', values: s },
  ]);

describe('merge and split', () => {
  it('merges frames with the same columns and splits a frame output by rows', () => {
    const a = frame([1, 2], ['a', 'b']);
    const b = frame([3], ['c']);
    assert.equal(mergeKey(a), mergeKey(b));
    const merged = mergeInputs([a, b]) as Frame;
    assert.equal(merged.numRows, 3);
    assert.deepEqual(Array.from(merged.column('x') as Float64Array), [1, 2, 3]);
    const parts = splitOutput(merged, [2, 1])!;
    assert.equal(encodeOutput(parts[0]), '[{"x": 1.0, "s": "a"}, {"x": 2.0, "s": "b"}]');
    assert.equal(encodeOutput(parts[1]), '[{"x": 3.0, "s": "c"}]');
  });
  it('does not merge frames whose columns or dtypes differ', () => {
    const c = new Frame([{ name: 'x', dtype: 'int64', values: BigInt64Array.from([1n]) }]);
    assert.notEqual(mergeKey(frame([1], ['a'])), mergeKey(c));
  });
  it('merges tensors along the first axis and splits tensor and typed-array outputs', () => {
    const a = new Tensor('float32', [1, 2], Float32Array.from([1, 2]));
    const b = new Tensor('float32', [2, 2], Float32Array.from([3, 4, 5, 6]));
    assert.equal(mergeKey(a), mergeKey(b));
    assert.notEqual(mergeKey(a), mergeKey(new Tensor('float32', [1, 3], new Float32Array(3))));
    const merged = mergeInputs([a, b]) as Tensor;
    assert.deepEqual(merged.shape, [3, 2]);
    const parts = splitOutput(merged, [1, 2])!;
    assert.equal(encodeOutput(parts[0]), '[[1.0, 2.0]]');
    assert.equal(encodeOutput(parts[1]), '[[3.0, 4.0], [5.0, 6.0]]');
    assert.deepEqual(splitOutput(Float64Array.from([7, 8, 9]), [1, 2])!.map((p) => Array.from(p as Float64Array)), [[7], [8, 9]]);
  });
  it('merges named tensors and splits dict outputs key by key', () => {
    const a = { a: new Tensor('float32', [1, 2], Float32Array.from([1, 2])), b: new Tensor('int64', [1], BigInt64Array.from([5n])) };
    const b = { a: new Tensor('float32', [1, 2], Float32Array.from([3, 4])), b: new Tensor('int64', [1], BigInt64Array.from([6n])) };
    assert.equal(rowCount(a), 1);
    const merged = mergeInputs([a, b]) as Record<string, Tensor>;
    assert.deepEqual(merged.a.shape, [2, 2]);
    const parts = splitOutput(merged, [1, 1])!;
    assert.equal(encodeOutput(parts[1]), '{"a": [[3.0, 4.0]], "b": [6]}');
  });
  it('splits outputs with k rows per input row (flattened ONNX outputs)', () => {
    const out = new Frame([{ name: 'y', dtype: 'float32', values: Float32Array.from([1, 2, 3, 4, 5, 6]) }]);
    const parts = splitOutput(out, [1, 2])!;
    assert.deepEqual(parts.map((p) => (p as Frame).numRows), [2, 4]);
  });
  it('refuses to split an output whose length does not follow the rows', () => {
    assert.equal(splitOutput([1, 2, 3, 4, 5], [1, 2]), undefined);
    assert.equal(splitOutput('text', [1, 1]), undefined);
    assert.equal(rowCount({ prompt: 'x' }), undefined);
    assert.equal(rowCount(new Tensor('float64', [], Float64Array.from([1]))), undefined);
  });
  it('keeps float marks of plain list outputs when slicing', () => {
    const parts = splitOutput(JSON.parse('[1, 2]').map((v: number) => v), [1, 1])!;
    assert.equal(encodeOutput(parts[1]), '[2]');
  });
});

describe('paramsKey', () => {
  it('gives empty params the key their JSON has, and tells params apart by value (bigints included)', () => {
    assert.equal(paramsKey({}), JSON.stringify({}));
    assert.equal(paramsKey(null), 'null');
    assert.equal(paramsKey(undefined), 'undefined');
    assert.notEqual(paramsKey({}), paramsKey({ k: 1 }));
    assert.equal(paramsKey({ k: 1 }), paramsKey({ k: 1 }));
    assert.notEqual(paramsKey({ k: 1n }), paramsKey({ k: 1 }));
    assert.equal(paramsKey({ k: [] }), '{"k":[]}');
  });
});
