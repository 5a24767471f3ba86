// Owns the Python engine's Predictor: N worker processes, least-busy dispatch, merged batches, supervision and drain.
//
// Each worker answers one message at a time, in order, so the first message sent to a worker is the
// one it is running and the others have not started. A worker that dies fails only that first
// message (503); the others are sent again to a live worker. A worker still running one message
// `--timeout` plus a grace period after it began is killed (its clients already got 504) and
// replaced. Messages wait while no worker is ready, until their deadline.

import type { Logger } from '../../logger.js';
import { DeadlineExceededError, ModelExecutionError, ServingError, TemporarilyUnavailableError, WorkerCrashedError } from '../../errors.js';
import type { ModelParams } from '../../flavors/types.js';
import { PrewrittenJson } from '../../data/prewritten.js';
import { ChunkQueue } from '../chunk-queue.js';
import type { PredictCall, PredictOptions, Predictor } from '../types.js';
import { Payload, encodeFrame, frameBuffer, type ReadFrame } from './frames.js';
import type { FromPython, WireResult, WorkerError } from './messages.js';
import { PythonProcess, type PythonCommand, type WorkerInfo } from './process.js';
import { planUnits, type Unit } from './units.js';
import { encodeValue } from './values.js';

/** Pool settings. */
export interface PythonPoolOptions {
  /** Absolute model directory each worker loads. */
  readonly modelDir: string;
  readonly python: PythonCommand;
  /** Number of worker processes. */
  readonly size: number;
  /** Merge requests of a row-wise model into one predict call. */
  readonly batchable: boolean;
  /** Most rows in one merged call. */
  readonly maxBatchRows: number;
  /** `--timeout`: a worker still busy with a message this long after it began (plus `graceMs`) is replaced. Undefined: never. */
  readonly timeoutSeconds?: number;
  /** Extra time a worker gets after a time-out before it is killed. @default 1000 */
  readonly graceMs?: number;
  /** Time workers get to exit after `close()` before they are killed. @default 5000 */
  readonly closeGraceMs?: number;
  /** Where worker output and supervision notices go. */
  readonly logger: Logger;
  /** Called when a worker is replaced, for metrics. */
  readonly onRestart?: () => void;
  /** Called with each model call's size (requests merged, rows), for metrics. */
  readonly onBatch?: (requests: number, rows: number) => void;
}

/** A Predictor over Python worker processes; `start()` resolves once every worker has loaded the model. */
export interface PythonPool extends Predictor {
  start(): Promise<WorkerInfo>;
  /** Workers able to take requests now. */
  readonly readyWorkers: number;
  /** Why no request can be served right now (every worker restarting, shutting down), or undefined. */
  unavailable(): string | undefined;
  /** The workers' resident memory now, summed, in bytes; undefined when none says (none running, not Linux). */
  residentBytes(): number | undefined;
}

type Settle =
  | { readonly kind: 'predict'; resolve(outcomes: PromiseSettledResult<unknown>[]): void; reject(err: unknown): void }
  | { readonly kind: 'stream'; readonly sink: ChunkQueue<PrewrittenJson> };

interface Job {
  readonly id: number;
  readonly frame: Buffer[];
  /** Latest client deadline; a job still waiting for a worker then is dropped. */
  readonly deadline?: number;
  readonly settle: Settle;
  waitTimer?: NodeJS.Timeout;
}

interface Slot {
  readonly index: number;
  proc?: PythonProcess;
  ready: boolean;
  /** Messages sent, in order; the first is running. */
  sent: Job[];
  watchdog?: NodeJS.Timeout;
  killedForTimeout: boolean;
  startFailures: number;
  restartTimer?: NodeJS.Timeout;
}

const BACKOFF_MAX_MS = 30_000;

/** The ServingError of an error the worker reported (MLflow's own answer: code, status and message as MLflow words them). */
function workerError(e: WorkerError): ServingError {
  if (e.raised) {
    const cause = new Error(e.raised.message);
    cause.name = e.raised.name;
    cause.stack = e.trace ?? `${e.raised.name}: ${e.raised.message}`;
    return new ModelExecutionError(cause);
  }
  return new ServingError(e.code, e.message, { status: e.status, stackTrace: e.trace });
}

