// Owns a correctly rounded `x ** y` for positive finite x. scikit-learn's Minkowski distances call
// C's `pow`, which glibc rounds correctly in all but rare cases; V8's Math.pow is off by one unit
// in the last place for about one result in ten, enough to break ties between distances that
// sklearn tells apart. The value is exp(y·ln x) in double-double arithmetic (about 100 bits),
// rounded once. The arithmetic works on number pairs without allocating: each operation returns
// the high part and leaves the low part in `lo`.

import { productError } from '../../data/two-product.js';

/** Low part of the last double-double result. */
let lo = 0;

/** (ah, al) + (bh, bl). */
function add(ah: number, al: number, bh: number, bl: number): number {
  const s = ah + bh;
  let bb = s - ah;
  let e = ah - (s - bb) + (bh - bb);
  const t = al + bl;
  bb = t - al;
  const f = al - (t - bb) + (bl - bb);
  e += t;
  let h = s + e;
  e -= h - s;
  e += f;
  const h2 = h + e;
  lo = e - (h2 - h);
  h = h2;
  return h;
}

/** (ah, al) · (bh, bl). */
function mul(ah: number, al: number, bh: number, bl: number): number {
  const p = ah * bh;
  const q = productError(ah, bh, p) + (ah * bl + al * bh);
  const h = p + q;
  lo = q - (h - p);
  return h;
}

/** (ah, al) / (bh, bl), by two corrections of the double quotient. */
function div(ah: number, al: number, bh: number, bl: number): number {
  const q1 = ah / bh;
  let ph = mul(bh, bl, q1, 0);
  let rh = add(ah, al, -ph, -lo);
  let rl = lo;
  const q2 = rh / bh;
  ph = mul(bh, bl, q2, 0);
  rh = add(rh, rl, -ph, -lo);
  rl = lo;
  const q3 = rh / bh;
  const h = add(q1, 0, q2, 0);
  return add(h, lo, q3, 0);
}

const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;

/** Terms of the atanh series for |t| ≤ 1/128: 1/(2n+1) as double-doubles. */
const ATANH_TERMS = 9;
const ODD_HI = new Float64Array(ATANH_TERMS);
const ODD_LO = new Float64Array(ATANH_TERMS);
/** Terms of the exp series for |r| ≤ 2^-10 · ln2/2: 1/n! as double-doubles. */
const EXP_TERMS = 10;
const FACT_HI = new Float64Array(EXP_TERMS);
const FACT_LO = new Float64Array(EXP_TERMS);
/** ln(1 + j/64) for j = −23 … 27 (centres covering [√½, √2)), as double-doubles. */
const CENTRE_FIRST = -23;
const CENTRES = 51;
const LNC_HI = new Float64Array(CENTRES);
const LNC_LO = new Float64Array(CENTRES);

/** ln m for m near 1 (|m − 1| ≤ 0.42) by the full atanh series: for building the table once. */
function slowLog(m: number): number {
  let th = div(m - 1, 0, m + 1, 0);
  let tl = lo;
  const t2h = mul(th, tl, th, tl);
  const t2l = lo;
  let sh = 1 / 61;
  let sl = 0;
  for (let n = 29; n >= 0; n--) {
    sh = mul(sh, sl, t2h, t2l);
    sl = lo;
    const oh = div(1, 0, 2 * n + 1, 0);
    sh = add(sh, sl, oh, lo);
    sl = lo;
  }
  th = mul(sh, sl, th, tl);
  tl = lo;
  return add(th, tl, th, tl);
}

for (let n = 0; n < ATANH_TERMS; n++) {
  ODD_HI[n] = div(1, 0, 2 * n + 1, 0);
  ODD_LO[n] = lo;
}
FACT_HI[0] = 1;
for (let n = 1; n < EXP_TERMS; n++) {
  FACT_HI[n] = div(FACT_HI[n - 1], FACT_LO[n - 1], n, 0);
  FACT_LO[n] = lo;
}
for (let j = 0; j < CENTRES; j++) {
  LNC_HI[j] = slowLog(1 + (CENTRE_FIRST + j) / 64);
  LNC_LO[j] = lo;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** ln x for a positive normal double (high part returned, low part in `lo`). */
function log(x: number): number {
  F64[0] = x;
  let e = ((U32[1] >>> 20) & 0x7ff) - 1023;
  U32[1] = (U32[1] & 0x800fffff) | 0x3ff00000;
  let m = F64[0];
  if (m > Math.SQRT2) {
    m /= 2;
    e += 1;
  }
  // m = c · (m / c) with c = 1 + j/64 the nearest centre: ln m = ln c + 2 atanh((m − c) / (m + c)).
  const j = Math.round((m - 1) * 64);
  const c = 1 + j / 64;
  // m − c is exact (Sterbenz); m + c as a double-double.
  const sum = m + c;
  const bb = sum - m;
  let th = div(m - c, 0, sum, m - (sum - bb) + (c - bb));
  let tl = lo;
  const t2h = mul(th, tl, th, tl);
  const t2l = lo;
  let sh = ODD_HI[ATANH_TERMS - 1];
  let sl = ODD_LO[ATANH_TERMS - 1];
  for (let n = ATANH_TERMS - 2; n >= 0; n--) {
    sh = mul(sh, sl, t2h, t2l);
    sh = add(sh, lo, ODD_HI[n], ODD_LO[n]);
    sl = lo;
  }
  th = mul(sh, sl, th, tl);
  tl = lo;
  // 2·atanh + ln c + e·ln2
  let h = add(th, tl, th, tl);
  h = add(h, lo, LNC_HI[j - CENTRE_FIRST], LNC_LO[j - CENTRE_FIRST]);
  const l = lo;
  const eh = mul(LN2_HI, LN2_LO, e, 0);
  return add(h, l, eh, lo);
}

/** exp(zh, zl) for |zh| < 700 (high part returned, low part in `lo`). */
function exp(zh: number, zl: number): number {
  const k = Math.round(zh / LN2_HI);
  const kh = mul(LN2_HI, LN2_LO, k, 0);
  const rh = add(zh, zl, -kh, -lo);
  const s = 1 / 1024;
  const sh = rh * s;
  const sl = lo * s;
  let h = FACT_HI[EXP_TERMS - 1];
  let l = FACT_LO[EXP_TERMS - 1];
  for (let n = EXP_TERMS - 2; n >= 0; n--) {
    h = mul(h, l, sh, sl);
    h = add(h, lo, FACT_HI[n], FACT_LO[n]);
    l = lo;
  }
  for (let i = 0; i < 10; i++) {
    h = mul(h, l, h, l);
    l = lo;
  }
  const scale = 2 ** k;
  lo = l * scale;
  return h * scale;
}

/**
 * `x ** y` rounded to the nearest double for x > 0 and finite y, as glibc's `pow` rounds it in
 * all but rare cases; exact shortcuts for y = 1, 2, 0.5 and x = 1, Math.pow outside the normal
 * range.
 */
export function pow(x: number, y: number): number {
  if (y === 1) return x;
  if (y === 2) return x * x;
  if (y === 0.5) return Math.sqrt(x);
  if (x === 1 || y === 0) return 1;
  if (!(x >= 2.2250738585072014e-308) || x === Infinity || !Number.isFinite(y)) return Math.pow(x, y);
  const lh = log(x);
  const zh = mul(lh, lo, y, 0);
  if (!(Math.abs(zh) < 700)) return Math.pow(x, y);
  const h = exp(zh, lo);
  return h + lo;
}
