// Owns reading JSON-lines input in chunks: one record object per line, decoded as the server decodes `dataframe_records`.

import { BadRequestError } from '../errors.js';
import { parseJson, JsonDecodeError } from '../codecs/json-parse.js';
import { decodeDataframeRecords } from '../codecs/dataframe.js';
import type { DecodeContext, DecodedRequest } from '../codecs/types.js';
import { castFrame } from '../schema/cast.js';
import { isPlainObject } from '../data/pytype.js';
import { orderedKeys } from '../data/key-order.js';
import type { Frame } from '../data/frame.js';
import type { InputChunk } from './types.js';
import { columnWidener } from './widen.js';
import type { TextPiece } from './source.js';

/** Longest line kept while waiting for its end. */
const MAX_LINE_CHARS = 64 * 1024 * 1024;

/** One non-blank input line. */
interface JsonLine {
  readonly text: string;
  /** 1-based physical line. */
  readonly line: number;
}

/** Parses one line into a record; throws BadRequestError (the row's line is added by whoever reports it). */
function parseRecord(l: JsonLine): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJson(l.text);
  } catch (err) {
    if (!(err instanceof JsonDecodeError)) throw err;
    const at = err.colno > 0 ? ` at column ${err.colno}` : '';
    throw new BadRequestError(`Invalid JSON${at}: ${err.msg}`);
  }
  if (!isPlainObject(value)) {
    throw new BadRequestError('Not a JSON object: each line of JSON-lines input is one record, such as {"x": 1.5, "y": "a"}.');
  }
  return value;
}

/**
 * Decodes records as the server decodes `{"dataframe_records": [...]}` (spec §2.5): a Frame cast
 * leniently to the signature, types kept steady across chunks; type-hint models get the records as they are.
 */
function decodeRecords(records: Record<string, unknown>[], ctx: DecodeContext, widen: (f: Frame) => Frame): DecodedRequest {
  if (ctx.signatureFromTypeHint) return { input: records, params: null, unwrapped: false, enforced: true };
  return { input: widen(castFrame(decodeDataframeRecords(records), ctx.signature?.inputs)), params: null, unwrapped: false };
}

function jsonlChunk(lines: JsonLine[], firstRow: number, bytesRead: number, ctx: DecodeContext, widen: (f: Frame) => Frame): InputChunk {
  return {
    firstRow,
    size: lines.length,
    rowWise: true,
    bytesRead,
    decode: (start, end) => decodeRecords(lines.slice(start, end).map(parseRecord), ctx, widen),
    where: (i) => ({ row: firstRow + i + 1, line: lines[i].line }),
    raw: (i) => ({ kind: 'text', text: lines[i].text }),
    columnsOf(i) {
      try {
        return orderedKeys(parseRecord(lines[i]));
      } catch {
        return [];
      }
    },
  };
}

/**
 * Reads JSON lines (`\n` or `\r\n` separated; blank lines skipped) and yields chunks of
 * `batchSize` records (none for an input without records). Lines are parsed when a chunk is
 * decoded, so a bad line fails its chunk.
 */
export async function* readJsonlChunks(pieces: AsyncIterable<TextPiece>, batchSize: number, ctx: DecodeContext): AsyncGenerator<InputChunk> {
  let lines: JsonLine[] = [];
  let pending = '';
  let lineNo = 1;
  let firstRow = 0;
  let bytesRead = 0;
  const widen = columnWidener();

  const push = (raw: string): void => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() !== '') lines.push({ text, line: lineNo });
    lineNo++;
  };
  function* flush(all: boolean): Generator<InputChunk> {
    while (lines.length >= batchSize || (all && lines.length > 0)) {
      const part = lines.length > batchSize ? lines.slice(0, batchSize) : lines;
      lines = part === lines ? [] : lines.slice(batchSize);
      yield jsonlChunk(part, firstRow, bytesRead, ctx, widen);
      firstRow += part.length;
    }
  }

  for await (const piece of pieces) {
    const text = pending + piece.text;
    bytesRead = piece.bytesRead;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      push(text.slice(start, nl));
      start = nl + 1;
    }
    pending = text.slice(start);
    if (pending.length > MAX_LINE_CHARS) throw new BadRequestError(`Line ${lineNo} of the JSON-lines input is longer than ${MAX_LINE_CHARS} characters.`);
    yield* flush(false);
  }
  if (pending) push(pending);
  yield* flush(true);
}
