import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeOutput, encodePredictions, encodeBytes } from './predictions.js';
import { parseJson } from './json-parse.js';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { NAT } from '../data/dtype.js';
import { floatToHalf } from '../data/cell.js';
import { markFloat } from '../data/float-hint.js';
import { ServingError } from '../errors.js';

const X60 = 'eHh4'.repeat(19);

test('echoes parsed floats byte-exactly (spec §8.13 item 129)', () => {
  const req = parseJson('{"inputs": [1.0, 1e-5, 1e16, 0.1, 2.5e300]}') as { inputs: unknown };
  assert.equal(encodePredictions(req.inputs, true), '{"predictions": [1.0, 1e-05, 1e+16, 0.1, 2.5e+300]}');
});

test('escapes non-ASCII strings (spec §8.13 item 129)', () => {
  const req = parseJson('{"inputs": ["é", "😀", "tab\\t"]}') as { inputs: unknown };
  assert.equal(encodePredictions(req.inputs, true), '{"predictions": ["\\u00e9", "\\ud83d\\ude00", "tab\\t"]}');
});

test('writes bytes as MIME base64 with line breaks (spec §8.13 item 130)', () => {
  assert.equal(encodePredictions([Buffer.from('x'.repeat(60))], true), `{"predictions": ["${X60}\\neHh4\\n"]}`);
  assert.equal(encodeBytes(Buffer.from('abc')), 'YWJj\n');
  assert.equal(encodeBytes(new Uint8Array(0)), '');
  assert.equal(encodeBytes(Buffer.alloc(57)), 'A'.repeat(76) + '\n');
});

test('wraps in predictions only when asked (unified-LLM output is bare)', () => {
  assert.equal(encodePredictions('just text', false), '"just text"');
  assert.equal(encodePredictions({ a: 1 }, true), '{"predictions": {"a": 1}}');
});

test('writes a Frame as records with per-dtype formatting', () => {
  const f = new Frame([
    { name: 'a', dtype: 'float64', values: new Float64Array([1, NaN]) },
    { name: 0, dtype: 'float32', values: new Float32Array([0.1, 1]) },
    { name: 'h', dtype: 'float16', values: new Uint16Array([floatToHalf(0.5), floatToHalf(2)]) },
    { name: 'i', dtype: 'int64', values: new BigInt64Array([9007199254740993n, -1n]) },
    { name: 'u', dtype: 'uint8', values: new Uint8Array([255, 0]) },
    { name: 'd', dtype: 'datetime64', values: new BigInt64Array([1609459200123000000n, NAT]) },
    { name: 'o', dtype: 'object', values: [null, { x: [1, 2.5] }] },
    { name: 's', dtype: 'str', values: ['hi', 'é'] },
    { name: 'b', dtype: 'bool', values: [true, false] },
    { name: 'y', dtype: 'bytes', values: [Buffer.from('abc'), new Uint8Array(0)] },
  ]);
  assert.equal(
    encodePredictions(f, true),
    '{"predictions": [' +
      '{"a": 1.0, "0": 0.10000000149011612, "h": 0.5, "i": 9007199254740993, "u": 255, "d": "2021-01-01T00:00:00.123000", "o": null, "s": "hi", "b": true, "y": "YWJj\\n"}, ' +
      '{"a": NaN, "0": 1.0, "h": 2.0, "i": -1, "u": 0, "d": "NaT", "o": {"x": [1, 2.5]}, "s": "\\u00e9", "b": false, "y": ""}' +
      ']}',
  );
});

test('honours float marks inside object columns and writes NaN there as NaN', () => {
  const cells: unknown[] = [3, NaN, null];
  markFloat(cells, 0);
  const f = new Frame([{ name: 'o', dtype: 'object', values: cells }]);
  assert.equal(encodeOutput(f), '[{"o": 3.0}, {"o": NaN}, {"o": null}]');
});

test('writes an empty Frame as an empty list and a Frame without columns as empty records', () => {
  assert.equal(encodeOutput(new Frame([])), '[]');
  assert.equal(encodeOutput(new Frame([], 2)), '[{}, {}]');
});

