// Owns reading input bytes: a file or a stream, in pieces, as bytes or as UTF-8 text, with the bytes consumed so far.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { BadRequestError, ServingError } from '../errors.js';
import type { InputSource } from './types.js';

/** Bytes read from a file at a time. */
const READ_PIECE_BYTES = 1 << 20;

/** An opened input: its pieces in order and, when known, its size. */
export interface ByteSource {
  readonly pieces: AsyncIterable<Uint8Array>;
  readonly totalBytes?: number;
}

/** A piece of decoded text and the input bytes consumed once it was read. */
export interface TextPiece {
  readonly text: string;
  readonly bytesRead: number;
}

/** Size of an input file; throws ServingError RESOURCE_DOES_NOT_EXIST (or INVALID_PARAMETER_VALUE) when it cannot be read. */
export async function inputFileSize(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new ServingError('INVALID_PARAMETER_VALUE', `The input path ${path} is a directory, not a file.`);
    return s.size;
  } catch (err) {
    if (err instanceof ServingError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ServingError('RESOURCE_DOES_NOT_EXIST', `The input file ${path} does not exist.`, { cause: err });
    throw new ServingError('INVALID_PARAMETER_VALUE', `Cannot read the input file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** The stream's pieces; a stream that ends without a byte is a mistake (nothing was piped), not an empty input. */
async function* nonEmpty(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  for await (const piece of stream) {
    bytes += piece.length;
    yield piece;
  }
  if (bytes === 0) throw new BadRequestError('No input: standard input was empty. Pass -i <file>, or pipe a file into mlserve (mlserve models predict -m <model> < input.json).');
}

/** Opens an input source for reading in pieces. */
export async function openByteSource(input: InputSource): Promise<ByteSource> {
  if ('path' in input) {
    const totalBytes = await inputFileSize(input.path);
    return { pieces: createReadStream(input.path, { highWaterMark: READ_PIECE_BYTES }) as AsyncIterable<Uint8Array>, totalBytes };
  }
  return { pieces: nonEmpty(input.stream as Readable as AsyncIterable<Uint8Array>), totalBytes: input.sizeBytes };
}

/** Reads a whole source into one buffer (JSON documents, Parquet from a stream). */
export async function readAll(source: ByteSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of source.pieces) parts.push(typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
  return Buffer.concat(parts);
}

/**
 * Decodes a source as UTF-8 text in pieces (a character split across pieces is kept whole; a
 * leading BOM is dropped). Throws BadRequestError for bytes that are not UTF-8.
 */
export async function* utf8Pieces(source: ByteSource, what: string): AsyncGenerator<TextPiece> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytesRead = 0;
  const fail = (err: unknown): never => {
    throw new BadRequestError(`The ${what} input is not valid UTF-8 (in bytes ${bytesRead}+ of the input).`, { cause: err });
  };
  for await (const piece of source.pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
    let text = '';
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch (err) {
      fail(err);
    }
    bytesRead += bytes.byteLength;
    if (text) yield { text, bytesRead };
  }
  let rest = '';
  try {
    rest = decoder.decode();
  } catch (err) {
    fail(err);
  }
  if (rest) yield { text: rest, bytesRead };
}
