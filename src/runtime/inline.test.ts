import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberFrame } from '../../test/helpers/sklearn-tree.js';
import { DeadlineExceededError } from '../errors.js';
import { loadModel, type LoadedModel } from '../model/load.js';
import type { InlineLimits } from '../flavors/inline-policy.js';
import { createBatcher } from './batcher.js';
import { createInlinePredictor, INLINE_MAX_MODEL_BYTES, modelBytes, type InlinePredictor } from './inline.js';
import { createWorkerPool } from './pool/pool.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
/** A brute-force KNeighborsClassifier over f0..f3 (scikit-learn 1.6.1, as MLflow saved it). */
const KNN = join(ROOT, 'test/fixtures/sklearn/v1.6.1/kneighbors-classifier-brute.predict.cloudpickle4/model');

/** Limits that make the decision independent of the machine's speed: every call is "cheap". */
const GENEROUS: InlineLimits = { cheapCallMs: 1e9, maxCallMs: 1e9, extrapolation: 4 };
/** No call is ever cheap enough. */
const NEVER: InlineLimits = { cheapCallMs: 0, maxCallMs: 1, extrapolation: 4 };

const rows = (n: number) => numberFrame({ f0: Array(n).fill(0.5), f1: Array(n).fill(-0.2), f2: Array(n).fill(1), f3: Array(n).fill(0) });

async function withInline(
  limits: InlineLimits,
  run: (p: InlinePredictor, loads: () => number, inlineCalls: () => number) => Promise<void>,
  bytes?: number,
  turnBudgetMs?: number,
  preloaded?: Promise<LoadedModel | undefined>,
): Promise<void> {
  let inline: InlinePredictor | undefined;
  let loads = 0;
  let inlineCalls = 0;
  // Sized before the pool starts: nothing after the start may throw outside the try that closes it.
  const size = bytes ?? (await modelBytes(KNN));
  const pool = createWorkerPool({ modelDir: KNN, size: 1, onCallTimed: (e, ms) => inline?.observe(e, ms) });
  await pool.start();
  const batcher = createBatcher(pool, { maxBatchSize: 1024, maxBatchDelayMs: 0, concurrency: 2, maxQueue: 100, merge: true });
  inline = createInlinePredictor(batcher, { load: () => (loads++, loadModel(KNN)), modelBytes: size, limits, turnBudgetMs, preloaded, onBatch: () => inlineCalls++ });
  try {
    await run(inline, () => loads, () => inlineCalls);
  } finally {
    await inline.close();
  }
}

