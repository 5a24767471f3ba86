// Owns one inference worker thread: load the model once, then answer predict messages.

import { parentPort, workerData } from 'node:worker_threads';
import { ModelLoadError, ServingError, type FlatError } from '../../errors.js';
import { loadModel } from '../../model/load.js';
import { directPredictor } from '../direct.js';
import { fromWire, toWire } from '../wire.js';
import type { FromWorker, ToWorker, WorkerConfig } from './messages.js';
import type { ModelParams } from '../../flavors/types.js';

const config = workerData as WorkerConfig;
const port = parentPort!;

function flatten(err: unknown): FlatError {
  if (err instanceof ServingError) return err.toJSON();
  const e = new ModelLoadError(err instanceof Error ? err.message : String(err));
  return e.toJSON();
}

function send(message: FromWorker): void {
  port.postMessage(message);
}

async function main(): Promise<void> {
  let predictor;
  try {
    predictor = directPredictor(await loadModel(config.modelDir));
  } catch (err) {
    send({ kind: 'load-error', error: flatten(err) });
    return;
  }
  const p = predictor;
  port.on('message', (msg: ToWorker) => {
    if (msg.kind !== 'predict') return;
    p.predict(fromWire(msg.input), fromWire(msg.params) as ModelParams).then(
      (output) => send({ kind: 'result', id: msg.id, output: toWire(output) }),
      (err) => send({ kind: 'error', id: msg.id, error: flatten(err) }),
    );
  });
  send({ kind: 'ready' });
}

void main();
