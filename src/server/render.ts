// Owns rendering errors as MLflow's HTTP answers: JSON envelopes, plain-text 415/504, generic 500s.

import { DeadlineExceededError, ServingError, TemporarilyUnavailableError, UnsupportedMediaTypeError } from '../errors.js';
import { writeJson } from '../codecs/json-text.js';
import { silentLogger, type Logger } from '../logger.js';
import { logRequestError } from './log-errors.js';

/** An HTTP answer ready to send. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

const PLAIN = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json';

/**
 * Renders any thrown value as MLflow would answer it; unknown errors become a generic 500. The
 * failure is logged once (see logRequestError) with the request id.
 */
export function renderError(err: unknown, logger: Logger = silentLogger, requestId?: string): HttpAnswer {
  logRequestError(logger, err, requestId);
  if (err instanceof UnsupportedMediaTypeError) return { status: 415, contentType: PLAIN, body: err.message };
  if (err instanceof DeadlineExceededError) return { status: 504, contentType: JSON_TYPE, body: err.message };
  if (err instanceof ServingError) {
    const envelope: Record<string, unknown> = { error_code: err.errorCode, message: err.message };
    if (err.stackTrace !== undefined) envelope.stack_trace = err.stackTrace;
    const headers: Record<string, string> = {};
    if (err instanceof TemporarilyUnavailableError && err.retryAfterSeconds !== undefined) headers['retry-after'] = String(err.retryAfterSeconds);
    return { status: err.status, contentType: JSON_TYPE, body: writeJson(envelope), headers };
  }
  return {
    status: 500,
    contentType: JSON_TYPE,
    body: writeJson({ error_code: 'INTERNAL_ERROR', message: 'The server hit an unexpected error while handling the request. See the server log.' }),
  };
}
