// Owns the messages between mlserve and a Python worker: a discriminated union on `k`, an id on every request.
//
// mlserve → worker:
//   predict {id, units: [{v, n?}]}  each unit's values are buffer `v` (`{"in": node, "pa": node}`);
//                                   `n` lists the row counts of requests merged into it
//   stream  {id, unit: {v}}         a predict_stream call; answered by chunk… end
//   cancel  {id}                    stop a stream (the client went away)
//   exit    {}                      finish the current message and exit
// worker → mlserve: the types below. Answers are MLflow's JSON text, in buffers.

import type { ErrorCode } from '../../errors.js';
import type { JsonShape } from '../../data/prewritten.js';

/** An error the worker reports, as MLflow's scoring server would answer it. */
export interface WorkerError {
  readonly code: ErrorCode;
  readonly status: number;
  readonly message: string;
  /** Python traceback (MLflow's `stack_trace`). */
  readonly trace?: string;
  /** The exception the model raised, for a model failure (the generic 400). */
  readonly raised?: { readonly name: string; readonly message: string };
}

/** One request's outcome: the JSON text is buffer `b`, `h` what the answer was in Python. */
export type WireResult = { readonly ok: 1; readonly b: number; readonly h: JsonShape } | { readonly ok: 0; readonly e: WorkerError };

/** Messages a worker sends. */
export type FromPython =
  | { readonly k: 'hello'; readonly protocol: number; readonly python: string; readonly executable: string; readonly mlflow: string }
  | { readonly k: 'fatal'; readonly why: 'mlflow' | 'load'; readonly message: string; readonly trace?: string; readonly executable?: string }
  | { readonly k: 'ready'; readonly stream: boolean }
  | { readonly k: 'results'; readonly id: number; readonly out: readonly WireResult[] }
  | { readonly k: 'chunk'; readonly id: number; readonly b: number }
  | { readonly k: 'end'; readonly id: number; readonly e?: WorkerError; readonly cancelled?: 1 };

/** The protocol version this side speaks (`python/mlserve_worker/__init__.py`). */
export const PROTOCOL_VERSION = 1;
