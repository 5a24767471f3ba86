// Owns opening the chunk reader for an input format: CSV and JSON lines stream, Parquet reads lazily, a JSON document is read whole.

import { asyncBufferFromFile, type AsyncBuffer } from 'hyparquet';
import type { DecodeContext } from '../codecs/types.js';
import { inputFileSize, openByteSource, readAll, utf8Pieces } from './source.js';
import { readCsvChunks } from './read-csv.js';
import { readJsonlChunks } from './read-jsonl.js';
import { readParquet } from './read-parquet.js';
import { jsonDocumentChunk } from './read-json.js';
import type { ChunkReader, InputChunk, InputFormat, InputSource } from './types.js';

/**
 * Opens `input` as `format`, to be read in chunks of `batchSize` rows (a Parquet file lazily, by
 * ranges). Throws ServingError when the input file does not exist; decoding errors surface while
 * iterating.
 */
export async function openReader(input: InputSource, format: InputFormat, batchSize: number, ctx: DecodeContext): Promise<ChunkReader> {
  if (format === 'parquet' && 'path' in input) {
    const totalBytes = await inputFileSize(input.path);
    return { ...(await readParquet(await asyncBufferFromFile(input.path), batchSize)), totalBytes };
  }
  const source = await openByteSource(input);
  switch (format) {
    case 'csv':
      return { chunks: readCsvChunks(utf8Pieces(source, 'CSV'), { batchSize, schema: ctx.signature?.inputs }), totalBytes: source.totalBytes };
    case 'jsonl':
      return { chunks: readJsonlChunks(utf8Pieces(source, 'JSON-lines'), batchSize, ctx), totalBytes: source.totalBytes };
    case 'parquet': {
      // A stream cannot be read by ranges and Parquet's footer comes last: standard input is read whole.
      const all = await readAll(source);
      const file: AsyncBuffer = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
      return { ...(await readParquet(file, batchSize)), totalBytes: source.totalBytes };
    }
    case 'json': {
      async function* whole(): AsyncGenerator<InputChunk> {
        yield jsonDocumentChunk(await readAll(source), ctx);
      }
      return { chunks: whole(), totalBytes: source.totalBytes };
    }
  }
}
