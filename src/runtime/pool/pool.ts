// Owns the worker pool: N threads each holding the model, least-busy dispatch, deadlines, and
// replacement of workers that crash, hang or cannot answer, without losing bystanders' calls.
//
// Faults and what they cost:
// - A worker exits (crash, out of memory): calls it had started fail (503); calls it had not
//   started (see cells.ts) are sent once more to another worker.
// - A call passes its deadline: it is answered 504 at once, freeing its slot. The worker is probed:
//   if it does not answer within the grace period, its event loop is blocked (a model call that
//   loops) and it is terminated and replaced; if it answers, the call is abandoned (a promise that
//   never settles), and a worker that abandons too many is retired and replaced.
// - A reply cannot be read (`messageerror`): the worker is retired; the lost call ends at its deadline.
// While no worker can take calls they wait (up to their deadlines) and `available` is false.

import { Worker } from 'node:worker_threads';
import { DeadlineExceededError, TemporarilyUnavailableError, WorkerCrashedError, rebuildError } from '../../errors.js';
import type { ModelParams } from '../../flavors/types.js';
import type { PredictCall, PredictOptions, Predictor } from '../types.js';
import { fromWire, toWire, type Wire } from '../wire.js';
import { createCallCells, type CallCells } from './cells.js';
import type { FromWorker, ToWorker, WorkerConfig } from './messages.js';
import { errorFields, silentLogger, type Logger } from '../../logger.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** How often deadlines are checked. */
const SWEEP_MS = 100;
/** Calls a live worker may abandon (never settled) before it is retired. */
const MAX_ABANDONED = 8;
/** Waits before successive attempts to restart a worker whose replacement failed to load. */
const RESTART_BACKOFF_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

type Outcome = PromiseSettledResult<unknown>;

interface Job {
  readonly input: Wire;
  readonly params: Wire;
  readonly deadline?: number;
  /** Already sent to a second worker after the first failed before starting it. */
  retried: boolean;
  done: boolean;
  cell: number;
  settle(outcome: Outcome): void;
}

/** One message in flight. */
interface Flight {
  readonly jobs: Job[];
}

interface Slot {
  readonly index: number;
  readonly worker: Worker;
  readonly cells: CallCells;
  state: 'starting' | 'ready' | 'retiring' | 'dead';
  readonly flights: Map<number, Flight>;
  /** Overdue calls that had started, since the last probe. */
  overdue: number;
  /** Calls abandoned on this worker (started, overdue, worker still answering). */
  abandoned: number;
  probe?: { id: number; timer: NodeJS.Timeout };
  /** Terminated by the pool because it stopped answering. */
  stuck: boolean;
  /** Loaded the model and took calls (a worker that never did is retried by `respawn`). */
  started: boolean;
}

/** Pool settings. */
export interface PoolOptions {
  /** Absolute model directory each worker loads. */
  modelDir: string;
  /** Number of workers. */
  size: number;
  /** Where worker faults are logged (workers log with its level and format). @default silentLogger */
  logger?: Logger;
  /** Called when a worker is replaced, for metrics. */
  onRestart?: () => void;
  /**
   * Milliseconds a worker holding an overdue call has to answer a liveness probe before it is
   * terminated and replaced. @default 2000
   */
  graceMs?: number;
}

/** A Predictor backed by worker threads. `start()` resolves once every worker has loaded the model. */
export interface WorkerPool extends Predictor {
  start(): Promise<void>;
  /** Workers currently able to take requests. */
  readonly readyWorkers: number;
}

const settled = (value: unknown): Outcome => ({ status: 'fulfilled', value });
const failed = (reason: unknown): Outcome => ({ status: 'rejected', reason });

