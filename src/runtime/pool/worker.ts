// Owns one inference worker thread: load the model once, then answer predict messages and liveness probes.

import { parentPort, workerData } from 'node:worker_threads';
import { ModelLoadError, ServingError, asServingError, isServingError, type FlatError } from '../../errors.js';
import { loadModel } from '../../model/load.js';
import { directPredictor } from '../direct.js';
import { fromWire, toWire } from '../wire.js';
import { finishCall, startCall } from './cells.js';
import { inputElements } from '../input-size.js';
import type { FromWorker, ToWorker, WireOutcome, WorkerConfig } from './messages.js';
import type { ModelParams } from '../../flavors/types.js';
import { createLogger } from '../../logger.js';

const config = workerData as WorkerConfig;
const port = parentPort!;
const cells = new Int32Array(config.cells);

function flatten(err: unknown): FlatError {
  if (isServingError(err)) return asServingError(err).toJSON();
  const e = new ModelLoadError(err instanceof Error ? err.message : String(err));
  return e.toJSON();
}

function send(message: FromWorker): void {
  port.postMessage(message);
}

/** True when structured clone takes the value (the check runs only after a whole message was refused). */
function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** Sends results; an outcome structured clone refuses fails alone instead of the whole message. */
function sendResults(id: number, first: number, final: boolean, outcomes: WireOutcome[]): void {
  try {
    send({ kind: 'results', id, first, final, outcomes });
  } catch (err) {
    const reason = `Model output cannot be passed back from the inference worker: ${(err as Error).message}`;
    const checked = outcomes.map((o): WireOutcome => (cloneable(o) ? o : { ok: false, error: new ServingError('INTERNAL_ERROR', reason).toJSON() }));
    send({ kind: 'results', id, first, final, outcomes: checked });
  }
}

/** A message still running after this long sends the answers it has (then again every as long). */
const PARTIAL_MS = 20;

async function main(): Promise<void> {
  let predictor;
  try {
    // Notices about the model (e.g. an untested library version) are written once, by the first worker; the others log errors only.
    const logger = createLogger(config.index === 0 ? config.log : { ...config.log, level: 'error' });
    predictor = directPredictor(await loadModel(config.modelDir, { logger }));
  } catch (err) {
    send({ kind: 'load-error', error: flatten(err) });
    return;
  }
  const p = predictor;
  /** Streams running here, by id: set to true when the pool cancels one. */
  const cancelled = new Map<number, boolean>();
  const stream = async (id: number, input: unknown, params: ModelParams): Promise<void> => {
    cancelled.set(id, false);
    try {
      for await (const chunk of p.predictStream!(input, params)) {
        if (cancelled.get(id)) break;
        send({ kind: 'chunk', id, chunk: toWire(chunk) });
      }
      send({ kind: 'end', id });
    } catch (err) {
      send({ kind: 'end', id, error: flatten(err) });
    } finally {
      cancelled.delete(id);
    }
  };
  port.on('message', async (msg: ToWorker) => {
    // Answered between calls: a worker whose event loop a model blocks never answers, and is replaced.
    if (msg.kind === 'ping') return send({ kind: 'pong', id: msg.id });
    if (msg.kind === 'cancel') {
      if (cancelled.has(msg.id)) cancelled.set(msg.id, true);
      return;
    }
    if (msg.kind === 'stream') return stream(msg.id, fromWire(msg.call.input), fromWire(msg.call.params) as ModelParams);
    if (msg.kind !== 'predict') return;
    const outcomes: WireOutcome[] = [];
    let sent = 0;
    // Fires only while a call awaits (a synchronous call holds the event loop until it returns).
    const partial = setInterval(() => {
      if (outcomes.length === sent) return;
      sendResults(msg.id, sent, false, outcomes.slice(sent));
      sent = outcomes.length;
    }, PARTIAL_MS);
    for (const call of msg.calls) {
      // The pool may have taken the call back (a deadline, or this worker looked stuck): skip it.
      if (!startCall(cells, call.cell)) {
        outcomes.push({ ok: false, skipped: true });
        continue;
      }
      try {
        const input = fromWire(call.input);
        const params = fromWire(call.params) as ModelParams;
        // The model call alone: what the same call would cost on the pool's own thread (runtime/inline.ts).
        const t0 = performance.now();
        const output = await p.predict(input, params);
        const ms = performance.now() - t0;
        outcomes.push({ ok: true, output: toWire(output), ms, elements: inputElements(input) });
      } catch (err) {
        outcomes.push({ ok: false, error: flatten(err) });
      }
      finishCall(cells, call.cell);
    }
    clearInterval(partial);
    sendResults(msg.id, sent, true, sent === 0 ? outcomes : outcomes.slice(sent));
  });
  send({ kind: 'ready', stream: p.predictStream !== undefined });
}

void main();
