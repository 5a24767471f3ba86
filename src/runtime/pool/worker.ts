// Owns one inference worker thread: load the model once, then answer predict messages.

import { parentPort, workerData } from 'node:worker_threads';
import { ModelLoadError, asServingError, isServingError, type FlatError } from '../../errors.js';
import { loadModel } from '../../model/load.js';
import { directPredictor } from '../direct.js';
import { fromWire, toWire } from '../wire.js';
import type { FromWorker, ToWorker, WireOutcome, WorkerConfig } from './messages.js';
import type { ModelParams } from '../../flavors/types.js';
import { createLogger } from '../../logger.js';

const config = workerData as WorkerConfig;
const port = parentPort!;

function flatten(err: unknown): FlatError {
  if (isServingError(err)) return asServingError(err).toJSON();
  const e = new ModelLoadError(err instanceof Error ? err.message : String(err));
  return e.toJSON();
}

function send(message: FromWorker): void {
  port.postMessage(message);
}

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
    if (msg.kind === 'cancel') {
      if (cancelled.has(msg.id)) cancelled.set(msg.id, true);
      return;
    }
    if (msg.kind === 'stream') return stream(msg.id, fromWire(msg.call.input), fromWire(msg.call.params) as ModelParams);
    const outcomes: WireOutcome[] = [];
    for (const call of msg.calls) {
      try {
        const output = await p.predict(fromWire(call.input), fromWire(call.params) as ModelParams);
        outcomes.push({ ok: true, output: toWire(output) });
      } catch (err) {
        outcomes.push({ ok: false, error: flatten(err) });
      }
    }
    send({ kind: 'results', id: msg.id, outcomes });
  });
  send({ kind: 'ready', stream: p.predictStream !== undefined });
}

void main();
