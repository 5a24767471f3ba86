// Owns the generation of bench/fuzz.ts's cases on a thread of its own: building megabyte bodies
// takes the generator's thread for a while, and on the sending thread that time would be counted
// as the server's. Posts batches of cases as the sender asks for them.

import { parentPort, workerData } from 'node:worker_threads';
import { fuzzCases, type FuzzCase } from '../test/helpers/fuzz-gen.js';

const { seed, model, large } = workerData as { seed: number; model: string; large: boolean };
const next = fuzzCases(seed, [model], large);
parentPort!.on('message', (n: number) => {
  const batch: FuzzCase[] = [];
  const transfer: ArrayBuffer[] = [];
  for (let i = 0; i < n; i++) {
    const c = next();
    batch.push(c);
    // A body in an ArrayBuffer of its own moves without a copy (small ones share Node's pool: copied).
    if (c.kind === 'http' && c.body.byteLength > 0 && c.body.byteOffset === 0 && c.body.buffer.byteLength === c.body.byteLength) transfer.push(c.body.buffer as ArrayBuffer);
  }
  parentPort!.postMessage(batch, transfer);
});
