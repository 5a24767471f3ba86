import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../data/tensor.js';
import { ServingError } from '../errors.js';
import { createBatcher } from './batcher.js';
import type { Predictor } from './types.js';

/** A predictor whose calls complete when the test says so; doubles each value, fails on 13. */
function controlled(): Predictor & { calls: Tensor[]; release(): void } {
  const waiting: (() => void)[] = [];
  const calls: Tensor[] = [];
  return {
    calls,
    release: () => waiting.shift()?.(),
    predict(input) {
      const t = input as Tensor;
      calls.push(t);
      return new Promise((resolve, reject) => {
        waiting.push(() => {
          const data = Float64Array.from(t.data as Float64Array, (x) => x * 2);
          if (data.includes(26)) reject(new ServingError('BAD_REQUEST', 'thirteen'));
          else resolve(new Tensor('float64', t.shape, data));
        });
      });
    },
    async close() {},
  };
}

const row = (...xs: number[]): Tensor => new Tensor('float64', [xs.length], Float64Array.from(xs));
// Two turns: the batcher dispatches at the end of a turn (setImmediate), possibly scheduled after ours.
const tick = (): Promise<void> => new Promise((r) => setImmediate(() => setImmediate(r)));

describe('adaptive batcher', () => {
  it('dispatches a lone request at once, merges requests that arrive while busy, and splits the answer', async () => {
    const inner = controlled();
    const b = createBatcher(inner, { maxBatchSize: 100, maxBatchDelayMs: 0, concurrency: 1, maxQueue: 10 });
    const first = b.predict(row(1), null);
    await tick();
    assert.equal(inner.calls.length, 1, 'a lone request is dispatched in the same event-loop turn');
    const rest = [b.predict(row(2, 3), null), b.predict(row(4), null), b.predict(row(5), null)];
    await tick();
    assert.equal(inner.calls.length, 1);
    inner.release();
    assert.deepEqual(Array.from(((await first) as Tensor).data as Float64Array), [2]);
    await tick();
    assert.equal(inner.calls.length, 2);
    assert.deepEqual(Array.from(inner.calls[1].data as Float64Array), [2, 3, 4, 5], 'one merged call');
    inner.release();
    const outs = await Promise.all(rest);
    assert.deepEqual(outs.map((o) => Array.from((o as Tensor).data as Float64Array)), [[4, 6], [8], [10]]);
  });

  it('caps a merged call at maxBatchSize rows (rows, not requests)', async () => {
    const inner = controlled();
    const b = createBatcher(inner, { maxBatchSize: 3, maxBatchDelayMs: 0, concurrency: 1, maxQueue: 10 });
    const first = b.predict(row(1), null);
    await tick();
    const all = [first, b.predict(row(1, 1), null), b.predict(row(1, 1), null), b.predict(row(1), null)];
    inner.release();
    await tick();
    assert.equal(inner.calls[1].shape[0], 3);
    inner.release();
    await tick();
    assert.equal(inner.calls[2].shape[0], 2, 'the request that did not fit goes next');
    inner.release();
    await Promise.all(all);
  });

  it('does not merge requests with different params', async () => {
    const inner = controlled();
    const b = createBatcher(inner, { maxBatchSize: 100, maxBatchDelayMs: 0, concurrency: 1, maxQueue: 10 });
    const all = [b.predict(row(1), null), b.predict(row(2), { t: 1 }), b.predict(row(3), { t: 2 })];
    await tick();
    for (let i = 0; i < 3; i++) {
      inner.release();
      await tick();
    }
    await Promise.all(all);
    assert.deepEqual(inner.calls.map((c) => c.shape[0]), [1, 1, 1]);
  });

  it('fails only the request that broke a merged call', async () => {
    const inner = controlled();
    const b = createBatcher(inner, { maxBatchSize: 100, maxBatchDelayMs: 0, concurrency: 1, maxQueue: 10 });
    const first = b.predict(row(0), null);
    await tick();
    const good = b.predict(row(1), null);
    const bad = assert.rejects(b.predict(row(13), null), /thirteen/);
    const good2 = b.predict(row(2), null);
    inner.release();
    await first;
    await tick();
    inner.release(); // the merged call fails
    for (let i = 0; i < 3; i++) {
      await tick();
      inner.release(); // each request alone
    }
    assert.deepEqual(Array.from(((await good) as Tensor).data as Float64Array), [2]);
    await bad;
    assert.deepEqual(Array.from(((await good2) as Tensor).data as Float64Array), [4]);
  });

  it('answers 503 with Retry-After when the queue is full', async () => {
    const inner = controlled();
    const b = createBatcher(inner, { maxBatchSize: 1, maxBatchDelayMs: 0, concurrency: 1, maxQueue: 1 });
    const running = b.predict(row(1), null);
    await tick();
    const queued = b.predict(row(2), null);
    await assert.rejects(b.predict(row(3), null), (err: ServingError) => err.status === 503 && err.errorCode === 'TEMPORARILY_UNAVAILABLE');
    inner.release();
    await tick();
    inner.release();
    await Promise.all([running, queued]);
  });

  it('does not run a request whose deadline passed while it queued', async () => {
    const inner = controlled();
    const b = createBatcher(inner, { maxBatchSize: 1, maxBatchDelayMs: 0, concurrency: 1, maxQueue: 10 });
    const running = b.predict(row(1), null);
    await tick();
    const late = assert.rejects(b.predict(row(2), null, { deadline: Date.now() - 1 }), (err: ServingError) => err.errorCode === 'DEADLINE_EXCEEDED');
    inner.release();
    await running;
    await late;
    assert.equal(inner.calls.length, 1);
  });

  it('waits up to maxBatchDelayMs for a fuller batch only when asked', async () => {
    const inner = controlled();
    const b = createBatcher(inner, { maxBatchSize: 4, maxBatchDelayMs: 30, concurrency: 1, maxQueue: 10 });
    const p = [b.predict(row(1), null), b.predict(row(2), null)];
    assert.equal(inner.calls.length, 0);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(inner.calls.length, 1);
    assert.equal(inner.calls[0].shape[0], 2);
    inner.release();
    await Promise.all(p);
  });
});
