// Owns the decision to run a model's cheap calls on the calling (HTTP) thread instead of handing
// them to a worker thread: from timed calls, which sizes of call are cheap enough to skip the hand-off.
// Shared by the onnx flavor (it times warm-up calls of its own session) and the worker pool of the
// JS flavors (runtime/inline.ts: the workers time the calls they run).
//
// A hand-off to a worker thread and back costs 80-300 µs of CPU and wall time (message, wake-up,
// structured clone, promise); a 1-row call of a small model costs 2-30 µs. Running such calls on
// the HTTP thread saves most of a request's cost, but every microsecond they take is a microsecond
// no other request (nor /ping) is served. So a call runs inline only when its estimated cost, from
// its size and the timed calls, stays under a small budget; the model's larger calls, and models
// whose cost cannot be estimated from their input size, go to the worker thread. "Elements" are
// the unit of size the caller counts: input elements (onnx) or rows (the worker pool).

/** Typical (lower-quartile) wall times of warm-up calls at two input sizes (same shapes but the first dimension). */
export interface InlineTimings {
  /** Input elements of the small call (all feeds together). */
  readonly smallElements: number;
  readonly smallMs: number;
  /** Input elements of the large call; equal to smallElements when the input size is fixed. */
  readonly largeElements: number;
  readonly largeMs: number;
}

/** The limits of inline execution. */
export interface InlineLimits {
  /** A call is cheap when the small warm-up call took at most this (well under a thread round trip). */
  readonly cheapCallMs: number;
  /** Largest estimated duration of one inline call: the longest the HTTP thread may be held. */
  readonly maxCallMs: number;
  /** The estimate is trusted up to this multiple of the largest size timed. */
  readonly extrapolation: number;
}

/** Defaults: a 1-row call under 200 µs; inline calls under 1 ms, so /ping waits at most a few ms behind them. */
export const INLINE_LIMITS: InlineLimits = { cheapCallMs: 0.2, maxCallMs: 1, extrapolation: 4 };

/** What was decided: run calls of at most `maxElements` input elements inline. */
export interface InlinePlan {
  readonly maxElements: number;
  /** Estimated cost of a call: fixed part (ms) and per input element (ms). */
  readonly fixedMs: number;
  readonly perElementMs: number;
}

/**
 * The inline plan for a model timed as `t`, or undefined when even its small call is not cheap.
 * Cost is modelled as fixed + perElement × elements (the two timed sizes); the largest inline call
 * is the one estimated at `maxCallMs`, and never more than `extrapolation` times the size timed.
 */
export function chooseInline(t: InlineTimings, limits: InlineLimits = INLINE_LIMITS): InlinePlan | undefined {
  if (!(t.smallMs <= limits.cheapCallMs) || !(t.smallElements > 0)) return undefined;
  const grows = t.largeElements > t.smallElements;
  const perElementMs = grows ? Math.max(0, (t.largeMs - t.smallMs) / (t.largeElements - t.smallElements)) : 0;
  const fixedMs = Math.max(0, t.smallMs - perElementMs * t.smallElements);
  if (!grows) return t.largeMs <= limits.maxCallMs ? { maxElements: t.smallElements, fixedMs, perElementMs } : undefined;
  const cap = Math.floor(t.largeElements * limits.extrapolation);
  const byBudget = perElementMs > 0 ? Math.floor((limits.maxCallMs - fixedMs) / perElementMs) : cap;
  const maxElements = Math.min(cap, byBudget);
  return maxElements >= t.smallElements ? { maxElements, fixedMs, perElementMs } : undefined;
}

/**
 * Inline calls after start whose durations are not held against the limit. JavaScript models compile
 * as they run: the native ONNX evaluator's first batched calls under load took 2-19 ms, then about 20 µs,
 * and three such overruns lowered the limit for good.
 */
const GRACE_CALLS = 64;

/** Of the last OVERRUN_WINDOW inline calls, this many far over budget lower the limit. */
const OVERRUN_WINDOW = 8;
const OVERRUNS_TO_ACT = 3;