describe('inline execution of worker-pool models', () => {
  it('runs one-row calls on this thread once the workers timed them cheap, and larger calls than timed on the workers', async () => {
    await withInline(GENEROUS, async (p, loads) => {
      assert.equal(p.state, 'timing');
      const expected = await p.predict(rows(1), null);
      assert.equal(p.executionOf(rows(1)), 'worker', 'nothing is known before enough calls are timed');
      for (let i = 0; i < 8; i++) await p.predict(rows(1), null);
      await p.settled();
      assert.equal(p.state, 'inline');
      assert.equal(loads(), 1);
      assert.equal(p.executionOf(rows(1)), 'inline');
      // Only one size was timed: a call 2x larger is not known to be cheap.
      assert.equal(p.executionOf(rows(2)), 'worker');
      assert.deepEqual(await p.predict(rows(1), null), expected, 'the copy on this thread answers as the workers do');
      assert.deepEqual(await p.predict(rows(3), null), await p.predict(rows(3), null));
      assert.equal(loads(), 1, 'the copy is loaded once');
    });
  });

  it('learns larger sizes from the calls the workers run, up to 4x the largest size timed', async () => {
    await withInline(GENEROUS, async (p, _loads, inlineCalls) => {
      for (let i = 0; i < 8; i++) await p.predict(rows(1), null);
      for (let i = 0; i < 8; i++) await p.predict(rows(16), null);
      await p.settled();
      assert.equal(p.state, 'inline');
      assert.equal(p.executionOf(rows(16)), 'inline');
      assert.equal(p.executionOf(rows(64)), 'inline');
      assert.equal(p.executionOf(rows(65)), 'worker');
    });
  });

  it('keeps every call on the workers when calls are not cheap', async () => {
    await withInline(NEVER, async (p, loads) => {
      for (let i = 0; i < 20; i++) await p.predict(rows(1), null);
      await p.settled();
      assert.equal(p.state, 'timing');
      assert.equal(p.executionOf(rows(1)), 'worker');
      assert.equal(loads(), 0);
    });
  });

  it('never loads a second copy of a large model', async () => {
    await withInline(
      GENEROUS,
      async (p, loads) => {
        for (let i = 0; i < 20; i++) await p.predict(rows(1), null);
        await p.settled();
        assert.equal(p.state, 'off');
        assert.equal(p.executionOf(rows(1)), 'worker');
        assert.equal(loads(), 0);
      },
      INLINE_MAX_MODEL_BYTES + 1,
    );
  });

  it('answers model errors from this thread as the workers do (MLflow 400)', async () => {
    await withInline(GENEROUS, async (p) => {
      const bad = numberFrame({ f0: [NaN], f1: [0], f2: [0], f3: [0] });
      const fields = (e: unknown) => ({ status: (e as { status?: number }).status, errorCode: (e as { errorCode?: string }).errorCode, message: (e as Error).message });
      const fromWorker = await p.predict(bad, null).then(() => assert.fail('NaN accepted'), fields);
      for (let i = 0; i < 8; i++) await p.predict(rows(1), null);
      await p.settled();
      assert.equal(p.executionOf(bad), 'inline');
      const fromHere = await p.predict(bad, null).then(() => assert.fail('NaN accepted'), fields);
      assert.deepEqual(fromHere, fromWorker);
      assert.equal(fromHere.status, 400);
      await assert.rejects(p.predict(rows(1), null, { deadline: Date.now() - 1 }), (e: unknown) => e instanceof DeadlineExceededError, 'past its deadline: not run');
    });
  });

  it('does not learn sizes from calls refused on this thread (an input error says nothing of the cost)', async () => {
    await withInline(GENEROUS, async (p, _loads, inlineCalls) => {
      for (let i = 0; i < 8; i++) await p.predict(rows(1), null);
      for (let i = 0; i < 8; i++) await p.predict(rows(16), null);
      await p.settled();
      // 64 rows: the largest size allowed (4x the 16 rows timed), refused for its NaN.
      const bad = numberFrame({ f0: [NaN, ...Array(63).fill(0)], f1: Array(64).fill(0), f2: Array(64).fill(0), f3: Array(64).fill(0) });
      assert.equal(p.executionOf(bad), 'inline');
      const before = inlineCalls();
      for (let i = 0; i < 12; i++) {
        await p.predict(bad, null).then(() => assert.fail('NaN accepted'), () => undefined);
        await new Promise((r) => setImmediate(r));
      }
      assert.ok(inlineCalls() - before >= 8, `enough refused on this thread to be trusted as timings (${inlineCalls() - before})`);
      assert.equal(p.executionOf(rows(65)), 'worker', 'the largest answered call had 16 rows: 64 rows stay the limit');
    });
  });

  it('sends a call to the batcher while it is busy (the call joins a batch) and runs a lone call inline', async () => {
    await withInline(GENEROUS, async (p, _loads, inlineCalls) => {
      for (let i = 0; i < 8; i++) await p.predict(rows(1), null);
      await p.settled();
      const before = inlineCalls();
      await p.predict(rows(1), null);
      assert.equal(inlineCalls(), before + 1, 'alone: inline');
      // 16 rows were never timed: the workers take them, and the batcher is busy meanwhile.
      const busy = p.predict(rows(16), null);
      await p.predict(rows(1), null);
      await busy;
      assert.equal(inlineCalls(), before + 1, 'behind a call in flight: to the batcher');
    });
  });

  it('runs at most the turn budget of inline work per event-loop turn; the rest of the turn goes to the workers', async () => {
    await withInline(
      GENEROUS,
      async (p, _loads, inlineCalls) => {
        for (let i = 0; i < 8; i++) await p.predict(rows(1), null);
        await p.settled();
        const before = inlineCalls();
        // Three calls in the same turn: the first spends the (tiny) budget.
        await Promise.all([p.predict(rows(1), null), p.predict(rows(1), null), p.predict(rows(1), null)]);
        assert.equal(inlineCalls(), before + 1);
        await new Promise((r) => setImmediate(r));
        await p.predict(rows(1), null);
        assert.equal(inlineCalls(), before + 2, 'a new turn, a new budget');
      },
      undefined,
      1e-9,
    );
  });

  it('uses the copy loaded at start-up when calls are cheap, and releases it when they are not', async () => {
    let closed = 0;
    const copy = (): Promise<LoadedModel> => loadModel(KNN).then((m) => ({ ...m, close: async () => (closed++, m.close()) }));
    await withInline(GENEROUS, async (p, loads) => {
      for (let i = 0; i < 8; i++) await p.predict(rows(1), null);
      await p.settled();
      assert.equal(p.state, 'inline');
      assert.equal(loads(), 0, 'no second load');
    }, undefined, undefined, copy());
    assert.equal(closed, 1, 'closed with the predictor');
    closed = 0;
    await withInline(NEVER, async (p, loads) => {
      for (let i = 0; i < 8; i++) await p.predict(rows(1), null);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(closed, 1, 'released once the timings show calls are not cheap');
      assert.equal(p.executionOf(rows(1)), 'worker');
      assert.equal(loads(), 0);
    }, undefined, undefined, copy());
    assert.equal(closed, 1);
  });

  it("has the workers report each successful call's input elements and its duration in the worker", async () => {
    const timed: [number, number][] = [];
    const pool = createWorkerPool({ modelDir: KNN, size: 1, onCallTimed: (e, ms) => timed.push([e, ms]) });
    await pool.start();
    try {
      await pool.predict(rows(3), null);
      await assert.rejects(pool.predict(numberFrame({ f0: [NaN], f1: [0], f2: [0], f3: [0] }), null));
      await pool.predict(rows(1), null);
      assert.deepEqual(timed.map(([e]) => e), [12, 4], 'rows × columns; the failed call is not a timing');
      for (const [, ms] of timed) assert.ok(ms >= 0 && ms < 60_000);
    } finally {
      await pool.close();
    }
  });

  it('counts a linked model file as the file it names, and a dangling link as nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlserve-inline-bytes-'));
    try {
      await writeFile(join(dir, 'MLmodel'), 'x'.repeat(10));
      await writeFile(join(dir, 'elsewhere.bin'), Buffer.alloc(1000));
      const model = join(dir, 'model');
      await mkdir(model);
      await symlink(join(dir, 'elsewhere.bin'), join(model, 'model.pkl'));
      await symlink(join(dir, 'missing.bin'), join(model, 'gone.pkl'));
      assert.equal(await modelBytes(model), 1000);
      assert.equal(await modelBytes(dir), 2010);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
