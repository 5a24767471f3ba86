import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { Frame } from '../data/frame.js';
import type { Tensor } from '../data/tensor.js';
import { parseSchema } from '../schema/signature.js';
import { ServingError } from '../errors.js';
import { readCsvChunks } from './read-csv.js';
import { utf8Pieces, type TextPiece } from './source.js';
import type { InputChunk } from './types.js';

/** The text cut into pieces of `size` characters, as a stream would deliver it. */
async function* pieces(text: string, size: number): AsyncGenerator<TextPiece> {
  for (let i = 0; i < text.length; i += size) yield { text: text.slice(i, i + size), bytesRead: Math.min(text.length, i + size) };
}

async function chunks(text: string, batchSize: number, pieceSize = 3): Promise<InputChunk[]> {
  const out: InputChunk[] = [];
  for await (const c of readCsvChunks(pieces(text, pieceSize), { batchSize })) out.push(c);
  return out;
}

/** Rows `[start, end)` of a chunk (all by default), decoded, as arrays of cells. */
function rows(chunk: InputChunk, start = 0, end = chunk.size): unknown[][] {
  const frame = chunk.decode(start, end).input as Frame;
  return Array.from({ length: frame.numRows }, (_, r) => frame.cols.map((c) => (c.values as ArrayLike<unknown>)[r]));
}

describe('readCsvChunks', () => {
  it('yields chunks of batchSize rows whatever the piece boundaries, with lines and row numbers', async () => {
    const text = 'a,b\n1,x\n2,"y\nz"\r\n3,w\n\n4,v\n5,u';
    for (const size of [1, 2, 5, 1000]) {
      const got = await chunks(text, 2, size);
      assert.deepEqual(got.map((c) => [c.firstRow, c.size]), [[0, 2], [2, 2], [4, 1]], `piece size ${size}`);
      assert.deepEqual(rows(got[0]), [[1n, 'x'], [2n, 'y\nz']]);
      assert.deepEqual(got.map((c) => Array.from({ length: c.size }, (_, i) => c.where(i).line)), [[2, 3], [5, 7], [8]]);
      assert.deepEqual(got[1].where(1), { row: 4, line: 7 });
      assert.deepEqual(got[2].raw(0), { kind: 'csv', fields: ['5', 'u'] });
      assert.deepEqual(got[0].header, ['a', 'b']);
    }
  });

  it('decodes part of a chunk with the same row width, so an over-long row fails alone', async () => {
    const [chunk] = await chunks('a,b\n1,2\n3,4,5\n6,7\n', 10);
    assert.throws(() => chunk.decode(0, 3), /Expected 2 fields in line 3, saw 3/);
    assert.deepEqual(rows(chunk, 0, 1), [[1n, 2n]]);
    assert.deepEqual(rows(chunk, 2, 3), [[6n, 7n]]);
  });

  it('keeps a column float in later chunks once an earlier chunk read it as float', async () => {
    const got = await chunks('a\n1.5\n2\n3\n', 1);
    assert.deepEqual(got.map((c) => (c.decode(0, c.size).input as Frame).cols[0].dtype), ['float64', 'float64', 'float64']);
  });

  it("reads columns with the signature's types", async () => {
    const out: InputChunk[] = [];
    const schema = parseSchema('[{"type": "double", "name": "a", "required": true}]');
    for await (const c of readCsvChunks(pieces('a,b\n1,2\n', 4), { batchSize: 5, schema })) out.push(c);
    assert.deepEqual((out[0].decode(0, 1).input as Frame).dtypes, { a: 'float64', b: 'int64' });
  });

  it('reads the rows as the single named tensor input when its last dimension is the number of columns, keeping the table', async () => {
    const out: InputChunk[] = [];
    const schema = parseSchema('[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}, "name": "input"}]');
    for await (const c of readCsvChunks(pieces('a,b\n1,2\n3,4.5\n', 4), { batchSize: 5, schema })) out.push(c);
    const decoded = out[0].decode(0, 2);
    const t = decoded.input as Tensor;
    assert.deepEqual([t.dtype, t.shape, Array.from(t.data as Float32Array)], ['float32', [2, 2], [1, 2, 3, 4.5]]);
    assert.deepEqual(decoded.table?.columns, ['a', 'b']);
  });

  it('stops at the header, before any row, when it lacks required columns or cannot fill the tensor input', async () => {
    const cases: [string, string, RegExp][] = [
      ['[{"type": "double", "name": "x1", "required": true}, {"type": "double", "name": "x2", "required": true}]', 'x1,x3\n1,2\n', /The CSV header \['x1', 'x3'\] lacks the model's required input column \['x2'\]/],
      ['[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}, "name": "input"}]', 'a,b,c\n1,2,3\n', /Model is missing inputs \['input'\]\. The CSV header has 3 columns \['a', 'b', 'c'\], and the model's single input 'input' is a float32 tensor of shape \(-1, 4\): send 4 columns, one per element \(any names\), or one column named 'input'\./],
    ];
    for (const [json, text, message] of cases) {
      const reading = (async () => {
        for await (const c of readCsvChunks(pieces(text, 100), { batchSize: 5, schema: parseSchema(json) })) void c;
      })();
      await assert.rejects(reading, message);
    }
  });

  it('gives one empty chunk for a header without rows, and MLflow\'s error for an empty input', async () => {
    const [only, ...rest] = await chunks('a,b\n', 10);
    assert.equal(rest.length, 0);
    assert.equal(only.size, 0);
    assert.deepEqual((only.decode(0, 0).input as Frame).columns, ['a', 'b']);
    await assert.rejects(chunks('\n\n', 10), (err: unknown) => err instanceof ServingError && /No columns to parse from file/.test(err.message));
  });

  it('reports an unclosed quote and bytes that are not UTF-8', async () => {
    await assert.rejects(chunks('a\n"x\n', 10), /EOF inside string/);
    const bad = utf8Pieces({ pieces: Readable.from([Buffer.from('a\n'), Buffer.from([0xff, 0x0a])]) }, 'CSV');
    await assert.rejects(async () => {
      for await (const c of readCsvChunks(bad, { batchSize: 10 })) void c;
    }, /not valid UTF-8/);
  });

  it('keeps a character split across byte pieces whole', async () => {
    const bytes = Buffer.from('a\né\n');
    const split = utf8Pieces({ pieces: Readable.from([bytes.subarray(0, 3), bytes.subarray(3)]) }, 'CSV');
    const out: InputChunk[] = [];
    for await (const c of readCsvChunks(split, { batchSize: 10 })) out.push(c);
    assert.deepEqual(rows(out[0]), [['é']]);
  });
});
