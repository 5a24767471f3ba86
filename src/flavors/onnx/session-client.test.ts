import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Tensor } from '../../data/tensor.js';
import { WorkerCrashedError } from '../../errors.js';
import { onnxFlavor } from './index.js';
import type { SessionConfig, WireTensor } from './protocol.js';
import { SessionClient, SessionRunError } from './session-client.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/onnx/', import.meta.url));
const FAKE_WORKER = pathToFileURL(join(FIXTURES, 'crashing-worker.mjs'));
const CONFIG: SessionConfig = { modelFile: 'unused.onnx', sessionOptions: { extra: {} }, providers: [] };

function x(first: number): Record<string, WireTensor> {
  return { x: { type: 'float32', dims: [2], data: new Float32Array([first, 7]) } };
}

describe('SessionClient (with a worker that can be told to die)', () => {
  it('matches answers to requests by id', async () => {
    const client = new SessionClient(CONFIG, FAKE_WORKER);
    try {
      const answers = await Promise.all([1, 2, 3, -3, 4].map((v) => client.run(x(v), ['y'])));
      assert.deepEqual(answers.map((a) => (a.y.data as Float32Array)[0]), [1, 2, 3, -3, 4]);
    } finally {
      await client.close();
    }
  });

  it('rejects a request the worker answers with an error, and keeps the worker', async () => {
    const client = new SessionClient(CONFIG, FAKE_WORKER);
    try {
      const before = (await client.start()).notices[0];
      await assert.rejects(client.run(x(-4), ['y']), (err: unknown) => err instanceof SessionRunError && err.message === 'bad feed');
      assert.equal((await client.run(x(5), ['y'])).y.dims[0], 2);
      assert.equal((await client.start()).notices[0], before, 'same worker thread');
    } finally {
      await client.close();
    }
  });

  for (const [how, code] of [
    ['exits', -1],
    ['throws an uncaught exception', -2],
  ] as const) {
    it(`rejects every in-flight request with WorkerCrashedError when the worker ${how}, then restarts it`, async () => {
      const client = new SessionClient(CONFIG, FAKE_WORKER);
      try {
        const first = (await client.start()).notices[0];
        await Promise.all([
          assert.rejects(client.run(x(-3), ['y']), WorkerCrashedError),
          assert.rejects(client.run(x(code), ['y']), WorkerCrashedError),
        ]);
        const again = await client.run(x(8), ['y']);
        assert.equal((again.y.data as Float32Array)[0], 8);
        assert.notEqual((await client.start()).notices[0], first, 'a new worker thread');
      } finally {
        await client.close();
      }
    });
  }

  it('rejects in-flight requests when closed, and every request after', async () => {
    const client = new SessionClient(CONFIG, FAKE_WORKER);
    const slow = assert.rejects(client.run(x(-3), ['y']), WorkerCrashedError);
    await client.start();
    await client.close();
    await slow;
    await assert.rejects(client.run(x(1), ['y']), WorkerCrashedError);
  });
});

describe('onnx flavor: inference off the event loop', () => {
  it('keeps timers firing while a long run is in the worker', async () => {
    // matmul_chain: eight 1024 × 1024 matrix products on one onnxruntime thread.
    const model = await onnxFlavor.load({
      modelPath: join(FIXTURES, 'matmul_chain'),
      flavorConf: { data: 'model.onnx', providers: ['CPUExecutionProvider'], onnx_session_options: { intra_op_num_threads: 1 } },
    });
    try {
      const n = 1024;
      const a = new Tensor('float32', [n, n], new Float32Array(n * n).fill(1));
      const b = new Tensor('float32', [n, n], new Float32Array(n * n));
      const events: string[] = [];
      let ticks = 0;
      const timer = setInterval(() => {
        ticks++;
        if (ticks === 3) events.push('third tick');
      }, 1);
      const run = model.predict({ a, b }, null).then((out) => {
        events.push('result');
        return out as Record<string, Tensor>;
      });
      const out = await run;
      clearInterval(timer);
      assert.deepEqual(out.c.shape, [n, n]);
      assert.deepEqual(events, ['third tick', 'result'], 'timers fired while the model ran');
    } finally {
      await model.close?.();
    }
  });
});
