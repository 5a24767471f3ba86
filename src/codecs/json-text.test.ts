import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeJson, quoteJson, floatJson, numberJson, orderedKeys, recordKeyOrder, isIndexKey, JsonWriter } from './json-text.js';
import { markFloat } from '../data/float-hint.js';

// Expected texts below were produced by CPython 3.11 `json.dumps` with default settings.

test('writes Python separators and no trailing newline', () => {
  assert.equal(writeJson({ a: [1, 2.5, null, true, false, 'x/y'], b: {}, c: [] }), '{"a": [1, 2.5, null, true, false, "x/y"], "b": {}, "c": []}');
});

test('escapes every character outside printable ASCII (ensure_ascii)', () => {
  assert.equal(quoteJson('abc'), '"abc"');
  assert.equal(quoteJson('say "hi"'), '"say \\"hi\\""');
  assert.equal(quoteJson('tab\tnl\nret\r'), '"tab\\tnl\\nret\\r"');
  assert.equal(quoteJson('back\\slash'), '"back\\\\slash"');
  assert.equal(quoteJson('\x00\x1f\x7f'), '"\\u0000\\u001f\\u007f"');
  assert.equal(quoteJson('é😀'), '"\\u00e9\\ud83d\\ude00"');
  assert.equal(quoteJson('\x80\xa0\u2028\ufeff\u200b'), '"\\u0080\\u00a0\\u2028\\ufeff\\u200b"');
  assert.equal(quoteJson('\b\f\x01\x7f\u0100\uffff'), '"\\b\\f\\u0001\\u007f\\u0100\\uffff"');
  assert.equal(quoteJson('\ud800'), '"\\ud800"');
  assert.equal(quoteJson(''), '""');
});

test('prints floats with Python repr and non-finite values as bare tokens', () => {
  assert.deepEqual([1e-5, 1e16, 0.1, 2.5e300, -0, 123456789012345, NaN, Infinity, -Infinity].map(floatJson), [
    '1e-05',
    '1e+16',
    '0.1',
    '2.5e+300',
    '-0.0',
    '123456789012345.0',
    'NaN',
    'Infinity',
    '-Infinity',
  ]);
  assert.equal(writeJson([NaN, Infinity, -Infinity]), '[NaN, Infinity, -Infinity]');
});

test('prints integral numbers as ints unless their slot is float-marked', () => {
  const arr = [1, 1, -0, 0.5];
  markFloat(arr, 1);
  assert.equal(writeJson(arr), '[1, 1.0, -0.0, 0.5]');
  const obj: Record<string, unknown> = { i: 2, f: 2 };
  markFloat(obj, 'f');
  assert.equal(writeJson(obj), '{"i": 2, "f": 2.0}');
  assert.equal(numberJson(3, true), '3.0');
  assert.equal(numberJson(3, false), '3');
});

test('prints bigints in full and integral numbers beyond 2^53 as floats', () => {
  assert.equal(writeJson([9007199254740993n, -(10n ** 30n)]), '[9007199254740993, -1000000000000000000000000000000]');
  assert.equal(writeJson(1e20), '1e+20');
  assert.equal(writeJson(Number.MAX_SAFE_INTEGER), '9007199254740991');
});

test('writes undefined, holes and null as null', () => {
  assert.equal(writeJson(undefined), 'null');
  assert.equal(writeJson({ a: undefined, b: null }), '{"a": null, "b": null}');
  assert.equal(writeJson([, 1]), '[null, 1]'); // eslint-disable-line no-sparse-arrays
});

test('escapes object keys and keeps insertion order', () => {
  assert.equal(writeJson({ 'é': 1, 'a"b': 2 }), '{"\\u00e9": 1, "a\\"b": 2}');
});

test('writes integer-like keys in recorded source order', () => {
  const o: Record<string, number> = { x: 1 };
  const order = ['x'];
  recordKeyOrder(o, order);
  o['0'] = 2;
  order.push('0');
  assert.equal(writeJson(o), '{"x": 1, "0": 2}');
  o.y = 3; // added after recording: follows the recorded keys
  delete o.x;
  assert.deepEqual(orderedKeys(o), ['0', 'y']);
  assert.equal(writeJson({ b: 1, 1: 2 }), '{"1": 2, "b": 1}'); // unrecorded: JavaScript order
});

test('recognises integer-like keys as JavaScript orders them', () => {
  assert.deepEqual(['0', '7', '10', '4294967294', '4294967295', '01', '-1', '1.5', 'a', ''].map(isIndexKey), [
    true,
    true,
    true,
    true,
    false,
    false,
    false,
    false,
    false,
    false,
  ]);
});

test('rejects values that are not JSON-like with a Python-worded TypeError', () => {
  assert.throws(() => writeJson(new Set([1])), { name: 'TypeError', message: 'Object of type Set is not JSON serializable' });
  assert.throws(() => writeJson({ f: () => 1 }), { message: 'Object of type function is not JSON serializable' });
  assert.throws(() => writeJson(new Date(0)), { message: 'Object of type Date is not JSON serializable' });
});

test('detects circular structures instead of overflowing the stack', () => {
  const a: unknown[] = [];
  a.push({ back: a });
  assert.throws(() => writeJson(a), { message: 'Object of type Array contains a circular reference' });
});

test('JsonWriter hands other objects to its extension', () => {
  const w = new JsonWriter({ extend: (writer, v) => (v instanceof Set ? ((writer.out += `"set of ${v.size}"`), true) : false) });
  w.value({ s: new Set([1, 2]) });
  assert.equal(w.out, '{"s": "set of 2"}');
});

test('writes error bodies in MLflow form', () => {
  assert.equal(
    writeJson({ error_code: 'BAD_REQUEST', message: "Invalid input. Error: 'x'\nInput: \nb'y'\n" }),
    '{"error_code": "BAD_REQUEST", "message": "Invalid input. Error: \'x\'\\nInput: \\nb\'y\'\\n"}',
  );
});
