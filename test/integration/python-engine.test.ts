// The Python engine behind the real server: answers, merged batches, crashes, hangs, readiness, drain, V2, start-up errors.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../helpers/server.js';
import { mlflowPython, pythonScratch, PY_MODELS } from '../helpers/mlflow-venv.js';
import { makeModel } from '../helpers/model-dir.js';
import type { ServerHandle } from '../../src/serve.js';

const py = mlflowPython();
const skip = 'skip' in py ? py.skip : false;
const python = 'python' in py ? py.python : '';

const IRIS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'site'];
const irisRow = (i: number): unknown[] => [4.5 + (i % 30) / 10, 3.0 + (i % 7) / 10, 1.0 + (i % 50) / 10, 0.1 + (i % 25) / 10, i % 2 ? 'north' : 'south'];

async function invoke(server: ServerHandle, body: unknown): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // 504 answers are plain text, as in MLflow.
  }
  return { status: res.status, text, json };
}

/** The value of a metric line (first match), or 0. */
async function metric(server: ServerHandle, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function until(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`gave up waiting for ${what}`);
}

describe('Python engine', { skip }, () => {
  let scratch: ReturnType<typeof pythonScratch>;
  before(() => {
    scratch = pythonScratch();
  });
  after(() => scratch?.cleanup());

  describe('a scikit-learn pipeline served through Python', () => {
    let server: ServerHandle;
    before(async () => {
      server = await startServer(join(PY_MODELS, 'sklearn_pipeline'), { engine: 'python', python, workers: 1 });
    });
    after(() => server?.close());

    it('says which engine serves it and why', () => {
      assert.equal(server.model.engine, 'python');
      assert.equal(server.model.engineReason, 'requested with --engine python');
      assert.equal(server.model.flavor, 'python_function');
      assert.equal(server.model.batching, true);
    });

    it('reports its Python worker\'s resident memory as the model\'s', async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const m = /^mlserve_model_memory_bytes\{model="[^"]+"\} (\d+)$/m.exec(text);
      assert.ok(m, text);
      // A Python process with scikit-learn and pandas loaded holds tens of megabytes; mlserve's own process is not counted.
      assert.ok(Number(m[1]) > 20e6, m[0]);
      assert.ok(Number(m[1]) < 2e9, m[0]);
    });

    it('merges concurrent requests into fewer predict calls and answers each one as it would alone', async () => {
      const alone = await Promise.all([0, 1, 2].map(async (i) => (await invoke(server, { dataframe_split: { columns: IRIS, data: [irisRow(i)] } })).text));
      const before = await metric(server, 'mlserve_batch_requests_count');
      const n = 64;
      const answers = await Promise.all(Array.from({ length: n }, (_, i) => invoke(server, { dataframe_split: { columns: IRIS, data: [irisRow(i % 3)] } })));
      for (let i = 0; i < n; i++) assert.equal(answers[i].text, alone[i % 3]);
      const calls = (await metric(server, 'mlserve_batch_requests_count')) - before;
      assert.ok(calls < n, `${n} requests took ${calls} predict calls`);
      assert.ok((await metric(server, 'mlserve_batch_requests_sum')) > (await metric(server, 'mlserve_batch_requests_count')));
    });

    it('fails only the bad request of a merged batch, with MLflow\'s answer for it', async () => {
      const good = { dataframe_split: { columns: IRIS, data: [irisRow(5)] } };
      // Same columns and dtypes as the good ones (they merge), but scikit-learn rejects NaN.
      const bad = { dataframe_split: { columns: IRIS, data: [[null, 3.5, 1.4, 0.2, 'north']] } };
      const answers = await Promise.all([good, bad, good, good, bad, good].map((b) => invoke(server, b)));
      assert.deepEqual(answers.map((a) => a.status), [200, 400, 200, 200, 400, 200]);
      assert.equal(answers[1].json.error_code, 'BAD_REQUEST');
      assert.match(String(answers[1].json.message), /^Encountered an unexpected error while evaluating the model/);
      assert.match(String(answers[1].json.stack_trace), /Input X contains NaN/);
    });

    it('answers V2 inference requests', async () => {
      const inputs = IRIS.map((name, j) => ({ name, shape: [1], datatype: j === 4 ? 'BYTES' : 'FP64', data: [irisRow(0)[j]] }));
      const res = await fetch(`${server.url}/v2/models/sklearn_pipeline/infer`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ inputs }) });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { outputs: { datatype: string; data: unknown[] }[] };
      assert.equal(body.outputs[0].datatype, 'INT64');
      assert.equal(body.outputs[0].data.length, 1);
    });
  });

  describe('a custom PythonModel with artifacts and params', () => {
    let server: ServerHandle;
    before(async () => {
      server = await startServer(join(PY_MODELS, 'custom_artifacts'), { python, workers: 1 });
    });
    after(() => server?.close());

    it('is served through Python by default, saying its flavors run nowhere natively', () => {
      assert.equal(server.model.engine, 'python');
      assert.match(server.model.engineReason, /python_function/);
    });

    it('reads its artifact and applies each request\'s own params, even when requests are merged', async () => {
      const requests = Array.from({ length: 12 }, (_, i) => ({ dataframe_records: [{ x: i, name: `n${i}` }], params: { offset: i % 2 ? 1.5 : 0.0, label: i % 3 ? 'y' : 'z' } }));
      const answers = await Promise.all(requests.map((r) => invoke(server, r)));
      answers.forEach((a, i) => {
        const label = i % 3 ? 'y' : 'z';
        assert.equal(a.status, 200);
        assert.deepEqual(a.json, { predictions: [{ [label]: i * 2.5 + (i % 2 ? 1.5 : 0), name: `N${i}` }] });
      });
    });
  });

  describe('a ChatModel with predict_stream', () => {
    let server: ServerHandle;
    before(async () => {
      server = await startServer(join(PY_MODELS, 'chat_stream'), { python, workers: 1 });
    });
    after(() => server?.close());

    const ask = async (content: string, headers: Record<string, string> = {}, stream = true) => {
      const res = await fetch(`${server.url}/invocations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ messages: [{ role: 'user', content }], ...(stream ? { stream: true } : {}) }),
      });
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
    };

    it('streams MLflow\'s chat completion chunks as server-sent events when the payload says "stream": true', async () => {
      const r = await ask('hello there');
      assert.equal(r.status, 200);
      assert.equal(r.contentType, 'text/event-stream; charset=utf-8');
      const data = r.text.split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''));
      assert.equal(data.at(-1), '[DONE]');
      const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as { object: string; choices: { delta: { content: string }; finish_reason: string | null }[] });
      assert.equal(chunks.length, 3);
      assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
      assert.equal(chunks.map((c) => c.choices[0].delta.content).join(''), 'echo: hello there');
      assert.equal(chunks.at(-1)!.choices[0].finish_reason, 'stop');
    });

    it('answers a payload nested deeper than Python can read with 400, and keeps serving', async () => {
      // Deeper than Python's JSON reader takes, within what the front's parser accepts (--max-nesting-depth 1000).
      const deep = '['.repeat(950) + ']'.repeat(950);
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `{"messages": [{"role": "user", "content": ${deep}}]}` });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { message: string }).message, /more than 900 levels deep/);
      assert.equal((await ask('still here')).status, 200);
    });

    it('answers one chat completion without "stream"', async () => {
      const r = await ask('hi', {}, false);
      assert.equal(r.status, 200);
      assert.equal(r.contentType, 'application/json');
      assert.equal((JSON.parse(r.text) as { choices: { message: { content: string } }[] }).choices[0].message.content, 'echo: hi');
    });

    it('answers a stream that fails before its first chunk with MLflow\'s JSON error, and keeps serving', async () => {
      const r = await ask('fail', { Accept: 'text/event-stream' });
      assert.equal(r.status, 400);
      assert.equal(r.contentType, 'application/json');
      const body = JSON.parse(r.text) as { error_code: string; message: string; stack_trace: string };
      assert.equal(body.error_code, 'BAD_REQUEST');
      assert.match(body.stack_trace, /ValueError: asked to fail/);
      assert.equal((await ask('again')).status, 200);
    });
  });

  describe('a model that crashes its process', () => {
    let server: ServerHandle;
    before(async () => {
      server = await startServer(join(PY_MODELS, 'crash'), { python, workers: 1 });
    });
    after(() => server?.close());

    it('fails the request in flight with 503, restarts the worker, and serves the next request', async () => {
      const crashed = await invoke(server, { dataframe_records: [{ x: -1 }] });
      assert.equal(crashed.status, 503);
      assert.equal(crashed.json.error_code, 'TEMPORARILY_UNAVAILABLE');
      const next = await invoke(server, { dataframe_records: [{ x: 21 }] });
      assert.equal(next.status, 200);
      // The model returns a pandas Series, which MLflow writes as records.
      assert.equal(next.text, '{"predictions": [{"x": 42.0}]}');
      assert.equal(await metric(server, 'mlserve_worker_restarts_total'), 1);
    });

    it('turns readiness false while no worker can serve, and true once the replacement is up', async () => {
      const crashed = invoke(server, { dataframe_records: [{ x: -1 }] });
      let sawDown = false;
      await until(async () => {
        const ping = (await fetch(`${server.url}/ping`)).status;
        if (ping === 503) sawDown = true;
        return sawDown && ping === 200;
      }, 'the worker to be replaced');
      assert.equal((await crashed).status, 503);
    });
  });

  describe('a model that hangs', () => {
    let server: ServerHandle;
    before(async () => {
      server = await startServer(join(PY_MODELS, 'hang'), { python, workers: 1, timeoutSeconds: 2 });
    });
    after(() => server?.close());

    it('answers 504 at --timeout, replaces the stuck worker, and serves the next request', async () => {
      const hung = await invoke(server, { dataframe_records: [{ x: -3600 }] });
      assert.equal(hung.status, 504);
      assert.equal(hung.text, '{"error_code": "DEADLINE_EXCEEDED", "message": "Request processing time exceeded limit"}');
      // The worker is killed --timeout + 1 s after it began; its replacement loads the model anew.
      await until(async () => (await metric(server, 'mlserve_worker_restarts_total')) === 1 && (await fetch(`${server.url}/ping`)).status === 200, 'the replacement');
      const next = await invoke(server, { dataframe_records: [{ x: 2 }] });
      assert.equal(next.status, 200);
      assert.equal(next.text, '{"predictions": [{"x": 4.0}]}');
      assert.equal(await metric(server, 'mlserve_worker_restarts_total'), 1);
    });

    it('drains on close: a request in flight is answered, then the worker stops', async () => {
      const inFlight = invoke(server, { dataframe_records: [{ x: -1 }] });
      await until(async () => (await metric(server, 'mlserve_inflight_requests')) >= 1, 'the request to be in flight');
      const closed = server.close();
      const answer = await inFlight;
      assert.equal(answer.status, 200);
      assert.equal(answer.text, '{"predictions": [{"x": -2.0}]}');
      await closed;
    });
  });

  describe('start-up errors', () => {
    it('names an interpreter that cannot import mlflow, and how to point at another', async () => {
      await assert.rejects(startServer(join(PY_MODELS, 'crash'), { python: '/usr/bin/python3' }), (err: Error) => {
        assert.match(err.message, /The Python interpreter '\/usr\/bin\/python3' \(--python\) cannot import mlflow/);
        assert.match(err.message, /--python PATH or MLSERVE_PYTHON/);
        return true;
      });
    });

    it('names an interpreter that does not exist', async () => {
      await assert.rejects(startServer(join(PY_MODELS, 'crash'), { python: '/no/such/python' }), /The Python interpreter '\/no\/such\/python' \(--python\) was not found/);
    });

    it('refuses --env-manager conda with what to use instead', async () => {
      await assert.rejects(startServer(join(PY_MODELS, 'crash'), { python, envManager: 'conda' }), /--env-manager conda is not supported.*virtualenv or uv/);
    });

    it('refuses --engine native for a model mlserve cannot run natively', async () => {
      await assert.rejects(startServer(join(PY_MODELS, 'crash'), { python, engine: 'native' }), /No suitable flavor backend was found for the model/);
    });

    it('refuses --engine python for a model without python_function', async () => {
      const dir = makeModel();
      try {
        await assert.rejects(startServer(dir, { python, engine: 'python' }), /--engine python needs the python_function flavor/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
