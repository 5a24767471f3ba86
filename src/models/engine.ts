// Owns starting one model's engine: the native engine (worker threads or in-process sessions) or
// Python workers, behind the adaptive batcher, and its warm-up. serve() and reloads both call it.

import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServeOptions, Env } from '../config/options.js';
import { chooseFlavor, loadModel, type LoadedModel, type MLmodel } from '../model/load.js';
import { createReplicas } from '../runtime/replicas.js';
import { openEngine } from '../runtime/engine.js';
import { readPythonSettings } from '../config/python.js';
import { createWorkerPool } from '../runtime/pool/pool.js';
import { createBatcher } from '../runtime/batcher.js';
import { createInlinePredictor, INLINE_MAX_MODEL_BYTES, modelBytes, type InlinePredictor } from '../runtime/inline.js';
import type { Predictor } from '../runtime/types.js';
import { decodeRequest, score, type ScoringContext } from '../pipeline/mlflow.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { Logger } from '../logger.js';

/** Where an engine reports its batches, waits, model calls and worker restarts. */
export interface EngineHooks {
  onRestart(): void;
  onBatch(requests: number, rows: number): void;
  onQueueWait(seconds: number): void;
  onInference(seconds: number): void;
}

/** The server-wide metrics as engine hooks; `also` (a model's own series) is told each event too. */
export function engineHooks(metrics: ServerMetrics, also?: Partial<EngineHooks>): EngineHooks {
  const batchRequests = metrics.batchRequests.bind({});
  const batchRows = metrics.batchRows.bind({});
  const queue = metrics.queueSeconds.bind({});
  const inference = metrics.inferenceSeconds.bind({});
  const restart = (): void => metrics.workerRestarts.inc();
  const onBatch = (requests: number, rows: number): void => {
    batchRequests(requests);
    batchRows(rows);
  };
  if (!also) return { onRestart: restart, onBatch, onQueueWait: queue, onInference: inference };
  return {
    onRestart: () => (restart(), also.onRestart?.()),
    onBatch: (requests, rows) => (onBatch(requests, rows), also.onBatch?.(requests, rows)),
    onQueueWait: (s) => (queue(s), also.onQueueWait?.(s)),
    onInference: (s) => (inference(s), also.onInference?.(s)),
  };
}

/** What an engine started: the predictor the server calls and how it runs the model. */
export type Started = {
  predictor: Predictor & { queued: number };
  flavor: string;
  workers: number;
  batching: boolean;
  unavailable?: () => string | undefined;
  /** The model's resident memory now, where the engine can tell (Python workers: their processes'). */
  residentBytes?: () => number | undefined;
};

/** Loads the model with the engine `--engine` allows (runtime/engine.ts chooses) and composes the predictor the server calls. */
export async function startPredictor(
  dir: string,
  mlmodel: MLmodel,
  options: Readonly<ServeOptions>,
  metrics: EngineHooks,
  env: Env,
  logger: Logger,
): Promise<Started & { engine: 'native' | 'python'; engineReason: string }> {
  const { value, choice } = await openEngine(
    mlmodel,
    options.engine,
    () => startNative(dir, mlmodel, options, metrics, logger),
    () => startPython(mlmodel, options, metrics, env, logger),
  );
  if (choice.engine === 'native' && options.envManager !== 'local') logger.warn(`--env-manager ${options.envManager} has no effect: the model runs natively (${choice.reason}).`);
  return { ...value, engine: choice.engine, engineReason: choice.reason };
}

/** The Python engine: worker processes that run the model with MLflow. */
async function startPython(mlmodel: MLmodel, options: Readonly<ServeOptions>, metrics: EngineHooks, env: Env, logger: Logger): Promise<Started> {
  const settings = readPythonSettings(options.python, env);
  const workers = options.workers || 1;
  // Imported here: a server of a native model never loads the Python engine's modules.
  const { startPythonEngine } = await import('../runtime/python/index.js');
  const engine = await startPythonEngine({
    mlmodel,
    envManager: options.envManager,
    python: { executable: settings.executable, origin: settings.origin },
    envDir: settings.envDir,
    searchPath: settings.searchPath,
    workers,
    batching: options.batching,
    maxBatchSize: options.maxBatchSize,
    maxBatchDelayMs: options.maxBatchDelayMs,
    maxQueue: options.maxQueue,
    timeoutSeconds: options.timeoutSeconds,
    logger,
    onRestart: metrics.onRestart,
    onBatch: metrics.onBatch,
    onQueueWait: metrics.onQueueWait,
    onInference: metrics.onInference,
  });
  return { predictor: engine.predictor, flavor: 'python_function', workers, batching: engine.batching, unavailable: () => engine.pool.unavailable(), residentBytes: () => engine.pool.residentBytes() };
}