/**
 * The element limit of inline calls, kept honest by the calls' own durations. One slow call proves
 * little (a GC pause, the machine busy elsewhere); several of the last few calls far over budget (a
 * model whose cost depends on the values, not only the size; a machine busier than at warm-up)
 * halve the limit below the size of the call that tipped it; 0 turns inline execution off.
 */
export class InlineBudget {
  #maxElements: number;
  /** Bit i set: the i-th latest call overran. */
  #history = 0;
  /** Calls still to come whose durations are not held against the limit. */
  #graceCalls: number;
  readonly #limits: InlineLimits;

  /** `graceCalls`: the first calls, whose durations are not held against the limit (code still compiling). */
  constructor(maxElements: number, limits: InlineLimits = INLINE_LIMITS, graceCalls = GRACE_CALLS) {
    this.#maxElements = maxElements;
    this.#graceCalls = graceCalls;
    this.#limits = limits;
  }

  /** Calls of at most this many input elements run inline. */
  get maxElements(): number {
    return this.#maxElements;
  }

  /** Records an inline call of `elements` that took `ms`. */
  record(elements: number, ms: number): void {
    // The first calls after start may compile code (a JIT, lazy allocations): not overruns.
    if (this.#graceCalls > 0) {
      this.#graceCalls--;
      return;
    }
    this.#history = ((this.#history << 1) | (ms > this.#limits.maxCallMs * 2 ? 1 : 0)) & ((1 << OVERRUN_WINDOW) - 1);
    if (popcount(this.#history) < OVERRUNS_TO_ACT) return;
    this.#history = 0;
    this.#maxElements = Math.min(this.#maxElements, Math.floor(elements / 2));
  }

  /** Admits no call from now on. */
  stop(): void {
    this.#maxElements = -1;
  }
}

function popcount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n++;
  return n;
}

/** Timed calls kept per size class (powers of two of the element count). */
const SAMPLES_PER_CLASS = 16;
/** A size class is trusted once it holds this many timings (the first calls of a thread compile). */
const MIN_SAMPLES = 8;

/**
 * A running estimate of a model's cost from the durations of its calls, in the form chooseInline
 * takes: calls are grouped by size class (⌊log2 elements⌋), each class keeps its last timings, and
 * its typical cost is their lower quartile (a busy machine or a GC pause only ever adds). The small
 * size is the smallest class with enough timings, the large one the largest.
 */
export class CostEstimate {
  /** Per size class: the last timings (ring buffers) of durations (ms) and sizes. */
  readonly #ms: Float64Array[] = [];
  readonly #elements: Float64Array[] = [];
  readonly #count: number[] = [];

  /** Records a call of `elements` that took `ms` (calls of no size are ignored). */
  record(elements: number, ms: number): void {
    if (!(elements >= 1) || !(ms >= 0)) return;
    const c = 31 - Math.clz32(Math.min(elements, 2 ** 31 - 1));
    if (this.#ms[c] === undefined) {
      this.#ms[c] = new Float64Array(SAMPLES_PER_CLASS);
      this.#elements[c] = new Float64Array(SAMPLES_PER_CLASS);
      this.#count[c] = 0;
    }
    const i = this.#count[c]! % SAMPLES_PER_CLASS;
    this.#ms[c]![i] = ms;
    this.#elements[c]![i] = elements;
    this.#count[c]!++;
  }

  /** The typical timings of the smallest and largest trusted size classes, or undefined before any class is trusted. */
  timings(): InlineTimings | undefined {
    let small: [number, number] | undefined;
    let large: [number, number] | undefined;
    for (let c = 0; c < this.#ms.length; c++) {
      const n = Math.min(this.#count[c] ?? 0, SAMPLES_PER_CLASS);
      if (n < MIN_SAMPLES) continue;
      const ms = this.#ms[c]!.slice(0, n).sort()[n >> 2]!; // a typed array sorts numerically
      let elements = 0;
      for (let i = 0; i < n; i++) elements += this.#elements[c]![i]!;
      const typical: [number, number] = [Math.round(elements / n), ms];
      small ??= typical;
      large = typical;
    }
    if (!small || !large) return undefined;
    return { smallElements: small[0], smallMs: small[1], largeElements: large[0], largeMs: large[1] };
  }
}
