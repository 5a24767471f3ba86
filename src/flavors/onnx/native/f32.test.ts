import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fma32, softmaxExp32 } from './f32.js';

const fround = Math.fround;

/** A finite double as an exact integer mantissa and power of two. */
function exact(x: number): { m: bigint; e: number } {
  if (x === 0) return { m: 0n, e: 0 };
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  const bits = v.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return exp === 0 ? { m: sign * frac, e: -1074 } : { m: sign * (frac | (1n << 52n)), e: exp - 1075 };
}

/** m · 2^e rounded once to float32 (ties to even), by integer arithmetic. */
function roundToFloat32(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const neg = m < 0n;
  let a = neg ? -m : m;
  const len = a.toString(2).length;
  // Keep 24 significant bits, but none below 2^-149 (subnormals).
  let shift = Math.max(len - 24, -149 - e);
  if (shift > 0) {
    const half = 1n << BigInt(shift - 1);
    const rest = a & ((1n << BigInt(shift)) - 1n);
    a >>= BigInt(shift);
    if (rest > half || (rest === half && (a & 1n) === 1n)) a += 1n;
  } else shift = 0;
  const r = Number(a) * 2 ** (e + shift);
  return fround(neg ? -r : r);
}

/** fma(a, b, c) rounded once to float32, computed exactly. */
function referenceFma(a: number, b: number, c: number): number {
  const x = exact(a);
  const y = exact(b);
  const z = exact(c);
  const pe = x.e + y.e;
  const e = Math.min(pe, z.e);
  const sum = ((x.m * y.m) << BigInt(pe - e)) + (z.m << BigInt(z.e - e));
  return roundToFloat32(sum, e);
}

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe('fma32: a fused multiply-add rounded once', () => {
  it('equals the exactly computed result on random float32s of every scale', () => {
    const r = random(12345);
    const f = (): number => fround((r() - 0.5) * 2 ** Math.floor(r() * 40 - 20));
    for (let i = 0; i < 20000; i++) {
      const [a, b, c] = [f(), f(), f()];
      assert.equal(fma32(a, b, c), referenceFma(a, b, c), `fma32(${a}, ${b}, ${c})`);
    }
  });

  it('rounds the right way where the double sum lands on a float32 midpoint (double rounding)', () => {
    // (1 + 2^-23) · 2^-24(1 - 2^-23) = 2^-24 - 2^-70: added to 1 + 2^-23, the double sum is the midpoint
    // 1 + 1.5·2^-23, which rounds to even (1 + 2^-22); the exact sum is below it: 1 + 2^-23.
    const a = 1 + 2 ** -23;
    const b = 2 ** -24 * (1 - 2 ** -23);
    const c = 1 + 2 ** -23;
    assert.equal(fround(a * b + c), 1 + 2 ** -22, 'the naive result is wrong here');
    assert.equal(fma32(a, b, c), 1 + 2 ** -23);
    assert.equal(fma32(-a, b, -c), -(1 + 2 ** -23));
    assert.equal(fma32(a, -b, c + 2 ** -22), referenceFma(a, -b, c + 2 ** -22));
    // The same construction across exponents and signs.
    const r = random(99);
    for (let i = 0; i < 5000; i++) {
      const scale = 2 ** Math.floor(r() * 60 - 30);
      const k = 1 + Math.floor(r() * 2 ** 22) * 2 ** -22 + 2 ** -23;
      const s = r() < 0.5 ? -1 : 1;
      const x = fround(k * scale);
      const y = fround(2 ** -24 * (1 + (r() < 0.5 ? -1 : 1) * 2 ** -23) * s);
      const z = fround(s * k * scale);
      assert.equal(fma32(x, y, z), referenceFma(x, y, z), `fma32(${x}, ${y}, ${z})`);
    }
  });
});

describe("softmaxExp32: MLAS's exp for softmax", () => {
  it('is exp within 2 float32 ulps over the range softmax uses, exactly 1 at 0, NaN for NaN', () => {
    const cpu = { fused: true, avx512: true };
    assert.equal(softmaxExp32(0, cpu), 1);
    assert.ok(Number.isNaN(softmaxExp32(NaN, cpu)));
    for (let x = -87; x <= 0; x += 0.0137) {
      const v = fround(x);
      const got = softmaxExp32(v, cpu);
      const want = fround(Math.exp(v));
      assert.ok(Math.abs(got - want) <= 2 * Math.abs(want) * 2 ** -23, `exp(${v}): ${got} vs ${want}`);
    }
  });

  it('reaches the subnormals with AVX512F kernels and flushes to zero below -88.38 with the others, as MLAS does', () => {
    assert.ok(softmaxExp32(-100, { fused: true, avx512: true }) > 0);
    assert.equal(softmaxExp32(-100, { fused: true, avx512: false }), 0);
    assert.equal(softmaxExp32(-1000, { fused: true, avx512: true }), softmaxExp32(fround(-103.9720840454), { fused: true, avx512: true }));
  });
});
