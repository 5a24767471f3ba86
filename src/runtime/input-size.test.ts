import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberFrame } from '../../test/helpers/sklearn-tree.js';
import { Tensor } from '../data/tensor.js';
import { inputElements } from './input-size.js';

test('a frame counts rows × columns, a tensor its size, a dict of tensors their sizes together', () => {
  assert.equal(inputElements(numberFrame({ a: [1, 2, 3], b: [4, 5, 6] })), 6);
  assert.equal(inputElements(new Tensor('float32', [2, 4], new Float32Array(8))), 8);
  assert.equal(inputElements({ x: new Tensor('float64', [3], new Float64Array(3)), y: new Tensor('int32', [3, 2], new Int32Array(6)) }), 9);
  const bare = Object.assign(Object.create(null) as Record<string, unknown>, { x: new Tensor('float64', [2], new Float64Array(2)) });
  assert.equal(inputElements(bare), 2, 'a dict without a prototype (as decoded JSON may be) counts too');
});

test('inputs whose cost a size cannot tell have no size', () => {
  assert.equal(inputElements([[1, 2]]), undefined);
  assert.equal(inputElements('text'), undefined);
  assert.equal(inputElements(null), undefined);
  assert.equal(inputElements({}), undefined, 'no tensors: nothing to count');
  assert.equal(inputElements({ x: new Tensor('float64', [1], new Float64Array(1)), y: [1] }), undefined, 'one value is not a tensor');
});
