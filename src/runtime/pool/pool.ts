// Owns the worker pool: N threads each holding the model, least-busy dispatch, deadlines, and
// replacement of workers that crash, hang or cannot answer, without losing bystanders' calls.
//
// A worker runs the calls of one message one after the other; shared call-state cells (cells.ts)
// tell the pool, without messages, which calls started and which finished. Every 100 ms the pool:
// - probes busy workers: one that does not answer within 200 ms is "unresponsive" (its event loop
//   is held by a model call) and gets no new work;
// - moves calls that have not started out of a message that made no progress for 200 ms (a call
//   ahead of them is slow, hung or looping) to another message, on another worker when one can;
// - answers calls past their deadline 504 at once (their slots free), and terminates a worker that
//   holds an overdue call and has been unresponsive for the grace period (a loop); a worker that
//   answers probes but abandons many calls (promises that never settle) is retired and replaced.
// When a worker exits, calls it had not started, and calls it had finished whose answers were lost
// with it, run once more elsewhere; only the calls it was running fail (503). While no worker can
// take calls they wait (up to their deadlines) and `available` is false.

import { Worker } from 'node:worker_threads';
import { DeadlineExceededError, TemporarilyUnavailableError, WorkerCrashedError, rebuildError } from '../../errors.js';
import type { ModelParams } from '../../flavors/types.js';
import type { PredictCall, PredictOptions, Predictor } from '../types.js';
import { fromWire, toWire, type Wire } from '../wire.js';
import { createCallCells, DONE, type CallCells } from './cells.js';
import type { FromWorker, ToWorker, WorkerConfig } from './messages.js';
import { ChunkQueue } from '../chunk-queue.js';
import { errorFields, silentLogger, type Logger } from '../../logger.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** How often deadlines, progress and responsiveness are checked. */
const SWEEP_MS = 100;
/** A busy worker that does not answer a probe this fast gets no new work. */
const UNRESPONSIVE_MS = 200;
/** Calls waiting in a message that made no progress this long are moved to another message. */
const STALL_MS = 200;
/** Calls a live worker may abandon (never settled) before it is retired. */
const MAX_ABANDONED = 8;
/** Waits before successive attempts to restart a worker whose replacement failed to load. */
const RESTART_BACKOFF_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

type Outcome = PromiseSettledResult<unknown>;

interface Job {
  readonly input: Wire;
  readonly params: Wire;
  readonly deadline?: number;
  /** Already run a second time after its worker died with its answer. */
  retried: boolean;
  done: boolean;
  settle(outcome: Outcome): void;
}

/** One message in flight. */
interface Flight {
  /** Its calls; undefined where a call was moved to another message (it is no longer this one's). */
  readonly jobs: (Job | undefined)[];
  /** Each call's state cell in this worker's cells (released when the answer arrives). */
  readonly cells: number[];
  /** Calls seen finished, and when that count last grew. */
  finished: number;
  progressAt: number;
}

interface Slot {
  readonly index: number;
  readonly worker: Worker;
  readonly cells: CallCells;
  state: 'starting' | 'ready' | 'retiring' | 'dead';
  readonly flights: Map<number, Flight>;
  /** Streams in progress, by id. */
  readonly streams: Map<number, ChunkQueue<unknown>>;
  /** Overdue calls that had started, since the last answered probe. */
  overdue: number;
  /** Calls abandoned on this worker (started, overdue, worker still answering). */
  abandoned: number;
  /** The probe awaiting its answer. */
  probe?: { id: number; sentAt: number };
  /** Loaded the model and took calls (a worker that never did is retried by `respawn`). */
  started: boolean;
  /** Terminated by the pool because it stopped answering. */
  stuck: boolean;
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
  /** Called with each successful call's size (input elements) and duration in the worker (ms, the hand-off excluded). */
  onCallTimed?: (elements: number, ms: number) => void;
  /**
   * Milliseconds a worker holding an overdue call must have been unresponsive before it is
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
  const unresponsiveFor = (slot: Slot, now: number): number => (slot.probe ? now - slot.probe.sentAt : 0);

  /** The ready, responsive worker with the fewest messages in flight, other than `avoid`. */
  const pick = (avoid?: Slot): Slot | undefined => {
    const now = Date.now();
    let best: Slot | undefined;
    for (const s of slots) {
      if (s?.state !== 'ready' || s === avoid || unresponsiveFor(s, now) >= UNRESPONSIVE_MS) continue;
      if (!best || s.flights.size + s.streams.size < best.flights.size + best.streams.size) best = s;
    }
    return best;
  };

