// Owns the main-thread side of the session worker: spawning, the id → promise map, crash recovery.

import { Worker } from 'node:worker_threads';
import { WorkerCrashedError } from '../../errors.js';
import { type FromWorker, type SessionConfig, type ToWorker, type WireError, type WireTensor, transferables } from './protocol.js';

/** What the worker reports once the session is created. */
export type LoadedInfo = Extract<FromWorker, { kind: 'loaded' }>;

/** Distributes `Omit` over a union, so each message keeps its own fields. */
type Request = ToWorker extends infer M ? (M extends ToWorker ? Omit<M, 'id'> : never) : never;

interface Pending {
  resolve(msg: FromWorker): void;
  reject(err: Error): void;
}

/** Thrown when the worker reports an error for a request: onnxruntime's message, the worker's stack. */
export class SessionRunError extends Error {
  constructor(err: WireError) {
    super(err.message);
    this.name = err.name;
    if (err.stack) this.stack = err.stack;
  }
}

/**
 * One onnxruntime session in its own worker thread. `start()` creates it; `run()` restarts the
 * worker (and re-creates the session) when the previous one died. Requests of a worker that exits
 * reject with WorkerCrashedError. The worker is unref'd while idle, so it never keeps a process alive.
 */
export class SessionClient {
  readonly #config: SessionConfig;
  readonly #workerUrl: URL;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #worker: Worker | undefined;
  #ready: Promise<LoadedInfo> | undefined;
  #closed = false;

  /** `workerUrl` defaults to the compiled `worker.js` beside this module. */
  constructor(config: SessionConfig, workerUrl: URL = new URL('./worker.js', import.meta.url)) {
    this.#config = config;
    this.#workerUrl = workerUrl;
  }

  /** Spawns the worker and creates the session; rejects with the worker's load error or WorkerCrashedError. */
  start(): Promise<LoadedInfo> {
    if (this.#closed) return Promise.reject(new WorkerCrashedError('The ONNX model was closed.'));
    if (this.#ready) return this.#ready;
    const ready = this.#spawn();
    this.#ready = ready;
    // A failed load leaves no half-started worker behind; the next request tries afresh.
    ready.catch(() => {
      if (this.#ready !== ready) return;
      const w = this.#worker;
      this.#ready = undefined;
      this.#worker = undefined;
      void w?.terminate();
    });
    return ready;
  }

  /** Runs the session; rejects with SessionRunError (onnxruntime failed) or WorkerCrashedError. */
  async run(feeds: Record<string, WireTensor>, fetches: readonly string[], owned: Iterable<WireTensor> = []): Promise<Record<string, WireTensor>> {
    await this.start();
    const reply = await this.#request({ kind: 'run', feeds, fetches }, transferables(owned));
    if (reply.kind !== 'result') throw new Error(`Unexpected reply ${reply.kind} from the ONNX session worker.`);
    return reply.outputs;
  }

  /** Terminates the worker; in-flight requests reject with WorkerCrashedError. */
  async close(): Promise<void> {
    this.#closed = true;
    const w = this.#worker;
    if (w) {
      this.#onExit(w, new WorkerCrashedError('The ONNX model was closed before this request finished.'));
      await w.terminate();
    }
  }

  async #spawn(): Promise<LoadedInfo> {
    const w = new Worker(this.#workerUrl);
    this.#worker = w;
    w.unref();
    let lastError: unknown;
    w.on('message', (msg: FromWorker) => this.#onMessage(msg));
    w.on('error', (err) => (lastError = err));
    w.on('exit', (code) => {
      const why = lastError instanceof Error ? `: ${lastError.message}` : ` with exit code ${code}`;
      this.#onExit(w, new WorkerCrashedError(`The ONNX inference worker exited unexpectedly${why}; the request was not completed. Retry it.`));
    });
    const reply = await this.#request({ kind: 'load', config: this.#config }, []);
    if (reply.kind !== 'loaded') throw new Error(`Unexpected reply ${reply.kind} from the ONNX session worker.`);
    return reply;
  }

  #request(req: Request, transfer: ArrayBuffer[]): Promise<FromWorker> {
    const w = this.#worker;
    if (!w) return Promise.reject(new WorkerCrashedError());
    const id = this.#nextId++;
    return new Promise<FromWorker>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) w.ref();
      try {
        w.postMessage({ ...req, id } as ToWorker, transfer);
      } catch (err) {
        // e.g. DataCloneError: the request never reached the worker.
        this.#settled(id);
        reject(err as Error);
      }
    });
  }

  #onMessage(msg: FromWorker): void {
    const p = this.#pending.get(msg.id);
    if (!p) return;
    this.#settled(msg.id);
    if (msg.kind === 'error') p.reject(new SessionRunError(msg.error));
    else p.resolve(msg);
  }

  #settled(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker?.unref();
  }

  /** Forgets worker `w` (if still current) and rejects everything it held. */
  #onExit(w: Worker, err: Error): void {
    if (this.#worker !== w) return;
    this.#worker = undefined;
    this.#ready = undefined;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(err);
  }
}
