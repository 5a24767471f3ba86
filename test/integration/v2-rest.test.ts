// The V2 REST routes through real sockets against the conformance models: health, metadata, inference, errors.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';
import { startV2Server, type V2TestServer } from '../helpers/v2-server.js';
import { makeModel } from '../helpers/model-dir.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const MODELS = join(ROOT, 'test/conformance/models');
const IRIS = JSON.parse(readFileSync(join(MODELS, 'iris_onnx.expected.json'), 'utf8')) as { rows: number[][]; probabilities: number[][]; label: number[] };

interface Answer { status: number; headers: Headers; json: any }

async function call(url: string, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<Answer> {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

const infer = (s: V2TestServer, body: unknown, model = 'model'): Promise<Answer> => call(s.url, `/v2/models/${model}/infer`, body);

describe('V2 REST: server endpoints', () => {
  let s: V2TestServer;
  before(async () => (s = await startV2Server(join(MODELS, 'echo_tensor'), { modelVersion: '3' })));
  after(() => s.close());

  it('answers GET /v2 with the server name, version and extensions', async () => {
    const r = await call(s.url, '/v2');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { name: 'mlserve', version: '0.0.0-test', extensions: [] });
  });
  it('answers health and readiness 200 with JSON bodies, and 503 {"error"} when false', async () => {
    assert.deepEqual((await call(s.url, '/v2/health/live')).json, { live: true });
    assert.deepEqual((await call(s.url, '/v2/health/ready')).json, { ready: true });
    assert.deepEqual((await call(s.url, '/v2/models/model/ready')).json, { name: 'model', ready: true });
    assert.equal((await call(s.url, '/v2/models/model/versions/3/ready')).status, 200);
    s.state.ready = false;
    s.state.live = false;
    try {
      for (const path of ['/v2/health/live', '/v2/health/ready', '/v2/models/model/ready']) {
        const r = await call(s.url, path);
        assert.equal(r.status, 503, path);
        assert.equal(typeof r.json.error, 'string', path);
      }
      const r = await infer(s, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }] });
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('retry-after'), '1');
      assert.match(r.json.error, /not ready/);
    } finally {
      s.state.ready = true;
      s.state.live = true;
    }
  });
  it('answers HEAD on health routes with headers only', async () => {
    const res = await fetch(`${s.url}/v2/health/ready`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
  });
  it('serves model metadata by name and version, and 404s other names and versions', async () => {
    const r = await call(s.url, '/v2/models/model');
    assert.deepEqual(r.json, {
      name: 'model',
      versions: ['3'],
      platform: 'mlflow',
      inputs: [{ name: 'input-0', datatype: 'FP32', shape: [-1, 3], parameters: { content_type: 'np' } }],
      outputs: [],
      parameters: { content_type: 'np' },
    });
    assert.deepEqual((await call(s.url, '/v2/models/model/versions/3')).json, r.json);
    for (const path of ['/v2/models/other', '/v2/models/model/versions/4', '/v2/models/other/ready']) {
      const nf = await call(s.url, path);
      assert.equal(nf.status, 404, path);
      assert.match(nf.json.error, /not found/, path);
    }
  });
  it('lists the model and answers the repository index', async () => {
    assert.deepEqual((await call(s.url, '/v2/models')).json, { models: ['model'] });
    assert.deepEqual((await call(s.url, '/v2/repository/index', {})).json, [{ name: 'model', version: '3', state: 'READY', reason: '' }]);
  });
  it('answers unknown V2 paths 404 and wrong methods 405 in the V2 error shape, and leaves other paths alone', async () => {
    for (const path of ['/v2/nothing/here', '/v2/toString', '/v2/models/model/versions']) {
      const nf = await call(s.url, path);
      assert.equal(nf.status, 404, path);
      assert.match(nf.json.error, /No V2 endpoint/, path);
    }
    const na = await call(s.url, '/v2/models/model/infer');
    assert.equal(na.status, 405);
    assert.equal(na.headers.get('allow'), 'POST');
    assert.deepEqual(na.json, { error: 'Method Not Allowed' });
    assert.deepEqual((await call(s.url, '/invocations', {})).json, { detail: 'Not Found' });
    assert.deepEqual((await call(s.url, '/v2x')).json, { detail: 'Not Found' });
  });
});