/** Creates a pool; call `start()` before `predict()`. */
export function createWorkerPool(options: PoolOptions): WorkerPool {
  const logger = options.logger ?? silentLogger;
  const graceMs = options.graceMs ?? 2000;
  const slots: Slot[] = [];
  const retiring = new Set<Slot>();
  let waiting: Job[] = [];
  let nextId = 1;
  let closed = false;
  let sweeper: NodeJS.Timeout | undefined;

  const finish = (job: Job, outcome: Outcome): void => {
    if (job.done) return;
    job.done = true;
    job.settle(outcome);
  };

  const pick = (): Slot | undefined => {
    let best: Slot | undefined;
    for (const s of slots) if (s?.state === 'ready' && (!best || s.flights.size < best.flights.size)) best = s;
    return best;
  };

  const dispatch = (jobs: Job[]): void => {
    if (jobs.length === 0) return;
    const slot = pick();
    if (!slot) {
      for (const job of jobs) waiting.push(job);
      return;
    }
    const id = nextId++;
    const calls = jobs.map((j) => {
      j.cell = slot.cells.take();
      return { input: j.input, params: j.params, cell: j.cell };
    });
    slot.flights.set(id, { jobs });
    try {
      slot.worker.postMessage({ kind: 'predict', id, calls } satisfies ToWorker);
    } catch (err) {
      slot.flights.delete(id);
      for (const j of jobs) {
        slot.cells.release(j.cell);
        finish(j, failed(err));
      }
    }
  };

  const pumpWaiting = (): void => {
    if (waiting.length === 0 || !pick()) return;
    const now = Date.now();
    const jobs = waiting.filter((job) => {
      if (job.deadline === undefined || job.deadline > now) return true;
      finish(job, failed(new DeadlineExceededError()));
      return false;
    });
    waiting = [];
    dispatch(jobs);
  };

  const hasUnsettled = (slot: Slot): boolean => {
    for (const f of slot.flights.values()) for (const j of f.jobs) if (!j.done) return true;
    return false;
  };

  const retireIfIdle = (slot: Slot): void => {
    if (slot.state === 'retiring' && !hasUnsettled(slot)) {
      slot.state = 'dead';
      retiring.delete(slot);
      void slot.worker.terminate();
    }
  };

  /** Stops sending work to a worker and starts its replacement; it is terminated once its calls have settled. */
  const retire = (slot: Slot, why: string): void => {
    if (slot.state !== 'ready' && slot.state !== 'starting') return;
    logger.error(`inference worker ${slot.index} ${why}; replacing it`);
    slot.state = 'retiring';
    retiring.add(slot);
    if (slots[slot.index] === slot && !closed) respawn(slot.index);
    retireIfIdle(slot);
  };

  const onResults = (slot: Slot, msg: Extract<FromWorker, { kind: 'results' }>): void => {
    const flight = slot.flights.get(msg.id);
    if (!flight) return;
    slot.flights.delete(msg.id);
    flight.jobs.forEach((job, i) => {
      slot.cells.release(job.cell);
      const o = msg.outcomes[i];
      if (!o || 'skipped' in o) return; // taken back before it started: settled or sent elsewhere already
      finish(job, o.ok ? settled(fromWire(o.output)) : failed(rebuildError(o.error)));
    });
    retireIfIdle(slot);
  };

  const onExit = (slot: Slot, code: number): void => {
    const wasRetiring = slot.state === 'retiring';
    slot.state = 'dead';
    retiring.delete(slot);
    if (slot.probe) clearTimeout(slot.probe.timer);
    const again: Job[] = [];
    let lost = 0;
    const now = Date.now();
    for (const flight of slot.flights.values()) {
      for (const job of flight.jobs) {
        if (job.done) continue;
        // A call the worker never started is safe to run once more, elsewhere.
        if (!closed && !job.retried && slot.cells.cancel(job.cell) && (job.deadline === undefined || job.deadline > now)) {
          job.retried = true;
          again.push(job);
        } else {
          lost++;
          finish(job, failed(new WorkerCrashedError()));
        }
      }
    }
    slot.flights.clear();
    if (closed || slots[slot.index] !== slot || !slot.started) {
      dispatch(again);
      return;
    }
    const why = slot.stuck ? 'was stopped (a model call did not return)' : `exited (code ${code})`;
    logger.error(`inference worker ${slot.index} ${why}; ${lost} started request(s) failed, ${again.length} not yet started sent to another worker; starting a replacement`);
    if (!wasRetiring) respawn(slot.index);
    dispatch(again);
  };

  const probe = (slot: Slot): void => {
    if (slot.probe || slot.state === 'dead') return;
    const id = nextId++;
    const timer = setTimeout(() => {
      slot.probe = undefined;
      if (slot.state === 'dead') return;
      logger.error(`inference worker ${slot.index} did not answer for ${graceMs} ms after a call passed its deadline: its event loop is blocked`);
      slot.stuck = true;
      slot.state = 'dead';
      void slot.worker.terminate();
    }, graceMs);
    slot.probe = { id, timer };
    slot.worker.postMessage({ kind: 'ping', id } satisfies ToWorker);
  };

  /** The worker answered a probe: its overdue calls are promises that never settled. */
  const onPong = (slot: Slot, id: number): void => {
    if (slot.probe?.id !== id) return;
    clearTimeout(slot.probe.timer);
    slot.probe = undefined;
    slot.abandoned += slot.overdue;
    slot.overdue = 0;
    // Calls queued behind an abandoned one in the same message would wait for it: send them elsewhere.
    const again: Job[] = [];
    for (const flight of slot.flights.values()) {
      for (const job of flight.jobs) {
        if (!job.done && !job.retried && slot.cells.cancel(job.cell)) {
          job.retried = true;
          again.push(job);
        }
      }
    }
    dispatch(again);
    if (slot.abandoned >= MAX_ABANDONED) retire(slot, `holds ${slot.abandoned} calls that never returned`);
  };

  const sweep = (): void => {
    const now = Date.now();
    if (waiting.length > 0) {
      waiting = waiting.filter((job) => {
        if (job.deadline === undefined || job.deadline > now) return true;
        finish(job, failed(new DeadlineExceededError()));
        return false;
      });
    }
    for (const slot of [...slots, ...retiring]) {
      if (!slot || slot.state === 'dead') continue;
      let overdue = 0;
      for (const flight of slot.flights.values()) {
        for (const job of flight.jobs) {
          if (job.done || job.deadline === undefined || job.deadline > now) continue;
          // Answer it now (its client already had its 504): its slot frees at once.
          if (!slot.cells.cancel(job.cell)) overdue++;
          finish(job, failed(new DeadlineExceededError()));
        }
      }
      if (overdue > 0) {
        slot.overdue += overdue;
        probe(slot);
      }
      retireIfIdle(slot);
    }
  };

  const spawn = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const cells = createCallCells();
      const config: WorkerConfig = { modelDir: options.modelDir, index, log: { level: logger.level, format: logger.format }, cells: cells.buffer };
      const worker = new Worker(WORKER_URL, { workerData: config });
      const slot: Slot = { index, worker, cells, state: 'starting', flights: new Map(), overdue: 0, abandoned: 0, stuck: false, started: false };
      slots[index] = slot;
      worker.on('message', (msg: FromWorker) => {
        switch (msg.kind) {
          case 'ready':
            slot.state = 'ready';
            slot.started = true;
            resolve();
            pumpWaiting();
            break;
          case 'load-error':
            slot.state = 'dead';
            reject(rebuildError(msg.error));
            void worker.terminate();
            break;
          case 'results':
            onResults(slot, msg);
            pumpWaiting();
            break;
          case 'pong':
            onPong(slot, msg.id);
        }
      });
      worker.on('messageerror', (err) => retire(slot, `sent a reply that could not be read (${err.message})`));
      worker.on('error', (err) => {
        if (slot.state === 'starting') reject(err);
        else logger.error(`inference worker ${index} failed`, errorFields(err));
      });
      worker.on('exit', (code) => {
        if (slot.state === 'starting') reject(new WorkerCrashedError(`The inference worker exited (code ${code}) while loading the model.`));
        onExit(slot, code);
      });
    });

  /** Starts a replacement for the worker at `index`, retrying with backoff while it fails to load. */
  const respawn = (index: number, attempt = 0): void => {
    if (closed) return;
    options.onRestart?.();
    spawn(index).catch((err: Error) => {
      if (closed) return;
      const wait = RESTART_BACKOFF_MS[Math.min(attempt, RESTART_BACKOFF_MS.length - 1)];
      logger.error(`could not restart inference worker ${index} (${err.message}); trying again in ${wait} ms`);
      setTimeout(() => {
        if (slots[index]?.state === 'dead') respawn(index, attempt + 1);
      }, wait).unref();
    });
  };

  const predictMany = (calls: readonly PredictCall[]): Promise<Outcome[]> => {
    if (closed) return Promise.reject(new TemporarilyUnavailableError('The server is shutting down.', 1));
    const jobs: Job[] = [];
    const results = calls.map(
      (c) =>
        new Promise<Outcome>((resolve) => {
          let input: Wire;
          let params: Wire;
          try {
            input = toWire(c.input);
            params = toWire(c.params);
          } catch (err) {
            // A value that cannot cross threads fails alone, not its whole hand-off.
            return resolve(failed(err));
          }
          jobs.push({ input, params, deadline: c.deadline, retried: false, done: false, cell: -1, settle: resolve });
        }),
    );
    dispatch(jobs);
    return Promise.all(results);
  };

  return {
    get readyWorkers() {
      return slots.filter((s) => s?.state === 'ready').length;
    },
    get available() {
      return slots.some((s) => s?.state === 'ready');
    },
    async start() {
      try {
        await Promise.all(Array.from({ length: options.size }, (_, i) => spawn(i)));
      } catch (err) {
        closed = true;
        await Promise.all(slots.map((s) => s?.worker.terminate()));
        throw err;
      }
      sweeper = setInterval(sweep, SWEEP_MS);
      sweeper.unref();
    },
    async predict(input: unknown, params: ModelParams, opts?: PredictOptions): Promise<unknown> {
      const [outcome] = await predictMany([{ input, params, deadline: opts?.deadline }]);
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    },
    predictMany,
    async close() {
      closed = true;
      if (sweeper) clearInterval(sweeper);
      for (const job of waiting) finish(job, failed(new TemporarilyUnavailableError('The server is shutting down.', 1)));
      waiting = [];
      for (const s of [...slots, ...retiring]) if (s?.probe) clearTimeout(s.probe.timer);
      await Promise.all([...slots, ...retiring].map((s) => s?.worker.terminate()));
    },
  };
}
