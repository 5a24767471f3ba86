import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Frame } from '../data/frame.js';
import { encodeOutput } from '../codecs/predictions.js';
import { parseSignature } from '../schema/signature.js';
import { readJsonlChunks } from './read-jsonl.js';
import type { TextPiece } from './source.js';
import type { InputChunk } from './types.js';
import type { DecodeContext } from '../codecs/types.js';

async function* pieces(text: string, size: number): AsyncGenerator<TextPiece> {
  for (let i = 0; i < text.length; i += size) yield { text: text.slice(i, i + size), bytesRead: i + size };
}

async function chunks(text: string, batchSize: number, ctx: DecodeContext = {}, pieceSize = 4): Promise<InputChunk[]> {
  const out: InputChunk[] = [];
  for await (const c of readJsonlChunks(pieces(text, pieceSize), batchSize, ctx)) out.push(c);
  return out;
}

describe('readJsonlChunks', () => {
  it('reads one record per line, skipping blank lines, as dataframe_records', async () => {
    const got = await chunks('{"x": 1, "s": "a"}\r\n\n{"x": 2.0, "s": "b"}\n{"x": 3}', 2);
    assert.deepEqual(got.map((c) => c.size), [2, 1]);
    const frame = got[0].decode(0, 2).input as Frame;
    assert.ok(frame instanceof Frame);
    assert.equal(encodeOutput(frame), '[{"x": 1.0, "s": "a"}, {"x": 2.0, "s": "b"}]');
    assert.deepEqual([got[0].where(1), got[1].where(0)], [{ row: 2, line: 3 }, { row: 3, line: 4 }]);
    assert.deepEqual(got[1].raw(0), { kind: 'text', text: '{"x": 3}' });
    assert.deepEqual(got[0].columnsOf(0), ['x', 's']);
  });

  it('casts to the signature as the server casts dataframe_records', async () => {
    const signature = parseSignature({ inputs: '[{"type": "double", "name": "x", "required": true}]' });
    const [chunk] = await chunks('{"x": 1}\n{"x": "2.5"}\n', 10, { signature });
    assert.deepEqual((chunk.decode(0, 2).input as Frame).dtypes, { x: 'float64' });
  });

  it('fails the rows of a malformed line or a line that is not an object, naming the column of JSON', async () => {
    const [chunk] = await chunks('{"x": 1}\n{"x": 1,}\n[1]\n', 10);
    assert.throws(() => chunk.decode(0, 3), /Invalid JSON at column 9: Expecting property name enclosed in double quotes/);
    assert.throws(() => chunk.decode(2, 3), /Not a JSON object/);
    assert.equal((chunk.decode(0, 1).input as Frame).numRows, 1);
  });

  it('yields nothing for an input without records', async () => {
    assert.deepEqual(await chunks('\n \n', 10), []);
  });
});
