import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NpDType } from './dtype.js';
import { PyTreeError } from './errors.js';
import { NdArray, halfToNumber } from './ndarray.js';

describe('NpDType', () => {
  it('parses numpy type strings and prints numpy names', () => {
    const cases: [string, string, string, number][] = [
      ['<f8', '<f8', 'float64', 8],
      ['|b1', '|b1', 'bool', 1],
      ['?', '|b1', 'bool', 1],
      ['>i4', '>i4', 'int32', 4],
      ['u1', '|u1', 'uint8', 1],
      ['<U3', '<U3', 'str96', 12],
      ['|S5', '|S5', 'bytes40', 5],
      ['|O', '|O', 'object', 8],
      ['|V16', '|V16', 'void128', 16],
      ['<M8[ns]', '<M8[ns]', 'datetime64[ns]', 8],
      ['<m8[10s]', '<m8[10s]', 'timedelta64[10s]', 8],
      ['<M8', '<M8', 'datetime64', 8],
    ];
    for (const [text, str, name, size] of cases) {
      const d = NpDType.parse(text);
      assert.deepEqual([d.str, d.name, d.itemsize], [str, name, size], text);
    }
    assert.throws(() => NpDType.parse('<f16'), /long double is not supported/);
    assert.throws(() => NpDType.parse('<i3'), /Unsupported numpy type/);
    assert.throws(() => NpDType.parse('x'), /Unknown numpy type/);
  });
});

describe('NdArray', () => {
  const i64 = (values: bigint[]): NdArray => new NdArray(NpDType.parse('<i8'), [values.length], BigInt64Array.from(values));

  it('gives float64 data itself, and converts other numbers (int64 exactly up to 2^53)', () => {
    const data = new Float64Array([1, 2]);
    const f = new NdArray(NpDType.parse('<f8'), [2], data);
    assert.equal(f.toFloat64Array(), data);
    assert.deepEqual(Array.from(i64([-3n, 2n ** 53n, -(2n ** 60n)]).toFloat64Array()), [-3, 2 ** 53, -(2 ** 60)]);
    assert.deepEqual(Array.from(new NdArray(NpDType.parse('<u8'), [1], BigUint64Array.of(2n ** 64n - 1n)).toFloat64Array()), [2 ** 64]);
    assert.deepEqual(Array.from(new NdArray(NpDType.parse('<f2'), [2], Uint16Array.of(0x3c00, 0xc000)).toFloat64Array()), [1, -2]);
    assert.deepEqual(Array.from(new NdArray(NpDType.parse('|b1'), [2], Uint8Array.of(1, 0)).toFloat32Array()), [1, 0]);
    assert.throws(() => new NdArray(NpDType.parse('<U1'), [1], ['a']).toFloat64Array(), PyTreeError);
  });

  it('narrows integers to int32 only when every value fits', () => {
    assert.deepEqual(Array.from(i64([-1n, 2n ** 31n - 1n]).toInt32Array()), [-1, 2 ** 31 - 1]);
    assert.throws(() => i64([2n ** 31n]).toInt32Array(), /does not fit in int32/);
    assert.throws(() => i64([-(2n ** 40n)]).toInt32Array(), /does not fit in int32/);
    assert.throws(() => new NdArray(NpDType.parse('<f8'), [1], Float64Array.of(1)).toInt32Array(), /as int32/);
  });

  it('reads fields of structured arrays by offset, in their own byte order', () => {
    const dtype = new NpDType({
      kind: 'V',
      itemsize: 12,
      fields: [
        { name: 'a', dtype: NpDType.parse('>i2'), offset: 0, title: null },
        { name: 'b', dtype: NpDType.parse('<f8'), offset: 4, title: null },
      ],
    });
    const raw = Buffer.alloc(24);
    raw.writeInt16BE(-2, 0);
    raw.writeDoubleLE(0.25, 4);
    raw.writeInt16BE(7, 12);
    raw.writeDoubleLE(-1, 16);
    const a = new NdArray(dtype, [2], new Uint8Array(raw));
    assert.deepEqual(a.field('a').toList(), [-2, 7]);
    assert.equal(a.field('a').dtype.str, '<i2');
    assert.deepEqual(a.field('b').toList(), [0.25, -1]);
    assert.throws(() => a.field('c'), /no field 'c' \(fields: a, b\)/);
  });

  it('lists elements as Python would', () => {
    assert.deepEqual(new NdArray(NpDType.parse('<i4'), [2, 2], Int32Array.of(1, 2, 3, 4)).toList(), [
      [1, 2],
      [3, 4],
    ]);
    assert.equal(new NdArray(NpDType.parse('<f8'), [], Float64Array.of(2.5), { isScalar: true }).toList(), 2.5);
    assert.equal(i64([2n ** 60n]).item(0), 2n ** 60n);
  });

  it('decodes IEEE half precision, subnormals and specials included', () => {
    assert.equal(halfToNumber(0x7bff), 65504);
    assert.equal(halfToNumber(0x0001), 2 ** -24);
    assert.equal(halfToNumber(0xfc00), -Infinity);
    assert.ok(Number.isNaN(halfToNumber(0x7e00)));
    assert.ok(Object.is(halfToNumber(0x8000), -0));
  });
});
