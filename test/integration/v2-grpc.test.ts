// The V2 gRPC service through a real @grpc/grpc-js client built from the same proto: RPCs, typed and raw contents, status codes.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status, type ServiceError } from '@grpc/grpc-js';
import { connectV2Grpc } from '../helpers/grpc-client.js';
import { startV2Server, type V2TestServer } from '../helpers/v2-server.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const MODELS = join(ROOT, 'test/conformance/models');
const IRIS = JSON.parse(readFileSync(join(MODELS, 'iris_onnx.expected.json'), 'utf8')) as { rows: number[][]; probabilities: number[][]; label: number[] };

const connect = connectV2Grpc;

async function rejectsWith(p: Promise<unknown>, code: status, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: ServiceError) => {
    assert.equal(err.code, code, err.details);
    assert.match(err.details, message);
    return true;
  });
}

const f32 = (values: number[]): Buffer => Buffer.from(new Float32Array(values).buffer);

describe('V2 gRPC: iris_onnx', () => {
  let s: V2TestServer;
  let c: ReturnType<typeof connect>;
  before(async () => {
    s = await startV2Server(join(MODELS, 'iris_onnx'), { modelName: 'iris', modelVersion: '1' });
    c = connect(s.grpcPort);
  });
  after(async () => {
    c.close();
    await s.close();
  });

  it('answers liveness, readiness and server metadata', async () => {
    assert.deepEqual(await c.rpc.ServerLive({}), { live: true });
    assert.deepEqual(await c.rpc.ServerReady({}), { ready: true });
    assert.deepEqual(await c.rpc.ModelReady({ name: 'iris' }), { ready: true });
    assert.deepEqual(await c.rpc.ModelReady({ name: 'iris', version: '1' }), { ready: true });
    const meta = await c.rpc.ServerMetadata({});
    assert.deepEqual([meta.name, meta.version, meta.extensions], ['mlserve', '0.0.0-test', []]);
    s.state.ready = false;
    try {
      assert.deepEqual(await c.rpc.ServerReady({}), { ready: false });
      await rejectsWith(c.rpc.ModelInfer({ model_name: 'iris', inputs: [] }), status.UNAVAILABLE, /not ready/);
    } finally {
      s.state.ready = true;
    }
  });
  it('answers model metadata from the signature, and NOT_FOUND for other names or versions', async () => {
    const m = await c.rpc.ModelMetadata({ name: 'iris' });
    assert.equal(m.name, 'iris');
    assert.deepEqual(m.versions, ['1']);
    assert.equal(m.platform, 'mlflow');
    assert.deepEqual(m.inputs, [{ name: 'input', datatype: 'FP32', shape: ['-1', '4'] }]);
    assert.deepEqual(m.outputs.map((o: any) => o.name), ['probabilities', 'label']);
    await rejectsWith(c.rpc.ModelMetadata({ name: 'other' }), status.NOT_FOUND, /Model 'other' not found/);
    await rejectsWith(c.rpc.ModelReady({ name: 'iris', version: '2' }), status.NOT_FOUND, /version '2' not found/);
  });
  it('infers with typed contents and answers typed contents', async () => {
    const res = await c.rpc.ModelInfer({
      model_name: 'iris',
      id: 'g1',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 4], contents: { fp32_contents: IRIS.rows.slice(0, 2).flat() } }],
    });
    assert.equal(res.id, 'g1');
    assert.equal(res.model_version, '1');
    assert.deepEqual(res.parameters.content_type, { string_param: 'dict', parameter_choice: 'string_param' });
    const [probs, label] = res.outputs;
    assert.deepEqual([probs.name, probs.datatype, probs.shape], ['probabilities', 'FP32', ['2', '3']]);
    IRIS.probabilities.slice(0, 2).flat().forEach((p, i) => assert.ok(Math.abs(probs.contents.fp32_contents[i] - p) < 1e-6));
    assert.deepEqual(label.contents.int64_contents, IRIS.label.slice(0, 2).map(String));
    assert.deepEqual(res.raw_output_contents, []);
  });
  it('infers with raw_input_contents and answers raw_output_contents', async () => {
    const res = await c.rpc.ModelInfer({
      model_name: 'iris',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [10, 4] }],
      raw_input_contents: [f32(IRIS.rows.flat())],
      outputs: [{ name: 'label' }],
    });
    assert.deepEqual(res.outputs.map((o: any) => [o.name, o.datatype, o.shape]), [['label', 'INT64', ['10', '1']]]);
    const raw: Buffer = res.raw_output_contents[0];
    const labels = new BigInt64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    assert.deepEqual([...labels].map(Number), IRIS.label);
  });
  it('answers INVALID_ARGUMENT for bad tensors and schema violations', async () => {
    await rejectsWith(
      c.rpc.ModelInfer({ model_name: 'iris', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [f32([1, 2, 3])] }),
      status.INVALID_ARGUMENT,
      /have 12 bytes but FP32 shape \[1, 4\] needs 16/,
    );
    await rejectsWith(
      c.rpc.ModelInfer({ model_name: 'iris', inputs: [{ name: 'input', datatype: 'FP64', shape: [1, 4], contents: { fp64_contents: [1, 2, 3, 4] } }] }),
      status.INVALID_ARGUMENT,
      /dtype of input float64 does not match expected dtype float32/,
    );
    await rejectsWith(
      c.rpc.ModelInfer({ model_name: 'iris', inputs: [{ name: 'input', datatype: 'FP16', shape: [1, 4], contents: {} }] }),
      status.INVALID_ARGUMENT,
      /FP16, which travels only in raw_input_contents/,
    );
    await rejectsWith(c.rpc.ModelInfer({ model_name: 'nope', inputs: [] }), status.NOT_FOUND, /Model 'nope' not found/);
  });
});

