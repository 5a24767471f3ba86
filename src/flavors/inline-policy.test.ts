import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseInline, CostEstimate, InlineBudget, INLINE_LIMITS } from './inline-policy.js';

test('a cheap model runs inline up to the size whose estimated cost reaches the budget', () => {
  // 4 elements: 20 µs; 1024 elements: 120 µs -> ~0.098 µs per element, fixed ~19.6 µs.
  const plan = chooseInline({ smallElements: 4, smallMs: 0.02, largeElements: 1024, largeMs: 0.12 });
  assert.ok(plan);
  assert.equal(plan.maxElements, Math.min(4096, Math.floor((1 - plan.fixedMs) / plan.perElementMs)));
  assert.equal(plan.maxElements, 4096, 'capped at 4x the largest size timed');
});

test('a model whose per-element cost is high gets a small element limit', () => {
  const plan = chooseInline({ smallElements: 10, smallMs: 0.05, largeElements: 2560, largeMs: 12.8 });
  // 5 µs per element, no fixed part: 1 ms is 200 elements.
  assert.equal(plan?.maxElements, 200);
});

test('a model whose small call is not cheap never runs inline', () => {
  assert.equal(chooseInline({ smallElements: 4, smallMs: 0.5, largeElements: 1024, largeMs: 0.6 }), undefined);
  assert.equal(chooseInline({ smallElements: 4, smallMs: NaN, largeElements: 1024, largeMs: 0.6 }), undefined);
});

test('a fixed-size input runs inline when its one size is within budget', () => {
  assert.deepEqual(chooseInline({ smallElements: 16, smallMs: 0.01, largeElements: 16, largeMs: 0.01 }), { maxElements: 16, fixedMs: 0.01, perElementMs: 0 });
});

test('a model whose large call blows the budget at its small size is not run inline', () => {
  assert.equal(chooseInline({ smallElements: 4, smallMs: 0.09, largeElements: 8, largeMs: 5 }), undefined);
});

test('one slow inline call keeps the limit; several of the last few far over budget halve it below their size, then turn it off', () => {
  const budget = new InlineBudget(4096, INLINE_LIMITS, 0);
  budget.record(1000, INLINE_LIMITS.maxCallMs * 5);
  for (let i = 0; i < 20; i++) budget.record(1000, INLINE_LIMITS.maxCallMs / 2);
  budget.record(1000, INLINE_LIMITS.maxCallMs * 5);
  assert.equal(budget.maxElements, 4096, 'isolated overruns (a GC pause) change nothing');
  budget.record(1000, INLINE_LIMITS.maxCallMs * 5);
  budget.record(1000, INLINE_LIMITS.maxCallMs * 5);
  assert.equal(budget.maxElements, 500);
  for (let i = 0; i < 3; i++) budget.record(1, 50);
  assert.equal(budget.maxElements, 0);
  budget.stop();
  assert.equal(budget.maxElements, -1);
});

test('the first calls, still compiling, do not count as overruns (64 by default)', () => {
  const budget = new InlineBudget(4096, INLINE_LIMITS, 5);
  for (let i = 0; i < 5; i++) budget.record(1000, INLINE_LIMITS.maxCallMs * 20);
  assert.equal(budget.maxElements, 4096);
  for (let i = 0; i < 3; i++) budget.record(1000, INLINE_LIMITS.maxCallMs * 20);
  assert.equal(budget.maxElements, 500, 'after them, overruns lower the limit as before');
  const byDefault = new InlineBudget(4096);
  for (let i = 0; i < 64; i++) byDefault.record(1000, INLINE_LIMITS.maxCallMs * 20);
  assert.equal(byDefault.maxElements, 4096);
});

test('a running estimate trusts a size class only after enough timings, and takes their lower quartile', () => {
  const e = new CostEstimate();
  for (let i = 0; i < 7; i++) e.record(4, 0.02);
  assert.equal(e.timings(), undefined, 'seven timings are not enough (the first calls compile)');
  e.record(4, 5); // one slow call (a GC pause) among eight
  assert.deepEqual(e.timings(), { smallElements: 4, smallMs: 0.02, largeElements: 4, largeMs: 0.02 });
  for (let i = 0; i < 8; i++) e.record(1000 + i, 0.1 + i / 1000);
  const t = e.timings()!;
  assert.equal(t.smallElements, 4);
  assert.equal(t.largeElements, 1004, 'the mean size of the class');
  assert.equal(t.largeMs, 0.1 + 2 / 1000, 'the lower quartile of eight: the third smallest');
  assert.ok(chooseInline(t), 'both sizes cheap: a plan');
});

test('a running estimate follows the latest timings of a class (a model slower than it first looked)', () => {
  const e = new CostEstimate();
  for (let i = 0; i < 16; i++) e.record(1, 0.01);
  for (let i = 0; i < 16; i++) e.record(1, 0.5);
  assert.equal(e.timings()!.smallMs, 0.5);
  assert.equal(chooseInline(e.timings()!), undefined);
  e.record(0, 1);
  e.record(Number.NaN, 1);
  assert.equal(e.timings()!.smallElements, 1, 'calls of no size are ignored');
});
