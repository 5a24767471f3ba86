// Owns running an ONNX model's cheap calls on the calling thread: a single-threaded session in this thread, timed at load (../inline-policy.ts decides); the worker thread, started on first need, takes the rest.

import { stat } from 'node:fs/promises';
import type * as Ort from 'onnxruntime-node';
import type { OrtType, SessionConfig, ValueInfo, WireTensor } from './protocol.js';
import { loadOnnxruntime, openSession, type OpenedSession } from './open-session.js';
import { planProviders } from './providers.js';
import { fromOrtResult, toOrtFeeds } from './ort-tensors.js';
import { chooseInline, InlineBudget, type InlinePlan } from '../inline-policy.js';
import type { NativeGraph } from './native/graph.js';

type OrtModule = typeof Ort;

/** A second copy of the model in this thread costs its size in memory: only small models are considered. */
export const INLINE_MAX_MODEL_BYTES = 16 * 1024 * 1024;
/** How many warm-up calls time a model's cost: rows of the large call (when the first dimension is variable), and calls per size not timed (they compile), then timed. */
interface WarmUp {
  readonly largeRows: number;
  /** 1-row calls run back to back first (for at most COMPILE_MS), so that JavaScript code is optimised before anything is timed. */
  readonly compileCalls: number;
  readonly untimedCalls: number;
  readonly timedCalls: number;
}

/** Longest the HTTP thread is held by the back-to-back compiling calls. */
const COMPILE_MS = 3;

const ORT_WARM_UP: WarmUp = { largeRows: 256, compileCalls: 0, untimedCalls: 10, timedCalls: 21 };
/**
 * The native evaluator's cost is plain arithmetic, linear in the rows: 1-row calls compile its code,
 * then fewer and smaller calls time it (about 10 ms at start-up where the plan for onnxruntime takes
 * about 30); what is still slow only makes the estimate cautious.
 */
const NATIVE_WARM_UP: WarmUp = { largeRows: 32, compileCalls: 400, untimedCalls: 2, timedCalls: 5 };

const ZEROS: Partial<Record<OrtType, (n: number) => WireTensor['data']>> = {
  float32: (n) => new Float32Array(n),
  float64: (n) => new Float64Array(n),
  float16: (n) => new Uint16Array(n),
  int8: (n) => new Int8Array(n),
  int16: (n) => new Int16Array(n),
  int32: (n) => new Int32Array(n),
  int64: (n) => new BigInt64Array(n),
  uint8: (n) => new Uint8Array(n),
  uint16: (n) => new Uint16Array(n),
  uint32: (n) => new Uint32Array(n),
  uint64: (n) => new BigUint64Array(n),
  bool: (n) => new Uint8Array(n),
};

/** Total elements of a set of feeds. */
export function feedElements(feeds: Readonly<Record<string, WireTensor>>): number {
  let n = 0;
  for (const name in feeds) n += feeds[name]!.data.length;
  return n;
}

/**
 * Zero-filled warm-up feeds of `rows` rows, or undefined when the input size does not follow from
 * the row count alone (a variable dimension past the first, strings, non-tensors): such a model's
 * cost cannot be estimated from its input size, so it never runs inline.
 */
export function warmUpFeeds(inputs: readonly ValueInfo[], rows: number): Record<string, WireTensor> | undefined {
  const feeds: Record<string, WireTensor> = {};
  for (const input of inputs) {
    if (!input.isTensor) return undefined;
    const zeros = ZEROS[input.type as OrtType];
    if (!zeros || input.shape.length === 0) return undefined;
    const dims: number[] = [];
    for (let i = 0; i < input.shape.length; i++) {
      const d = input.shape[i];
      if (typeof d === 'number' && d > 0) dims.push(d);
      else if (i === 0) dims.push(rows);
      else return undefined;
    }
    feeds[input.name] = { type: input.type as OrtType, dims, data: zeros(dims.reduce((a, b) => a * b, 1)) };
  }
  return feeds;
}

const lowerQuartile = (v: number[]): number => v.sort((a, b) => a - b)[v.length >> 2]!;

/** What runs the calls on this thread: an onnxruntime session, or the native evaluator's graph. */
interface InlineEngine {
  run(feeds: Readonly<Record<string, WireTensor>>, fetches: readonly string[]): Promise<Record<string, WireTensor>> | Record<string, WireTensor>;
  /**
   * True when `run` computes in a later turn (onnxruntime-node computes in a setImmediate
   * callback): the call's own time then starts with that callback, not when it was asked for.
   * False when `run` computes synchronously and returns the outputs themselves, not a promise.
   */
  readonly deferred: boolean;
  release(): Promise<void>;
}

function ortEngine(ort: OrtModule, session: Ort.InferenceSession): InlineEngine {
  return {
    deferred: true,
    run: async (feeds, fetches) => fromOrtResult(await session.run(toOrtFeeds(ort, feeds), fetches), fetches),
    release: () => session.release(),
  };
}

function nativeEngine(graph: NativeGraph): InlineEngine {
  return { deferred: false, run: (feeds, fetches) => graph.run(feeds, fetches), release: async () => {} };
}

/**
 * Times warm-up calls of 1 and `warmUp.largeRows` rows of zeros and asks ../inline-policy.ts whether the
 * calls are cheap; undefined when they are not, when the inputs' size does not follow from the
 * row count, or when a call fails (the worker reports real failures).
 */
