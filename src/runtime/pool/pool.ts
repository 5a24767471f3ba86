// Owns the worker pool: N threads each holding the model, least-busy dispatch, crash isolation and replacement.

import { Worker } from 'node:worker_threads';
import { WorkerCrashedError, rebuildError, type ServingError } from '../../errors.js';
import type { ModelParams } from '../../flavors/types.js';
import type { PredictCall, PredictOptions, Predictor } from '../types.js';
import { fromWire, toWire } from '../wire.js';
import type { FromWorker, ToWorker, WorkerConfig } from './messages.js';
import { ChunkQueue } from '../chunk-queue.js';
import { errorFields, silentLogger, type Logger } from '../../logger.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);

interface Call {
  resolve(outcomes: PromiseSettledResult<unknown>[]): void;
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  calls: Map<number, Call>;
  /** Streams in progress, by id. */
  streams: Map<number, ChunkQueue<unknown>>;
}

/** Pool settings. */
export interface PoolOptions {
  /** Absolute model directory each worker loads. */
  modelDir: string;
  /** Number of workers. */
  size: number;
  /** Where worker crashes are logged (workers log with its level and format). @default silentLogger */
  logger?: Logger;
  /** Called when a worker is replaced, for metrics. */
  onRestart?: () => void;
}

/** A Predictor backed by worker threads. `start()` resolves once every worker has loaded the model. */
export interface WorkerPool extends Predictor {
  start(): Promise<void>;
  /** Workers currently able to take requests. */
  readonly readyWorkers: number;
}

/** Creates a pool; call `start()` before `predict()`. */
export function createWorkerPool(options: PoolOptions): WorkerPool {
  const logger = options.logger ?? silentLogger;
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const config: WorkerConfig = { modelDir: options.modelDir, index, log: { level: logger.level, format: logger.format } };
      const worker = new Worker(WORKER_URL, { workerData: config });
      const slot: Slot = { worker, ready: false, calls: new Map(), streams: new Map() };
      slots[index] = slot;
      let started = false;
      worker.on('message', (msg: FromWorker) => {
        switch (msg.kind) {
          case 'ready':
            slot.ready = started = true;
            canStream = msg.stream;
            resolve();
            break;
          case 'chunk':
            slot.streams.get(msg.id)?.push(fromWire(msg.chunk));
            break;
          case 'end':
            slot.streams.get(msg.id)?.end(msg.error ? rebuildError(msg.error) : undefined);
            slot.streams.delete(msg.id);
            break;
          case 'load-error':
            started = true;
            reject(rebuildError(msg.error));
            void worker.terminate();
            break;
          case 'results': {
            const call = slot.calls.get(msg.id);
            if (!call) return;
            slot.calls.delete(msg.id);
            call.resolve(
              msg.outcomes.map((o): PromiseSettledResult<unknown> =>
                o.ok ? { status: 'fulfilled', value: fromWire(o.output) } : { status: 'rejected', reason: rebuildError(o.error) },
              ),
            );
          }
        }
      });
      worker.on('error', (err) => {
        if (!started) reject(err);
        else logger.error(`inference worker ${index} failed`, errorFields(err));
      });
      worker.on('exit', (code) => {
        slot.ready = false;
        const inFlight = [...slot.calls.values()];
        slot.calls.clear();
        for (const call of inFlight) call.reject(new WorkerCrashedError());
        for (const stream of slot.streams.values()) stream.end(new WorkerCrashedError());
        slot.streams.clear();
        if (closed || !started || slots[index] !== slot) return;
        logger.error(`inference worker ${index} exited (code ${code}); ${inFlight.length} in-flight request(s) failed; starting a replacement`);
        options.onRestart?.();
        spawn(index).catch((err: ServingError) => logger.error(`could not restart inference worker ${index}: ${err.message}`));
      });
    });

  const pick = (): Slot | undefined => {
    let best: Slot | undefined;
    for (const s of slots) if (s?.ready && (!best || s.calls.size + s.streams.size < best.calls.size + best.streams.size)) best = s;
    return best;
  };

  let canStream = false;
  const predictStream = (input: unknown, params: ModelParams, options?: PredictOptions): AsyncIterable<unknown> => {
    const slot = pick();
    if (!slot) throw new WorkerCrashedError('No inference worker is available right now (a worker is restarting). Retry shortly.');
    const id = nextId++;
    const queue = new ChunkQueue<unknown>(() => {
      slot.streams.delete(id);
      slot.worker.postMessage({ kind: 'cancel', id } satisfies ToWorker);
    });
    slot.streams.set(id, queue);
    queue.cancelOn(options?.signal);
    slot.worker.postMessage({ kind: 'stream', id, call: { input: toWire(input), params: toWire(params) } } satisfies ToWorker);
    return queue;
  };

  const pool: WorkerPool = {
    get readyWorkers() {
      return slots.filter((s) => s?.ready).length;
    },
    async start() {
      try {
        await Promise.all(Array.from({ length: options.size }, (_, i) => spawn(i)));
        if (canStream) pool.predictStream = predictStream;
      } catch (err) {
        closed = true;
        await Promise.all(slots.map((s) => s?.worker.terminate()));
        throw err;
      }
    },
    async predict(input: unknown, params: ModelParams): Promise<unknown> {
      const [outcome] = await this.predictMany!([{ input, params }]);
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    },
    predictMany(calls: readonly PredictCall[]): Promise<PromiseSettledResult<unknown>[]> {
      const slot = pick();
      if (!slot) return Promise.reject(new WorkerCrashedError('No inference worker is available right now (a worker is restarting). Retry shortly.'));
      const id = nextId++;
      const message: ToWorker = { kind: 'predict', id, calls: calls.map((c) => ({ input: toWire(c.input), params: toWire(c.params) })) };
      return new Promise((resolve, reject) => {
        slot.calls.set(id, { resolve, reject });
        slot.worker.postMessage(message);
      });
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s?.worker.terminate()));
    },
  };
  return pool;
}