describe('V2 REST: inference on the conformance models', () => {
  const servers: V2TestServer[] = [];
  const start = async (dir: string, options = {}): Promise<V2TestServer> => {
    const s = await startV2Server(dir, options);
    servers.push(s);
    return s;
  };
  after(() => Promise.all(servers.map((s) => s.close())));

  it('echo_cols: decodes a pd request of every column type and answers one output per column', async () => {
    const s = await start(join(MODELS, 'echo_cols'));
    const body = `{"id": "r1", "inputs": [
      {"name": "c_double", "datatype": "FP64", "shape": [2, 1], "data": [1.5, null]},
      {"name": "c_float", "datatype": "FP32", "shape": [2, 1], "data": [0.25, 2]},
      {"name": "c_long", "datatype": "INT64", "shape": [2, 1], "data": [9007199254740993, -1]},
      {"name": "c_int", "datatype": "INT32", "shape": [2], "data": [1, 2]},
      {"name": "c_bool", "datatype": "BOOL", "shape": [2, 1], "data": [[true], [false]]},
      {"name": "c_str", "datatype": "BYTES", "shape": [2, 1], "data": ["a", "\\u00e9"]},
      {"name": "c_bin", "datatype": "BYTES", "shape": [2, 1], "data": ["YWJj", "AAE="]},
      {"name": "c_dt", "datatype": "BYTES", "shape": [2, 1], "data": ["2021-01-01T10:00:00", "2021-01-02"]}]}`;
    const res = await fetch(`${s.url}/v2/models/model/infer`, { method: 'POST', body });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /"data":\[9007199254740993,-1\]/, 'int64 beyond 2^53 stays exact');
    const r = JSON.parse(text);
    assert.equal(r.id, 'r1');
    assert.equal(r.model_name, 'model');
    assert.deepEqual(r.parameters, { content_type: 'pd' });
    const byName = Object.fromEntries(r.outputs.map((o: any) => [o.name, o]));
    assert.deepEqual(Object.keys(byName), ['c_double', 'c_float', 'c_long', 'c_int', 'c_bool', 'c_str', 'c_bin', 'c_dt']);
    assert.deepEqual(byName.c_double, { name: 'c_double', datatype: 'FP64', shape: [2, 1], data: [1.5, null] });
    assert.deepEqual(byName.c_float.data, [0.25, 2]);
    assert.deepEqual(byName.c_int, { name: 'c_int', datatype: 'INT32', shape: [2, 1], data: [1, 2] });
    assert.deepEqual(byName.c_bool.data, [true, false]);
    assert.deepEqual(byName.c_str, { name: 'c_str', datatype: 'BYTES', shape: [2, 1], parameters: { content_type: 'str' }, data: ['a', 'é'] });
    assert.deepEqual(byName.c_bin, { name: 'c_bin', datatype: 'BYTES', shape: [2, 1], parameters: { content_type: 'base64' }, data: ['YWJj', 'AAE='] });
    assert.deepEqual(byName.c_dt.data, ['2021-01-01T10:00:00', '2021-01-02T00:00:00']);
  });
  it('echo_cols: reports missing columns and incompatible types with the MLflow enforcement message (400)', async () => {
    const s = await start(join(MODELS, 'echo_cols'));
    const missing = await infer(s, { inputs: [{ name: 'c_double', datatype: 'FP64', shape: [1], data: [1] }] });
    assert.equal(missing.status, 400);
    assert.match(missing.json.error, /Model is missing inputs \['c_float'/);
    assert.deepEqual(Object.keys(missing.json), ['error']);
    const s2 = await start(join(MODELS, 'echo_cols'), { schemaDetails: false });
    const hidden = await infer(s2, { inputs: [{ name: 'c_double', datatype: 'FP64', shape: [1], data: [1] }] });
    assert.equal(hidden.json.error, 'Failed to enforce model input schema. Please check your input data.');
  });
  it('echo_tensor: decodes np by default, accepts nested data and enforces the dtype', async () => {
    const s = await start(join(MODELS, 'echo_tensor'));
    const ok = await infer(s, { inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 3], data: [[1, 2, 3], [4, 5, 6]] }] });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json.outputs, [{ name: 'output-1', datatype: 'FP32', shape: [2, 3], parameters: { content_type: 'np' }, data: [1, 2, 3, 4, 5, 6] }]);
    const bad = await infer(s, { inputs: [{ name: 'x', datatype: 'FP64', shape: [1, 3], data: [1, 2, 3] }] });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /dtype of input float64 does not match expected dtype float32/);
    const shape = await infer(s, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] });
    assert.match(shape.json.error, /Shape of input \(1, 4\) does not match expected shape \(-1, 3\)/);
  });
  for (const [label, dir] of [['iris_onnx', join(MODELS, 'iris_onnx')], ['examples/iris', join(ROOT, 'examples/iris')]]) {
    it(`${label}: answers probabilities and labels as named outputs, and only the requested ones when asked`, async () => {
      const s = await start(dir, { modelName: 'iris' });
      const r = await infer(s, { inputs: [{ name: 'input', datatype: 'FP32', shape: [IRIS.rows.length, 4], data: IRIS.rows }] }, 'iris');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.parameters, { content_type: 'dict' });
      const [probs, label] = r.json.outputs;
      assert.deepEqual([probs.name, probs.datatype, probs.shape], ['probabilities', 'FP32', [10, 3]]);
      assert.deepEqual([label.name, label.datatype, label.shape], ['label', 'INT64', [10, 1]]);
      assert.deepEqual(label.data, IRIS.label);
      IRIS.probabilities.flat().forEach((p, i) => assert.ok(Math.abs(probs.data[i] - p) < 1e-6, `probability ${i}`));
      const only = await infer(s, { outputs: [{ name: 'label' }], inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], data: IRIS.rows[0] }] }, 'iris');
      assert.deepEqual(only.json.outputs.map((o: any) => o.name), ['label']);
      const unknown = await infer(s, { outputs: [{ name: 'logits' }], inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], data: IRIS.rows[0] }] }, 'iris');
      assert.equal(unknown.status, 400);
      assert.match(unknown.json.error, /Output 'logits' was requested/);
    });
  }
  it('echo_params: forwards request parameters as MLflow params with defaults, and rejects invalid ones', async () => {
    const s = await start(join(MODELS, 'echo_params'));
    const r = await infer(s, '{"parameters": {"temperature": 1.0, "max_tokens": 5}, "inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": ["hi"]}]}');
    assert.equal(r.status, 200);
    const params = r.json.outputs.find((o: any) => o.name === 'params');
    assert.deepEqual(params.parameters, { content_type: 'pd_json' });
    assert.deepEqual(JSON.parse(params.data[0]), { temperature: 1, max_tokens: 5, flags: ['a', 'b'] });
    assert.match(params.data[0], /"temperature": 1\.0/);
    const bad = await infer(s, '{"parameters": {"max_tokens": 1.5}, "inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": ["hi"]}]}');
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /Invalid parameters found/);
  });
  it('echo_nosig: decodes one tensor per input as a dict, or a DataFrame with content_type pd', async () => {
    const s = await start(join(MODELS, 'echo_nosig'));
    const inputs = [
      { name: 'x', datatype: 'UINT16', shape: [2], data: [1, 65535] },
      { name: 'y', datatype: 'BYTES', shape: [2], data: ['p', 'q'] },
    ];
    const dict = await infer(s, { inputs });
    assert.deepEqual(dict.json.outputs.map((o: any) => [o.name, o.datatype, o.data]), [['x', 'UINT16', [1, 65535]], ['y', 'BYTES', ['p', 'q']]]);
    const pd = await infer(s, { parameters: { content_type: 'pd' }, inputs });
    assert.deepEqual(pd.json.parameters, { content_type: 'pd' });
    assert.deepEqual(pd.json.outputs.map((o: any) => [o.name, o.shape]), [['x', [2, 1]], ['y', [2, 1]]]);
  });
});

