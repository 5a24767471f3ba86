// Owns adaptive batching: concurrent requests are merged into one model call while the model is busy.
//
// A request is dispatched at once when a model slot is free, so a lone request never waits. While
// every slot is busy, requests queue; when a slot frees, compatible queued requests (same merge key
// and params) are merged up to `maxBatchSize` rows. A failed merged call is retried request by
// request so that only the request that caused the error fails.

import { DeadlineExceededError, TemporarilyUnavailableError } from '../errors.js';
import type { ModelParams } from '../flavors/types.js';
import type { PredictCall, PredictOptions, Predictor } from './types.js';
import { mergeInputs, mergeKey, paramsKey, rowCount, splitOutput } from './merge.js';

/** Batcher settings. */
export interface BatcherOptions {
  /** Most rows in one merged call. @default 1024 */
  maxBatchSize: number;
  /** Extra wait (ms) to gather a fuller batch when a slot is free; 0 dispatches at once. @default 0 */
  maxBatchDelayMs: number;
  /** Model calls that may run at once (the worker count). @default 1 */
  concurrency: number;
  /** Most requests waiting; beyond it requests get 503 with Retry-After. @default 1000 */
  maxQueue: number;
  /** False keeps every request in its own model call (queueing and backpressure still apply). @default true */
  merge?: boolean;
  /** Called with each model call's size (requests merged, rows), for metrics. */
  onBatch?: (requests: number, rows: number) => void;
  /** Called with each request's wait for a worker, in seconds, for metrics. */
  onQueueWait?: (seconds: number) => void;
  /** Called with the duration of each hand-off to the model, in seconds, for metrics. */
  onInference?: (seconds: number) => void;
}

