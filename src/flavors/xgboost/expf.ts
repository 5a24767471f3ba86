// Owns expf as glibc computes it (sysdeps/ieee754/flt-32/e_expf.c), so transformed outputs match XGBoost bit for bit.

/**
 * `2^(i/32)` for i in 0..31, correctly rounded: glibc's `__exp2f_data.tab[i] + (i << 47)`.
 * glibc stores the table with the index pre-subtracted from the exponent bits; adding it back
 * gives these doubles.
 */
const POW2_I_32 = (() => {
  const tab = [
    0x3ff0000000000000n, 0x3fefd9b0d3158574n, 0x3fefb5586cf9890fn, 0x3fef9301d0125b51n, 0x3fef72b83c7d517bn, 0x3fef54873168b9aan, 0x3fef387a6e756238n,
    0x3fef1e9df51fdee1n, 0x3fef06fe0a31b715n, 0x3feef1a7373aa9cbn, 0x3feedea64c123422n, 0x3feece086061892dn, 0x3feebfdad5362a27n, 0x3feeb42b569d4f82n,
    0x3feeab07dd485429n, 0x3feea47eb03a5585n, 0x3feea09e667f3bcdn, 0x3fee9f75e8ec5f74n, 0x3feea11473eb0187n, 0x3feea589994cce13n, 0x3feeace5422aa0dbn,
    0x3feeb737b0cdc5e5n, 0x3feec49182a3f090n, 0x3feed503b23e255dn, 0x3feee89f995ad3adn, 0x3feeff76f2fb5e47n, 0x3fef199bdd85529cn, 0x3fef3720dcef9069n,
    0x3fef5818dcfba487n, 0x3fef7c97337b9b5fn, 0x3fefa4afa2a490dan, 0x3fefd0765b6e4540n,
  ];
  const bits = BigUint64Array.from(tab, (t, i) => t + (BigInt(i) << 47n));
  return new Float64Array(bits.buffer);
})();

/** glibc's `__exp2f_data.poly_scaled` (0x1.c6af84b912394p-5 / 32^3, 0x1.ebfce50fac4f3p-3 / 32^2, 0x1.62e42ff0c52d6p-1 / 32). */
const C0 = 0x1c6af84b912394 * 2 ** -57 / 32768;
const C1 = 0x1ebfce50fac4f3 * 2 ** -55 / 1024;
const C2 = 0x162e42ff0c52d6 * 2 ** -53 / 32;
/** 32 / ln 2 (0x1.71547652b82fep+0 * 32). */
const INV_LN2_N = 0x171547652b82fe * 2 ** -52 * 32;
/** 0x1.8p+52: adding and subtracting it rounds to an integer, ties to even. */
const SHIFT = 1.5 * 2 ** 52;
/** Thresholds of glibc's special cases: log(0x1p128) and log(0x1p-150) as floats. */
const OVERFLOW = 0x162e42e * 2 ** -18;
const UNDERFLOW = -(0x19fe368 * 2 ** -18);

/**
 * `expf(x)` for a float32 `x`, exactly as glibc's generic expf (double evaluation, no FMA):
 * `2^(k/32) * (1 + C2 r + C1 r² + C0 r³)` with `x · 32/ln2 = k + r`, rounded to float32.
 */
export function expf(x: number): number {
  if (x !== x) return NaN;
  if (x > OVERFLOW) return Infinity;
  if (x < UNDERFLOW) return 0;
  const z = INV_LN2_N * x;
  const k = z + SHIFT - SHIFT;
  const r = z - k;
  const i = k & 31;
  const s = POW2_I_32[i] * 2 ** ((k - i) / 32);
  const p = C0 * r + C1;
  const q = C2 * r + 1;
  return Math.fround((p * (r * r) + q) * s);
}
