// Owns decimal-to-double conversion for the JSON readers (the numeric scanner, the general parser):
// the correctly rounded double of a decimal mantissa times a power of ten (what JSON.parse and
// Number give), or "cannot tell" (NaN), when the caller must parse the text itself.

import { productError } from '../data/two-product.js';

/** Powers of ten that are exact doubles (10^0 .. 10^22). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/**
 * Relative margin around the double-double estimate: its error is below 2^-100 of the value, so a
 * result that rounds the same way at both ends of the margin is the correctly rounded one.
 */
const MARGIN = 2 ** -90;

/** Most significant digits `decimalToDouble` takes: 15 in `hi`, up to 4 more in `lo`. */
export const MAX_DECIMAL_DIGITS = 19;

/**
 * The double nearest to `(hi * 10^loDigits + lo) * 10^e10`, ties to even, as `Number(text)` rounds
 * the decimal text; NaN when this method cannot decide (|e10| > 22, or the value lies too close to
 * the midpoint of two doubles): the caller then converts the text. `hi` holds the first (at most 15)
 * significant digits, `lo` the next `loDigits` (0 to 4) digits.
 */
export function decimalToDouble(hi: number, lo: number, loDigits: number, e10: number): number {
  if (e10 < -22 || e10 > 22) return hi === 0 && lo === 0 ? 0 : NaN;
  if (loDigits === 0) {
    // Clinger's fast path: both operands are exact doubles, so the one IEEE operation rounds correctly.
    return e10 < 0 ? hi / POW10[-e10] : hi * POW10[e10];
  }
  // The mantissa as an exact double-double s + t (it has up to 64 bits).
  const scale = POW10[loDigits];
  const p = hi * scale;
  const pe = productError(hi, scale, p);
  const s = p + lo;
  const bv = s - p;
  const t = p - (s - bv) + (lo - bv) + pe; // small integers: exact
  let x: number;
  let y: number;
  if (e10 >= 0) {
    const m = POW10[e10];
    x = s * m;
    y = productError(s, m, x) + t * m;
  } else {
    const d = POW10[-e10];
    x = s / d;
    const xd = x * d;
    const r = s - xd - productError(x, d, xd) + t; // s - xd is exact (they are within an ulp)
    y = r / d;
  }
  const est = x + y;
  const rest = y - (est - x);
  const margin = est * MARGIN;
  const up = est + (rest + margin);
  return up === est + (rest - margin) ? up : NaN;
}
