// Owns starting the Python engine: which interpreter (env manager), which models batch, the worker pool behind the batcher.

import type { Logger } from '../../logger.js';
import { ModelLoadError } from '../../errors.js';
import type { MLmodel } from '../../model/load.js';
import { createBatcher } from '../batcher.js';
import type { Predictor } from '../types.js';
import { ensureEnvironment } from './environment.js';
import { createPythonPool, type PythonPool } from './pool.js';
import type { PythonCommand, WorkerInfo } from './process.js';

export type { PythonPool } from './pool.js';
export type { PythonCommand, WorkerInfo } from './process.js';

/** MLflow flavors whose pyfunc maps each input row to one output row (they may be merged and split). */
const ROW_WISE_LOADERS: ReadonlySet<string> = new Set(['mlflow.sklearn', 'mlflow.lightgbm', 'mlflow.xgboost', 'mlflow.catboost']);

/**
 * True when requests may be merged into one predict call: the model says so in its MLmodel
 * (`metadata: {mlserve: {batchable: true|false}}`, e.g. `save_model(..., metadata=...)`), else
 * when its pyfunc loader is one of the row-wise flavors. A custom PythonModel is never merged
 * unless it says so: nothing tells that its output row i depends on input row i alone.
 */
export function pythonBatchable(mlmodel: MLmodel): boolean {
  const metadata = mlmodel.raw.metadata as { mlserve?: { batchable?: unknown } } | undefined;
  const declared = metadata?.mlserve?.batchable;
  if (typeof declared === 'boolean') return declared;
  const loader = mlmodel.flavors.python_function?.loader_module;
  return typeof loader === 'string' && ROW_WISE_LOADERS.has(loader);
}

/** How to find Python: MLflow's env managers. */
export interface InterpreterOptions {
  readonly envManager: 'local' | 'virtualenv' | 'uv' | 'conda';
  /** The interpreter for `local`, and where it came from. */
  readonly python: PythonCommand;
  /** Folder of built environments. */
  readonly envDir: string;
  /** Where pyenv, uv and pythonX.Y are looked up. */
  readonly searchPath: string;
}

/** The interpreter that runs the workers; builds the model's environment for virtualenv and uv. */
export async function pythonInterpreter(mlmodel: MLmodel, o: InterpreterOptions, logger: Logger): Promise<PythonCommand> {
  switch (o.envManager) {
    case 'local':
      return o.python;
    case 'conda':
      throw new ModelLoadError(
        "--env-manager conda is not supported: mlserve does not create conda environments. Use --env-manager virtualenv or uv (they build the model's python_env.yaml / requirements.txt environment), or --env-manager local with --python pointing at an interpreter that has the model's dependencies.",
      );
    default:
      return ensureEnvironment({ manager: o.envManager, mlmodel, envDir: o.envDir, logger, searchPath: o.searchPath });
  }
}

/** Settings of the Python engine behind the server. */
export interface PythonEngineOptions extends InterpreterOptions {
  readonly mlmodel: MLmodel;
  /** Worker processes (each loads the model). */
  readonly workers: number;
  /** Merge requests when the model allows it. */
  readonly batching: boolean;
  readonly maxBatchSize: number;
  readonly maxBatchDelayMs: number;
  readonly maxQueue: number;
  /** `--timeout`, for replacing workers that do not come back. */
  readonly timeoutSeconds?: number;
  readonly logger: Logger;
  readonly onRestart?: () => void;
  readonly onBatch?: (requests: number, rows: number) => void;
  readonly onQueueWait?: (seconds: number) => void;
  readonly onInference?: (seconds: number) => void;
}

/** The started engine: a predictor for the server, and what it runs on. */
export interface PythonEngine {
  readonly predictor: Predictor & { readonly queued: number };
  readonly pool: PythonPool;
  readonly info: WorkerInfo;
  readonly python: PythonCommand;
  /** True when requests are merged into one predict call. */
  readonly batching: boolean;
}

/** Starts the workers and puts the batcher in front of them (it queues; the pool merges what it hands over). */
export async function startPythonEngine(o: PythonEngineOptions): Promise<PythonEngine> {
  const python = await pythonInterpreter(o.mlmodel, o, o.logger);
  const batching = o.batching && pythonBatchable(o.mlmodel);
  const pool = createPythonPool({
    modelDir: o.mlmodel.path,
    python,
    size: o.workers,
    batchable: batching,
    maxBatchRows: o.maxBatchSize,
    timeoutSeconds: o.timeoutSeconds,
    logger: o.logger,
    onRestart: o.onRestart,
    onBatch: o.onBatch,
  });
  const info = await pool.start();
  const predictor = createBatcher(pool, {
    maxBatchSize: o.maxBatchSize,
    maxBatchDelayMs: batching ? o.maxBatchDelayMs : 0,
    // Two messages per worker: one running, one already in its socket, so no worker waits for a
    // round trip; requests arriving meanwhile queue and go over together, merged by the pool.
    concurrency: o.workers * 2,
    maxQueue: o.maxQueue,
    merge: false,
    onQueueWait: o.onQueueWait,
    onInference: o.onInference,
  });
  return { predictor, pool, info, python, batching };
}
