import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pow } from './pow.js';

/**
 * x ** y rounded correctly (Python's decimal module at 80 digits), for values where V8's Math.pow
 * is a unit off in the last place, plus a few plain ones.
 */
const CORRECTLY_ROUNDED: [number, number, number][] = [
  [0.651592972722763, 2.5, 0.3427212078568889],
  [0.9014274576114836, 2.5, 0.7714840585741057],
  [72.58526014465151, 3, 382424.1525968223],
  [2.2169166627303505, 3, 10.895523528899252],
  [7.609624449125755, 1.5, 20.991565863472456],
  [18.59062658947177, 1.5, 80.15692375890829],
  [0.13436424411240122, 4, 0.000325937892525099],
  [0.9221885624698875, 1 / 3, 0.973359437003044],
  [77.58376499599652, 1 / 3, 4.265044993856015],
  [9.364405867994597, 0.4, 2.446764053019723],
  [0.0938595867742349, 2 / 3, 0.20653124287684113],
  [2, 2.5, 5.656854249492381],
  [7.3, 1.5, 19.723513885715192],
  [1e-5, 0.4, 0.009999999999999998],
  [2.5, 4, 39.0625],
];

describe('correctly rounded pow', () => {
  it('gives the correctly rounded value where Math.pow is a unit off', () => {
    for (const [x, y, want] of CORRECTLY_ROUNDED) assert.equal(pow(x, y), want, `${x} ** ${y}`);
    assert.ok(CORRECTLY_ROUNDED.slice(0, 11).some(([x, y, want]) => Math.pow(x, y) !== want), 'the cases exercise the difference');
  });

  it('agrees with exact products for integer exponents', () => {
    for (const x of [1.1, 0.37, 3.75, 1234.5]) {
      assert.equal(pow(x, 2), x * x);
      // x³ correctly rounded: the exact cube is within half a unit of the result.
      const r = pow(x, 3);
      const lo = r - r * 2 ** -53;
      const hi = r + r * 2 ** -53;
      assert.ok(lo < x * x * x + 1e-12 * r && hi > x * x * x - 1e-12 * r);
    }
  });

  it('keeps the shortcuts and edge values', () => {
    assert.equal(pow(0, 3), 0);
    assert.equal(pow(5, 1), 5);
    assert.equal(pow(2, 0.5), Math.SQRT2);
    assert.equal(pow(1, 7.5), 1);
    assert.equal(pow(Infinity, 2.5), Infinity);
    assert.ok(Number.isNaN(pow(Number.NaN, 2.5)));
    assert.equal(pow(1e300, 3), Infinity);
  });
});
