// Owns the exact rounding error of a floating-point product (Dekker's two-product), for the
// double-double arithmetic of the decimal reader (codecs) and numpy's pow (sklearn).

/** Dekker's splitter 2^27 + 1: JavaScript has no fused multiply-add. */
const SPLITTER = 134217729;

/** The rounding error of `p = a * b`: `a * b = p + err` exactly (no overflow assumed). */
export function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}
