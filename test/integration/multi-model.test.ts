// Several models in one server, through real HTTP: routes by name, isolation (a crash, a slow model,
// a full queue), per-model metrics and pages, and the V2 model repository API.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { serve } from '../../src/serve.js';
import { connectV2Grpc } from '../helpers/grpc-client.js';
import { makeModel } from '../helpers/model-dir.js';
import { tempDir } from '../helpers/temp.js';
import { ROOT } from '../helpers/cli.js';

const IRIS = join(ROOT, 'examples/iris');
const FAULTY = join(ROOT, 'test/fixtures/js/faulty');
const IRIS_ROW = { inputs: [[5.1, 3.5, 1.4, 0.2]] };
/** A JavaScript model with a column signature: it answers each row's x + y. */
const SUM = makeModel({
  inputs: [
    { name: 'x', type: 'double' },
    { name: 'y', type: 'double' },
  ],
  source: 'export function predict(df) { return df.toRecords().map((r) => r.x + r.y); }\n',
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function start(models: { name: string; uri: string; options?: Record<string, unknown> }[], extra: Record<string, unknown> = {}) {
  return serve({ models, host: '127.0.0.1', port: 0, logLevel: 'warn', ...extra });
}

describe('several models in one server', () => {
  it('serves two models with different signatures and engines side by side, each on its own routes', async () => {
    const server = await start([
      { name: 'iris', uri: IRIS },
      { name: 'sum', uri: SUM },
    ]);
    try {
      const iris = await post(`${server.url}/models/iris/invocations`, IRIS_ROW);
      const irisBody = await iris.json();
      assert.equal(iris.status, 200, JSON.stringify(irisBody));
      assert.deepEqual(irisBody.predictions.label, [0]);
      const sum = await post(`${server.url}/models/sum/invocations`, { dataframe_split: { columns: ['x', 'y'], data: [[1, 2], [3, 4.5]] } });
      assert.deepEqual(await sum.json(), { predictions: [3, 7.5] });
      // Each model enforces its own signature.
      const wrong = await post(`${server.url}/models/sum/invocations`, { dataframe_split: { columns: ['z'], data: [[1]] } });
      assert.equal(wrong.status, 400);
      assert.match((await wrong.json()).message, /x/);

      const root = await post(`${server.url}/invocations`, IRIS_ROW);
      assert.equal(root.status, 400);
      const rootBody = await root.json();
      assert.equal(rootBody.error_code, 'BAD_REQUEST');
      assert.match(rootBody.message, /\/models\/iris\/invocations, \/models\/sum\/invocations/);

      assert.equal((await fetch(`${server.url}/ping`)).status, 200);
      assert.equal((await fetch(`${server.url}/models/iris/ping`)).status, 200);
      assert.equal((await fetch(`${server.url}/models/sum/health`)).status, 200);
      assert.equal((await fetch(`${server.url}/models/nope/ping`)).status, 404);
      assert.equal((await post(`${server.url}/models/nope/invocations`, IRIS_ROW)).status, 404);
      assert.equal((await fetch(`${server.url}/models/iris/invocations`)).status, 405);

      // V2 by name.
      assert.deepEqual(await (await fetch(`${server.url}/v2/models`)).json(), { models: ['iris', 'sum'] });
      const v2 = await post(`${server.url}/v2/models/iris/infer`, { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] });
      assert.equal(v2.status, 200);
      assert.equal((await (await fetch(`${server.url}/v2/models/sum`)).json()).name, 'sum');
      assert.equal((await fetch(`${server.url}/v2/models/sum/ready`)).status, 200);
      assert.equal((await fetch(`${server.url}/v2/models/nope`)).status, 404);
      assert.equal((await fetch(`${server.url}/v2/health/ready`)).status, 200);

      // Pages and OpenAPI per model; the server-wide ones list the models.
      const page = await fetch(`${server.url}/models/iris/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.equal((await fetch(`${server.url}/models/iris`, { redirect: 'manual' })).headers.get('location'), '/models/iris/');
      const info = await (await fetch(`${server.url}/models/sum/mlserve/model`)).json();
      assert.equal(info.name, 'sum');
      assert.equal(info.routes.invocations, '/invocations', 'the page resolves its routes against /models/sum/');
      const openapi = await (await fetch(`${server.url}/models/sum/openapi.json`)).json();
      assert.ok(Object.keys(openapi.paths).includes('/models/sum/invocations'), Object.keys(openapi.paths).join(', '));
      assert.equal((await fetch(`${server.url}/models/iris/ui/style.css`)).status, 200);
      const listing = await (await fetch(`${server.url}/`)).text();
      assert.match(listing, /href="models\/iris\/"/);
      assert.match(listing, /href="models\/sum\/"/);
      assert.equal((await fetch(`${server.url}/openapi.json`)).status, 400);
      const list = await (await fetch(`${server.url}/mlserve/models`)).json();
      assert.deepEqual(list.models.map((m: { name: string; ready: boolean }) => [m.name, m.ready]), [['iris', true], ['sum', true]]);

      // Per-model metrics: label values are the configured names only.
      await post(`${server.url}/models/unknown-name/invocations`, IRIS_ROW);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /^mlserve_model_requests_total\{model="iris",status="200"\} 2$/m, 'the MLflow and the V2 request');
      assert.match(metrics, /^mlserve_model_requests_total\{model="sum",status="200"\} 1$/m);
      assert.match(metrics, /^mlserve_model_requests_total\{model="sum",status="400"\} 1$/m);
      assert.match(metrics, /^mlserve_requests_total\{endpoint="\/models\/iris\/invocations",protocol="mlflow",status="200"\} 1$/m);
      assert.match(metrics, /^mlserve_model_ready\{model="iris"\} 1$/m);
      assert.match(metrics, /^mlserve_model_info\{model="sum",version=""\} 1$/m);
      assert.doesNotMatch(metrics, /unknown-name/);
      assert.deepEqual(server.models().map((m) => [m.name, m.model?.flavor]), [['iris', 'onnx'], ['sum', 'js_function']]);
    } finally {
      await server.close();
    }
  });

  it("isolates models: one model's crash, slowness, time-out and full queue never touch another's answers", async () => {
    const server = await start([
      { name: 'faulty', uri: FAULTY, options: { workers: 1, maxQueue: 2, timeoutSeconds: 1 } },
      { name: 'iris', uri: IRIS },
    ]);
    try {
      const irisCalls = (): Promise<number[]> => Promise.all(Array.from({ length: 20 }, () => post(`${server.url}/models/iris/invocations`, IRIS_ROW).then(async (r) => (await r.arrayBuffer(), r.status))));
      const faultyCall = (params: Record<string, unknown>): Promise<number> => post(`${server.url}/models/faulty/invocations`, { inputs: [1], params }).then(async (r) => (await r.arrayBuffer(), r.status));

      // A full queue on one model (one worker busy for 400 ms, two waiting, the rest refused)...
      const flood = Promise.all(Array.from({ length: 8 }, () => faultyCall({ mode: 'sleep', ms: 400 })));
      const [floodStatuses, irisDuringFlood] = await Promise.all([flood, irisCalls()]);
      assert.ok(floodStatuses.includes(503), `some requests to the flooded model are refused: ${floodStatuses}`);
      assert.deepEqual(irisDuringFlood, Array(20).fill(200));

      // ... a hung model call (504 after its own 1 s time-out) ...
      const [hung, irisDuringHang] = await Promise.all([faultyCall({ mode: 'hang' }), irisCalls()]);
      assert.equal(hung, 504);
      assert.deepEqual(irisDuringHang, Array(20).fill(200));

      // ... and a crashed worker.
      const [crashed, irisDuringCrash] = await Promise.all([faultyCall({ mode: 'crash' }), irisCalls()]);
      assert.ok(crashed >= 500, `the crashed request fails (${crashed})`);
      assert.deepEqual(irisDuringCrash, Array(20).fill(200));
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /^mlserve_model_worker_restarts_total\{model="faulty"\} 1$/m);
      assert.match(metrics, /^mlserve_model_memory_bytes\{model="iris"\} \d+$/m);
      assert.doesNotMatch(metrics, /mlserve_model_worker_restarts_total\{model="iris"\}/);
    } finally {
      await server.close();
    }
  });

  it('refuses two models of the same name', async () => {
    await assert.rejects(start([{ name: 'a', uri: IRIS }, { name: 'a', uri: SUM }]), /Two models are named 'a'/);
  });

  it('serves each model over V2 gRPC under its name: infer, readiness, metadata, and NOT_FOUND for other names', async () => {
    const server = await start([
      { name: 'iris', uri: IRIS },
      { name: 'sum', uri: SUM },
    ], { grpcPort: 0 });
    const client = connectV2Grpc(server.grpcPort!);
    try {
      const iris = await client.rpc.ModelInfer({ model_name: 'iris', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [5.1, 3.5, 1.4, 0.2] } }] });
      assert.equal(iris.model_name, 'iris');
      assert.deepEqual(iris.outputs.find((o: { name: string }) => o.name === 'label').contents.int64_contents.map(Number), [0]);
      const sum = await client.rpc.ModelInfer({
        model_name: 'sum',
        inputs: [
          { name: 'x', datatype: 'FP64', shape: [2], contents: { fp64_contents: [1, 3] } },
          { name: 'y', datatype: 'FP64', shape: [2], contents: { fp64_contents: [2, 4.5] } },
        ],
      });
      assert.equal(sum.model_name, 'sum');
      assert.deepEqual(sum.outputs[0].contents.fp64_contents, [3, 7.5]);
      // Each model enforces its own signature.
      await assert.rejects(client.rpc.ModelInfer({ model_name: 'sum', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [5.1, 3.5, 1.4, 0.2] } }] }), (err: ServiceError) => err.code === status.INVALID_ARGUMENT);
      assert.deepEqual(await client.rpc.ModelReady({ name: 'sum' }), { ready: true });
      assert.deepEqual(await client.rpc.ServerReady({}), { ready: true });
      assert.deepEqual((await client.rpc.ModelMetadata({ name: 'sum' })).inputs.map((t: { name: string }) => t.name), ['x', 'y']);
      assert.equal((await client.rpc.ModelMetadata({ name: 'iris' })).name, 'iris');
      for (const call of [client.rpc.ModelInfer({ model_name: 'nope', inputs: [] }), client.rpc.ModelReady({ name: 'nope' }), client.rpc.ModelMetadata({ name: 'nope' })]) {
        await assert.rejects(call, (err: ServiceError) => err.code === status.NOT_FOUND && /Model 'nope' not found\. This server serves 'iris', 'sum'/.test(err.details));
      }
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('the V2 model repository API', () => {
  const repository = (): string => {
    const dir = tempDir('mlserve-repo-');
    cpSync(IRIS, join(dir, 'iris'), { recursive: true });
    mkdirSync(join(dir, 'sum'));
    cpSync(SUM, join(dir, 'sum'), { recursive: true });
    cpSync(FAULTY, join(dir, 'slow'), { recursive: true });
    return dir;
  };
  const AUTH = { authorization: 'Bearer s3cret' };

  it('lists, unloads and loads the models of --model-repository, with a token', async () => {
    const server = await serve({ modelRepository: repository(), authTokens: ['s3cret'], host: '127.0.0.1', port: 0, grpcPort: 0, logLevel: 'warn' });
    const grpc = connectV2Grpc(server.grpcPort!);
    const grpcAuth = new Metadata();
    grpcAuth.set('authorization', 'Bearer s3cret');
    try {
      /** The index once no model is loading or unloading (an unload answers at once; its workers stop once its requests are answered). */
      const index = async (body: unknown = {}): Promise<unknown> => {
        for (let i = 0; ; i++) {
          const list = (await (await post(`${server.url}/v2/repository/index`, body, AUTH)).json()) as { state: string }[];
          if (i === 200 || !list.some((m) => m.state === 'LOADING' || m.state === 'UNLOADING')) return list;
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      assert.deepEqual(await index(), [
        { name: 'iris', state: 'READY', reason: '' },
        { name: 'slow', state: 'READY', reason: '' },
        { name: 'sum', state: 'READY', reason: '' },
      ]);
      assert.equal((await post(`${server.url}/v2/repository/models/sum/unload`, {})).status, 401, 'a token is required');
      const unload = await post(`${server.url}/v2/repository/models/sum/unload`, {}, AUTH);
      assert.equal(unload.status, 200, await unload.text());
      assert.deepEqual(await index(), [
        { name: 'iris', state: 'READY', reason: '' },
        { name: 'slow', state: 'READY', reason: '' },
        { name: 'sum', state: 'UNAVAILABLE', reason: 'unloaded' },
      ]);
      assert.deepEqual(await index({ ready: true }), [
        { name: 'iris', state: 'READY', reason: '' },
        { name: 'slow', state: 'READY', reason: '' },
      ]);
      const gone = await post(`${server.url}/models/sum/invocations`, { dataframe_split: { columns: ['x', 'y'], data: [[1, 2]] } }, AUTH);
      assert.equal(gone.status, 404);
      assert.match((await gone.json()).message, /not loaded/);
      assert.equal((await fetch(`${server.url}/models/sum/ping`)).status, 404);
      assert.equal((await fetch(`${server.url}/ping`)).status, 200, 'an unloaded model does not hold readiness');
      assert.deepEqual(await grpc.rpc.ModelReady({ name: 'sum' }, grpcAuth), { ready: false }, 'gRPC: an unloaded model is not ready');
      assert.deepEqual(await grpc.rpc.ServerReady({}, grpcAuth), { ready: true });
      await assert.rejects(grpc.rpc.ModelInfer({ model_name: 'sum', inputs: [] }, grpcAuth), (err: ServiceError) => err.code === status.NOT_FOUND && /not loaded/.test(err.details));
      assert.equal((await post(`${server.url}/v2/repository/models/sum/unload`, {}, AUTH)).status, 400, 'not loaded');

      // Unloading answers the requests already taken first (a 400 ms model call here), then stops the workers.
      assert.equal((await post(`${server.url}/v2/repository/models/slow/load`, {}, AUTH)).status, 200, 'load of a loaded model: loaded again');
      const inFlight = post(`${server.url}/models/slow/invocations`, { inputs: [1], params: { mode: 'sleep', ms: 400 } }, AUTH);
      await new Promise((r) => setTimeout(r, 100));
      const unloadSlow = await post(`${server.url}/v2/repository/models/slow/unload`, {}, AUTH);
      assert.equal(unloadSlow.status, 200);
      assert.equal((await inFlight).status, 200, 'the request in flight was answered by the unloaded model');
      assert.equal((await post(`${server.url}/models/slow/invocations`, { inputs: [1] }, AUTH)).status, 404);

      const load = await post(`${server.url}/v2/repository/models/sum/load`, {}, AUTH);
      assert.equal(load.status, 200, await load.text());
      const back = await post(`${server.url}/models/sum/invocations`, { dataframe_split: { columns: ['x', 'y'], data: [[1, 2]] } }, AUTH);
      assert.deepEqual(await back.json(), { predictions: [3] });
      assert.equal((await post(`${server.url}/v2/repository/models/nope/load`, {}, AUTH)).status, 404);
      assert.equal((await post(`${server.url}/v2/repository/index`, '[1', AUTH)).status, 400);
      assert.equal((await fetch(`${server.url}/v2/repository/index`, { headers: AUTH })).status, 405);
    } finally {
      grpc.close();
      await server.close();
    }
  });

  it('refuses load and unload on a server without tokens', async () => {
    const server = await serve({ modelRepository: repository(), host: '127.0.0.1', port: 0, logLevel: 'warn' });
    try {
      const res = await post(`${server.url}/v2/repository/models/sum/unload`, {});
      assert.equal(res.status, 403);
      assert.match((await res.json()).error, /--auth-token/);
      assert.equal((await post(`${server.url}/models/sum/invocations`, { dataframe_split: { columns: ['x', 'y'], data: [[1, 2]] } })).status, 200);
    } finally {
      await server.close();
    }
  });

  it('reports a failed load in the index and keeps serving the other models', async () => {
    const dir = repository();
    const server = await serve({ modelRepository: dir, authTokens: ['s3cret'], host: '127.0.0.1', port: 0, logLevel: 'error' });
    try {
      assert.equal((await post(`${server.url}/v2/repository/models/sum/unload`, {}, AUTH)).status, 200);
      cpSync(makeModel({ source: "throw new Error(\"can't import <me>\");\n" }), join(dir, 'sum'), { recursive: true });
      const res = await post(`${server.url}/v2/repository/models/sum/load`, {}, AUTH);
      assert.equal(res.status, 400);
      assert.match((await res.json()).error, /failed to load/);
      const index = (await (await post(`${server.url}/v2/repository/index`, {}, AUTH)).json()) as { name: string; state: string; reason: string }[];
      const sum = index.find((m) => m.name === 'sum')!;
      assert.equal(sum.state, 'UNAVAILABLE');
      assert.match(sum.reason, /load failed/);
      // The listing page shows the reason escaped once (no '&amp;#39;' for a quote).
      const page = await (await fetch(`${server.url}/`, { headers: AUTH })).text();
      assert.match(page, /UNAVAILABLE \(load failed: [^<]*can&#39;t import &#60;me&#62;/);
      assert.equal((await post(`${server.url}/models/iris/invocations`, IRIS_ROW, AUTH)).status, 200);
    } finally {
      await server.close();
    }
  });
});
