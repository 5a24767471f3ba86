import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Frame } from '../../data/frame.js';
import { markFloat } from '../../data/float-hint.js';
import { planUnits } from './units.js';

const frame = (xs: number[], dtype: 'float64' | 'int64' = 'float64'): Frame =>
  new Frame([{ name: 'x', dtype, values: dtype === 'float64' ? Float64Array.from(xs) : BigInt64Array.from(xs.map(BigInt)) }]);

describe('grouping a message\'s requests into predict calls', () => {
  it('merges requests with the same columns, dtypes and params, keeping their row counts', () => {
    const units = planUnits([{ input: frame([1]), params: null }, { input: frame([2, 3]), params: null }, { input: frame([4]), params: null }], 100);
    assert.equal(units.length, 1);
    assert.deepEqual(units[0].members, [0, 1, 2]);
    assert.deepEqual(units[0].counts, [1, 2, 1]);
    assert.deepEqual([...(units[0].input as Frame).cols[0].values], [1, 2, 3, 4]);
  });

  it('keeps apart requests whose dtypes or params differ, 1 and 1.0 included', () => {
    const float: Record<string, unknown> = { t: 1 };
    markFloat(float, 't');
    const units = planUnits(
      [
        { input: frame([1]), params: { t: 1 } },
        { input: frame([2]), params: float },
        { input: frame([3], 'int64'), params: { t: 1 } },
        { input: frame([4]), params: { t: 1 } },
      ],
      100,
    );
    assert.deepEqual(units.map((u) => u.members), [[0, 3], [1], [2]]);
  });

  it('starts a new call past the row limit, and fills the newest one', () => {
    const units = planUnits([frame([1, 2]), frame([3, 4]), frame([5])].map((input) => ({ input, params: null })), 3);
    assert.deepEqual(units.map((u) => u.members), [[0], [1, 2]]);
  });

  it('never merges plain values, or anything when the model is not row-wise', () => {
    assert.deepEqual(planUnits([{ input: { messages: [] }, params: null }, { input: { messages: [] }, params: null }], 100).map((u) => u.members), [[0], [1]]);
    assert.deepEqual(planUnits([{ input: frame([1]), params: null }, { input: frame([2]), params: null }], 0).map((u) => u.members), [[0], [1]]);
  });

  it('sends a lone request as it came, without row counts', () => {
    const input = frame([1]);
    const [unit] = planUnits([{ input, params: null }], 100);
    assert.equal(unit.input, input);
    assert.equal(unit.counts, undefined);
  });
});