describe('V2 gRPC: column models, params and BYTES', () => {
  let s: V2TestServer;
  let c: ReturnType<typeof connect>;
  before(async () => {
    s = await startV2Server(join(MODELS, 'echo_cols'));
    c = connect(s.grpcPort);
  });
  after(async () => {
    c.close();
    await s.close();
  });

  it('decodes every column type from typed contents and echoes it', async () => {
    const bytes = (...v: string[]) => ({ bytes_contents: v.map((x) => Buffer.from(x)) });
    const res = await c.rpc.ModelInfer({
      model_name: 'model',
      inputs: [
        { name: 'c_double', datatype: 'FP64', shape: [2, 1], contents: { fp64_contents: [1.5, -2] } },
        { name: 'c_float', datatype: 'FP32', shape: [2, 1], contents: { fp32_contents: [0.25, 2] } },
        { name: 'c_long', datatype: 'INT64', shape: [2, 1], contents: { int64_contents: ['9007199254740993', '-1'] } },
        { name: 'c_int', datatype: 'INT32', shape: [2, 1], contents: { int_contents: [1, 2] } },
        { name: 'c_bool', datatype: 'BOOL', shape: [2, 1], contents: { bool_contents: [true, false] } },
        { name: 'c_str', datatype: 'BYTES', shape: [2, 1], contents: bytes('a', 'é') },
        { name: 'c_bin', datatype: 'BYTES', shape: [2, 1], contents: bytes('YWJj', 'AAE=') },
        { name: 'c_dt', datatype: 'BYTES', shape: [2, 1], contents: bytes('2021-01-01T10:00:00', '2021-01-02') },
      ],
    });
    const out = Object.fromEntries(res.outputs.map((o: any) => [o.name, o]));
    assert.deepEqual(out.c_long.contents.int64_contents, ['9007199254740993', '-1']);
    assert.deepEqual(out.c_bool.contents.bool_contents, [true, false]);
    assert.deepEqual(out.c_str.contents.bytes_contents.map(String), ['a', 'é']);
    assert.deepEqual(out.c_str.parameters.content_type.string_param, 'str');
    assert.deepEqual(out.c_bin.contents.bytes_contents.map(String), ['YWJj', 'AAE=']);
    assert.deepEqual(out.c_dt.contents.bytes_contents.map(String), ['2021-01-01T10:00:00', '2021-01-02T00:00:00']);
  });
  it('decodes BYTES raw contents (length-prefixed) and honours input content types from parameters', async () => {
    const prefixed = (...v: string[]) => Buffer.concat(v.flatMap((x) => { const b = Buffer.from(x); const n = Buffer.alloc(4); n.writeUInt32LE(b.length); return [n, b]; }));
    const ct = (v: string) => ({ content_type: { string_param: v } });
    const req = {
      model_name: 'model',
      inputs: [
        { name: 'c_double', datatype: 'FP64', shape: [1, 1] },
        { name: 'c_float', datatype: 'FP32', shape: [1, 1] },
        { name: 'c_long', datatype: 'INT64', shape: [1, 1] },
        { name: 'c_int', datatype: 'INT32', shape: [1, 1] },
        { name: 'c_bool', datatype: 'BOOL', shape: [1, 1] },
        { name: 'c_str', datatype: 'BYTES', shape: [1, 1], parameters: ct('str') },
        { name: 'c_bin', datatype: 'BYTES', shape: [1, 1] },
        { name: 'c_dt', datatype: 'BYTES', shape: [1, 1] },
      ],
      raw_input_contents: [
        Buffer.from(new Float64Array([3.5]).buffer),
        f32([1]),
        Buffer.from(new BigInt64Array([7n]).buffer),
        Buffer.from(new Int32Array([8]).buffer),
        Buffer.from([1]),
        prefixed('hello'),
        prefixed('YWJj'),
        prefixed('2020-02-29'),
      ],
    };
    const res = await c.rpc.ModelInfer(req);
    const raw = Object.fromEntries(res.outputs.map((o: any, i: number) => [o.name, res.raw_output_contents[i] as Buffer]));
    assert.equal(raw.c_double.readDoubleLE(0), 3.5);
    assert.equal(raw.c_long.readBigInt64LE(0), 7n);
    assert.deepEqual([...raw.c_bool], [1]);
    assert.equal(raw.c_str.subarray(4).toString(), 'hello');
    assert.equal(raw.c_dt.subarray(4).toString(), '2020-02-29T00:00:00');
  });
});

describe('V2 gRPC: params', () => {
  let s: V2TestServer;
  let c: ReturnType<typeof connect>;
  before(async () => {
    s = await startV2Server(join(MODELS, 'echo_params'));
    c = connect(s.grpcPort);
  });
  after(async () => {
    c.close();
    await s.close();
  });

  it('forwards double, int64 and string parameters as MLflow params', async () => {
    const res = await c.rpc.ModelInfer({
      model_name: 'model',
      parameters: { temperature: { double_param: 0.25 }, max_tokens: { int64_param: '7' }, content_type: { string_param: 'pd' } },
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from('hi')] } }],
    });
    const params = res.outputs.find((o: any) => o.name === 'params');
    assert.deepEqual(JSON.parse(String(params.contents.bytes_contents[0])), { temperature: 0.25, max_tokens: 7, flags: ['a', 'b'] });
  });
});
