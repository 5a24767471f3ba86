// V2 REST and gRPC wired into the real server: same port as MLflow's routes, readiness, metrics.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import { loadInferencePackage } from '../../src/server/v2/grpc-proto.js';
import { serve } from '../../src/serve.js';
import { startServer } from '../helpers/server.js';
import { makeModel } from '../helpers/model-dir.js';
import { ROOT } from '../helpers/cli.js';

const IRIS = join(ROOT, 'examples/iris');
const INFER = {
  inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }],
};

describe('V2 through mlserve models serve', () => {
  it('serves V2 REST beside MLflow\'s routes, named after the model directory', async () => {
    const server = await startServer(IRIS);
    try {
      assert.deepEqual(await (await fetch(`${server.url}/v2/health/live`)).json(), { live: true });
      assert.equal((await fetch(`${server.url}/v2/health/ready`)).status, 200);
      const meta = await (await fetch(`${server.url}/v2/models/iris`)).json();
      assert.equal(meta.name, 'iris');
      assert.deepEqual(meta.inputs.map((i: { name: string; datatype: string; shape: number[] }) => [i.name, i.datatype, i.shape]), [['input', 'FP32', [-1, 4]]]);
      const res = await fetch(`${server.url}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(INFER) });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      const label = body.outputs.find((o: { name: string }) => o.name === 'label');
      assert.deepEqual([label.datatype, label.data], ['INT64', [0]]);
      assert.equal((await fetch(`${server.url}/v2/models/other/infer`, { method: 'POST', body: '{}' })).status, 404);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /^mlserve_requests_total\{endpoint="\/v2\/models\/\{name\}\/infer",protocol="v2",status="200"\} 1$/m);
    } finally {
      await server.close();
    }
  });

  it('answers V2 liveness while the model loads, readiness only once it is loaded', async () => {
    const source = 'export async function load() { await new Promise((r) => setTimeout(r, 400)); }\nexport function predict(x) { return x; }\n';
    const seen: number[] = [];
    const handle = await serve({ modelUri: makeModel({ source }), host: '127.0.0.1', port: 0, workers: 1 }, {}, {
      onListening(u) {
        void Promise.all([fetch(`${u}/v2/health/live`), fetch(`${u}/v2/health/ready`)]).then((r) => seen.push(...r.map((x) => x.status)));
      },
    });
    try {
      assert.deepEqual(seen, [200, 503]);
      assert.equal((await fetch(`${handle.url}/v2/health/ready`)).status, 200);
    } finally {
      await handle.close();
    }
  });

  it('serves V2 gRPC on --grpc-port with --model-name, and counts calls in metrics', async () => {
    const server = await startServer(IRIS, { grpcPort: 0, modelName: 'flowers' });
    const pkg = loadPackageDefinition(loadInferencePackage()) as any;
    const client = new pkg.inference.GRPCInferenceService(`127.0.0.1:${server.grpcPort}`, credentials.createInsecure());
    const call = (name: string, req: unknown): Promise<any> => new Promise((resolve, reject) => client[name](req, (err: ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res))));
    try {
      assert.deepEqual(await call('ServerReady', {}), { ready: true });
      const res = await call('ModelInfer', { model_name: 'flowers', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [5.1, 3.5, 1.4, 0.2] } }] });
      const label = res.outputs.find((o: { name: string }) => o.name === 'label');
      assert.deepEqual(label.contents.int64_contents.map(Number), [0]);
      await assert.rejects(call('ModelInfer', { model_name: 'iris', inputs: [] }), (e: ServiceError) => e.code === 5);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /^mlserve_requests_total\{endpoint="ModelInfer",protocol="grpc",status="OK"\} 1$/m);
      assert.match(metrics, /^mlserve_requests_total\{endpoint="ModelInfer",protocol="grpc",status="NOT_FOUND"\} 1$/m);
    } finally {
      client.close();
      await server.close();
    }
  });
});
