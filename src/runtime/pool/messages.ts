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
}

/** One request inside a message. */
export interface WireCall {
  readonly input: Wire;
  readonly params: Wire;
}

/** One request's outcome inside a message. */
export type WireOutcome = { readonly ok: true; readonly output: Wire } | { readonly ok: false; readonly error: FlatError };

/** Pool → worker: a group of independent requests run one after the other; a stream; or stopping a stream. */
export type ToWorker =
  | { readonly kind: 'predict'; readonly id: number; readonly calls: readonly WireCall[] }
  | { readonly kind: 'stream'; readonly id: number; readonly call: WireCall }
  | { readonly kind: 'cancel'; readonly id: number };

/** Worker → pool. */
export type FromWorker =
  | { readonly kind: 'ready'; readonly stream: boolean }
  | { readonly kind: 'load-error'; readonly error: FlatError }
  | { readonly kind: 'results'; readonly id: number; readonly outcomes: readonly WireOutcome[] }
  | { readonly kind: 'chunk'; readonly id: number; readonly chunk: Wire }
  | { readonly kind: 'end'; readonly id: number; readonly error?: FlatError };
