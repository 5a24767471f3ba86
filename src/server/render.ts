// Owns rendering errors as MLflow's HTTP answers: JSON envelopes, plain-text 415/504, generic 500s.

import { DeadlineExceededError, ServingError, TemporarilyUnavailableError, UnsupportedMediaTypeError } from '../errors.js';
import { writeJson } from '../codecs/json-text.js';

/** An HTTP answer ready to send. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

const PLAIN = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json';

/** Renders any thrown value as MLflow would answer it; unknown errors are logged once and become a generic 500. */
export function renderError(err: unknown, log: (message: string) => void = (m) => console.error(m)): HttpAnswer {
  if (err instanceof UnsupportedMediaTypeError) return { status: 415, contentType: PLAIN, body: err.message };
  if (err instanceof DeadlineExceededError) return { status: 504, contentType: JSON_TYPE, body: err.message };
  if (err instanceof ServingError) {
    const envelope: Record<string, unknown> = { error_code: err.errorCode, message: err.message };
    if (err.stackTrace !== undefined) envelope.stack_trace = err.stackTrace;
    const headers: Record<string, string> = {};
    if (err instanceof TemporarilyUnavailableError && err.retryAfterSeconds !== undefined) headers['retry-after'] = String(err.retryAfterSeconds);
    return { status: err.status, contentType: JSON_TYPE, body: writeJson(envelope), headers };
  }
  log(`mlserve: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return {
    status: 500,
    contentType: JSON_TYPE,
    body: writeJson({ error_code: 'INTERNAL_ERROR', message: 'The server hit an unexpected error while handling the request. See the server log.' }),
  };
}
