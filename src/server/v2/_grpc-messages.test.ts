// gRPC message mapping: raw contents both ways, typed contents, and parameters.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { floatToHalf } from '../../data/cell.js';
import { decodeRaw, encodeRaw, fromProtoParameters, fromProtoRequest, toProtoParameters, toProtoResponse } from './_grpc-messages.js';

it('decodes raw contents of every fixed-width datatype from unaligned buffers', () => {
  const at1 = (b: Buffer): Buffer => Buffer.concat([Buffer.from([9]), b]).subarray(1);
  assert.deepEqual([...(decodeRaw('x', 'FP64', [2], at1(Buffer.from(new Float64Array([1.5, -2]).buffer))) as Float64Array)], [1.5, -2]);
  assert.deepEqual([...(decodeRaw('x', 'INT16', [2], at1(Buffer.from(new Int16Array([-3, 4]).buffer))) as Int16Array)], [-3, 4]);
  assert.deepEqual([...(decodeRaw('x', 'UINT64', [1], Buffer.from(new BigUint64Array([2n ** 64n - 1n]).buffer)) as BigUint64Array)], [2n ** 64n - 1n]);
  assert.deepEqual([...(decodeRaw('x', 'FP16', [1], Buffer.from(new Uint16Array([floatToHalf(0.5)]).buffer)) as Uint16Array)], [floatToHalf(0.5)]);
  assert.deepEqual(decodeRaw('x', 'BOOL', [3], Buffer.from([1, 0, 2])), [true, false, true]);
  assert.throws(() => decodeRaw('x', 'INT32', [2], Buffer.alloc(7)), /have 7 bytes but INT32 shape \[2\] needs 8/);
});

it('round-trips length-prefixed BYTES and rejects truncated ones', () => {
  const raw = encodeRaw({ name: 'o', datatype: 'BYTES', shape: [2], data: ['ab', ''] });
  assert.deepEqual(raw, Buffer.from([2, 0, 0, 0, 97, 98, 0, 0, 0, 0]));
  assert.deepEqual((decodeRaw('x', 'BYTES', [2], raw) as Uint8Array[]).map((b) => Buffer.from(b).toString()), ['ab', '']);
  assert.throws(() => decodeRaw('x', 'BYTES', [1], Buffer.from([5, 0, 0, 0, 1])), /end inside BYTES element 0/);
});

it('maps parameters both ways', () => {
  assert.deepEqual(
    fromProtoParameters({
      a: { bool_param: true, parameter_choice: 'bool_param' },
      b: { int64_param: '9007199254740993', parameter_choice: 'int64_param' },
      c: { double_param: 0.5, parameter_choice: 'double_param' },
      d: { string_param: 'pd', parameter_choice: 'string_param' },
    }),
    { a: true, b: 9007199254740993n, c: 0.5, d: 'pd' },
  );
  assert.deepEqual(toProtoParameters({ a: true, b: 3, c: 0.5, d: 'np' }), {
    a: { bool_param: true },
    b: { int64_param: '3' },
    c: { double_param: 0.5 },
    d: { string_param: 'np' },
  });
});

it('rejects mixing raw and typed contents, and a raw entry count that differs from the inputs', () => {
  const input = { name: 'x', datatype: 'FP32', shape: ['1'], contents: { fp32_contents: [1] } };
  assert.throws(() => fromProtoRequest({ inputs: [input], raw_input_contents: [Buffer.alloc(4)] }, 100), /sets contents although raw_input_contents is used/);
  assert.throws(() => fromProtoRequest({ inputs: [input, { ...input, name: 'y' }], raw_input_contents: [Buffer.alloc(4)] }, 100), /has 1 entries but the request has 2 inputs/);
  assert.throws(() => fromProtoRequest({ inputs: [{ ...input, datatype: 'fp32' }] }, 100), /unsupported datatype "fp32"/);
});

it('answers FP16 outputs as raw contents even for a typed request', () => {
  const res = toProtoResponse({ modelName: 'm', id: 'i', outputs: [{ name: 'h', datatype: 'FP16', shape: [1, 1], data: new Uint16Array([floatToHalf(2)]) }] }, false);
  assert.deepEqual(res.raw_output_contents, [Buffer.from(new Uint16Array([floatToHalf(2)]).buffer)]);
  assert.equal((res.outputs as { contents?: unknown }[])[0].contents, undefined);
});

it('refuses a BYTES raw length prefix of 2^31 or more instead of looping on it', () => {
  assert.throws(() => decodeRaw('x', 'BYTES', [3, 1], Uint8Array.from([11, 229, 43, 233, 138, 50, 251, 154])), /end inside BYTES element 0/);
  assert.deepEqual(decodeRaw('x', 'BYTES', [1], Uint8Array.from([1, 0, 0, 0, 65])), [Uint8Array.from([65])]);
});
