import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanNumericBody, type NumericBody } from './_json-numeric.js';
import { rng } from '../../test/helpers/fuzz-gen.js';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');

function scanInputs(text: string): Exclude<NumericBody, { format: 'dataframe_split' }> | undefined {
  return scanNumericBody(bytes(text), 1000) as Exclude<NumericBody, { format: 'dataframe_split' }> | undefined;
}

/** A JSON number spelling: sign, integer part, fraction, exponent, in the proportions that stress rounding. */
function spelling(next: () => number): string {
  const int = (n: number): number => Math.floor(next() * n);
  const digits = (n: number, first = false): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += String(i === 0 && first ? 1 + int(9) : int(10));
    return s;
  };
  const kind = int(8);
  if (kind === 0) {
    // The shortest repr of a random double (up to 17 digits), as Python's json.dumps writes floats.
    const bits = new DataView(new ArrayBuffer(8));
    bits.setUint32(0, int(2 ** 32));
    bits.setUint32(4, int(2 ** 32));
    const v = bits.getFloat64(0);
    if (!Number.isFinite(v)) return '1.5';
    const s = String(v);
    return s.includes('.') || s.includes('e') ? s.replace('e+', 'e') : `${s}.0`;
  }
  if (kind === 1) {
    // Exact midpoints between two doubles past 2^53 (and their neighbours): ties round to even.
    const shift = 1 + int(10);
    const mant = (2n ** 52n + BigInt(int(2 ** 30)) * 2n ** 22n + BigInt(int(2 ** 22))) * 2n + 1n;
    const v = (mant << BigInt(shift - 1)) + BigInt(int(3) - 1);
    return `${next() < 0.5 ? '-' : ''}${v}${next() < 0.5 ? '.0' : 'e0'}`;
  }
  const sign = next() < 0.3 ? '-' : '';
  const intPart = next() < 0.3 ? '0' : digits(1 + int(kind === 2 ? 25 : 12), true);
  const frac = next() < 0.8 ? `.${next() < 0.3 ? '0'.repeat(1 + int(8)) : ''}${digits(1 + int(kind === 3 ? 25 : 12))}` : '';
  const expRange = kind === 4 ? 700 : 50;
  const exp = next() < 0.5 || !frac ? `${next() < 0.5 ? 'e' : 'E'}${['', '+', '-'][int(3)]}${int(expRange / 2)}` : '';
  return `${sign}${intPart}${frac || (exp ? '' : '.5')}${exp}`;
}

test('reads number spellings to the same doubles as JSON.parse, and their float32 rounding with them', () => {
  const next = rng(18);
  let slowOnes = 0;
  for (let round = 0; round < 200; round++) {
    const texts = Array.from({ length: 500 }, () => spelling(next));
    const scanned = scanInputs(`{"inputs": [${texts.join(', ')}]}`);
    assert.ok(scanned, `declined: ${texts.join(', ')}`);
    const { values } = scanned.array;
    texts.forEach((t, i) => {
      const expected = JSON.parse(t) as number;
      assert.ok(Object.is(values[i], expected), `${t}: read ${values[i]}, JSON.parse gives ${expected}`);
      assert.ok(Object.is(Math.fround(values[i]), Math.fround(expected)), t);
      if (!Number.isFinite(expected) || Math.abs(expected) < 1e-22) slowOnes++;
    });
  }
  assert.ok(slowOnes > 0, 'the generator reaches the text fallback too');
});

test('reads the hard cases: -0, subnormals, overflow, ties, 17+ digits', () => {
  const texts = [
    '-0.0', '0.0', '-0e5', '0e-400', '5e-324', '2.4703282292062327e-324', '2.4703282292062328e-324', '4.9406564584124654e-324',
    '2.2250738585072011e-308', '2.2250738585072014e-308', '1.7976931348623157e308', '1.7976931348623158e308', '1e309', '-1e400',
    '9007199254740993.0', '9007199254740995.0', '9007199254740993.000000000001', '0.30000000000000004', '0.1000000000000000055511151231257827',
    '1.00000000000000011102230246251565404236316680908203125', '1.0000000000000001110223024625156540423631668090820313', '123456789012345678e-20',
    '1234567890123456789', '12345678901234567890.5', '0.000001234567890123456789', '1e22', '1e23', '8.98846567431158e307', '4.5035996273704985e15',
  ].map((t) => (t.includes('.') || /e/i.test(t) ? t : `${t}.0`));
  const scanned = scanInputs(`{"inputs": [${texts.join(',')}]}`);
  assert.ok(scanned);
  texts.forEach((t, i) => assert.ok(Object.is(scanned.array.values[i], JSON.parse(t)), t));
  assert.equal(scanned.array.floatAt[0], 1);
});

test('integer literals are ints: -0 is +0 (Python int 0), and only positions holding a float literal are marked', () => {
  const scanned = scanInputs('{"inputs": [[-0, 1, 2.0], [3, 4, 5e0]]}');
  assert.ok(scanned);
  assert.ok(Object.is(scanned.array.values[0], 0));
  assert.deepEqual(scanned.array.shape, [2, 3]);
  assert.deepEqual([...scanned.array.floatAt], [0, 0, 1]);
  assert.deepEqual([...scanned.array.values], [0, 1, 2, 3, 4, 5]);
});

