// The worker pool and adaptive batching through real HTTP.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../helpers/server.js';
import { makeModel } from '../helpers/model-dir.js';

const post = (url: string, body: string): Promise<Response> =>
  fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('worker pool', () => {
  it('replaces a crashed worker: only its request fails (503 JSON), later requests succeed', async () => {
    const source = 'export function predict(input) { if (input.at(0) === 666) process.exit(3); return input; }\n';
    const server = await startServer(makeModel({ source }), { workers: 1 });
    try {
      const crash = await post(server.url, '{"inputs": 666}');
      assert.equal(crash.status, 503);
      assert.equal((await crash.json()).error_code, 'TEMPORARILY_UNAVAILABLE');
      let answer = '';
      for (let i = 0; i < 100 && answer !== '{"predictions": 5}'; i++) {
        const res = await post(server.url, '{"inputs": 5}');
        answer = await res.text();
        if (res.status === 503) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(answer, '{"predictions": 5}');
    } finally {
      await server.close();
    }
  });

  it('keeps /ping answering while a CPU-bound model runs', async () => {
    const source = 'export function predict() { const end = Date.now() + 600; while (Date.now() < end); return "slow"; }\n';
    const server = await startServer(makeModel({ source }), { workers: 1 });
    try {
      const order: string[] = [];
      const slow = post(server.url, '{"inputs": 1}').then(async (r) => order.push(`slow:${await r.text()}`));
      await new Promise((r) => setTimeout(r, 100));
      const ping = fetch(`${server.url}/ping`).then((r) => order.push(`ping:${r.status}`));
      await Promise.all([slow, ping]);
      assert.deepEqual(order, ['ping:200', 'slow:{"predictions": "slow"}']);
    } finally {
      await server.close();
    }
  });

  it('fails to start, naming the cause, when the model cannot load in the workers', async () => {
    const source = 'export function load() { throw new Error("no weights"); }\nexport function predict(x) { return x; }\n';
    await assert.rejects(startServer(makeModel({ source }), { workers: 2 }), /no weights/);
  });
});

describe('adaptive batching through HTTP', () => {
  // Each row answers with the number of rows in the model call that scored it.
  const source = `export function predict(frame) {
  const end = Date.now() + 15; while (Date.now() < end);
  return new Float64Array(frame.numRows).fill(frame.numRows);
}\n`;
  const inputs = [{ type: 'double', name: 'x', required: true }];

  it('merges concurrent requests for a batchable model and answers each with its own rows', async () => {
    const server = await startServer(makeModel({ source, inputs, flavorExtra: { batchable: true } }), { workers: 1 });
    try {
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => post(server.url, `{"dataframe_records": [{"x": ${i}}]}`).then((r) => r.json())));
      const sizes = answers.map((a) => a.predictions);
      assert.ok(sizes.every((p) => Array.isArray(p) && p.length === 1), JSON.stringify(sizes));
      assert.ok(Math.max(...sizes.map((p) => p[0])) > 1, `no call merged requests: ${JSON.stringify(sizes)}`);
    } finally {
      await server.close();
    }
  });

  it('never merges for a model that is not batchable, nor with --no-batching', async () => {
    for (const [extra, opts] of [[{}, {}], [{ batchable: true }, { batching: false }]] as const) {
      const server = await startServer(makeModel({ source, inputs, flavorExtra: extra }), { workers: 1, ...opts });
      try {
        const answers = await Promise.all(Array.from({ length: 8 }, () => post(server.url, '{"dataframe_records": [{"x": 1}]}').then((r) => r.json())));
        assert.deepEqual(answers.map((a) => a.predictions[0]), new Array(8).fill(1));
      } finally {
        await server.close();
      }
    }
  });

  it('answers 503 with Retry-After when the queue is full, and recovers', async () => {
    const slow = 'export function predict() { const end = Date.now() + 200; while (Date.now() < end); return 1; }\n';
    const server = await startServer(makeModel({ source: slow }), { workers: 1, maxQueue: 1 });
    try {
      const responses = await Promise.all(Array.from({ length: 4 }, () => post(server.url, '{"inputs": 1}')));
      const statuses = responses.map((r) => r.status).sort();
      assert.ok(statuses.includes(503), JSON.stringify(statuses));
      const rejected = responses.find((r) => r.status === 503)!;
      assert.equal(rejected.headers.get('retry-after'), '1');
      assert.equal((await rejected.json()).error_code, 'TEMPORARILY_UNAVAILABLE');
      assert.equal((await post(server.url, '{"inputs": 1}')).status, 200);
    } finally {
      await server.close();
    }
  });
});
