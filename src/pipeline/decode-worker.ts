// Owns the decode thread: decodes and enforces large request bodies so that the HTTP thread keeps
// answering health checks meanwhile (see offload.ts for the protocol).

import { parentPort, workerData } from 'node:worker_threads';
import { ServingError } from '../errors.js';
import { toWire } from '../runtime/wire.js';
import { decodeRequest, prepareDecoded, type EnforceContext } from './mlflow.js';
import type { DecodeJob, DecodeReply } from './offload.js';

const ctx = workerData as EnforceContext;
const port = parentPort!;

port.on('message', (job: DecodeJob) => {
  let reply: DecodeReply;
  try {
    const prepared = prepareDecoded(decodeRequest(job.contentType, new Uint8Array(job.body), ctx), ctx);
    reply = { id: job.id, ok: true, input: toWire(prepared.input), params: toWire(prepared.params), unwrapped: prepared.unwrapped };
  } catch (err) {
    reply = err instanceof ServingError ? { id: job.id, ok: false, error: err.toJSON() } : { id: job.id, ok: false, unexpected: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
});
