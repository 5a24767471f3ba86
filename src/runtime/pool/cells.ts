// Owns the call-state cells a pool shares with one worker: whether a call has started, claimed
// without a message (one compare-and-swap on each side), so that a call that never started can
// be taken back and run elsewhere, and one that did is never run twice.

/** The call was sent and has not started. */
export const QUEUED = 0;
/** The worker has started the call. */
export const STARTED = 1;
/** The pool took the call back before it started; the worker skips it. */
export const CANCELLED = 2;
/** The worker has finished the call (its answer is in the message's results, sent once all are done). */
export const DONE = 3;

/** Cells per worker: more calls in flight on one worker than this are sent without a cell (never taken back). */
const CELLS = 4096;

/** The pool's side of one worker's cells. */
export interface CallCells {
  /** The shared memory, sent to the worker once. */
  readonly buffer: SharedArrayBuffer;
  /** A free cell marked QUEUED, or -1 when none is free. */
  take(): number;
  /** Returns a cell once the worker has answered the message that carried it. */
  release(cell: number): void;
  /** Takes a call back: true when it had not started (it never will); false when it started or has no cell. */
  cancel(cell: number): boolean;
  /** The call's state (QUEUED, STARTED, CANCELLED or DONE); STARTED for a call without a cell. */
  state(cell: number): number;
}

/** Cells for one worker. */
export function createCallCells(): CallCells {
  const buffer = new SharedArrayBuffer(CELLS * Int32Array.BYTES_PER_ELEMENT);
  const state = new Int32Array(buffer);
  const free: number[] = [];
  for (let i = CELLS - 1; i >= 0; i--) free.push(i);
  return {
    buffer,
    take() {
      const cell = free.pop();
      if (cell === undefined) return -1;
      Atomics.store(state, cell, QUEUED);
      return cell;
    },
    release(cell) {
      if (cell >= 0) free.push(cell);
    },
    cancel(cell) {
      return cell >= 0 && Atomics.compareExchange(state, cell, QUEUED, CANCELLED) === QUEUED;
    },
    state(cell) {
      return cell >= 0 ? Atomics.load(state, cell) : STARTED;
    },
  };
}

/** The worker's side: marks a call started; false when the pool took it back first (skip it). */
export function startCall(state: Int32Array, cell: number): boolean {
  return cell < 0 || Atomics.compareExchange(state, cell, QUEUED, STARTED) === QUEUED;
}

/** The worker's side: marks a call finished (the pool sees progress, and knows a lost answer was a finished call). */
export function finishCall(state: Int32Array, cell: number): void {
  if (cell >= 0) Atomics.store(state, cell, DONE);
}
