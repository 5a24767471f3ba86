import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatRepr, numberRepr, strRepr, bytesRepr, valueRepr, tensorStr, tensorRepr, frameStr } from './pyrepr.js';
import { markFloat } from './float-hint.js';
import { Tensor } from './tensor.js';
import { Frame } from './frame.js';
import { NAT } from './dtype.js';

// Expected texts below were produced by CPython 3.11 (repr) and numpy/pandas conventions.

test('floatRepr matches Python repr(float) in fixed and exponent ranges', () => {
  const cases: [number, string][] = [
    [1, '1.0'],
    [-0, '-0.0'],
    [0, '0.0'],
    [0.1, '0.1'],
    [1e-5, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [0.0001, '0.0001'],
    [0.00011, '0.00011'],
    [123456789012345, '123456789012345.0'],
    [1e16, '1e+16'],
    [9999999999999998, '9999999999999998.0'],
    [2.5e300, '2.5e+300'],
    [1e22, '1e+22'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [-1.5, '-1.5'],
    [100, '100.0'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [1 / 3, '0.3333333333333333'],
  ];
  for (const [x, want] of cases) assert.equal(floatRepr(x), want, `floatRepr(${x})`);
});

test('numberRepr prints integral numbers as ints unless they are floats or unsafe', () => {
  assert.equal(numberRepr(3, false), '3');
  assert.equal(numberRepr(3, true), '3.0');
  assert.equal(numberRepr(-0, false), '-0.0');
  assert.equal(numberRepr(0.5, false), '0.5');
  assert.equal(numberRepr(1e20, false), '1e+20');
});

test('strRepr picks quotes and escapes like Python', () => {
  assert.equal(strRepr('abc'), "'abc'");
  assert.equal(strRepr("it's"), `"it's"`);
  assert.equal(strRepr('say "hi"'), `'say "hi"'`);
  assert.equal(strRepr(`both ' and "`), `'both \\' and "'`);
  assert.equal(strRepr('tab\tnl\nret\r'), "'tab\\tnl\\nret\\r'");
  assert.equal(strRepr('back\\slash'), "'back\\\\slash'");
  assert.equal(strRepr('\x00\x1f\x7f'), "'\\x00\\x1f\\x7f'");
  assert.equal(strRepr('é😀'), "'é😀'");
  assert.equal(strRepr('\x80\xa0\u2028\ufeff\u200b'), "'\\x80\\xa0\\u2028\\ufeff\\u200b'");
  assert.equal(strRepr(''), "''");
});

test('bytesRepr prints b-literals with hex escapes', () => {
  assert.equal(bytesRepr(Buffer.from('abc')), "b'abc'");
  assert.equal(bytesRepr(Buffer.from("it's")), `b"it's"`);
  assert.equal(bytesRepr(Buffer.from(`both ' and "`)), `b'both \\' and "'`);
  assert.equal(bytesRepr(new Uint8Array([0, 0xff, 9, 10, 92])), "b'\\x00\\xff\\t\\n\\\\'");
  assert.equal(bytesRepr(new Uint8Array(0)), "b''");
});

test('valueRepr prints dicts, lists, None, booleans and respects float marks', () => {
  const row: Record<string, unknown> = { a: 1, b: 2, c: null, d: true, e: 'x', f: 12345678901234567890n };
  markFloat(row, 'b');
  assert.equal(valueRepr(row), "{'a': 1, 'b': 2.0, 'c': None, 'd': True, 'e': 'x', 'f': 12345678901234567890}");
  const list = [1, 2.5, undefined, [false]];
  assert.equal(valueRepr(list), '[1, 2.5, None, [False]]');
  assert.equal(valueRepr(1), '1');
  assert.equal(valueRepr(1, [1.0], 0), '1');
  const marked = [1];
  markFloat(marked, 0);
  assert.equal(valueRepr(marked[0], marked, 0), '1.0');
  assert.equal(valueRepr(Buffer.from('hi')), "b'hi'");
  assert.equal(valueRepr(new Map([['k', 1]])), "{'k': 1}");
});

test('valueRepr prints dates like datetime.datetime', () => {
  assert.equal(valueRepr(new Date(Date.UTC(2021, 0, 1))), 'datetime.datetime(2021, 1, 1, 0, 0)');
  assert.equal(valueRepr(new Date(Date.UTC(2021, 0, 1, 0, 0, 1, 5))), 'datetime.datetime(2021, 1, 1, 0, 0, 1, 5000)');
});

test('valueRepr prints recursive containers with ellipses instead of looping', () => {
  const a: unknown[] = [1];
  a.push(a);
  assert.equal(valueRepr(a), '[1, [...]]');
});

test('valueRepr prints a top-level tensor as numpy str and a nested one as numpy repr', () => {
  const t = new Tensor('int64', [2], new BigInt64Array([1n, 2n]));
  assert.equal(valueRepr(t), '[1 2]');
  assert.equal(valueRepr({ a: t }), "{'a': array([1, 2])}");
});

test('tensorStr prints numpy str forms', () => {
  assert.equal(tensorStr(new Tensor('float64', [1, 4], new Float64Array([1, 2, 3, 4]))), '[[1. 2. 3. 4.]]');
  assert.equal(tensorStr(new Tensor('float64', [2], new Float64Array([0.1, 1]))), '[0.1 1. ]');
  assert.equal(tensorStr(new Tensor('float64', [3], new Float64Array([1 / 3, 2, -0.5]))), '[ 0.33333333  2.         -0.5       ]');
  assert.equal(tensorStr(new Tensor('float64', [3], new Float64Array([1e-5, 1.5, NaN]))), '[1.0e-05 1.5e+00     nan]');
  assert.equal(tensorStr(new Tensor('int64', [2, 2], new BigInt64Array([1n, 10n, -3n, 4n]))), '[[ 1 10]\n [-3  4]]');
  assert.equal(tensorStr(new Tensor('int32', [2], new Int32Array([1, 2]))), '[1 2]');
  assert.equal(tensorStr(new Tensor('bool', [2], [true, false])), '[ True False]');
  assert.equal(tensorStr(new Tensor('str', [2], ['a', 'bb'])), "['a' 'bb']");
  assert.equal(tensorStr(new Tensor('float64', [], new Float64Array([1]))), '1.0');
  assert.equal(tensorStr(new Tensor('float64', [2, 0], new Float64Array(0))), '[]');
  const dt = new Tensor('datetime64', [2], new BigInt64Array([1609459200000000000n, NAT]));
  assert.equal(tensorStr(dt), "['2021-01-01T00:00:00.000000000' 'NaT']");
});

test('tensorStr wraps long rows at 75 columns and summarises more than 1000 elements', () => {
  const wrapped = tensorStr(new Tensor('float64', [30], Float64Array.from({ length: 30 }, (_, i) => i * 1.5)));
  assert.equal(
    wrapped,
    '[ 0.   1.5  3.   4.5  6.   7.5  9.  10.5 12.  13.5 15.  16.5 18.  19.5\n' +
      ' 21.  22.5 24.  25.5 27.  28.5 30.  31.5 33.  34.5 36.  37.5 39.  40.5\n' +
      ' 42.  43.5]',
  );
  const big = tensorStr(new Tensor('int32', [2000], Int32Array.from({ length: 2000 }, (_, i) => i)));
  assert.equal(big, '[   0    1    2 ... 1997 1998 1999]');
});

test('tensorRepr prints numpy repr with dtype when not implied', () => {
  assert.equal(tensorRepr(new Tensor('float64', [2], new Float64Array([1, 2]))), 'array([1., 2.])');
  assert.equal(tensorRepr(new Tensor('float32', [2], new Float32Array([1, 2]))), 'array([1., 2.], dtype=float32)');
  assert.equal(tensorRepr(new Tensor('str', [2], ['a', 'bb'])), "array(['a', 'bb'], dtype='<U2')");
  assert.equal(tensorRepr(new Tensor('int64', [2, 2], new BigInt64Array([1n, 2n, 3n, 4n]))), 'array([[1, 2],\n       [3, 4]])');
  assert.equal(tensorRepr(new Tensor('float64', [0], new Float64Array(0))), 'array([], dtype=float64)');
});

test('frameStr prints a one-column frame like pandas', () => {
  assert.equal(frameStr(Frame.of({ text: { dtype: 'str', values: ['hi'] } })), '  text\n0   hi');
});

test('frameStr aligns mixed dtypes like pandas', () => {
  const f = Frame.of({
    a: { dtype: 'int64', values: new BigInt64Array([1n, 2n]) },
    b: { dtype: 'float64', values: new Float64Array([1, 2.25]) },
    c: { dtype: 'bool', values: [true, false] },
    d: { dtype: 'datetime64', values: new BigInt64Array([1609459200000000000n, NAT]) },
    e: { dtype: 'object', values: [null, 'x'] },
  });
  assert.equal(frameStr(f), '   a     b      c          d     e\n0  1  1.00   True 2021-01-01  None\n1  2  2.25  False        NaT     x');
});

test('frameStr shows the first and last 5 rows of a long frame', () => {
  const f = Frame.of({ a: { dtype: 'int64', values: BigInt64Array.from({ length: 100 }, (_, i) => BigInt(i)) } });
  const lines = frameStr(f).split('\n');
  assert.deepEqual(lines.slice(0, 3), ['     a', '0    0', '1    1']);
  assert.equal(lines[6], '.. ...');
  assert.equal(lines[11], '99  99');
  assert.equal(lines.at(-1), '[100 rows x 1 columns]');
});

test('frameStr prints empty frames like pandas', () => {
  assert.equal(frameStr(new Frame([])), 'Empty DataFrame\nColumns: []\nIndex: []');
  assert.equal(frameStr(Frame.of({ a: { dtype: 'float64', values: new Float64Array(0) } })), 'Empty DataFrame\nColumns: [a]\nIndex: []');
});
