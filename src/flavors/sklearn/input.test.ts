import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Frame } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';
import { toTable } from './input.js';

describe('sklearn input (the enforced DataFrame or array → X)', () => {
  it('keeps float64 columns without a copy, converts other numbers and booleans, keeps strings as objects', () => {
    const f64 = Float64Array.of(1.5, 2.5);
    const frame = new Frame([
      { name: 'x', dtype: 'float64', values: f64 },
      { name: 'n', dtype: 'int64', values: BigInt64Array.of(3n, -4n) },
      { name: 'b', dtype: 'bool', values: [true, false] },
      { name: 's', dtype: 'str', values: ['red', null as unknown as string] },
      { name: 'f', dtype: 'float32', values: Float32Array.of(0.5, 1) },
    ]);
    const x = toTable(frame);
    assert.equal(x.columns[0], f64);
    assert.deepEqual([...(x.columns[1] as Float64Array)], [3, -4]);
    assert.deepEqual([...(x.columns[2] as Float64Array)], [1, 0]);
    assert.deepEqual(x.columns[3], ['red', null]);
    assert.deepEqual([...(x.columns[4] as Float64Array)], [0.5, 1]);
    assert.deepEqual(x.labels, ['x', 'n', 'b', 's', 'f']);
    assert.ok(x.isFrame);
  });

  it('reads a 2-D tensor as an unlabelled array, column by column', () => {
    const x = toTable(new Tensor('float32', [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6)));
    assert.equal(x.isFrame, false);
    assert.deepEqual(x.columns.map((c) => [...(c as Float64Array)]), [[1, 4], [2, 5], [3, 6]]);
  });

  it('refuses 1-D arrays, datetimes and other inputs as scikit-learn does', () => {
    assert.throws(() => toTable(new Tensor('float64', [3], Float64Array.of(1, 2, 3))), /Expected 2D array, got 1D array instead/);
    assert.throws(() => toTable(new Frame([{ name: 'd', dtype: 'datetime64', values: BigInt64Array.of(0n) }])), /column d is datetime64/);
    assert.throws(() => toTable({ a: 1 }), /take a DataFrame or a 2-D array/);
  });
});
