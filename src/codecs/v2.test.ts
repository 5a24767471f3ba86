// The V2 codec on its own: parsing, datatypes, content types, metadata and output encoding.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { floatToHalf } from '../data/cell.js';
import { isFloatAt } from '../data/float-hint.js';
import type { Signature } from '../schema/types.js';
import { decodeV2Request, encodeV2Response, parseV2Request, v2ModelMetadata, writeV2Response, type V2Request } from './v2.js';

const body = (v: unknown): Uint8Array => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const req = (v: unknown): V2Request => parseV2Request(body(v));

const COLS: Signature = {
  inputs: {
    kind: 'columns',
    specs: [
      { name: 'x', type: { kind: 'scalar', type: 'double' }, required: true },
      { name: 's', type: { kind: 'scalar', type: 'string' }, required: true },
      { name: 'b', type: { kind: 'scalar', type: 'binary' }, required: true },
      { name: 'd', type: { kind: 'scalar', type: 'datetime' }, required: true },
      { name: 'a', type: { kind: 'array', items: { kind: 'scalar', type: 'long' } }, required: false },
    ],
  },
};
const NAMED: Signature = { inputs: { kind: 'tensors', specs: [{ name: 'input', dtype: 'float32', shape: [-1, 4] }] } };
const UNNAMED: Signature = { inputs: { kind: 'tensors', specs: [{ dtype: 'float32', shape: [-1, 3] }] } };

describe('parseV2Request', () => {
  it('accepts nested and flat data and keeps int64 beyond 2^53 exact', () => {
    const r = parseV2Request(body('{"id":"7","inputs":[{"name":"a","datatype":"INT64","shape":[2,1],"data":[[9007199254740993],[1]]}]}'));
    assert.equal(r.id, '7');
    const t = decodeV2Request(r, undefined).input as Tensor;
    assert.deepEqual([...(t.data as BigInt64Array)], [9007199254740993n, 1n]);
    assert.deepEqual(t.shape, [2, 1]);
  });
  it('rejects malformed requests with precise messages', () => {
    const cases: [unknown, RegExp][] = [
      ['{"inputs": [', /Invalid JSON/],
      [[1], /JSON object/],
      [{ inputs: [] }, /non-empty list/],
      [{ inputs: [{ name: 'a', datatype: 'FLOAT', shape: [1], data: [1] }] }, /unsupported datatype "FLOAT"/],
      [{ inputs: [{ name: 'a', datatype: 'FP32', shape: [-1], data: [1] }] }, /invalid shape/],
      [{ inputs: [{ name: 'a', datatype: 'FP32', shape: [1] }] }, /no 'data'/],
      [{ inputs: [{ name: 'a', datatype: 'FP32', shape: [1], data: [1] }, { name: 'a', datatype: 'FP32', shape: [1], data: [1] }] }, /more than once/],
      [{ id: 3, inputs: [{ name: 'a', datatype: 'FP32', shape: [1], data: [1] }] }, /'id' must be a string/],
    ];
    for (const [doc, re] of cases) assert.throws(() => req(doc), (e: Error) => e.name === 'BadRequestError' && re.test(e.message), String(re));
  });
});

describe('datatypes', () => {
  const one = (datatype: string, data: unknown[], shape = [data.length]) => decodeV2Request(req({ inputs: [{ name: 'x', datatype, shape, data }] }), undefined).input as Tensor;

  it('decodes every numeric and bool datatype to its dtype', () => {
    const expect: Record<string, string> = {
      BOOL: 'bool', UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64', INT8: 'int8', INT16: 'int16',
      INT32: 'int32', INT64: 'int64', FP16: 'float16', FP32: 'float32', FP64: 'float64',
    };
    for (const [datatype, dtype] of Object.entries(expect)) {
      const t = one(datatype, datatype === 'BOOL' ? [true, false] : [1, 2]);
      assert.equal(t.dtype, dtype, datatype);
      assert.deepEqual(t.toArray(), datatype === 'BOOL' ? [true, false] : [1, 2], datatype);
    }
  });
  it('stores FP16 as half-precision bits and turns null into NaN for floats', () => {
    assert.deepEqual([...(one('FP16', [0.5, -2]).data as Uint16Array)], [floatToHalf(0.5), floatToHalf(-2)]);
    assert.ok(Number.isNaN((one('FP64', [null]).data as Float64Array)[0]));
  });
  it('rejects out-of-range, non-integral and mistyped elements and a wrong element count', () => {
    assert.throws(() => one('UINT8', [256]), /element 0 \(256\) is out of the range of UINT8/);
    assert.throws(() => one('INT32', [1.5]), /element 0 \(1.5\) is not an integer/);
    assert.throws(() => one('FP32', ['a']), /is not a number/);
    assert.throws(() => one('BYTES', [1]), /is not a string/);
    assert.throws(() => one('FP32', [1, 2, 3], [2, 2]), /has 3 elements but its shape \[2, 2\] needs 4/);
  });
  it('decodes BYTES as a str tensor', () => {
    const t = one('BYTES', ['a', 'b']);
    assert.equal(t.dtype, 'str');
    assert.deepEqual(t.toArray(), ['a', 'b']);
  });
});

