import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson, JsonDecodeError, MAX_JSON_DEPTH } from './json-parse.js';
import { orderedKeys, writeJson } from './json-text.js';
import { isMarkedFloat, hasFloatMarks } from '../data/float-hint.js';

function decodeError(body: Uint8Array | string): JsonDecodeError {
  try {
    parseJson(body);
  } catch (err) {
    assert.ok(err instanceof JsonDecodeError, `expected JsonDecodeError, got ${String(err)}`);
    return err;
  }
  assert.fail(`parsed without error: ${String(body)}`);
}

test('keeps integers as numbers and marks integral float literals in their container', () => {
  const v = parseJson('[1, 2.0, -0, -0.0, 2e3, 0.5, 1E+2]') as number[];
  assert.deepEqual(v, [1, 2, 0, -0, 2000, 0.5, 100]);
  assert.ok(Object.is(v[2], 0), '-0 is the int 0');
  assert.ok(Object.is(v[3], -0), '-0.0 is a float');
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((i) => isMarkedFloat(v, i)), [false, true, false, true, true, false, true]);
  const o = parseJson('{"a": 1, "b": 1.0}') as Record<string, number>;
  assert.equal(isMarkedFloat(o, 'a'), false);
  assert.equal(isMarkedFloat(o, 'b'), true);
});

test('parses integers beyond 2^53 exactly as bigints', () => {
  assert.deepEqual(parseJson('[9007199254740991, 9007199254740993, -12345678901234567890]'), [
    9007199254740991,
    9007199254740993n,
    -12345678901234567890n,
  ]);
});

test('parses floats to the nearest double, including long mantissas and overflow', () => {
  const texts = ['0.1', '3.141592653589793', '1.7976931348623157e308', '5e-324', '123456789.123456789', '1e400', '-1e-400', '0.30000000000000004'];
  const v = parseJson(`[${texts.join(', ')}]`) as number[];
  assert.deepEqual(v, texts.map(Number));
});

test('accepts NaN, Infinity and -Infinity', () => {
  assert.deepEqual(parseJson('[NaN, Infinity, -Infinity]'), [NaN, Infinity, -Infinity]);
});

test('a top-level float has no container and parses as a number', () => {
  assert.equal(parseJson(' 1.0 '), 1);
});

test('duplicate keys keep the first position and the last value, dropping a stale float mark', () => {
  const o = parseJson('{"a": 1.0, "b": 2, "a": 3}') as Record<string, number>;
  assert.deepEqual(Object.entries(o), [['a', 3], ['b', 2]]);
  assert.equal(isMarkedFloat(o, 'a'), false);
  assert.equal(writeJson(o), '{"a": 3, "b": 2}');
  const p = parseJson('{"a": 1, "b": 2.0, "a": 4.0}') as Record<string, number>;
  assert.equal(writeJson(p), '{"a": 4.0, "b": 2.0}');
});

test('a __proto__ key becomes an own property and never changes the prototype', () => {
  const o = parseJson('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(o), Object.prototype);
  assert.deepEqual(Object.keys(o), ['__proto__', 'x']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(writeJson(o), '{"__proto__": {"polluted": true}, "x": 1}');
});

test('records the source order of objects with integer-like keys', () => {
  const o = parseJson('{"b": 1, "1": 2, "a": 3, "0": 4, "1": 5}') as Record<string, number>;
  assert.deepEqual(orderedKeys(o), ['b', '1', 'a', '0']);
  assert.equal(writeJson(o), '{"b": 1, "1": 5, "a": 3, "0": 4}');
});

test('decodes string escapes, surrogate pairs and lone surrogates like Python', () => {
  assert.equal(parseJson('"a\\"b\\\\c\\/\\b\\f\\n\\r\\t"'), 'a"b\\c/\b\f\n\r\t');
  assert.equal(parseJson('"\\u00e9\\ud83d\\ude00"'), 'é😀');
  assert.equal(parseJson('"\\ud800x"'), '\ud800x');
  assert.equal(parseJson('"\\ud800\\u0041"'), '\ud800A');
  assert.equal(parseJson('"é😀"'), 'é😀');
});

test('tolerates leading and trailing whitespace', () => {
  assert.deepEqual(parseJson(' \t\r\n{ "a" : [ 1 , 2 ] }\n '), { a: [1, 2] });
});

test('detects UTF-8 with and without BOM, UTF-16 and UTF-32 like json.detect_encoding', () => {
  const doc = '{"a": "é😀"}';
  const want = { a: 'é😀' };
  const utf16le = Buffer.from(doc, 'utf16le');
  const utf16be = Buffer.from(utf16le).swap16();
  const utf32 = (le: boolean): Buffer => {
    const cps = [...doc].map((c) => c.codePointAt(0)!);
    const b = Buffer.alloc(cps.length * 4);
    cps.forEach((cp, i) => (le ? b.writeUInt32LE(cp, i * 4) : b.writeUInt32BE(cp, i * 4)));
    return b;
  };
  const bodies: [string, Buffer][] = [
    ['utf-8', Buffer.from(doc)],
    ['utf-8-sig', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc)])],
    ['utf-16-le', utf16le],
    ['utf-16-be', utf16be],
    ['utf-16 BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le])],
    ['utf-16 BOM be', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be])],
    ['utf-32-le', utf32(true)],
    ['utf-32-be', utf32(false)],
    ['utf-32 BOM', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32(true)])],
  ];
  for (const [name, body] of bodies) assert.deepEqual(parseJson(body), want, name);
  assert.deepEqual(parseJson(Buffer.from('1', 'utf16le')), 1);
});

