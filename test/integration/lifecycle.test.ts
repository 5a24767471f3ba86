// Readiness that tells the truth, graceful drain, and Prometheus metrics, through real HTTP.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '../../src/serve.js';
import { startServer } from '../helpers/server.js';
import { makeModel } from '../helpers/model-dir.js';

const post = (url: string, body: string): Promise<Response> =>
  fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('readiness and drain', () => {
  it('answers /ping 503 while the model loads and 200 once it is ready', async () => {
    const source = 'export async function load() { await new Promise((r) => setTimeout(r, 400)); }\nexport function predict(x) { return x; }\n';
    let url = '';
    const early: number[] = [];
    const started = serve({ modelUri: makeModel({ source }), host: '127.0.0.1', port: 0, workers: 1 }, {}, {
      onListening(u) {
        url = u;
        void fetch(`${u}/ping`).then((r) => early.push(r.status));
        void post(u, '{"inputs": 1}').then((r) => early.push(r.status));
      },
    });
    const handle = await started;
    try {
      assert.deepEqual(early.sort(), [503, 503]);
      assert.equal((await fetch(`${url}/ping`)).status, 200);
    } finally {
      await handle.close();
    }
  });

  it('turns readiness false on close, lets in-flight requests finish, then stops', async () => {
    const source = 'export async function predict() { await new Promise((r) => setTimeout(r, 300)); return "done"; }\n';
    const server = await startServer(makeModel({ source }), { workers: 1 });
    const inFlight = post(server.url, '{"inputs": 1}').then(async (r) => [r.status, await r.text()]);
    await new Promise((r) => setTimeout(r, 50));
    const closed = server.close();
    assert.deepEqual(await inFlight, [200, '{"predictions": "done"}']);
    await closed;
    await assert.rejects(fetch(`${server.url}/ping`));
  });

  it('warms the model up with its serving input example before reporting ready', async () => {
    const source = 'let calls = 0;\nexport function predict(x) { calls++; return calls; }\n';
    const dir = makeModel({ source });
    const { appendFileSync, writeFileSync } = await import('node:fs');
    appendFileSync(`${dir}/MLmodel`, 'saved_input_example_info:\n  artifact_path: input_example.json\n  serving_input_path: serving_input_example.json\n  type: json_object\n');
    writeFileSync(`${dir}/serving_input_example.json`, '{\n  "inputs": [1]\n}');
    const server = await startServer(dir, { workers: 1 });
    try {
      assert.equal(await (await post(server.url, '{"inputs": [1]}')).text(), '{"predictions": 2}');
    } finally {
      await server.close();
    }
  });
});

describe('metrics', () => {
  it('labels V2 requests by route template, so clients cannot grow the metrics with invented paths', async () => {
    const server = await startServer(makeModel(), { workers: 1 });
    try {
      for (let i = 0; i < 30; i++) {
        await (await fetch(`${server.url}/v2/invented-${i}`)).arrayBuffer();
        await (await fetch(`${server.url}/v2/models/m${i}/ready`)).arrayBuffer();
        await (await fetch(`${server.url}/v2/models/m${i}/versions/${i}/infer`, { method: 'POST', body: '{}' })).arrayBuffer();
      }
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const endpoints = new Set([...text.matchAll(/^mlserve_request_duration_seconds_count\{endpoint="([^"]*)"/gm)].map((m) => m[1]));
      assert.deepEqual([...endpoints].sort(), ['/invocations', '/v2/models/{name}/ready', '/v2/models/{name}/versions/{version}/infer', 'unmatched']);
      assert.match(text, /^mlserve_requests_total\{endpoint="unmatched",protocol="v2",status="404"\} 30$/m);
      assert.match(text, /^# TYPE process_cpu_seconds_total counter$/m);
    } finally {
      await server.close();
    }
  });


  it('exports request counts, latencies, batch sizes, queue depth and load time in Prometheus format', async () => {
    const server = await startServer(makeModel(), { workers: 1 });
    try {
      await post(server.url, '{"inputs": [1]}');
      await post(server.url, 'not json');
      const res = await fetch(`${server.url}/metrics`);
      assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      const text = await res.text();
      assert.match(text, /^mlserve_requests_total\{endpoint="\/invocations",protocol="mlflow",status="200"\} 1$/m);
      assert.match(text, /^mlserve_requests_total\{endpoint="\/invocations",protocol="mlflow",status="400"\} 1$/m);
      assert.match(text, /^mlserve_request_duration_seconds_count\{endpoint="\/invocations",protocol="mlflow"\} 2$/m);
      assert.match(text, /^mlserve_inference_duration_seconds_count \d+$/m);
      assert.match(text, /^mlserve_batch_rows_bucket\{le="1"\} 1$/m);
      assert.match(text, /^mlserve_queue_depth 0$/m);
      assert.match(text, /^mlserve_inflight_requests 0$/m);
      assert.match(text, /^mlserve_ready 1$/m);
      assert.match(text, /^mlserve_model_load_seconds \d/m);
      for (const line of text.trim().split('\n')) assert.match(line, /^(# (HELP|TYPE) \S+ .+|[a-z_]+(\{[^}]*\})? [-+\dA-Za-z.e]+)$/, line);
    } finally {
      await server.close();
    }
  });
});