describe('content types', () => {
  const cols = (inputs: unknown[], parameters?: unknown) => decodeV2Request(req({ parameters, inputs }), COLS).input as Frame;

  it('decodes a column signature as a DataFrame with str, base64, datetime and pd_json inputs from metadata', () => {
    const f = cols([
      { name: 'x', datatype: 'FP64', shape: [2, 1], data: [1, 2] },
      { name: 's', datatype: 'BYTES', shape: [2, 1], data: ['p', 'q'] },
      { name: 'b', datatype: 'BYTES', shape: [2, 1], data: ['YWJj', ''] },
      { name: 'd', datatype: 'BYTES', shape: [2, 1], data: ['2021-01-01T10:00:00', '2021-01-02'] },
      { name: 'a', datatype: 'BYTES', shape: [2, 1], data: ['[1, 2]', '[]'] },
    ]);
    assert.deepEqual(f.columns, ['x', 's', 'b', 'd', 'a']);
    assert.deepEqual(f.dtypes, { x: 'float64', s: 'object', b: 'object', d: 'datetime64', a: 'object' });
    assert.deepEqual(f.column('b'), [Buffer.from('abc'), Buffer.alloc(0)]);
    assert.deepEqual(f.column('a'), [[1, 2], []]);
    assert.equal((f.column('d') as BigInt64Array)[0], 1609495200n * 1_000_000_000n);
  });
  it('lets an input override its content type and rejects unknown ones', () => {
    const f = cols([{ name: 's', datatype: 'BYTES', shape: [1], data: ['{"k": 1}'], parameters: { content_type: 'pd_json' } }]);
    assert.deepEqual(f.column('s'), [{ k: 1 }]);
    assert.throws(() => cols([{ name: 's', datatype: 'BYTES', shape: [1], data: ['x'], parameters: { content_type: 'yaml' } }]), /unsupported content type 'yaml'/);
    assert.throws(() => cols([{ name: 'b', datatype: 'BYTES', shape: [1], data: ['a'] }]), /cannot be decoded: Invalid base64/);
    assert.throws(() => cols([{ name: 'd', datatype: 'BYTES', shape: [1], data: ['soon'] }]), /not an ISO 8601/);
  });
  it('uses dict for named tensor signatures and np for unnamed ones', () => {
    const named = decodeV2Request(req({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }), NAMED);
    assert.equal(named.contentType, 'dict');
    assert.ok((named.input as Record<string, Tensor>).input instanceof Tensor);
    const unnamed = decodeV2Request(req({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }] }), UNNAMED);
    assert.equal(unnamed.contentType, 'np');
    assert.deepEqual((unnamed.input as Tensor).shape, [1, 3]);
  });
  it('honours a request-level content type and checks np/str take one input', () => {
    const two = [
      { name: 'a', datatype: 'INT32', shape: [2], data: [1, 2] },
      { name: 'b', datatype: 'BYTES', shape: [2], data: ['x', 'y'] },
    ];
    const f = decodeV2Request(req({ parameters: { content_type: 'pd' }, inputs: two }), undefined).input as Frame;
    assert.deepEqual(f.dtypes, { a: 'int32', b: 'object' });
    assert.throws(() => decodeV2Request(req({ parameters: { content_type: 'np' }, inputs: two }), undefined), /only supports a single input tensor \(2 were received\)/);
    const s = decodeV2Request(req({ parameters: { content_type: 'str' }, inputs: [two[1]] }), undefined).input;
    assert.deepEqual(s, ['x', 'y']);
    assert.throws(() => decodeV2Request(req({ parameters: { content_type: 'xml' }, inputs: two }), undefined), /Unsupported request content type 'xml'/);
  });
  it('makes a multi-value-per-row input a list-valued column under pd', () => {
    const f = decodeV2Request(req({ parameters: { content_type: 'pd' }, inputs: [{ name: 'v', datatype: 'FP32', shape: [2, 2], data: [1, 2, 3, 4] }] }), undefined).input as Frame;
    assert.equal(f.numRows, 2);
    assert.deepEqual((f.column('v') as Tensor[]).map((t) => t.toArray()), [[1, 2], [3, 4]]);
  });
  it('forwards non-reserved request parameters as params, keeping float literals floats', () => {
    const r = parseV2Request(body('{"parameters":{"content_type":"np","temperature":1.0,"n":2,"headers":{}},"inputs":[{"name":"a","datatype":"FP32","shape":[1],"data":[1]}]}'));
    const { params } = decodeV2Request(r, undefined);
    assert.deepEqual(params, { temperature: 1, n: 2 });
    assert.ok(isFloatAt(params!, 'temperature', 1), 'temperature stays a float');
    assert.ok(!isFloatAt(params!, 'n', 2), 'n stays an int');
    assert.equal(decodeV2Request(req({ parameters: { content_type: 'np' }, inputs: [{ name: 'a', datatype: 'FP32', shape: [1], data: [1] }] }), undefined).params, null);
  });
});

