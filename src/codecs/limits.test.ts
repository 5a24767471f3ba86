import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError, RequestTooLargeError } from '../errors.js';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { checkInputSize, checkPadding, checkShape, DEFAULT_REQUEST_LIMITS } from './limits.js';
import { decodeDataframeRecords, decodeDataframeSplit } from './dataframe.js';
import { decodeCsv } from './csv.js';
import { parseV2Request } from './v2.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('checkShape', () => {
  it('rejects a zero-size shape whose other dimensions the request cannot carry, before any loop', () => {
    assert.throws(() => checkShape("Input 'x'", [2 ** 53 - 1, 0], 92), {
      name: 'BadRequestError',
      message: "Input 'x': shape [9007199254740991, 0] describes more positions than a 92-byte request can carry.",
    });
    assert.throws(() => checkShape("Input 'x'", [0, 70_000, 70_000], 1000), BadRequestError);
  });

  it('accepts empty batches and shapes the bytes sent justify', () => {
    checkShape("Input 'x'", [0, 4], 50);
    checkShape("Input 'x'", [3, 0], 50);
    checkShape("Input 'x'", [100_000, 4], 1_000_000);
  });

  it("rejects more than numpy's 64 dimensions", () => {
    assert.throws(() => checkShape("Input 'x'", Array(65).fill(1), 1000), /maximum supported dimension for an ndarray is currently 64, found 65/);
  });
});

describe('padding is bounded by the bytes sent', () => {
  it('rejects dataframe_split rows of different lengths that would pad a huge table', () => {
    const data = [Array(5000).fill(1), ...Array(5000).fill([])];
    const body = JSON.stringify({ data });
    assert.throws(() => decodeDataframeSplit({ data }, body.length), /would pad 5,001 rows x 5,000 columns/);
  });

  it('rejects dataframe_records whose keys are all different', () => {
    const records = Array.from({ length: 5000 }, (_, i) => ({ [`k${i}`]: 1 }));
    assert.throws(() => decodeDataframeRecords(records, JSON.stringify(records).length), /would pad 5,000 rows x 5,000 columns/);
  });

  it('still pads short rows and missing keys as pandas does', () => {
    assert.equal(decodeDataframeSplit({ data: [[1, 2, 3], [1]] }, 30).cols.length, 3);
    assert.equal(decodeDataframeRecords([{ a: 1 }, { b: 2 }], 30).cols.length, 2);
  });

  it('rejects CSV lines far shorter than a wide header', () => {
    const header = Array.from({ length: 3000 }, (_, i) => `c${i}`).join(',');
    const text = `${header}\n${'1\n'.repeat(3000)}`;
    assert.throws(() => decodeCsv(text, { sentBytes: text.length }), /would pad 3,000 rows x 3,000 columns/);
  });

  it('checks V2 shapes against the body', () => {
    const body = enc('{"inputs":[{"name":"x1","shape":[9007199254740991,0],"datatype":"FP64","data":[]}]}');
    assert.throws(() => parseV2Request(body), /describes more positions than a 83-byte request can carry/);
  });

  it('stops the V2 parser at the nesting limit', () => {
    const deep = '['.repeat(20) + ']'.repeat(20);
    assert.throws(() => parseV2Request(enc(`{"inputs":[{"name":"x","shape":[1],"datatype":"FP64","data":${deep}}]}`), 10), /Nesting deeper than 10 levels/);
  });
});

describe('checkInputSize', () => {
  const limits = { ...DEFAULT_REQUEST_LIMITS, maxRows: 2, maxColumns: 3, maxElements: 4 };

  it('answers 413 past the rows, columns or elements limits', () => {
    const col = (name: string, n: number) => ({ name, dtype: 'float64' as const, values: new Float64Array(n) });
    assert.throws(() => checkInputSize(new Frame([col('a', 3)]), limits), (err: unknown) => err instanceof RequestTooLargeError && err.status === 413 && /3 rows; this server accepts at most 2 per request \(--max-rows\)/.test(err.message));
    assert.throws(() => checkInputSize(new Frame([col('a', 1), col('b', 1), col('c', 1), col('d', 1)]), limits), /--max-columns/);
    assert.throws(() => checkInputSize(new Tensor('float64', [2, 3], new Float64Array(6)), limits), /6 elements/);
    assert.throws(() => checkInputSize({ a: new Tensor('float64', [2, 2], new Float64Array(4)), b: new Tensor('float64', [2, 1], new Float64Array(2)) }, limits), /--max-elements/);
  });

  it('lets requests within the limits and plain JSON values through', () => {
    checkInputSize(new Tensor('float64', [2, 2], new Float64Array(4)), limits);
    checkInputSize({ messages: [1, 2, 3, 4, 5, 6] }, limits);
  });
});
