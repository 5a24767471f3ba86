import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NAT } from '../data/dtype.js';
import { markFloat } from '../data/float-hint.js';
import { Tensor } from '../data/tensor.js';
import { cellCsv, cellJson, plainValue, quoteCsv } from './cells.js';
import type { OutputColumn } from './output-table.js';

const col = (dtype: OutputColumn['dtype'], values: ArrayLike<unknown>, datetimeAsInt = false): OutputColumn => ({ name: 'c', dtype, values, datetimeAsInt });
const all = (f: (c: OutputColumn, i: number) => string, c: OutputColumn): string[] => Array.from({ length: c.values.length }, (_, i) => f(c, i));

describe('cellJson', () => {
  it("writes values as MLflow's JSON does", () => {
    assert.deepEqual(all(cellJson, col('float64', Float64Array.from([1, 1e-5, NaN, -Infinity]))), ['1.0', '1e-05', 'NaN', '-Infinity']);
    assert.deepEqual(all(cellJson, col('float32', Float32Array.from([0.1]))), ['0.10000000149011612']);
    assert.deepEqual(all(cellJson, col('int64', BigInt64Array.from([2n ** 60n]))), ['1152921504606846976']);
    assert.deepEqual(all(cellJson, col('bool', [true, false])), ['true', 'false']);
    assert.deepEqual(all(cellJson, col('str', ['é"'])), ['"\\u00e9\\""']);
    assert.deepEqual(all(cellJson, col('bytes', [Buffer.from('abc')])), ['"YWJj\\n"']);
    const ns = 1_609_459_200_000_000_000n;
    assert.deepEqual(all(cellJson, col('datetime64', BigInt64Array.from([ns, NAT]))), ['"2021-01-01T00:00:00"', '"NaT"']);
    assert.deepEqual(all(cellJson, col('datetime64', BigInt64Array.from([ns, NAT]), true)), [String(ns), 'null']);
    const objects: unknown[] = [1, 1, null, { a: [1, 2] }, new Tensor('int32', [2], Int32Array.from([1, 2]))];
    markFloat(objects, 1);
    assert.deepEqual(all(cellJson, col('object', objects)), ['1', '1.0', 'null', '{"a": [1, 2]}', '[1, 2]']);
  });
});

describe('cellCsv', () => {
  it("writes values as pandas' to_csv does", () => {
    assert.deepEqual(all(cellCsv, col('float64', Float64Array.from([1, 0.5, NaN, Infinity, -Infinity]))), ['1.0', '0.5', '', 'inf', '-inf']);
    assert.deepEqual(all(cellCsv, col('bool', [true, false])), ['True', 'False']);
    assert.deepEqual(all(cellCsv, col('object', ['a,b', null, NaN, 3, true, [1, 2], Buffer.from('abc')])), ['a,b', '', '', '3', 'True', '[1, 2]', 'YWJj']);
    assert.deepEqual(all(cellCsv, col('datetime64', BigInt64Array.from([1_609_459_200_000_000_000n, NAT]))), ['2021-01-01 00:00:00', '']);
  });

  it('quotes fields with commas, quotes and line breaks', () => {
    assert.deepEqual(['plain', 'a,b', 'say "hi"', 'x\ny'].map(quoteCsv), ['plain', '"a,b"', '"say ""hi"""', '"x\ny"']);
  });
});

describe('plainValue', () => {
  it('turns tensors, typed arrays, maps and bytes into JSON-like values', () => {
    assert.deepEqual(plainValue({ t: new Tensor('float64', [2, 1], Float64Array.from([1, 2])), m: new Map([[1, BigInt64Array.from([3n])]]), b: Buffer.from('abc') }), {
      t: [[1], [2]],
      m: { 1: [3] },
      b: 'YWJj',
    });
  });
});
