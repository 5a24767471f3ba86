// Owns the decision to run an ONNX model on the calling (HTTP) thread: from timed warm-up calls, which calls are cheap enough to skip the hand-off to the session's worker thread.
//
// A hand-off to the worker thread and back costs 80-300 µs of CPU and wall time (message, wake-up,
// structured clone, promise); a 1-row call of a small model costs 2-20 µs. Running such calls on
// the HTTP thread saves most of a request's cost, but every microsecond they take is a microsecond
// no other request (nor /ping) is served. So a call runs inline only when its estimated cost, from
// its element count and the timed warm-up calls, stays under a small budget; the model's larger
// calls, and models whose cost cannot be estimated from their input size, go to the worker thread.

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
  readonly #limits: InlineLimits;

  constructor(maxElements: number, limits: InlineLimits = INLINE_LIMITS) {
    this.#maxElements = maxElements;
    this.#limits = limits;
  }

  /** Calls of at most this many input elements run inline. */
  get maxElements(): number {
    return this.#maxElements;
  }

  /** Records an inline call of `elements` that took `ms`. */
  record(elements: number, ms: number): void {
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