test('a repeated column label keeps its first position and the last column values', () => {
  const f = new Frame([
    { name: 'a', dtype: 'int64', values: new BigInt64Array([1n]) },
    { name: 'b', dtype: 'int64', values: new BigInt64Array([2n]) },
    { name: 'a', dtype: 'int64', values: new BigInt64Array([3n]) },
  ]);
  assert.equal(encodeOutput(f), '[{"a": 3, "b": 2}]');
});

test('writes a Tensor as nested lists; float32 widened (spec §8.13 item 128)', () => {
  assert.equal(encodePredictions(new Tensor('float32', [2], new Float32Array([0.1, 1])), true), '{"predictions": [0.10000000149011612, 1.0]}');
  assert.equal(encodeOutput(new Tensor('float64', [2, 2], new Float64Array([1, 2, 3.5, -0]))), '[[1.0, 2.0], [3.5, -0.0]]');
  assert.equal(encodeOutput(new Tensor('int64', [1, 2, 1], new BigInt64Array([1n, 2n]))), '[[[1], [2]]]');
  assert.equal(encodeOutput(new Tensor('bool', [2], [true, false])), '[true, false]');
  assert.equal(encodeOutput(new Tensor('str', [1], ['a'])), '["a"]');
  assert.equal(encodeOutput(new Tensor('bytes', [1], [Buffer.from('abc')])), '["YWJj\\n"]');
  assert.equal(encodeOutput(new Tensor('float64', [2, 0], new Float64Array(0))), '[[], []]');
});

test('writes a 0-d Tensor as its scalar', () => {
  assert.equal(encodeOutput(new Tensor('int64', [], new BigInt64Array([5n]))), '5');
  assert.equal(encodeOutput(new Tensor('float64', [], new Float64Array([5]))), '5.0');
});

test('writes a datetime64 Tensor as integer nanoseconds and NaT as null, like numpy tolist()', () => {
  assert.equal(encodeOutput(new Tensor('datetime64', [2], new BigInt64Array([1609459200000000000n, NAT]))), '[1609459200000000000, null]');
});

test('writes typed arrays returned directly as lists', () => {
  assert.equal(encodeOutput(new Float32Array([0.1, 2])), '[0.10000000149011612, 2.0]');
  assert.equal(encodeOutput(new Float64Array([1, NaN])), '[1.0, NaN]');
  assert.equal(encodeOutput(new Int32Array([1, -2])), '[1, -2]');
  assert.equal(encodeOutput(new Uint8Array([1, 2])), '[1, 2]');
  assert.equal(encodeOutput(new BigInt64Array([-(2n ** 63n)])), '[-9223372036854775808]');
});

test('writes Dates as isoformat, Maps as objects with Python key conversion', () => {
  assert.equal(encodeOutput(new Date(Date.UTC(2021, 0, 1))), '"2021-01-01T00:00:00"');
  assert.equal(encodeOutput(new Date(Date.UTC(2021, 0, 1, 0, 0, 0, 123))), '"2021-01-01T00:00:00.123000"');
  assert.equal(encodeOutput(new Map<unknown, unknown>([['a', 1], [2, 'b'], [true, null], [null, 0.5]])), '{"a": 1, "2": "b", "true": null, "null": 0.5}');
});

test('encodes Tensors and Frames nested inside plain containers', () => {
  const out = {
    t: new Tensor('float64', [1], new Float64Array([1])),
    f: [new Frame([{ name: 'x', dtype: 'int32', values: new Int32Array([7]) }])],
  };
  assert.equal(encodeOutput(out), '{"t": [1.0], "f": [[{"x": 7}]]}');
});

test('fails with INTERNAL_ERROR for unserializable output', () => {
  class Foo {}
  const cases: [unknown, string][] = [
    [new Set([1]), 'Set'],
    [[() => 1], 'function'],
    [{ s: Symbol('x') }, 'symbol'],
    [new Foo(), 'Foo'],
  ];
  for (const [value, type] of cases) {
    assert.throws(
      () => encodeOutput(value),
      (err: unknown) =>
        err instanceof ServingError &&
        err.errorCode === 'INTERNAL_ERROR' &&
        err.status === 500 &&
        err.message === `Model output of type ${type} is not JSON serializable`,
    );
  }
});

test('fails with INTERNAL_ERROR for circular output', () => {
  const o: Record<string, unknown> = {};
  o.self = o;
  assert.throws(() => encodeOutput(o), { errorCode: 'INTERNAL_ERROR', message: 'Model output of type Object contains a circular reference' });
});
