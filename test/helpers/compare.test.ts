// The conformance comparator must catch the differences it exists for.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { diffJson, parseAnswer } from './compare.js';

it('flags 1 where MLflow printed 1.0 (int/float kind)', () => {
  assert.match(diffJson(parseAnswer('[1.0]'), parseAnswer('[1]')) ?? '', /expected a float/);
});
it('accepts float32 rounding but not larger differences', () => {
  assert.equal(diffJson(parseAnswer('[0.10000000149011612]'), parseAnswer('[0.1]')), undefined);
  assert.ok(diffJson(parseAnswer('[0.1]'), parseAnswer('[0.11]')));
});
it('treats NaN as equal to NaN and compares keys in order, ignoring Python-only keys', () => {
  assert.equal(diffJson(parseAnswer('{"a": NaN, "input_type": "x"}'), parseAnswer('{"a": NaN}')), undefined);
  assert.ok(diffJson(parseAnswer('{"a": 1, "b": 2}'), parseAnswer('{"b": 2, "a": 1}')));
});
it('compares big integers exactly', () => {
  assert.ok(diffJson(parseAnswer('[9007199254740993]'), parseAnswer('[9007199254740992]')));
});
