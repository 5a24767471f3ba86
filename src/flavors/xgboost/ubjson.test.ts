import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseXgbJson, sniffFormat } from './model-file.js';
import { decodeUbjson, UbjsonError } from './ubjson.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/xgboost/', import.meta.url));

/** Builds UBJSON bytes from markers (strings, one char each) and raw byte arrays. */
function ubj(...parts: (string | number[])[]): Uint8Array {
  const bytes: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const ch of p) bytes.push(ch.charCodeAt(0));
    else bytes.push(...p);
  }
  return Uint8Array.from(bytes);
}

describe('decodeUbjson', () => {
  it('decodes scalars of every type, big-endian', () => {
    assert.equal(decodeUbjson(ubj('i', [0xfe])), -2);
    assert.equal(decodeUbjson(ubj('U', [0xfe])), 254);
    assert.equal(decodeUbjson(ubj('I', [0x01, 0x02])), 258);
    assert.equal(decodeUbjson(ubj('l', [0xff, 0xff, 0xff, 0xfe])), -2);
    assert.equal(decodeUbjson(ubj('L', [0, 0, 0, 1, 0, 0, 0, 0])), 2 ** 32);
    assert.equal(decodeUbjson(ubj('d', [0x3f, 0xc0, 0, 0])), 1.5);
    assert.equal(decodeUbjson(ubj('D', [0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18])), Math.PI);
    assert.equal(decodeUbjson(ubj('T')), true);
    assert.equal(decodeUbjson(ubj('F')), false);
    assert.equal(decodeUbjson(ubj('Z')), null);
    assert.equal(decodeUbjson(ubj('C', 'x')), 'x');
    assert.equal(decodeUbjson(ubj('S', 'i', [3], 'abc')), 'abc');
    assert.equal(decodeUbjson(ubj('N', 'N', 'i', [7])), 7);
  });

  it('decodes objects with unmarked keys, and arrays with and without counts', () => {
    const doc = ubj('{', 'i', [1], 'a', '[', 'i', [1], 'i', [2], ']', 'i', [1], 'b', '[', '#', 'i', [2], 'S', 'i', [1], 'x', 'Z', '}');
    assert.deepEqual(decodeUbjson(doc), { a: [1, 2], b: ['x', null] });
    assert.deepEqual(decodeUbjson(ubj('{', '#', 'i', [1], 'i', [1], 'k', 'T')), { k: true });
  });

  it('decodes strongly typed arrays into typed arrays', () => {
    const f32 = decodeUbjson(ubj('[', '$', 'd', '#', 'L', [0, 0, 0, 0, 0, 0, 0, 2], [0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0]));
    assert.ok(f32 instanceof Float32Array);
    assert.deepEqual(Array.from(f32), [1, -2]);
    const i32 = decodeUbjson(ubj('[', '$', 'l', '#', 'i', [2], [0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff]));
    assert.ok(i32 instanceof Int32Array);
    assert.deepEqual(Array.from(i32), [5, -1]);
    const u8 = decodeUbjson(ubj('[', '$', 'U', '#', 'i', [3], [1, 0, 1]));
    assert.ok(u8 instanceof Uint8Array);
    assert.deepEqual(Array.from(u8), [1, 0, 1]);
    const i64 = decodeUbjson(ubj('[', '$', 'L', '#', 'i', [1], [0, 0, 0, 0, 0, 0, 0, 9]));
    assert.deepEqual(Array.from(i64 as Float64Array), [9]);
  });

  it('keeps a "__proto__" key as data', () => {
    const doc = decodeUbjson(ubj('{', 'i', [9], '__proto__', 'i', [1], '}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(doc), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(doc, '__proto__')?.value, 1);
  });

  it('rejects truncated data, unknown markers and trailing bytes with the offset', () => {
    assert.throws(() => decodeUbjson(ubj('[', '$', 'd', '#', 'i', [2], [0, 0, 0, 0])), (e: unknown) => e instanceof UbjsonError && /runs past the end/.test(e.message));
    assert.throws(() => decodeUbjson(ubj('S', 'i', [5], 'ab')), UbjsonError);
    assert.throws(() => decodeUbjson(ubj('q')), /Unknown UBJSON type marker "q" at byte 0/);
    assert.throws(() => decodeUbjson(ubj('T', 'T')), /Trailing data after the document at byte 1/);
    assert.throws(() => decodeUbjson(ubj('{', 'i', [1], 'a')), /Unexpected end of data/);
  });

  it('decodes an XGBoost model to the same document as its JSON twin', () => {
    const fromUbj = decodeUbjson(readFileSync(`${FIXTURES}categorical/ubj/model.ubj`)) as any;
    const fromJson = parseXgbJson(readFileSync(`${FIXTURES}categorical/json/model.json`, 'utf8')) as any;
    assert.deepEqual(fromUbj.version, fromJson.version);
    assert.deepEqual(fromUbj.learner.feature_types, fromJson.learner.feature_types);
    assert.deepEqual(fromUbj.learner.learner_model_param, fromJson.learner.learner_model_param);
    const [tu, tj] = [fromUbj.learner.gradient_booster.model.trees[0], fromJson.learner.gradient_booster.model.trees[0]];
    for (const key of ['left_children', 'right_children', 'split_indices', 'default_left', 'categories', 'categories_nodes']) {
      assert.deepEqual(Array.from(tu[key]), Array.from(tj[key]), key);
    }
    // JSON writes NaN split conditions of categorical nodes as the bare token NaN.
    assert.deepEqual(Array.from(tu.split_conditions as Float32Array), tj.split_conditions.map((v: number | null) => Math.fround(v ?? NaN)));
  });
});

describe('sniffFormat', () => {
  it('tells JSON, UBJSON and the legacy binary format apart by their first bytes', () => {
    assert.equal(sniffFormat(ubj('{"learner": {}}')), 'json');
    assert.equal(sniffFormat(ubj('\n  {\n')), 'json');
    assert.equal(sniffFormat(ubj('{', 'L', [0, 0, 0, 0, 0, 0, 0, 7], 'learner')), 'ubj');
    assert.equal(sniffFormat(ubj('binf', [0, 0, 0, 0x3f])), 'binary');
    assert.equal(sniffFormat(readFileSync(`${FIXTURES}legacy-binary/model.xgb`)), 'binary');
  });
});

describe('parseXgbJson', () => {
  it('reads NaN and infinities outside strings, and leaves strings alone', () => {
    assert.deepEqual(parseXgbJson('{"a": [NaN, Infinity, -Infinity, 1], "NaN": "Infinity NaN"}'), { a: [null, Infinity, -Infinity, 1], NaN: 'Infinity NaN' });
  });
});
