// Owns the worker thread that holds one onnxruntime session and runs it off the HTTP thread.
//
// onnxruntime-node's `session.run` computes synchronously on the calling thread, so the session
// lives here. Requests are answered one message per id (see protocol.ts); a failing load or run
// answers with an error message and the worker stays up for the next request.

import { parentPort } from 'node:worker_threads';
import type * as Ort from 'onnxruntime-node';
import { type FromWorker, type ToWorker, transferables } from './protocol.js';
import { fromOrtResult, toOrtFeeds } from './ort-tensors.js';
import { loadOnnxruntime, openSession } from './open-session.js';

type OrtModule = typeof Ort;
type Session = Ort.InferenceSession;

let session: Session | undefined;
let ort: OrtModule | undefined;

const port = parentPort;
if (!port) throw new Error('The ONNX session worker must run in a worker thread.');

port.on('message', (msg: ToWorker) => {
  void handle(msg).then(
    (reply) => post(reply),
    (err: unknown) => post({ kind: 'error', id: msg.id, error: flatten(err) }),
  );
});

function post(msg: FromWorker): void {
  const transfer = msg.kind === 'result' ? transferables(Object.values(msg.outputs)) : [];
  port!.postMessage(msg, transfer);
}

function flatten(err: unknown): { name: string; message: string; stack?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err) };
}

async function handle(msg: ToWorker): Promise<FromWorker> {
  switch (msg.kind) {
    case 'load':
      return load(msg);
    case 'run':
      return run(msg);
  }
}

async function load(msg: Extract<ToWorker, { kind: 'load' }>): Promise<FromWorker> {
  ort ??= loadOnnxruntime();
  const opened = await openSession(ort, msg.config);
  session = opened.session;
  return { kind: 'loaded', id: msg.id, inputs: opened.inputs, outputs: opened.outputs, providers: opened.providers, notices: opened.notices };
}

async function run(msg: Extract<ToWorker, { kind: 'run' }>): Promise<FromWorker> {
  if (!session || !ort) throw new Error('The ONNX session is not loaded.');
  const result = await session.run(toOrtFeeds(ort, msg.feeds), msg.fetches);
  return { kind: 'result', id: msg.id, outputs: fromOrtResult(result, msg.fetches) };
}