/** A native engine: JavaScript worker threads, or in-process instances for flavors that run off the main thread. */
async function startNative(dir: string, mlmodel: MLmodel, options: Readonly<ServeOptions>, metrics: EngineHooks, logger: Logger): Promise<Started> {
  const flavor = chooseFlavor(mlmodel);
  const workers = options.workers || (flavor.offThread ? 1 : availableParallelism());
  logger.info(`loading the ${flavor.name} model in ${mlmodel.path} into ${workers} worker${workers === 1 ? '' : 's'}`);
  let base: Predictor;
  let batchable: boolean;
  let inline: InlinePredictor | undefined;
  let bytes = Infinity;
  let preloaded: Promise<LoadedModel | undefined> | undefined;
  if (flavor.offThread) {
    // Each instance already runs inference in its own thread (onnxruntime sessions).
    // Share the CPUs this process may use among the instances' native thread pools.
    const threads = Math.max(1, Math.floor(availableParallelism() / workers));
    const models = await Promise.all(Array.from({ length: workers }, () => loadModel(dir, { threads, logger, onnxEvaluator: options.onnxEvaluator })));
    base = createReplicas(models);
    batchable = models[0].batchable;
  } else {
    const pool = createWorkerPool({ modelDir: dir, size: workers, logger, onRestart: metrics.onRestart, onCallTimed: (elements, ms) => inline?.observe(elements, ms) });
    // A small model whose calls may run on this thread: its copy here loads while the workers load theirs (runtime/inline.ts).
    // A folder that cannot be walked (an unreadable subfolder) only means no copy on this thread, not a failed start.
    bytes = flavor.inline ? await modelBytes(dir).catch(() => Infinity) : Infinity;
    preloaded = bytes <= INLINE_MAX_MODEL_BYTES ? loadModel(dir).catch(() => undefined) : undefined;
    await pool.start().catch(async (err: unknown) => {
      await (await preloaded)?.close();
      throw err;
    });
    await preloaded;
    base = pool;
    batchable = flavor.batchable;
  }
  const batching = options.batching && batchable;
  const predictor = createBatcher(base, {
    maxBatchSize: batching ? options.maxBatchSize : 1,
    maxBatchDelayMs: batching ? options.maxBatchDelayMs : 0,
    // JS workers: two hand-offs each keep a worker busy while an answer travels back. Sessions: one
    // call in flight each, so requests arriving meanwhile gather into the next, larger batch
    // (measured: two in flight per session halved batch sizes and cost 30% throughput).
    concurrency: flavor.offThread ? workers : workers * 2,
    maxQueue: options.maxQueue,
    merge: batching,
    onBatch: metrics.onBatch,
    onQueueWait: metrics.onQueueWait,
    onInference: metrics.onInference,
  });
  if (!flavor.offThread && flavor.inline) {
    // Cheap calls of a small model run on this thread once the workers' timings show them cheap (runtime/inline.ts).
    inline = createInlinePredictor(predictor, { load: () => loadModel(dir), preloaded, modelBytes: bytes, onBatch: metrics.onBatch, onInference: metrics.onInference, logger });
    return { predictor: inline, flavor: flavor.name, workers, batching };
  }
  return { predictor, flavor: flavor.name, workers, batching };
}

/**
 * Scores the model's serving input example once (MLflow writes it as `serving_input_example.json`).
 * A failure is logged and served anyway at start-up; `strict` (a reload) throws it instead.
 */
export async function warmUp(mlmodel: MLmodel, scoring: ScoringContext, timeoutSeconds: number, logger: Logger, strict = false): Promise<void> {
  const info = mlmodel.raw.saved_input_example_info as Record<string, unknown> | undefined;
  const file = typeof info?.serving_input_path === 'string' ? info.serving_input_path : undefined;
  if (!file) return;
  logger.info(`warming up with ${file}`);
  try {
    const body = await readFile(join(mlmodel.path, file));
    await score(decodeRequest('application/json', body, scoring), scoring, { deadline: Date.now() + timeoutSeconds * 1000 });
    // More calls where the engine times them to choose where calls run (runtime/inline.ts), within 100 ms.
    const calls = scoring.predictor.warmUpCalls ?? 1;
    for (let i = 1, until = performance.now() + 100; i < calls && performance.now() < until; i++) {
      await score(decodeRequest('application/json', body, scoring), scoring, { deadline: Date.now() + timeoutSeconds * 1000 });
    }
  } catch (err) {
    if (strict) throw new Error(`warm-up with ${file} failed: ${(err as Error).message}`);
    logger.warn(`warm-up with ${file} failed (serving anyway): ${(err as Error).message}`);
  }
}

