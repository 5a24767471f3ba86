// Owns the messages between the worker pool and its inference workers (a discriminated union, an id on every request).

import type { FlatError } from '../../errors.js';
import type { Wire } from '../wire.js';
import type { LogFormat, LogLevel } from '../../logger.js';

/** Data a worker starts with: only resolved, serialisable configuration. */
export interface WorkerConfig {
  /** Absolute model directory. */
  readonly modelDir: string;
  /** Index of the worker in the pool (for logs). */
  readonly index: number;
  /** How the worker logs (its own logger, same level and format as the server's). */
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  /** The call-state cells shared with the pool (see cells.ts). */
  readonly cells: SharedArrayBuffer;
}

/** One request inside a message. */
export interface WireCall {
  readonly input: Wire;
  readonly params: Wire;
  /** Its call-state cell, or -1 when it has none (it is then never taken back). */
  readonly cell: number;
}

/** One request's outcome inside a message; `skipped` when the pool took the call back before it started. */
export type WireOutcome =
  /** `ms`: how long the model call took in the worker (the hand-off excluded); `elements`: the input's size (input-size.ts), when it has one. */
  | { readonly ok: true; readonly output: Wire; readonly ms: number; readonly elements?: number }
  | { readonly ok: false; readonly error: FlatError }
  | { readonly ok: false; readonly skipped: true };

/** Pool → worker: a group of independent requests run one after the other; a stream; stopping a stream; or a liveness probe. */
export type ToWorker =
  | { readonly kind: 'predict'; readonly id: number; readonly calls: readonly WireCall[] }
  | { readonly kind: 'stream'; readonly id: number; readonly call: WireCall }
  | { readonly kind: 'cancel'; readonly id: number }
  | { readonly kind: 'ping'; readonly id: number };

/** Worker → pool. */
export type FromWorker =
  | { readonly kind: 'ready'; readonly stream: boolean }
  | { readonly kind: 'load-error'; readonly error: FlatError }
  /**
   * Outcomes of calls `first`, `first + 1`, ... of message `id`; `final` when the message is done.
   * A message still running after a few milliseconds sends what is finished (a call that awaits
   * for long must not hold the answers of the calls before it).
   */
  | { readonly kind: 'results'; readonly id: number; readonly first: number; readonly final: boolean; readonly outcomes: readonly WireOutcome[] }
  | { readonly kind: 'chunk'; readonly id: number; readonly chunk: Wire }
  | { readonly kind: 'end'; readonly id: number; readonly error?: FlatError }
  | { readonly kind: 'pong'; readonly id: number };
