// Owns running the cheap calls of a worker-pool model on the calling (HTTP) thread: the pool's
// workers time their calls, and once calls are known cheap (flavors/inline-policy.ts) and the model
// is small, this thread loads its own copy (once, in the background) and runs admitted calls itself,
// skipping the hand-off to a worker (a message, a thread wake-up each way, structured clone).
//
// Only for flavors whose calls cannot block for long (no user code: sklearn, lightgbm, xgboost;
// never js_function). Inline execution replaces a lone hand-off, not batching: under concurrent
// load a hand-off is shared by the whole batch, and the workers run beside this thread. So a call
// runs inline only when
// - its estimated cost is under the policy's limit (1 ms by default), and an InlineBudget lowers
//   that limit when inline calls overrun it (0 turns inline off);
// - the batcher is idle (nothing queued or in flight: the call would travel alone);
// - this event-loop turn has run less than TURN_BUDGET_MS of inline work (about a thread round
//   trip): past it, the turn's other calls go to the workers as one batch, and /ping and requests
//   already read wait at most about one inline call.
// The rest go to the inner predictor (the batcher and the pool) as before; inline calls never wait
// for a batch.

import { readdir, stat } from 'node:fs/promises';
import { DeadlineExceededError } from '../errors.js';
import { join } from 'node:path';
import { chooseInline, CostEstimate, INLINE_LIMITS, InlineBudget, type InlineLimits } from '../flavors/inline-policy.js';
import type { LoadedModel } from '../model/load.js';
import { silentLogger, type Logger } from '../logger.js';
import { directPredictor } from './direct.js';
import { inputElements } from './input-size.js';
import { rowCount } from './merge.js';
import type { ModelParams, PredictOptions, Predictor } from './types.js';

/** A second copy of the model on this thread costs about its size in memory: only small models are copied. */
export const INLINE_MAX_MODEL_BYTES = 16 * 1024 * 1024;
/** Inline work (ms) after which the rest of an event-loop turn's calls go to the workers (about a thread round trip). */
export const TURN_BUDGET_MS = 0.2;
/** Untimed calls of this thread's copy before it takes requests (the first calls of a thread compile). */
const WARM_CALLS = 20;
/** …or this long, whichever comes first (ms). */
const WARM_MS = 50;
/** Warm-up calls asked of the server (enough timings of one size for CostEstimate to trust). */
const WARM_UP_CALLS = 12;
/** The limit is recomputed from the estimate every this many timed calls. */
const REPLAN_EVERY = 4;

/** Where a call runs, and the stages of an inline predictor. */
export type InlineState = 'timing' | 'loading' | 'inline' | 'off';

/** Options of createInlinePredictor. */
export interface InlineOptions {
  /** Loads this thread's own copy of the model (called at most once, unless a preloaded copy was released). */
  load(): Promise<LoadedModel>;
  /**
   * A copy loaded at start-up, beside the workers (loading a model holds this thread: better before
   * the server is ready than between requests); released when the timings show calls are not cheap.
   */
  readonly preloaded?: Promise<LoadedModel | undefined>;
  /** Size of the model's files (see modelBytes); above INLINE_MAX_MODEL_BYTES no copy is loaded. */
  readonly modelBytes: number;
  /** @default INLINE_LIMITS */
  readonly limits?: InlineLimits;
  /** @default TURN_BUDGET_MS */
  readonly turnBudgetMs?: number;
  /** Called with each inline call's size (1 request, its rows), as the batcher reports its calls. */
  readonly onBatch?: (requests: number, rows: number) => void;
  /** Called with each inline call's duration in seconds. */
  readonly onInference?: (seconds: number) => void;
  readonly logger?: Logger;
}

