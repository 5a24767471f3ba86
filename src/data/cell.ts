// Owns the conversion of one stored element of any dtype to a plain JavaScript value.

import { type DType, type ColumnValues, NAT } from './dtype.js';
import { nsToDate } from './datetime.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A bigint as a number when it fits exactly, else the bigint itself. */
export function narrowBigInt(v: bigint): number | bigint {
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v;
}

/** Decodes an IEEE half-precision bit pattern. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Encodes a number as an IEEE half-precision bit pattern (round to nearest even). */
export function floatToHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  e = half >> 10;
  return sign | half;
}

/**
 * Element `i` of `values` (stored as `dtype`) as a JavaScript value: int64/uint64 become numbers
 * when exact (bigint otherwise), float16 is decoded, datetimes become Date (null for NaT).
 */
export function cellToJs(dtype: DType, values: ColumnValues, i: number): unknown {
  const v = values[i];
  switch (dtype) {
    case 'int64':
    case 'uint64':
      return narrowBigInt(v as bigint);
    case 'float16':
      return halfToFloat(v as number);
    case 'datetime64':
      return (v as bigint) === NAT ? null : nsToDate(v as bigint);
    default:
      return v;
  }
}