async function timeWarmUp(engine: InlineEngine, inputs: readonly ValueInfo[], outputs: readonly ValueInfo[], warmUp: WarmUp): Promise<InlinePlan | undefined> {
  const fetches = outputs.filter((o) => o.isTensor).map((o) => o.name);
  try {
    // Inside the try: a declared dimension too large to allocate means no inline calls, not a failed load.
    const small = warmUpFeeds(inputs, 1);
    const large = warmUpFeeds(inputs, warmUp.largeRows);
    if (!small || !large || fetches.length === 0) return undefined;
    for (let i = 0, until = performance.now() + COMPILE_MS; i < warmUp.compileCalls && performance.now() < until; i++) await engine.run(small, fetches);
    // Small and large calls alternate, so both see the same machine; the lower quartile is the
    // call's own cost (a busy machine only ever adds to it). The first calls compile and are not counted.
    const times: [number[], number[]] = [[], []];
    const sizes = [small, large];
    for (let i = 0; i < 2 * (warmUp.untimedCalls + warmUp.timedCalls); i++) {
      // A synchronous engine gives the event loop a turn between calls: other models keep answering while this one loads.
      if (!engine.deferred) await new Promise((resolve) => setImmediate(resolve));
      const t0 = performance.now();
      await engine.run(sizes[i & 1]!, fetches);
      if (i >= 2 * warmUp.untimedCalls) times[i & 1]!.push(performance.now() - t0);
    }
    return chooseInline({ smallElements: feedElements(small), smallMs: lowerQuartile(times[0]), largeElements: feedElements(large), largeMs: lowerQuartile(times[1]) });
  } catch {
    return undefined;
  }
}

/** Runs cheap calls of one model on the calling thread; `admits` says which. */
export class InlineRunner {
  readonly #engine: InlineEngine;
  readonly #budget: InlineBudget;
  /** What the warm-up timing decided. */
  readonly plan: InlinePlan;

  private constructor(engine: InlineEngine, plan: InlinePlan) {
    this.#engine = engine;
    this.plan = plan;
    this.#budget = new InlineBudget(plan.maxElements);
  }

  /**
   * Creates the session on this thread (one intra-op thread: no pool of its own to wake), times
   * warm-up calls, and returns a runner with what the session reports when the calls are cheap;
   * undefined (the session released) otherwise, or when the model is large, is configured for an
   * accelerator, fails to load here, or has inputs whose size the row count does not fix.
   */
  static async open(config: SessionConfig): Promise<{ runner: InlineRunner; loaded: Omit<OpenedSession, 'session'> } | undefined> {
    if (planProviders(config.providers).accelerators.length > 0) return undefined;
    if ((await stat(config.modelFile)).size > INLINE_MAX_MODEL_BYTES) return undefined;
    const ort = loadOnnxruntime();
    let opened: OpenedSession;
    // One thread, and no CPU memory arena: small calls do not need one, and it held ~6 MB resident.
    try {
      opened = await openSession(ort, { ...config, sessionOptions: { ...config.sessionOptions, intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', enableCpuMemArena: false } });
    } catch {
      // The worker loads it again and reports why it cannot.
      return undefined;
    }
    const { session, ...loaded } = opened;
    const engine = ortEngine(ort, session);
    const plan = await timeWarmUp(engine, loaded.inputs, loaded.outputs, ORT_WARM_UP);
    if (plan) return { runner: new InlineRunner(engine, plan), loaded };
    await engine.release();
    return undefined;
  }

  /** A runner over the native evaluator's graph when its timed calls are cheap, else undefined. */
  static async openNative(graph: NativeGraph): Promise<InlineRunner | undefined> {
    const engine = nativeEngine(graph);
    const plan = await timeWarmUp(engine, graph.inputs, graph.outputs, NATIVE_WARM_UP);
    return plan ? new InlineRunner(engine, plan) : undefined;
  }

  /** The current limit on input elements of an inline call (0: inline execution turned off; -1: closed). */
  get maxElements(): number {
    return this.#budget.maxElements;
  }

  /** True when a call with these feeds is cheap enough to run here. */
  admits(feeds: Readonly<Record<string, WireTensor>>): boolean {
    return feedElements(feeds) <= this.#budget.maxElements;
  }

  /** Runs the model here; calls far over budget lower the limit (see InlineBudget). */
  async run(feeds: Readonly<Record<string, WireTensor>>, fetches: readonly string[]): Promise<Record<string, WireTensor>> {
    const engine = this.#engine;
    if (!engine.deferred) {
      // Timed around the synchronous call itself: after an await, other requests' work would be
      // counted as this call's, and under load false overruns would turn inline calls down.
      const t0 = performance.now();
      const result = engine.run(feeds, fetches) as Record<string, WireTensor>;
      this.#budget.record(feedElements(feeds), performance.now() - t0);
      return result;
    }
    // The callback queued just before onnxruntime's marks the start, so time spent on other
    // requests before then is not counted as this call's.
    let started = performance.now();
    setImmediate(() => (started = performance.now()));
    const result = await engine.run(feeds, fetches);
    this.#budget.record(feedElements(feeds), performance.now() - started);
    return result;
  }

  /** Releases the session (once); no call is admitted after. */
  async close(): Promise<void> {
    if (this.#budget.maxElements < 0) return;
    this.#budget.stop();
    await this.#engine.release();
  }
}
