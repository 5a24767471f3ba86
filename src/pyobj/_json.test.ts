import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonNumber, JsonObject, parseJson } from './_json.js';

describe('parseJson', () => {
  it('keeps object keys in document order, integer-like keys included', () => {
    const v = parseJson('{"b": 1, "2": [true, null], "a": {}}', { maxDepth: 10 }) as JsonObject;
    assert.deepEqual([...v.keys()], ['b', '2', 'a']);
    assert.deepEqual(v.get('2'), [true, null]);
  });

  it('reads numbers as Python does: int or float by the literal, exact big ints, NaN and Infinity', () => {
    const v = parseJson('[1, 1.0, 1e2, -0.0, 123456789012345678901234567890, NaN, -Infinity]', { exact: true, maxDepth: 10 }) as JsonNumber[];
    assert.deepEqual(v.map((n) => n.isFloat), [false, true, true, true, false, true, true]);
    assert.equal(v[4].value, 123456789012345678901234567890n);
    assert.ok(Object.is(v[3].value, -0));
    assert.ok(Number.isNaN(v[5].value as number));
  });

  it('reads strings with escapes and fails malformed or too deep input', () => {
    assert.equal(parseJson('"a\\"b\\u00e9"', { maxDepth: 1 }), 'a"bé');
    for (const bad of ['{"a" 1}', '[1,]', '[1 2]', '{"a":1', '"abc', 'tru', '[] x']) assert.throws(() => parseJson(bad, { maxDepth: 10 }), /Invalid JSON/, bad);
    assert.throws(() => parseJson('['.repeat(11) + ']'.repeat(11), { maxDepth: 10 }), /nesting deeper than 10/);
    assert.deepEqual(parseJson('['.repeat(10) + ']'.repeat(10), { maxDepth: 10 }), [[[[[[[[[[]]]]]]]]]]);
  });
});