describe('V2 REST: request errors', () => {
  let s: V2TestServer;
  before(async () => (s = await startV2Server(join(MODELS, 'echo_nosig'), { bodyLimitBytes: 2048 })));
  after(() => s.close());

  it('rejects malformed JSON and tensors with 400 {"error"}', async () => {
    const bad = await infer(s, '{"inputs": [');
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /Invalid JSON in the inference request: Expecting value/);
    const count = await infer(s, { inputs: [{ name: 'x', datatype: 'INT8', shape: [2, 2], data: [1, 2, 3] }] });
    assert.match(count.json.error, /has 3 elements but its shape \[2, 2\] needs 4/);
  });
  it('answers bodies over the limit 413 and the binary extension 501', async () => {
    const big = await infer(s, { inputs: [{ name: 'x', datatype: 'FP64', shape: [1000], data: new Array(1000).fill(0.123456789) }] });
    assert.equal(big.status, 413);
    assert.match(big.json.error, /exceeds the limit of 2048 bytes/);
    const bin = await new Promise<number>((resolve, reject) => {
      const r = request(`${s.url}/v2/models/model/infer`, { method: 'POST', headers: { 'inference-header-content-length': '2' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      r.on('error', reject);
      r.end('{}');
    });
    assert.equal(bin, 501);
  });
  it('answers a failing model 400 with MLflow\'s message, and a slow one 504', async () => {
    const throwing = await startV2Server(makeModel({ source: 'export function predict() { throw new Error("boom"); }\n' }));
    const slow = await startV2Server(makeModel({ source: 'export async function predict(x) { await new Promise((r) => setTimeout(r, 1000)); return x; }\n' }), { timeoutSeconds: 0.2 });
    try {
      const body = { inputs: [{ name: 'x', datatype: 'INT8', shape: [1], data: [1] }] };
      const t = await infer(throwing, body);
      assert.equal(t.status, 400);
      assert.match(t.json.error, /^Encountered an unexpected error while evaluating the model/);
      const late = await infer(slow, body);
      assert.equal(late.status, 504);
      assert.deepEqual(late.json, { error: 'Request processing time exceeded limit' });
    } finally {
      await throwing.close();
      await slow.close();
    }
  });
});
