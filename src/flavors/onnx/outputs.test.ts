import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tensor } from '../../data/tensor.js';
import { outputFrame, outputRecord } from './outputs.js';

const probs = new Tensor('float32', [2, 3], new Float32Array([0.5, 0.25, 0.25, 0, 1, 0]));
const labels = new Tensor('int64', [2], new BigInt64Array([0n, 1n]));

describe('outputRecord', () => {
  it('names each output with its original shape', () => {
    const out = outputRecord(['probabilities', 'label'], [probs, labels]);
    assert.deepEqual(Object.keys(out), ['probabilities', 'label']);
    assert.equal(out.probabilities, probs);
  });
});

describe('outputFrame', () => {
  it('flattens outputs of equal size into one column each, as MLflow does', () => {
    const frame = outputFrame(['y'], [probs]);
    assert.equal(frame.numRows, 6);
    assert.deepEqual(frame.toRecords().map((r) => r.y), [0.5, 0.25, 0.25, 0, 1, 0]);
    assert.equal(frame.cols[0].dtype, 'float32');
  });

  it('answers one row per example when flattened sizes differ', () => {
    const frame = outputFrame(['probabilities', 'label'], [probs, labels]);
    assert.equal(frame.numRows, 2);
    assert.deepEqual(frame.dtypes, { probabilities: 'object', label: 'int64' });
    const cells = frame.cols[0].values as Tensor[];
    assert.deepEqual(cells[1].shape, [3]);
    assert.deepEqual(cells[1].toArray(), [0, 1, 0]);
    assert.deepEqual(frame.toRecords().map((r) => r.label), [0, 1]);
  });

  it('keeps the inner shape of each row slice', () => {
    const t = new Tensor('str', [2, 1, 2], ['a', 'b', 'c', 'd']);
    const frame = outputFrame(['t', 'n'], [t, labels]);
    assert.deepEqual((frame.cols[0].values as Tensor[])[1].toArray(), [['c', 'd']]);
  });

  it('fails when outputs share neither size nor first dimension', () => {
    const three = new Tensor('int64', [3], new BigInt64Array(3));
    assert.throws(() => outputFrame(['p', 'n'], [probs, three]), /All arrays must be of the same length/);
  });
});
