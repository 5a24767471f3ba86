// Owns answering /invocations as server-sent events for models that stream (wire format: docs/streaming.md).
//
// Each chunk is one event, `data: <the chunk's JSON>`; the stream ends with `data: [DONE]`, as
// OpenAI-style chat streams do. A failure after the first chunk (the status is already sent) is an
// `event: error` whose data is MLflow's error JSON, and the stream ends without `[DONE]`.

import type { ServerResponse } from 'node:http';
import { DeadlineExceededError, isServingError } from '../errors.js';
import type { Logger } from '../logger.js';
import { writeJson } from '../codecs/json-text.js';
import { isPlainObject } from '../data/pytype.js';
import type { DecodedRequest } from '../codecs/types.js';
import { renderError } from './render.js';

/** The media type of server-sent events. */
export const EVENT_STREAM = 'text/event-stream';

/**
 * True when a request asks for a streamed answer: `Accept: text/event-stream`, or a unified LLM
 * payload (chat, completions) with `"stream": true`.
 */
export function wantsStream(accept: string | undefined, decoded: DecodedRequest): boolean {
  if (accept !== undefined && accept.split(',').some((t) => t.split(';')[0].trim().toLowerCase() === EVENT_STREAM)) return true;
  return decoded.unwrapped && isPlainObject(decoded.input) && decoded.input.stream === true;
}

/** One event's text; `data` holds no newline (JSON text is written without raw newlines). */
function event(data: string, name?: string): string {
  return `${name ? `event: ${name}\n` : ''}data: ${data}\n\n`;
}

/** Settings of one streamed answer. */
export interface StreamAnswerOptions {
  /** Longest wait for the next chunk before the stream ends with DEADLINE_EXCEEDED (`--timeout`). */
  readonly idleTimeoutMs: number;
  /** Headers every answer carries (x-mlserve-version). */
  readonly headers: Record<string, string>;
  /** Where a model failure mid-stream is logged. */
  readonly logger: Logger;
  /** The request's id, for that log line. */
  readonly requestId?: string;
}

function writeEvent(res: ServerResponse, text: string): Promise<void> {
  if (res.write(text)) return Promise.resolve();
  // The client reads slowly: wait until the socket drains, or until it goes away.
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** The next chunk, or a DeadlineExceededError when none comes within `ms`. */
function nextWithin(chunks: AsyncIterator<string>, ms: number): Promise<IteratorResult<string>> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError()), ms);
  });
  return Promise.race([chunks.next(), idle]).finally(() => clearTimeout(timer));
}

/**
 * Sends a 200 event stream starting with `first`, then the rest of `chunks`. Resolves when the
 * stream has ended (finished, failed, or the client went away: the caller aborts the model's stream).
 */
export async function sendEventStream(res: ServerResponse, first: IteratorResult<string>, chunks: AsyncIterator<string>, options: StreamAnswerOptions): Promise<void> {
  res.writeHead(200, { 'content-type': `${EVENT_STREAM}; charset=utf-8`, 'cache-control': 'no-cache', 'x-accel-buffering': 'no', ...options.headers });
  try {
    for (let r = first; !res.destroyed; r = await nextWithin(chunks, options.idleTimeoutMs)) {
      if (r.done) {
        await writeEvent(res, event('[DONE]'));
        break;
      }
      await writeEvent(res, event(r.value));
    }
  } catch (err) {
    const body = isServingError(err) ? writeJson({ error_code: err.errorCode, message: err.message }) : renderError(err, options.logger, options.requestId).body;
    if (!res.destroyed) await writeEvent(res, event(body, 'error'));
  } finally {
    res.end();
  }
}
