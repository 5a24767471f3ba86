// Owns the messages between the worker pool and its inference workers (a discriminated union, an id on every request).

import type { FlatError } from '../../errors.js';
import type { Wire } from '../wire.js';

/** Data a worker starts with: only resolved, serialisable configuration. */
export interface WorkerConfig {
  /** Absolute model directory. */
  readonly modelDir: string;
  /** Index of the worker in the pool (for logs). */
  readonly index: number;
}

/** Pool → worker. */
export type ToWorker = { readonly kind: 'predict'; readonly id: number; readonly input: Wire; readonly params: Wire };

/** Worker → pool. */
export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'load-error'; readonly error: FlatError }
  | { readonly kind: 'result'; readonly id: number; readonly output: Wire }
  | { readonly kind: 'error'; readonly id: number; readonly error: FlatError };
