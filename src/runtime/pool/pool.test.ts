import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeadlineExceededError, WorkerCrashedError } from '../../errors.js';
import { createWorkerPool, type WorkerPool } from './pool.js';
import { createLogger } from '../../logger.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const FAULTY = join(ROOT, 'test/fixtures/js/faulty');

async function withPool(size: number, run: (pool: WorkerPool, logs: () => string, restarts: () => number) => Promise<void>): Promise<void> {
  const lines: string[] = [];
  const logger = createLogger({ level: 'error', write: (chunk) => lines.push(chunk) });
  const logs = (): string => {
    logger.flush();
    return lines.join('');
  };
  let restarts = 0;
  const pool = createWorkerPool({ modelDir: FAULTY, size, graceMs: 300, logger, onRestart: () => restarts++ });
  await pool.start();
  try {
    await run(pool, logs, () => restarts);
  } finally {
    await pool.close();
  }
}

const soon = (ms: number): number => Date.now() + ms;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('worker pool faults', () => {
  it('answers a call that never settles with 504 at its deadline and keeps the worker serving', async () => {
    await withPool(1, async (pool, _logs, restarts) => {
      await assert.rejects(pool.predict(null, { mode: 'hang' }, { deadline: soon(200) }), DeadlineExceededError);
      assert.deepEqual(await pool.predict(null, { tag: 1 }, { deadline: soon(5000) }), { tag: 1 });
      assert.equal(restarts(), 0);
      assert.equal(pool.available, true);
    });
  });

  it('replaces a worker that holds too many calls that never settle', async () => {
    await withPool(1, async (pool, logs, restarts) => {
      for (let i = 0; i < 8; i++) await assert.rejects(pool.predict(null, { mode: 'hang' }, { deadline: soon(50) }), DeadlineExceededError);
      await until(() => restarts() === 1 && pool.available === true, 'the replacement');
      assert.match(logs(), /holds 8 calls that never returned; replacing it/);
      assert.deepEqual(await pool.predict(null, { tag: 2 }, { deadline: soon(5000) }), { tag: 2 });
    });
  });

  it('terminates and replaces a worker stuck in a loop; calls queued behind it run on the replacement', async () => {
    await withPool(1, async (pool, logs, restarts) => {
      const loop = pool.predict(null, { mode: 'loop' }, { deadline: soon(200) });
      const behind = [1, 2, 3].map((tag) => pool.predict(null, { tag }, { deadline: soon(10_000) }));
      await assert.rejects(loop, DeadlineExceededError);
      await until(() => pool.available === false, 'readiness to turn false while the worker is replaced');
      assert.deepEqual(await Promise.all(behind), [{ tag: 1 }, { tag: 2 }, { tag: 3 }]);
      assert.equal(restarts(), 1);
      assert.equal(pool.available, true);
      assert.match(logs(), /has not answered for \d+ ms and holds a call past its deadline/);
    });
  });

  it('fails only the call that crashed its worker; calls it had not started are retried elsewhere', async () => {
    await withPool(2, async (pool, _logs, restarts) => {
      // One hand-off: the crash first, then two calls the worker never starts.
      const outcomes = Promise.all(pool.predictMany!([
        { input: null, params: { mode: 'crash' }, deadline: soon(10_000) },
        { input: null, params: { tag: 'a' }, deadline: soon(10_000) },
        { input: null, params: { tag: 'b' }, deadline: soon(10_000) },
      ]));
      const [crash, a, b] = await outcomes;
      assert.equal(crash.status, 'rejected');
      assert.ok((crash as PromiseRejectedResult).reason instanceof WorkerCrashedError);
      assert.deepEqual([a, b], [
        { status: 'fulfilled', value: { tag: 'a' } },
        { status: 'fulfilled', value: { tag: 'b' } },
      ]);
      await until(() => restarts() === 1 && pool.readyWorkers === 2, 'the replacement');
    });
  });

  it('fails the calls an uncaught exception interrupted, and serves again after the replacement', async () => {
    await withPool(1, async (pool) => {
      await assert.rejects(pool.predict(null, { mode: 'throw-later' }, { deadline: soon(10_000) }), WorkerCrashedError);
      assert.deepEqual(await pool.predict(null, { tag: 3 }, { deadline: soon(10_000) }), { tag: 3 });
    });
  });

  it('answers a function, a Symbol or a too-deep answer as a server error without losing the worker', async () => {
    await withPool(1, async (pool, _logs, restarts) => {
      const [fn, ok, sym, deep] = await Promise.all(pool.predictMany!([
        { input: null, params: { mode: 'fn' } },
        { input: null, params: { tag: 'ok' } },
        { input: null, params: { mode: 'symbol' } },
        { input: null, params: { mode: 'deep' } },
      ]));
      assert.equal(fn.status, 'rejected');
      assert.match(String((fn as PromiseRejectedResult).reason.message), /Model output of type function is not JSON serializable/);
      assert.equal((fn as PromiseRejectedResult).reason.errorCode, 'INTERNAL_ERROR');
      assert.deepEqual(ok, { status: 'fulfilled', value: { tag: 'ok' } });
      assert.match(String((sym as PromiseRejectedResult).reason.message), /Model output of type symbol is not JSON serializable/);
      assert.match(String((deep as PromiseRejectedResult).reason.message), /nested deeper than 1100 levels/);
      assert.equal(restarts(), 0);
    });
  });

  it('lets calls wait for a worker while none can serve, and answers 504 to those whose deadline passes', async () => {
    await withPool(1, async (pool) => {
      const loop = pool.predict(null, { mode: 'loop' }, { deadline: soon(100) });
      await assert.rejects(loop, DeadlineExceededError);
      await until(() => pool.available === false, 'the worker to be stopped');
      const late = pool.predict(null, { tag: 'late' }, { deadline: soon(1) });
      const waits = pool.predict(null, { tag: 'waits' }, { deadline: soon(10_000) });
      await assert.rejects(late, DeadlineExceededError);
      assert.deepEqual(await waits, { tag: 'waits' });
    });
  });
});