test('rejects invalid UTF-8 with an encoding error naming the byte', () => {
  const err = decodeError(Buffer.from([0x22, 0xff, 0x22]));
  assert.equal(err.kind, 'encoding');
  assert.equal(err.message, "Request body is not valid UTF-8: 'utf-8' codec can't decode byte 0xff in position 1: invalid start byte");
  const bom = decodeError(Buffer.from([0xef, 0xbb, 0xbf, 0x22, 0xc3, 0x28]));
  assert.equal(bom.message, "Request body is not valid UTF-8: 'utf-8' codec can't decode byte 0xc3 in position 1: invalid continuation byte");
  assert.equal(decodeError(Buffer.from([0x31, 0, 0x32, 0, 0x33])).message, "Request body is not valid UTF-16: 'utf-16-le' codec can't decode byte 0x33 in position 4: truncated data");
});

test('accepts UTF-8 encoded surrogates like Python surrogatepass', () => {
  assert.equal(parseJson(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])), '\ud800');
});

test('rejects a BOM at the start of a string body like json.loads(str)', () => {
  assert.equal(decodeError('\ufeff1').message, 'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)');
});

test("reports Python's messages and positions for malformed documents", () => {
  // [document, CPython 3.11 json.loads error text]
  const cases: [string, string][] = [
    ['', 'Expecting value: line 1 column 1 (char 0)'],
    ['   ', 'Expecting value: line 1 column 4 (char 3)'],
    ['nul', 'Expecting value: line 1 column 1 (char 0)'],
    ['[1,]', 'Expecting value: line 1 column 4 (char 3)'],
    ['[1 2]', "Expecting ',' delimiter: line 1 column 4 (char 3)"],
    ['{"a":1,}', 'Expecting property name enclosed in double quotes: line 1 column 8 (char 7)'],
    ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
    ['{1:2}', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['{"a":1 "b":2}', "Expecting ',' delimiter: line 1 column 8 (char 7)"],
    ['[', 'Expecting value: line 1 column 2 (char 1)'],
    ['{', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['01', 'Extra data: line 1 column 2 (char 1)'],
    ['1.', 'Extra data: line 1 column 2 (char 1)'],
    ['-', 'Expecting value: line 1 column 1 (char 0)'],
    ['[1]]', 'Extra data: line 1 column 4 (char 3)'],
    ['"abc', 'Unterminated string starting at: line 1 column 1 (char 0)'],
    ['"a\nb"', 'Invalid control character at: line 1 column 3 (char 2)'],
    ['"\\x"', 'Invalid \\escape: line 1 column 2 (char 1)'],
    ['"\\u12"', 'Invalid \\uXXXX escape: line 1 column 3 (char 2)'],
    ['"\\ud800\\u12"', 'Invalid \\uXXXX escape: line 1 column 9 (char 8)'],
    ['"\\u12G4"', 'Invalid \\uXXXX escape: line 1 column 3 (char 2)'],
    ['tru', 'Expecting value: line 1 column 1 (char 0)'],
    ['{"a": [1, 2,\n  3,, 4]}', 'Expecting value: line 2 column 5 (char 17)'],
    ['["\ud83d\ude00\ud83d\ude00", x]', 'Expecting value: line 1 column 8 (char 7)'],
    ['"\\', 'Unterminated string starting at: line 1 column 1 (char 0)'],
    ['[1] [2]', 'Extra data: line 1 column 5 (char 4)'],
    ['{"a":}', 'Expecting value: line 1 column 6 (char 5)'],
    ['1e', 'Extra data: line 1 column 2 (char 1)'],
    ['-Infinityx', 'Extra data: line 1 column 10 (char 9)'],
    ['[NaN, nan]', 'Expecting value: line 1 column 7 (char 6)'],
  ];
  for (const [doc, want] of cases) {
    assert.equal(decodeError(Buffer.from(doc)).message, want, JSON.stringify(doc));
  }
});

test('exposes msg, pos, lineno and colno like JSONDecodeError', () => {
  const err = decodeError('{\n  "a": }');
  assert.equal(err.name, 'JSONDecodeError');
  assert.equal(err.kind, 'syntax');
  assert.deepEqual([err.msg, err.pos, err.lineno, err.colno], ['Expecting value', 9, 2, 8]);
});

test(`accepts ${MAX_JSON_DEPTH} levels of nesting and rejects deeper input without overflowing the stack`, () => {
  const ok = parseJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH));
  assert.ok(Array.isArray(ok));
  const err = decodeError('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1));
  assert.equal(err.message, `Nesting deeper than ${MAX_JSON_DEPTH} levels: line 1 column ${MAX_JSON_DEPTH + 1} (char ${MAX_JSON_DEPTH})`);
  assert.match(decodeError('{"a":'.repeat(200_000)).message, /^Nesting deeper than/);
});

test('leaves containers without integral floats unmarked', () => {
  const v = parseJson('{"inputs": [[0.1, 2.5], [3, 4]]}') as { inputs: number[][] };
  assert.equal(hasFloatMarks(v), false);
  assert.equal(hasFloatMarks(v.inputs[0]), false);
});

test('reads short float spellings (the decimal reader\'s exact range and past it) to the doubles JSON.parse gives', () => {
  const texts: string[] = [];
  for (const mant of ['0', '1', '7', '123', '999999999999999', '100000000000000', '4503599627370497']) {
    for (const e of [-400, -30, -23, -22, -21, -5, -1, 0, 1, 15, 22, 23, 30, 309]) {
      texts.push(`${mant}e${e}`, `-${mant}e${e}`, `${mant}.5e${e}`, `-0.${mant}e${e}`);
    }
  }
  const parsed = parseJson(`[${texts.join(',')}]`) as number[];
  texts.forEach((t, i) => assert.ok(Object.is(parsed[i], JSON.parse(t)), `${t}: read ${parsed[i]}, JSON.parse gives ${JSON.parse(t)}`));
});
