// ONNX models through real HTTP: MLflow's mapping of inputs and outputs (spec §6.6, §8.14) and mlserve's differences.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../helpers/server.js';
import type { ServerHandle } from '../../src/serve.js';
import { tempDir } from '../helpers/temp.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/onnx');

/** A copy of a fixture model with another signature block. */
function withSignature(fixture: string, inputs: unknown[]): string {
  const dir = tempDir('mlserve-onnx-');
  copyFileSync(join(FIXTURES, fixture, 'model.onnx'), join(dir, 'model.onnx'));
  const mlmodel = readFileSync(join(FIXTURES, fixture, 'MLmodel'), 'utf8').replace(/^signature:[\s\S]*?(?=^\S)/m, '');
  writeFileSync(join(dir, 'MLmodel'), `${mlmodel}signature:\n  inputs: ${JSON.stringify(JSON.stringify(inputs))}\n  outputs: null\n  params: null\n`);
  return dir;
}

const servers: ServerHandle[] = [];
async function post(model: string, body: string, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  const server = await startServer(model);
  servers.push(server);
  const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, text: await res.text() };
}

describe('onnx models through HTTP', () => {
  after(async () => {
    for (const s of servers) await s.close();
  });
  const O1 = join(FIXTURES, 'identity');
  const O3 = join(FIXTURES, 'add');
  const O2 = withSignature('identity', [{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 3] } }]);

  it('134: a float list feeds the single input and answers the object form', async () => {
    assert.deepEqual(await post(O1, '{"inputs": [[1.0, 2.0, 3.0]]}'), { status: 200, text: '{"predictions": {"y": [[1.0, 2.0, 3.0]]}}' });
  });
  it('135: JSON ints give an int64 feed that onnxruntime rejects → generic 400', async () => {
    const r = await post(O1, '{"inputs": [[1, 2, 3]]}');
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.text).error_code, 'BAD_REQUEST');
    assert.match(JSON.parse(r.text).message, /^Encountered an unexpected error while evaluating the model/);
  });
  it('136: a DataFrame without signature feeds one 2-D tensor and flattens outputs to records', async () => {
    const r = await post(O1, '{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1.0, 2.0, 3.0]]}}');
    assert.equal(r.text, '{"predictions": [{"y": 1.0}, {"y": 2.0}, {"y": 3.0}]}');
  });
  it('137: a tensor signature casts a DataFrame to float32 and answers the object form', async () => {
    const r = await post(O2, '{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3]]}}');
    assert.equal(r.text, '{"predictions": {"y": [[1.0, 2.0, 3.0]]}}');
  });
  it('accepts CSV for a tensor signature', async () => {
    const r = await post(O2, 'a,b,c\n1,2,3\n4,5,6\n', 'text/csv');
    assert.equal(r.text, '{"predictions": {"y": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]}}');
  });
  it('138: an array for a two-input graph is MLflow\'s 500 INTERNAL_ERROR', async () => {
    const r = await post(O3, '{"inputs": [1.0, 2.0]}');
    assert.equal(r.status, 500);
    const body = JSON.parse(r.text);
    assert.equal(body.error_code, 'INTERNAL_ERROR');
    assert.match(body.message, /Unable to map numpy array input to the expected model input/);
  });
  it('139: named feeds, per-column feeds, and a missing column', async () => {
    assert.equal((await post(O3, '{"inputs": {"a": [1.0, 2.0], "b": [3.0, 4.0]}}')).text, '{"predictions": {"s": [4.0, 6.0]}}');
    assert.equal((await post(O3, '{"dataframe_records": [{"a": 1.0, "b": 3.0}]}')).text, '{"predictions": [{"s": 4.0}]}');
    const missing = await post(O3, '{"dataframe_records": [{"a": 1.0}]}');
    assert.equal(missing.status, 400);
    assert.equal(JSON.parse(missing.text).error_code, 'BAD_REQUEST');
  });
  it('answers N records for a column signature whose outputs differ in shape (MLflow: 400)', async () => {
    const cols = ['sl', 'sw', 'pl', 'pw'].map((name) => ({ type: 'double', name, required: true }));
    const iris = withSignature('iris', cols);
    const r = await post(iris, '{"dataframe_records": [{"sl": 5.1, "sw": 3.5, "pl": 1.4, "pw": 0.2}, {"sl": 6.7, "sw": 3.0, "pl": 5.2, "pw": 2.3}]}');
    assert.equal(r.status, 200, r.text);
    const rows = JSON.parse(r.text).predictions;
    assert.equal(rows.length, 2);
    assert.deepEqual(Object.keys(rows[0]), ['probabilities', 'label']);
    assert.equal(rows[0].probabilities.length, 3);
    assert.deepEqual(rows.map((x: { label: number }) => x.label), [0, 2]);
  });
  it('serves a string-input graph', async () => {
    const r = await post(join(FIXTURES, 'string'), '{"inputs": {"text": ["a", "b\\u00e9"]}}');
    assert.equal(r.text, '{"predictions": {"echo": ["a", "b\\u00e9"]}}');
  });
});