function outcomeOf(frame: ReadFrame, r: WireResult): PromiseSettledResult<unknown> {
  if (r.ok) return { status: 'fulfilled', value: new PrewrittenJson(frameBuffer(frame, r.b).toString('utf8'), r.h) };
  return { status: 'rejected', reason: workerError(r.e) };
}

/** The values of one call in a frame's payload: `{"in": node, "pa": node}`. */
function encodeUnitValues(unit: Unit, payload: Payload): number {
  return payload.add(Buffer.from(`{"in":${encodeValue(unit.input, payload)},"pa":${encodeValue(unit.params, payload)}}`));
}

/** Creates a pool; call `start()` before predicting. */
export function createPythonPool(o: PythonPoolOptions): PythonPool {
  const slots: Slot[] = [];
  const waiting: Job[] = [];
  const grace = o.graceMs ?? 1000;
  let nextId = 1;
  let running = false;
  let closed = false;
  let closing: Promise<void> | undefined;

  const fail = (job: Job, err: unknown): void => {
    clearTimeout(job.waitTimer);
    if (job.settle.kind === 'predict') job.settle.reject(err);
    else job.settle.sink.end(err);
  };

  /** (Re)starts the watchdog of the message a worker is running now. */
  const arm = (slot: Slot): void => {
    clearTimeout(slot.watchdog);
    slot.watchdog = undefined;
    if (o.timeoutSeconds === undefined || slot.sent.length === 0) return;
    const ms = o.timeoutSeconds * 1000 + grace;
    slot.watchdog = setTimeout(() => {
      o.logger.warn(`python worker ${slot.index} has run one message for ${ms / 1000} s (--timeout ${o.timeoutSeconds} s); killing it and starting a replacement`);
      slot.killedForTimeout = true;
      slot.proc?.kill();
    }, ms);
  };

  const pick = (): Slot | undefined => {
    let best: Slot | undefined;
    for (const s of slots) if (s.ready && (!best || s.sent.length < best.sent.length)) best = s;
    return best;
  };

  const send = (slot: Slot, job: Job): void => {
    clearTimeout(job.waitTimer);
    slot.sent.push(job);
    slot.proc!.send(job.frame);
    if (slot.sent.length === 1) arm(slot);
  };

  const flushWaiting = (): void => {
    for (let slot = pick(); slot && waiting.length; slot = pick()) send(slot, waiting.shift()!);
  };

  /** Holds a job until a worker is ready (at the front: jobs a dead worker had not started keep their turn), until its deadline. */
  const wait = (job: Job, front = false): void => {
    if (front) waiting.unshift(job);
    else waiting.push(job);
    if (job.deadline === undefined) return;
    job.waitTimer = setTimeout(() => {
      const i = waiting.indexOf(job);
      if (i >= 0) waiting.splice(i, 1);
      fail(job, new DeadlineExceededError());
    }, Math.max(0, job.deadline - Date.now()));
  };

  const dispatch = (job: Job): void => {
    if (closed) return fail(job, new TemporarilyUnavailableError('The server is shutting down. Retry shortly.', 1));
    const slot = pick();
    if (slot) send(slot, job);
    else wait(job);
  };

  const finish = (slot: Slot, job: Job): void => {
    slot.sent.splice(slot.sent.indexOf(job), 1);
    arm(slot);
  };

  const onFrame = (slot: Slot, frame: ReadFrame): void => {
    const msg = frame.header as FromPython;
    if (msg.k !== 'results' && msg.k !== 'chunk' && msg.k !== 'end') return;
    const job = slot.sent.find((j) => j.id === msg.id);
    if (!job) return;
    if (msg.k === 'results' && job.settle.kind === 'predict') {
      finish(slot, job);
      job.settle.resolve(msg.out.map((r) => outcomeOf(frame, r)));
    } else if (msg.k === 'chunk' && job.settle.kind === 'stream') {
      job.settle.sink.push(new PrewrittenJson(frameBuffer(frame, msg.b).toString('utf8')));
      // A stream that keeps producing is alive: the time-out counts from its last chunk.
      arm(slot);
    } else if (msg.k === 'end' && job.settle.kind === 'stream') {
      finish(slot, job);
      job.settle.sink.end(msg.e ? workerError(msg.e) : undefined);
    }
  };

  const spawnSlot = (slot: Slot): Promise<WorkerInfo> => {
    const proc = new PythonProcess({ python: o.python, modelDir: o.modelDir, index: slot.index, logger: o.logger });
    slot.proc = proc;
    slot.ready = false;
    slot.killedForTimeout = false;
    proc.onFrame = (frame) => onFrame(slot, frame);
    void proc.exited.then(({ code, signal }) => onExit(slot, proc, code, signal));
    return proc.started.then((info) => {
      if (slot.proc === proc && !closed) {
        slot.ready = true;
        slot.startFailures = 0;
        flushWaiting();
      }
      return info;
    });
  };

  const restart = (slot: Slot, delayMs: number): void => {
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (closed) return;
      o.onRestart?.();
      const began = Date.now();
      spawnSlot(slot).then(
        () => o.logger.info(`python worker ${slot.index} is serving again (started in ${((Date.now() - began) / 1000).toFixed(1)} s)`),
        (err: Error) => o.logger.error(`python worker ${slot.index} could not start: ${err.message}`),
      );
    }, delayMs);
  };

  const onExit = (slot: Slot, proc: PythonProcess, code: number | null, signal: NodeJS.Signals | null): void => {
    if (slot.proc !== proc) return;
    const wasReady = slot.ready;
    slot.ready = false;
    slot.proc = undefined;
    clearTimeout(slot.watchdog);
    const [head, ...notStarted] = slot.sent;
    slot.sent = [];
    if (head) fail(head, slot.killedForTimeout ? new DeadlineExceededError() : new WorkerCrashedError());
    for (const job of notStarted.reverse()) wait(job, true);
    if (closed) {
      for (const job of waiting.splice(0)) fail(job, new TemporarilyUnavailableError('The server is shutting down. Retry shortly.', 1));
      return;
    }
    if (!running) return;
    let delay = 0;
    if (wasReady) {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      if (!slot.killedForTimeout) o.logger.error(`python worker ${slot.index} ${how}; ${head ? 1 : 0} message in flight failed (503); starting a replacement`);
    } else {
      // Failing to start again and again (a broken environment): back off, up to 30 s.
      delay = Math.min(BACKOFF_MAX_MS, 1000 * 2 ** slot.startFailures);
      slot.startFailures++;
      o.logger.warn(`python worker ${slot.index} will try to start again in ${delay / 1000} s`);
    }
    restart(slot, delay);
    flushWaiting();
  };

  const predictMany = (calls: readonly PredictCall[]): Promise<PromiseSettledResult<unknown>[]> => {
    const outcomes: PromiseSettledResult<unknown>[] = new Array(calls.length);
    const payload = new Payload();
    const sent: { unit: Unit; v: number }[] = [];
    for (const unit of planUnits(calls, o.batchable ? o.maxBatchRows : 0)) {
      let v: number;
      try {
        v = encodeUnitValues(unit, payload);
      } catch (reason) {
        for (const i of unit.members) outcomes[i] = { status: 'rejected', reason };
        continue;
      }
      sent.push({ unit, v });
      o.onBatch?.(unit.members.length, unit.rows ?? 1);
    }
    if (sent.length === 0) return Promise.resolve(outcomes);
    const id = nextId++;
    const units = sent.map(({ unit, v }) => (unit.counts ? { v, n: unit.counts } : { v }));
    const frame = encodeFrame({ k: 'predict', id, units }, payload);
    const deadlines = calls.map((c) => c.deadline);
    const deadline = deadlines.every((d) => d !== undefined) ? Math.max(...(deadlines as number[])) : undefined;
    return new Promise((resolve, reject) => {
      const settle: Settle = {
        kind: 'predict',
        reject,
        resolve(results) {
          let r = 0;
          for (const { unit } of sent) for (const i of unit.members) outcomes[i] = results[r++];
          resolve(outcomes);
        },
      };
      dispatch({ id, frame, deadline, settle });
    });
  };

  /** Stops a stream whose client went away: drop it if it still waits, else tell its worker. */
  const cancel = (job: Job): void => {
    const i = waiting.indexOf(job);
    if (i >= 0) {
      waiting.splice(i, 1);
      clearTimeout(job.waitTimer);
      return;
    }
    slots.find((s) => s.sent.includes(job))?.proc?.sendMessage({ k: 'cancel', id: job.id });
  };

  const predictStream = (input: unknown, params: ModelParams, options?: PredictOptions): AsyncIterable<unknown> => {
    const [unit] = planUnits([{ input, params }], 0);
    const payload = new Payload();
    const id = nextId++;
    const frame = encodeFrame({ k: 'stream', id, unit: { v: encodeUnitValues(unit, payload) } }, payload);
    const sink = new ChunkQueue<PrewrittenJson>(() => cancel(job));
    const job: Job = { id, frame, deadline: options?.deadline, settle: { kind: 'stream', sink } };
    dispatch(job);
    return sink.cancelOn(options?.signal);
  };

  const pool: PythonPool = {
    // MLflow's PyFuncModel.predict enforces the signature in the worker; requests come as decoded.
    enforcesSignature: true,
    get readyWorkers() {
      return slots.filter((s) => s.ready).length;
    },
    residentBytes() {
      let total: number | undefined;
      for (const s of slots) {
        const bytes = s.proc?.residentBytes();
        if (bytes !== undefined) total = (total ?? 0) + bytes;
      }
      return total;
    },
    unavailable() {
      if (closed) return 'The server is shutting down.';
      if (running && !slots.some((s) => s.ready)) return `No Python worker is ready (${slots.length} restarting).`;
      return undefined;
    },
    async start() {
      for (let i = 0; i < o.size; i++) slots.push({ index: i, ready: false, sent: [], killedForTimeout: false, startFailures: 0 });
      try {
        const infos = await Promise.all(slots.map(spawnSlot));
        running = true;
        if (infos[0].stream) pool.predictStream = predictStream;
        return infos[0];
      } catch (err) {
        closed = true;
        for (const s of slots) s.proc?.kill();
        await Promise.all(slots.map((s) => s.proc?.exited));
        throw err;
      }
    },
    async predict(input, params, options) {
      const [outcome] = await predictMany([{ input, params, deadline: options?.deadline }]);
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    },
    // Predictor.predictMany settles each call on its own; this pool answers a hand-off at once.
    predictMany: (calls) => {
      const all = predictMany(calls);
      // Each call settles with its outcome, also when the whole hand-off fails (a worker crash, a deadline
      // while waiting, shutdown): a rejection here would leave the batcher's requests unanswered.
      return calls.map((_, i) => all.then((outcomes) => outcomes[i]!, (reason: unknown): PromiseSettledResult<unknown> => ({ status: 'rejected', reason })));
    },
    close() {
      closing ??= (async () => {
        closed = true;
        for (const job of waiting.splice(0)) fail(job, new TemporarilyUnavailableError('The server is shutting down. Retry shortly.', 1));
        await Promise.all(
          slots.map(async (s) => {
            clearTimeout(s.restartTimer);
            const proc = s.proc;
            if (!proc) return;
            // Messages already sent are answered first: the worker reads `exit` after them.
            proc.requestExit();
            const timer = setTimeout(() => proc.kill(), o.closeGraceMs ?? 5000);
            await proc.exited;
            clearTimeout(timer);
            clearTimeout(s.watchdog);
          }),
        );
      })();
      return closing;
    },
  };
  return pool;
}
