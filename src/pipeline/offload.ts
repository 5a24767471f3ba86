// Owns decoding large bodies off the HTTP thread: a lazily started decode thread that runs
// decodeRequest and enforcement, so that a 100 MB body does not hold /ping for seconds.

import { Worker } from 'node:worker_threads';
import { rebuildError, WorkerCrashedError, type FlatError } from '../errors.js';
import { fromWire, type Wire } from '../runtime/wire.js';
import type { ModelParams } from '../flavors/types.js';
import { parseContentType } from '../codecs/content-type.js';
import type { DecodeOffload, EnforceContext, PreparedRequest } from './mlflow.js';

const WORKER_URL = new URL('./decode-worker.js', import.meta.url);

/** Bodies from this size on are decoded on the decode thread. */
export const OFFLOAD_MIN_BYTES = 1024 * 1024;

/** HTTP thread → decode thread. */
export interface DecodeJob {
  readonly id: number;
  readonly contentType: string | undefined;
  readonly body: ArrayBuffer;
}

/** Decode thread → HTTP thread. */
export type DecodeReply =
  | { readonly id: number; readonly ok: true; readonly input: Wire; readonly params: Wire; readonly unwrapped: boolean }
  | { readonly id: number; readonly ok: false; readonly error: FlatError }
  | { readonly id: number; readonly ok: false; readonly unexpected: string };

interface Pending {
  resolve(p: PreparedRequest): void;
  reject(err: unknown): void;
}

/**
 * A decode thread for bodies of `minBytes` or more, started on first use (a server that never
 * sees a large body never starts it) and again after it dies; its jobs then fail with 503.
 */
export function createDecodeOffload(ctx: EnforceContext, minBytes = OFFLOAD_MIN_BYTES): DecodeOffload {
  // Only the serialisable part of the context crosses (never the predictor).
  const data: EnforceContext = { signature: ctx.signature, signatureFromTypeHint: ctx.signatureFromTypeHint, limits: ctx.limits, schemaDetails: ctx.schemaDetails, enforcedByPredictor: ctx.enforcedByPredictor };
  let worker: Worker | undefined;
  const pending = new Map<number, Pending>();
  let nextId = 1;

  const start = (): Worker => {
    const w = new Worker(WORKER_URL, { workerData: data });
    w.unref();
    w.on('message', (reply: DecodeReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.ok) {
        const input = fromWire(reply.input);
        p.resolve({ input, params: fromWire(reply.params) as ModelParams, unwrapped: reply.unwrapped, shown: input });
      } else if ('error' in reply) p.reject(rebuildError(reply.error));
      else p.reject(new Error(`decode thread: ${reply.unexpected}`));
    });
    w.on('error', () => {});
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      for (const p of pending.values()) p.reject(new WorkerCrashedError('The thread decoding this request exited (out of memory?); the request was not completed. Retry it.'));
      pending.clear();
    });
    return w;
  };

  return {
    minBytes,
    prepare(contentType, body) {
      // Content-type errors are answered here, as the HTTP thread renders them (415 plain text).
      parseContentType(contentType);
      const id = nextId++;
      worker ??= start();
      worker.ref();
      // The body's own memory moves to the decode thread when it is not a slice of a shared pool.
      const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
      const buffer = (own ? body.buffer : body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)) as ArrayBuffer;
      return new Promise<PreparedRequest>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, contentType, body: buffer } satisfies DecodeJob, [buffer]);
      }).finally(() => {
        if (pending.size === 0) worker?.unref();
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      await w?.terminate();
    },
  };
}