  const dispatch = (jobs: Job[], to: Slot | undefined = pick()): void => {
    if (jobs.length === 0) return;
    const slot = to;
    if (!slot) {
      for (const job of jobs) waiting.push(job);
      return;
    }
    const id = nextId++;
    const cells = jobs.map(() => slot.cells.take());
    const calls = jobs.map((j, i) => ({ input: j.input, params: j.params, cell: cells[i]! }));
    slot.flights.set(id, { jobs: [...jobs], cells, finished: 0, progressAt: Date.now() });
    try {
      slot.worker.postMessage({ kind: 'predict', id, calls } satisfies ToWorker);
    } catch (err) {
      slot.flights.delete(id);
      for (const c of cells) slot.cells.release(c);
      for (const j of jobs) finish(j, failed(err));
    }
  };

  /** Sends waiting calls to a worker that can take them (those past their deadline get 504). */
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
    for (const f of slot.flights.values()) for (const j of f.jobs) if (j && !j.done) return true;
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
    msg.outcomes.forEach((o, k) => {
      const job = flight.jobs[msg.first + k];
      if (!job || 'skipped' in o) return; // taken back before it started: settled or sent elsewhere already
      if (o.ok && o.elements !== undefined) options.onCallTimed?.(o.elements, o.ms);
      finish(job, o.ok ? settled(fromWire(o.output)) : failed(rebuildError(o.error)));
    });
    if (!msg.final) return;
    slot.flights.delete(msg.id);
    for (const c of flight.cells) slot.cells.release(c);
    retireIfIdle(slot);
  };

  const onExit = (slot: Slot, code: number): void => {
    const wasRetiring = slot.state === 'retiring';
    slot.state = 'dead';
    retiring.delete(slot);
    const again: Job[] = [];
    let lost = 0;
    const now = Date.now();
    for (const flight of slot.flights.values()) {
      for (let i = 0; i < flight.jobs.length; i++) {
        const job = flight.jobs[i];
        if (!job || job.done) continue;
        // Never started: safe to run elsewhere. Finished, with its answer lost in the dead worker:
        // run once more elsewhere (once). Started and unfinished: it was running when the worker died.
        const cell = flight.cells[i]!;
        const notStarted = slot.cells.cancel(cell);
        const lostAnswer = !notStarted && slot.cells.state(cell) === DONE && !job.retried;
        if (!closed && (notStarted || lostAnswer) && (job.deadline === undefined || job.deadline > now)) {
          if (lostAnswer) job.retried = true;
          again.push(job);
        } else {
          lost++;
          finish(job, failed(new WorkerCrashedError()));
        }
      }
    }
    slot.flights.clear();
    for (const stream of slot.streams.values()) stream.end(new WorkerCrashedError());
    slot.streams.clear();
    if (closed || slots[slot.index] !== slot || !slot.started) {
      dispatch(again);
      return;
    }
    const why = slot.stuck ? 'was stopped (a model call did not return)' : `exited (code ${code})`;
    logger.error(`inference worker ${slot.index} ${why}; ${lost} request(s) it was running failed, ${again.length} sent to another worker; starting a replacement`);
    if (!wasRetiring) respawn(slot.index);
    dispatch(again);
  };

  const probe = (slot: Slot, now: number): void => {
    const id = nextId++;
    slot.probe = { id, sentAt: now };
    slot.worker.postMessage({ kind: 'ping', id } satisfies ToWorker);
  };

  /** The worker answered a probe: it is responsive; its overdue calls are promises that never settled. */
  const onPong = (slot: Slot, id: number): void => {
    if (slot.probe?.id !== id) return;
    slot.probe = undefined;
    if (slot.overdue > 0) {
      slot.abandoned += slot.overdue;
      slot.overdue = 0;
      if (slot.abandoned >= MAX_ABANDONED) retire(slot, `holds ${slot.abandoned} calls that never returned`);
    }
    pumpWaiting();
  };

  /** Moves calls that have not started out of a message that makes no progress (once per call). */
  const unstall = (slot: Slot, flight: Flight, now: number): void => {
    let finished = 0;
    for (const c of flight.cells) if (slot.cells.state(c) === DONE) finished++;
    if (finished > flight.finished) {
      flight.finished = finished;
      flight.progressAt = now;
      return;
    }
    if (now - flight.progressAt < STALL_MS) return;
    // To another worker; to this one only while it answers probes (a call awaiting a promise
    // holds its message, not the worker: a new message runs beside it). A blocked worker keeps them.
    const target = pick(slot) ?? (unresponsiveFor(slot, now) < UNRESPONSIVE_MS && slot.state === 'ready' ? slot : undefined);
    if (!target) return;
    const moved: Job[] = [];
    flight.jobs.forEach((job, i) => {
      if (job && !job.done && slot.cells.cancel(flight.cells[i]!)) {
        flight.jobs[i] = undefined;
        moved.push(job);
      }
    });
    flight.progressAt = now;
    if (moved.length > 0) dispatch(moved, target);
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
      if (!slot || slot.state === 'dead' || slot.state === 'starting') continue;
      if (slot.flights.size > 0 && !slot.probe) probe(slot, now);
      let overdue = 0;
      for (const flight of slot.flights.values()) {
        flight.jobs.forEach((job, i) => {
          if (!job || job.done || job.deadline === undefined || job.deadline > now) return;
          // Answer it now (its client already had its 504): its slot frees at once.
          if (!slot.cells.cancel(flight.cells[i]!) && slot.cells.state(flight.cells[i]!) !== DONE) overdue++;
          finish(job, failed(new DeadlineExceededError()));
        });
        unstall(slot, flight, now);
      }
      slot.overdue += overdue;
      if (slot.overdue > 0 && unresponsiveFor(slot, now) >= graceMs) {
        logger.error(`inference worker ${slot.index} has not answered for ${unresponsiveFor(slot, now)} ms and holds a call past its deadline: its event loop is blocked`);
        slot.stuck = true;
        slot.state = 'dead';
        void slot.worker.terminate();
        continue;
      }
      retireIfIdle(slot);
    }
    pumpWaiting();
  };

  const spawn = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const cells = createCallCells();
      const config: WorkerConfig = { modelDir: options.modelDir, index, log: { level: logger.level, format: logger.format }, cells: cells.buffer };
      const worker = new Worker(WORKER_URL, { workerData: config });
      const slot: Slot = { index, worker, cells, state: 'starting', flights: new Map(), streams: new Map(), overdue: 0, abandoned: 0, started: false, stuck: false };
      slots[index] = slot;
      worker.on('message', (msg: FromWorker) => {
        switch (msg.kind) {
          case 'ready':
            slot.state = 'ready';
            slot.started = true;
            canStream = msg.stream;
            resolve();
            pumpWaiting();
            break;
          case 'chunk':
            slot.streams.get(msg.id)?.push(fromWire(msg.chunk));
            break;
          case 'end':
            slot.streams.get(msg.id)?.end(msg.error ? rebuildError(msg.error) : undefined);
            slot.streams.delete(msg.id);
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

  const predictMany = (calls: readonly PredictCall[]): Promise<Outcome>[] => {
    if (closed) return calls.map(() => Promise.resolve(failed(new TemporarilyUnavailableError('The server is shutting down.', 1))));
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
          jobs.push({ input, params, deadline: c.deadline, retried: false, done: false, settle: resolve });
        }),
    );
    dispatch(jobs);
    return results;
  };

  let canStream = false;
  /** A stream holds its worker for its whole length; it is never merged, moved or retried. */
  const predictStream = (input: unknown, params: ModelParams, options?: PredictOptions): AsyncIterable<unknown> => {
    const slot = pick();
    if (!slot) throw new WorkerCrashedError('No inference worker is available right now (a worker is restarting). Retry shortly.');
    const id = nextId++;
    const queue = new ChunkQueue<unknown>(() => {
      slot.streams.delete(id);
      slot.worker.postMessage({ kind: 'cancel', id } satisfies ToWorker);
    });
    // Converted first: an input that cannot cross (a function, too deep) must not leave a stream registered.
    const call = { input: toWire(input), params: toWire(params), cell: -1 };
    slot.streams.set(id, queue);
    slot.worker.postMessage({ kind: 'stream', id, call } satisfies ToWorker);
    // After the stream message: a signal aborted already sends its cancel behind it, not before.
    queue.cancelOn(options?.signal);
    return queue;
  };

  const pool: WorkerPool = {
    get readyWorkers() {
      return slots.filter((s) => s?.state === 'ready').length;
    },
    get available() {
      // A worker blocked past the grace period counts as gone (it is about to be replaced).
      const now = Date.now();
      return slots.some((s) => s?.state === 'ready' && unresponsiveFor(s, now) < graceMs);
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
      sweeper = setInterval(sweep, SWEEP_MS);
      sweeper.unref();
    },
    async predict(input: unknown, params: ModelParams, opts?: PredictOptions): Promise<unknown> {
      const outcome = await predictMany([{ input, params, deadline: opts?.deadline }])[0]!;
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    },
    predictMany,
    async close() {
      closed = true;
      if (sweeper) clearInterval(sweeper);
      for (const job of waiting) finish(job, failed(new TemporarilyUnavailableError('The server is shutting down.', 1)));
      waiting = [];
      await Promise.all([...slots, ...retiring].map((s) => s?.worker.terminate()));
    },
  };
  return pool;
}