describe('metadata', () => {
  it('publishes MLServer-style tensors for column and tensor signatures', () => {
    const cols = v2ModelMetadata('m', COLS, '3');
    assert.deepEqual(cols.versions, ['3']);
    assert.equal(cols.platform, 'mlflow');
    assert.deepEqual(cols.parameters, { content_type: 'pd' });
    assert.deepEqual(
      cols.inputs.map((t) => [t.name, t.datatype, t.shape, t.parameters?.content_type]),
      [['x', 'FP64', [-1, 1], 'np'], ['s', 'BYTES', [-1, 1], 'str'], ['b', 'BYTES', [-1, 1], 'base64'], ['d', 'BYTES', [-1, 1], 'datetime'], ['a', 'BYTES', [-1, 1], 'pd_json']],
    );
    const t = v2ModelMetadata('m', UNNAMED);
    assert.deepEqual(t.inputs, [{ name: 'input-0', datatype: 'FP32', shape: [-1, 3], parameters: { content_type: 'np' } }]);
    assert.equal(t.versions, undefined);
    assert.deepEqual(v2ModelMetadata('m', undefined).inputs, []);
  });
});

describe('encodeV2Response', () => {
  const info = { modelName: 'm', id: 'i' };
  it('encodes a Frame as one [N, 1] output per column', () => {
    const f = new Frame([
      { name: 'p', dtype: 'float64', values: new Float64Array([0.5, NaN]) },
      { name: 'q', dtype: 'object', values: ['a', null] },
      { name: 'r', dtype: 'datetime64', values: new BigInt64Array([0n, 86_400_000_000_000n]) },
    ]);
    const text = writeV2Response(encodeV2Response(f, info));
    assert.equal(
      text,
      '{"model_name":"m","id":"i","parameters":{"content_type":"pd"},"outputs":[' +
        '{"name":"p","datatype":"FP64","shape":[2,1],"data":[0.5,null]},' +
        '{"name":"q","datatype":"BYTES","shape":[2,1],"parameters":{"content_type":"pd_json"},"data":["\\"a\\"","null"]},' +
        '{"name":"r","datatype":"BYTES","shape":[2,1],"parameters":{"content_type":"datetime"},"data":["1970-01-01T00:00:00","1970-01-02T00:00:00"]}]}',
    );
  });
  it('encodes a Tensor as output-1 with a batch dimension, and named tensors one per key', () => {
    const t = new Tensor('int64', [3], new BigInt64Array([1n, 2n, 2n ** 62n]));
    const res = encodeV2Response(t, { ...info, modelVersion: '2' });
    assert.equal(res.modelVersion, '2');
    assert.deepEqual(res.outputs.map((o) => [o.name, o.datatype, o.shape]), [['output-1', 'INT64', [3, 1]]]);
    assert.match(writeV2Response(res), /"data":\[1,2,4611686018427387904\]/);
    const dict = encodeV2Response({ a: new Tensor('float16', [1], new Uint16Array([floatToHalf(1.5)])), b: new Tensor('bool', [1], [true]) }, info);
    assert.equal(dict.parameters?.content_type, 'dict');
    assert.match(writeV2Response(dict), /"name":"a","datatype":"FP16","shape":\[1,1\],"parameters":\{"content_type":"np"\},"data":\[1.5\]/);
  });
  it('encodes strings, bytes, plain numbers and other values as BYTES or tensors', () => {
    const s = encodeV2Response(['x', 'y'], info);
    assert.deepEqual([s.parameters?.content_type, s.outputs[0].datatype, s.outputs[0].shape], ['str', 'BYTES', [2, 1]]);
    const n = encodeV2Response([1.5, 2], info);
    assert.deepEqual([n.outputs[0].datatype, n.outputs[0].shape], ['FP64', [2, 1]]);
    const b = encodeV2Response(new Tensor('bytes', [1], [Buffer.from('abc')]), info);
    assert.deepEqual([b.outputs[0].parameters, b.outputs[0].data], [{ content_type: 'base64' }, ['YWJj']]);
    const typed = encodeV2Response(new Float32Array([0.5]), info);
    assert.deepEqual([typed.outputs[0].datatype, typed.outputs[0].shape], ['FP32', [1, 1]]);
    const o = encodeV2Response({ k: { nested: true } }, info);
    assert.deepEqual(o.outputs[0].data, ['{"nested": true}']);
  });
  it('returns only the requested outputs, in their order, and rejects unknown names', () => {
    const value = { a: new Tensor('int32', [1], new Int32Array([1])), b: new Tensor('int32', [1], new Int32Array([2])) };
    assert.deepEqual(encodeV2Response(value, info, [{ name: 'b' }, { name: 'a' }]).outputs.map((o) => o.name), ['b', 'a']);
    assert.throws(() => encodeV2Response(value, info, [{ name: 'c' }]), /Output 'c' was requested but model 'm' produced \['a', 'b'\]/);
  });
});
