// Owns running an ONNX model's cheap calls on the calling thread: a single-threaded session in this thread, timed at load (../inline-policy.ts decides); the worker thread, started on first need, takes the rest.

import { stat } from 'node:fs/promises';
import type * as Ort from 'onnxruntime-node';
import type { OrtType, SessionConfig, ValueInfo, WireTensor } from './protocol.js';
import { loadOnnxruntime, openSession, type OpenedSession } from './open-session.js';
import { planProviders } from './providers.js';
import { fromOrtResult, toOrtFeeds } from './ort-tensors.js';
import { chooseInline, InlineBudget, type InlinePlan, type InlineTimings } from '../inline-policy.js';

type OrtModule = typeof Ort;

/** A second copy of the model in this thread costs its size in memory: only small models are considered. */
export const INLINE_MAX_MODEL_BYTES = 16 * 1024 * 1024;
/** Rows of the large warm-up call when the first dimension is variable. */
const LARGE_ROWS = 256;
/** Warm-up calls per size not timed (they compile), then timed. */
const UNTIMED_CALLS = 10;
const TIMED_CALLS = 21;

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

/** Runs cheap calls of one model on the calling thread; `admits` says which. */
export class InlineRunner {
  readonly #session: Ort.InferenceSession;
  readonly #ort: OrtModule;
  readonly #budget: InlineBudget;
  /** What the warm-up timing decided. */
  readonly plan: InlinePlan;

  private constructor(ort: OrtModule, session: Ort.InferenceSession, plan: InlinePlan) {
    this.#ort = ort;
    this.#session = session;
    this.plan = plan;
    this.#budget = new InlineBudget(plan.maxElements);
  }

  /**
   * Creates the session on this thread (one intra-op thread: no pool of its own to wake), times
   * warm-up calls of 1 and LARGE_ROWS rows, and returns a runner with what the session reports when
   * ../inline-policy.ts finds the calls cheap; undefined (the session released) otherwise, or when the
   * model is large, is configured for an accelerator, fails to load here, or has inputs whose size
   * the row count does not fix.
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
    const fetches = loaded.outputs.filter((o) => o.isTensor).map((o) => o.name);
    const small = warmUpFeeds(loaded.inputs, 1);
    const large = warmUpFeeds(loaded.inputs, LARGE_ROWS);
    try {
      if (small && large && fetches.length > 0) {
        // Small and large calls alternate, so both see the same machine; the lower quartile is the
        // call's own cost (a busy machine only ever adds to it). The first calls compile and are not counted.
        const times: [number[], number[]] = [[], []];
        const sizes = [small, large];
        for (let i = 0; i < 2 * (UNTIMED_CALLS + TIMED_CALLS); i++) {
          const ortFeeds = toOrtFeeds(ort, sizes[i & 1]!);
          const t0 = performance.now();
          await session.run(ortFeeds, fetches);
          if (i >= 2 * UNTIMED_CALLS) times[i & 1]!.push(performance.now() - t0);
        }
        const timings: InlineTimings = { smallElements: feedElements(small), smallMs: lowerQuartile(times[0]), largeElements: feedElements(large), largeMs: lowerQuartile(times[1]) };
        const plan = chooseInline(timings);
        if (plan) return { runner: new InlineRunner(ort, session, plan), loaded };
      }
    } catch {
      // A model that fails on zeros is simply not run inline; the worker reports real failures.
    }
    await session.release();
    return undefined;
  }

  /** The current limit on input elements of an inline call (0: inline execution turned off; -1: closed). */
  get maxElements(): number {
    return this.#budget.maxElements;
  }

  /** True when a call with these feeds is cheap enough to run here. */
  admits(feeds: Readonly<Record<string, WireTensor>>): boolean {
    return feedElements(feeds) <= this.#budget.maxElements;
  }

  /** Runs the session here; calls far over budget lower the limit (see InlineBudget). */
  async run(feeds: Readonly<Record<string, WireTensor>>, fetches: readonly string[]): Promise<Record<string, WireTensor>> {
    // onnxruntime-node computes in a setImmediate callback: the one queued just before it marks
    // the start, so time spent on other requests before then is not counted as this call's.
    let started = performance.now();
    setImmediate(() => (started = performance.now()));
    const result = await this.#session.run(toOrtFeeds(this.#ort, feeds), fetches);
    this.#budget.record(feedElements(feeds), performance.now() - started);
    return fromOrtResult(result, fetches);
  }

  /** Releases the session (once); no call is admitted after. */
  async close(): Promise<void> {
    if (this.#budget.maxElements < 0) return;
    this.#budget.stop();
    await this.#session.release();
  }
}
