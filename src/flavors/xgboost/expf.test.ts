import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { expf } from './expf.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/xgboost/', import.meta.url));

describe('expf', () => {
  it("equals glibc's expf bit for bit (values recorded from libm by generate.py)", () => {
    const { x, expf: want } = JSON.parse(readFileSync(`${FIXTURES}expf.json`, 'utf8')) as { x: number[]; expf: number[] };
    assert.ok(x.length > 1000);
    const wrong = x.map((v, i) => [v, expf(v), want[i]]).filter(([, got, w]) => got !== w);
    assert.deepEqual(wrong, []);
  });

  it('handles NaN, infinities, overflow and underflow as glibc does', () => {
    assert.ok(Number.isNaN(expf(NaN)));
    assert.equal(expf(Infinity), Infinity);
    assert.equal(expf(-Infinity), 0);
    assert.equal(expf(89), Infinity);
    assert.equal(expf(-105), 0);
    assert.equal(expf(0), 1);
  });
});