/** A predictor that runs cheap calls here and hands the rest to `inner`. */
export interface InlinePredictor extends Predictor {
  readonly queued: number;
  readonly state: InlineState;
  /** Records a call timed elsewhere (a worker): its input elements and duration (ms). */
  observe(elements: number, ms: number): void;
  /** Where a call with this input would run now (the per-turn budget aside). */
  executionOf(input: unknown): 'inline' | 'worker';
  /** Resolves once a copy being loaded is ready (or failed); at once when none is loading. */
  settled(): Promise<void>;
}

/** Total size of the files under `dir`, counting stops past `cap` (a huge folder is not walked). */
export async function modelBytes(dir: string, cap = INLINE_MAX_MODEL_BYTES): Promise<number> {
  let total = 0;
  const walk = async (d: string, depth: number): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (total > cap) return;
      const p = join(d, entry.name);
      if (entry.isDirectory()) {
        if (depth < 8) await walk(p, depth + 1);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        // A linked file counts as the file it names (a store may link a large model file in); a dangling link as nothing.
        const s = await stat(p).catch(() => undefined);
        if (s?.isFile()) total += s.size;
      }
    }
  };
  await walk(dir, 0);
  return total;
}

/** Wraps `inner` (the batcher over the worker pool); see the module comment. */
export function createInlinePredictor(inner: Predictor & { readonly queued: number; readonly inFlight: number }, options: InlineOptions): InlinePredictor {
  const limits = options.limits ?? INLINE_LIMITS;
  const turnBudgetMs = options.turnBudgetMs ?? TURN_BUDGET_MS;
  const logger = options.logger ?? silentLogger;
  const estimate = new CostEstimate();
  const budget = new InlineBudget(Number.MAX_SAFE_INTEGER, limits);
  let state: InlineState = options.modelBytes > INLINE_MAX_MODEL_BYTES ? 'off' : 'timing';
  let preloaded = options.preloaded;
  let local: Predictor | undefined;
  let loading: Promise<void> = Promise.resolve();
  /** Inline calls admitted up to this many elements (0 before the copy is ready). */
  let maxElements = 0;
  let timed = 0;
  /** A recent small input the workers ran (to warm this thread's copy with real data). */
  let sample: { input: unknown; params: ModelParams; elements: number } | undefined;
  let turnMs = 0;
  let turnScheduled = false;
  /** Inline calls started and not settled (calls that start in the same microtask run see each other). */
  let running = 0;
  let closed = false;

  const plan = (): number => chooseInline(estimate.timings() ?? { smallElements: 0, smallMs: Infinity, largeElements: 0, largeMs: Infinity }, limits)?.maxElements ?? 0;

  /** Logs where calls run (once the copy is ready, then when that changes between none and some inline). */
  const announce = (allowed: number): void => {
    const t = estimate.timings();
    const timing = t ? `timed in the workers at ${(t.smallMs * 1000).toFixed(0)} µs for ${t.smallElements} elements` : 'not timed yet';
    if (allowed > 0) logger.info(`calls of up to ${allowed} input elements run on the HTTP thread (${timing}); larger ones on the workers`);
    else logger.info(`calls stay on the workers for now: they are not cheap enough to run on the HTTP thread (${timing})`);
  };

  const replan = (): void => {
    const allowed = Math.min(plan(), budget.maxElements);
    if (state === 'inline') {
      if ((allowed > 0) !== (maxElements > 0)) announce(allowed);
      maxElements = allowed;
      if (budget.maxElements <= 0) {
        state = 'off';
        maxElements = 0;
        logger.warn('inline execution turned off: calls on the HTTP thread kept overrunning their budget; all calls go to the workers');
      }
    } else if (state === 'timing' && allowed > 0 && sample !== undefined) {
      state = 'loading';
      loading = new Promise<void>((resolve) => setImmediate(resolve)).then(loadCopy);
    } else if (state === 'timing' && allowed === 0 && preloaded !== undefined && estimate.timings() !== undefined) {
      // Not cheap: the copy loaded at start-up is not worth its memory (it is loaded again if calls turn cheap).
      void preloaded.then((m) => m?.close()).catch(() => undefined);
      preloaded = undefined;
    }
  };

  /** Loads and warms this thread's copy, off the path of the request whose timing triggered it. */
  const loadCopy = async (): Promise<void> => {
    try {
      const model = (await preloaded?.catch(() => undefined)) ?? (await options.load());
      preloaded = undefined;
      if (closed) return void (await model.close());
      const p = directPredictor(model);
      const until = performance.now() + WARM_MS;
      for (let i = 0; i < WARM_CALLS && performance.now() < until && sample; i++) {
        await p.predict(sample.input, sample.params);
        // One call per turn: requests arriving meanwhile are served in between.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (closed) return void (await p.close());
      local = p;
      state = 'inline';
      sample = undefined;
      maxElements = Math.min(plan(), budget.maxElements);
      announce(maxElements);
    } catch (err) {
      state = 'off';
      logger.warn(`calls stay on the workers: this thread could not load its own copy of the model (${(err as Error).message})`);
    }
  };

  const record = (elements: number, ms: number): void => {
    estimate.record(elements, ms);
    if (++timed % REPLAN_EVERY === 0) replan();
  };

  const endTurn = (): void => {
    turnMs = 0;
    turnScheduled = false;
  };

  const runInline = async (p: Predictor, input: unknown, params: ModelParams, elements: number): Promise<unknown> => {
    const t0 = performance.now();
    running++;
    let answered = false;
    try {
      const output = await p.predict(input, params);
      answered = true;
      return output;
    } finally {
      running--;
      const ms = performance.now() - t0;
      turnMs += ms;
      if (!turnScheduled) {
        turnScheduled = true;
        setImmediate(endTurn);
      }
      const before = budget.maxElements;
      // Any call that held this thread counts against the budget; only answered calls are timings of
      // the model's cost (as the workers report them): a quickly refused input says nothing of it.
      budget.record(elements, ms);
      if (answered) record(elements, ms);
      if (budget.maxElements !== before) replan();
      options.onBatch?.(1, rowCount(input) ?? 1);
      options.onInference?.(ms / 1000);
    }
  };

  return {
    get queued() {
      return inner.queued;
    },
    get available() {
      return inner.available ?? true;
    },
    get state() {
      return state;
    },
    enforcesSignature: inner.enforcesSignature,
    warmUpCalls: WARM_UP_CALLS,
    predictStream: inner.predictStream?.bind(inner),
    observe(elements, ms) {
      if (state === 'off' || closed) return;
      record(elements, ms);
    },
    executionOf(input) {
      const n = inputElements(input);
      return local !== undefined && state === 'inline' && n !== undefined && n <= maxElements ? 'inline' : 'worker';
    },
    settled: () => loading,
    predict(input: unknown, params: ModelParams, opts?: PredictOptions): Promise<unknown> {
      if (state === 'inline' || state === 'timing') {
        const n = inputElements(input);
        if (n !== undefined) {
          if (local !== undefined && n <= maxElements && turnMs < turnBudgetMs && running === 0 && inner.inFlight === 0 && inner.queued === 0) {
            // As the batcher does: a request whose client already had its 504 is not run.
            if (opts?.deadline !== undefined && opts.deadline <= Date.now()) return Promise.reject(new DeadlineExceededError());
            return runInline(local, input, params, n);
          }
          if (state === 'timing' && (sample === undefined || n <= sample.elements)) sample = { input, params, elements: n };
        }
      }
      return inner.predict(input, params, opts);
    },
    async close() {
      closed = true;
      state = 'off';
      maxElements = 0;
      const copy = local;
      local = undefined;
      await loading;
      const unused = preloaded;
      preloaded = undefined;
      await Promise.all([copy?.close(), unused?.then((m) => m?.close()).catch(() => undefined), inner.close()]);
    },
  };
}
