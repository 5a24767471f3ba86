// Owns single-precision arithmetic as onnxruntime's CPU kernels (MLAS) do it: fused multiply-add rounded once, and MLAS's exp() approximation, so the native evaluator's floats are onnxruntime's bit for bit.
//
// JavaScript computes in doubles. A float32 sum, product or quotient computed in double and rounded
// with Math.fround is the correctly rounded float32 result (double has more than 2 × 24 + 2 bits),
// so only the fused multiply-add and exp need care here.

import { readFileSync } from 'node:fs';

const fround = Math.fround;

/** How this machine's MLAS kernels compute: which instructions onnxruntime picks at run time. */
export interface CpuKernels {
  /** True where MLAS's kernels use fused multiply-add (FMA3, AVX512F, NEON); SSE2-only machines round the product first. */
  readonly fused: boolean;
  /**
   * True where MLAS's AVX512F kernels run: their softmax exp reaches down to -103.97 (subnormal
   * results, scaled exactly) where the other kernels stop at -88.38 and flush to zero.
   */
  readonly avx512: boolean;
}

let detected: CpuKernels | undefined;

/** The kernels onnxruntime would use on this CPU (Linux: /proc/cpuinfo's flags; elsewhere FMA without AVX512). */
export function cpuKernels(): CpuKernels {
  if (detected) return detected;
  let flags = '';
  try {
    const info = readFileSync('/proc/cpuinfo', 'latin1');
    flags = /^(?:flags|Features)\s*:(.*)$/m.exec(info)?.[1] ?? '';
  } catch {
    // Not Linux: assume the common case, FMA without AVX512F.
  }
  const has = (f: string): boolean => new RegExp(`(^|\\s)${f}(\\s|$)`).test(flags);
  const arm = process.arch === 'arm64';
  // MLAS takes its FMA3 kernels only where AVX2 is there too.
  detected = { fused: flags === '' || arm || (has('fma') && has('avx2')), avx512: !arm && has('avx512f') };
  return detected;
}

/**
 * fma(a, b, c) for float32 a, b, c, rounded once to float32. a × b is exact in double; the sum is
 * rounded to double and then to float32, which is wrong only when the double lands exactly half
 * way between two floats while the exact sum was not: the error term (two-sum) then says which way.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = fround(s);
  const bb = s - p;
  const e = p - (s - bb) + (c - bb);
  if (e === 0) return r;
  // s is a float32 midpoint exactly when the point as far past s as r is short of it is a float32
  // (r and that point are then s's two float32 neighbours); else r + 2(s - r) lies strictly between them.
  const d = s - r;
  if (d === 0) return r;
  const o = r + 2 * d;
  if (fround(o) !== o) return r;
  return e > 0 === o > r ? o : r;
}

/** a × b + c as this CPU's MLAS computes it: fused, or the product rounded first. */
export function muladd32(a: number, b: number, c: number, fused: boolean): number {
  return fused ? fma32(a, b, c) : fround(fround(a * b) + c);
}

// MLAS's exp() for softmax: range reduction x = m·ln2 + r (ln2 in two parts), a degree-6 polynomial
// in r, then scaling by 2^m. The constants are the float32 values MLAS uses.
const ROUNDING_BIAS = 12582912; // 1.5 × 2^23: adding it rounds to an integer in the low mantissa bits
const LOG2_RECIPROCAL = fround(1.44269504088896341);
const LOG2_HIGH = fround(-6.93145752e-1);
const LOG2_LOW = fround(-1.42860677e-6);
const POLY = [0.0013780593872070312, 0.008373124524950981, 0.041669536381959915, 0.166664719581604, 0.49999985098838806, 1] as const;
const LOWER_RANGE_SUM_EXP = fround(-88.3762626647949);
const LOWER_RANGE_AVX512 = fround(-103.9720840454);

/**
 * exp(x) for x ≤ 0 (softmax's shifted logits) as MLAS's sum-of-exp kernel computes it on `cpu`.
 * Inputs below the kernel's range give its clamped value; NaN stays NaN.
 */
export function softmaxExp32(x: number, cpu: CpuKernels): number {
  const { fused, avx512 } = cpu;
  // MAXPS keeps the second operand when either is NaN, so NaN passes the clamp.
  let v = x !== x ? x : Math.max(avx512 ? LOWER_RANGE_AVX512 : LOWER_RANGE_SUM_EXP, x);
  const biased = muladd32(v, LOG2_RECIPROCAL, ROUNDING_BIAS, fused);
  const m = fround(biased - ROUNDING_BIAS);
  v = muladd32(m, LOG2_HIGH, v, fused);
  v = muladd32(m, LOG2_LOW, v, fused);
  let p: number = POLY[0];
  p = muladd32(p, v, POLY[1], fused);
  p = muladd32(p, v, POLY[2], fused);
  p = muladd32(p, v, POLY[3], fused);
  p = muladd32(p, v, POLY[4], fused);
  p = muladd32(p, v, POLY[5], fused);
  p = muladd32(p, v, POLY[5], fused);
  if (avx512) return fround(p * 2 ** m); // VSCALEFPS: exact scaling, one rounding into the subnormals
  // Scaling by a float built from m's bits: 2^m for m ≥ -126; below that the bits make 0 (or garbage MLAS also makes).
  const bits = (m + 127) * 0x800000;
  return bits <= 0 ? 0 : fround(p * 2 ** m);
}

// MLAS's logistic and tanh: Eigen's rational approximations in float32, evaluated with this CPU's
// multiply-add, the input clamped first (NaN passes the clamp, as MAXPS/MINPS let it).
const LOGISTIC_P = [4.37031012579801e-11, 1.15627324459942e-7, 6.08574864600143e-5, 8.51377133304701e-3, 2.48287947061529e-1].map(fround);
const LOGISTIC_Q = [6.10247389755681e-13, 5.76102136993427e-9, 6.2910678501704e-6, 1.70198817374094e-3, 1.16817656904453e-1, 9.9315192102318e-1].map(fround);
const TANH_P = [-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3].map(fround);
const TANH_Q = [1.19825839466702e-6, 1.18534705686654e-4, 2.268434632439e-3, 4.89352518554385e-3].map(fround);

/** c₀·x^(2n) + … + cₙ by Horner's rule in x² with the CPU's multiply-add. */
function horner(c: readonly number[], x2: number, fused: boolean): number {
  let p = muladd32(x2, c[0]!, c[1]!, fused);
  for (let i = 2; i < c.length; i++) p = muladd32(p, x2, c[i]!, fused);
  return p;
}

/** The logistic function 1 / (1 + e^-x) as MLAS computes it (ONNX Sigmoid on float). */
export function logistic32(x: number, cpu: CpuKernels): number {
  if (x !== x) return x;
  const v = x < -18 ? -18 : x > 18 ? 18 : x;
  const v2 = fround(v * v);
  const r = fround(fround(fround(horner(LOGISTIC_P, v2, cpu.fused) * v) / horner(LOGISTIC_Q, v2, cpu.fused)) + 0.5);
  return r < 0 ? 0 : r > 1 ? 1 : r;
}

/** tanh(x) as MLAS computes it (ONNX Tanh on float). */
export function tanh32(x: number, cpu: CpuKernels): number {
  if (x !== x) return x;
  const v = x < -9 ? -9 : x > 9 ? 9 : x;
  const v2 = fround(v * v);
  return fround(fround(horner(TANH_P, v2, cpu.fused) * v) / horner(TANH_Q, v2, cpu.fused));
}