test('reads dataframe_split in any key order with columns and index', () => {
  const scanned = scanNumericBody(bytes('\r\n{ "dataframe_split" :{"index":[0, "b"],\t"data": [[1, 2.5],[3,4]], "columns": ["a", "b c"]} }\n'), 1000);
  assert.ok(scanned?.format === 'dataframe_split');
  assert.deepEqual({ ...scanned, data: { ...scanned.data, values: [...scanned.data.values], floatAt: [...scanned.data.floatAt] } }, {
    format: 'dataframe_split',
    columns: ['a', 'b c'],
    indexLength: 2,
    data: { shape: [2, 2], values: [1, 2.5, 3, 4], floatAt: [0, 1] },
  });
});

test('declines everything outside the plain-numbers subset', () => {
  const declined = [
    '{"inputs": [[1, null]]}', '{"inputs": [[1, NaN]]}', '{"inputs": [Infinity]}', '{"inputs": [-Infinity]}', '{"inputs": [["1"]]}',
    '{"inputs": [[1, {"a": 1}]]}', '{"inputs": [[1, 2], [3]]}', '{"inputs": [[1, 2], 3]}', '{"inputs": [1, [2]]}', '{"inputs": []}',
    '{"inputs": [[]]}', '{"inputs": [1.]}', '{"inputs": [.5]}', '{"inputs": [01]}', '{"inputs": [-]}', '{"inputs": [1e]}', '{"inputs": [+1]}',
    '{"inputs": [1234567890123456]}', '{"inputs": [true]}', '{"inputs": [1]} x', '{"inputs": [1], "params": {}}',
    '{"inputs": [1], "inputs": [2]}', '{"instances": [1], "inputs": [2]}', '{"instance": [1]}', '{"in\\u0070uts": [1]}', '{"inputs": [1\u000b]}', '{"inputs": [1\u00a0]}', '\ufeff{"inputs": [1]}',
    '{"dataframe_split": {"columns": ["a"]}}', '{"dataframe_split": {"data": [1, 2]}}',
    '{"dataframe_split": {"data": [[1]], "data": [[2]]}}', '{"dataframe_split": {"data": [[1]], "extra": 1}}',
    '{"dataframe_split": {"columns": ["\\u0061"], "data": [[1]]}}', '{"dataframe_split": {"columns": [1], "data": [[1]]}}',
    '{"dataframe_split": {"columns": [], "data": [[1]]}}', '{"dataframe_split": {"columns": null, "data": [[1]]}}',
    '{"dataframe_split": {"index": null, "data": [[1]]}}', '{"dataframe_split": {"data": [[1]]}', '{"inputs": [[1, 2]',
  ];
  for (const text of declined) assert.equal(scanNumericBody(Buffer.from(text, 'utf8'), 1000), undefined, text);
  assert.equal(scanNumericBody(Buffer.from('{"dataframe_split": {"columns": ["größe"], "data": [[1]]}}', 'utf8'), 1000), undefined);
  assert.equal(scanNumericBody(Buffer.from('{"inputs": [1]}', 'utf16le'), 1000), undefined);
});

test('declines bodies nested deeper than the parser allows', () => {
  assert.ok(scanNumericBody(bytes('{"inputs": [[1]]}'), 3));
  assert.equal(scanNumericBody(bytes('{"inputs": [[1]]}'), 2), undefined);
  assert.ok(scanNumericBody(bytes('{"dataframe_split": {"data": [[1]]}}'), 4));
  assert.equal(scanNumericBody(bytes('{"dataframe_split": {"data": [[1]]}}'), 3), undefined);
  assert.equal(scanNumericBody(bytes(`{"inputs": ${'['.repeat(40)}1${']'.repeat(40)}}`), 1000), undefined);
});

test('storage grows with the numbers sent and ends at their count', () => {
  const n = 5000;
  const scanned = scanInputs(`{"inputs": [${Array.from({ length: n }, (_, i) => `[${i}.5,${i}]`).join(',')}]}`);
  assert.ok(scanned);
  assert.deepEqual(scanned.array.shape, [n, 2]);
  assert.equal(scanned.array.values.length, 2 * n);
  assert.equal(scanned.array.values[2 * n - 2], n - 0.5);
});

test('without arrays, inputs and instances are declined at their key and dataframe_split is still read', () => {
  // A body that is valid up to its key only: declining must not depend on reading the numbers.
  assert.equal(scanNumericBody(bytes('{"inputs": [[1, 2], [3, 4]]}'), 1000, false), undefined);
  assert.equal(scanNumericBody(bytes('{"instances": [1, 2]}'), 1000, false), undefined);
  assert.ok(scanNumericBody(bytes('{"inputs": [[1, 2], [3, 4]]}'), 1000));
  assert.equal(scanNumericBody(bytes('{"dataframe_split": {"data": [[1, 2]]}}'), 1000, false)?.format, 'dataframe_split');
});