interface Pending {
  input: unknown;
  params: ModelParams;
  key: string | undefined;
  rows: number;
  deadline?: number;
  enqueuedAt: number;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Wraps a predictor with adaptive batching; the result is a Predictor too. */
export function createBatcher(inner: Predictor, options: BatcherOptions): Predictor & { readonly queued: number; readonly inFlight: number } {
  const queue: Pending[] = [];
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;

  const takeBatch = (): Pending[] => {
    const first = queue.shift()!;
    const batch = [first];
    if (first.key === undefined) return batch;
    let rows = first.rows;
    // One pass that keeps what is not taken (splicing each taken request would be quadratic).
    let kept = 0;
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i];
      if (rows < options.maxBatchSize && p.key === first.key && rows + p.rows <= options.maxBatchSize) {
        batch.push(p);
        rows += p.rows;
      } else queue[kept++] = p;
    }
    queue.length = kept;
    return batch;
  };

  /** Rows waiting with a merge key (only the optional batch delay needs it). */
  const queuedRows = (key: string | undefined): number => {
    let rows = 0;
    for (const p of queue) if (p.key === key) rows += p.rows;
    return rows;
  };

  const runOne = async (p: Pending): Promise<void> => {
    try {
      p.resolve(await inner.predict(p.input, p.params, { deadline: p.deadline }));
    } catch (err) {
      p.reject(err);
    }
  };

  /** Drops requests whose deadline passed while they queued (their clients already got 504). */
  const live = (unit: Pending[], now: number): Pending[] =>
    unit.filter((p) => {
      if (p.deadline !== undefined && p.deadline <= now) {
        p.reject(new DeadlineExceededError());
        return false;
      }
      return true;
    });

  /** Settles a unit (one merged call) from its outcome; a failed merged call is retried request by request. */
  const settle = async (unit: Pending[], outcome: PromiseSettledResult<unknown>): Promise<void> => {
    if (unit.length === 1) {
      if (outcome.status === 'fulfilled') unit[0].resolve(outcome.value);
      else unit[0].reject(outcome.reason);
      return;
    }
    const parts = outcome.status === 'fulfilled' ? splitOutput(outcome.value, unit.map((p) => p.rows)) : undefined;
    if (parts) unit.forEach((p, i) => p.resolve(parts[i]));
    else for (const p of unit) await runOne(p);
  };

  /** One model call for a unit; a lone request keeps its deadline (merged ones have several). */
  const callOf = (unit: Pending[]): PredictCall =>
    unit.length === 1
      ? { input: unit[0].input, params: unit[0].params, deadline: unit[0].deadline }
      : { input: mergeInputs(unit.map((p) => p.input)), params: unit[0].params };

  /** Runs a group of units: one hand-off when the inner predictor takes groups, else one call per unit. */
  const runGroup = async (group: Pending[][]): Promise<void> => {
    const now = Date.now();
    const units = group.map((u) => live(u, now)).filter((u) => u.length > 0);
    if (units.length === 0) return;
    for (const u of units) {
      options.onBatch?.(u.length, u.reduce((n, p) => n + p.rows, 0));
      if (options.onQueueWait) for (const p of u) options.onQueueWait((now - p.enqueuedAt) / 1000);
    }
    const started = performance.now();
    try {
      await runUnits(units);
    } finally {
      options.onInference?.((performance.now() - started) / 1000);
    }
  };

  const runUnits = async (units: Pending[][]): Promise<void> => {
    if (units.length > 1 && inner.predictMany) {
      let outcomes: PromiseSettledResult<unknown>[];
      try {
        outcomes = await inner.predictMany(units.map(callOf));
      } catch (err) {
        for (const u of units) for (const p of u) p.reject(err);
        return;
      }
      await Promise.all(units.map((u, i) => settle(u, outcomes[i])));
      return;
    }
    for (const u of units) {
      let outcome: PromiseSettledResult<unknown>;
      try {
        const call = callOf(u);
        outcome = { status: 'fulfilled', value: await inner.predict(call.input, call.params, { deadline: call.deadline }) };
      } catch (reason) {
        outcome = { status: 'rejected', reason };
      }
      await settle(u, outcome);
    }
  };

  // Dispatch at the end of the current event-loop turn (setImmediate: microseconds, not a wait
  // window), so every request whose bytes were read in this turn joins the same batch.
  let scheduled = false;
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  };

  const pump = (): void => {
    while (inFlight < options.concurrency && queue.length > 0) {
      const first = queue[0];
      const waited = options.maxBatchDelayMs > 0 && first.key !== undefined ? Date.now() - first.enqueuedAt : Infinity;
      if (waited < options.maxBatchDelayMs && queuedRows(first.key) < options.maxBatchSize) {
        timer ??= setTimeout(() => {
          timer = undefined;
          pump();
        }, options.maxBatchDelayMs - waited);
        return;
      }
      // Share the queue among the free slots so that every worker gets work.
      const share = inner.predictMany ? Math.ceil(queue.length / (options.concurrency - inFlight)) : 1;
      const group: Pending[][] = [];
      for (let taken = 0; taken < share && queue.length > 0; ) {
        const unit = takeBatch();
        group.push(unit);
        taken += unit.length;
      }
      inFlight++;
      runGroup(group).finally(() => {
        inFlight--;
        schedule();
      });
    }
  };

  return {
    get queued() {
      return queue.length;
    },
    get inFlight() {
      return inFlight;
    },
    predict(input: unknown, params: ModelParams, opts?: PredictOptions): Promise<unknown> {
      // Requests a free slot will take at the end of this turn are not waiting.
      if (queue.length - Math.max(0, options.concurrency - inFlight) >= options.maxQueue) {
        return Promise.reject(new TemporarilyUnavailableError(`The server is at capacity (${options.maxQueue} requests queued). Retry shortly.`, 1));
      }
      const rows = options.merge === false ? undefined : rowCount(input);
      const key = rows === undefined ? undefined : `${mergeKey(input)}#${paramsKey(params)}`;
      return new Promise((resolve, reject) => {
        queue.push({ input, params, key, rows: rows ?? 1, deadline: opts?.deadline, enqueuedAt: Date.now(), resolve, reject });
        schedule();
      });
    },
    enforcesSignature: inner.enforcesSignature,
    // Streams hold a model slot for their whole length and are never merged: they go straight through.
    predictStream: inner.predictStream?.bind(inner),
    async close() {
      if (timer) clearTimeout(timer);
      await inner.close();
    },
  };
}
