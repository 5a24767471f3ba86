// Owns rendering errors as MLflow's HTTP answers: JSON envelopes, plain-text 415, generic 500s,
// stack traces without the server's paths, and bounded sizes.

import { fileURLToPath } from 'node:url';
import { ServingError, TemporarilyUnavailableError, UnsupportedMediaTypeError } from '../errors.js';
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

/** Longest message or stack trace sent: error answers stay small whatever the request held. */
export const MAX_MESSAGE_CHARS = 64 * 1024;

/** The package's root folder (dist/src/server/ -> ../../..), as it appears in stack traces. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A stack trace without the server's absolute paths: frames in mlserve's package become relative
 * to it (`dist/src/runtime/direct.js:12:5`), any other absolute path keeps only its file name
 * (`model.mjs:3:9`), so that answers do not reveal the server's layout.
 */
export function scrubStackTrace(trace: string): string {
  return trace
    .split(`file://${PACKAGE_ROOT}`)
    .join('')
    .split(PACKAGE_ROOT)
    .join('')
    .replace(/(?<=^|[\s(])(?:file:\/\/)?\/(?:[^\s()'":/]+\/)+([^\s()'":/]+)/gm, '$1');
}

/** How errors are rendered. */
export interface RenderOptions {
  /** Send MLflow's `stack_trace` field (paths scrubbed). @default true */
  readonly stackTraces?: boolean;
}

/** Cuts an error text to MAX_MESSAGE_CHARS, saying how much was left out. */
export function boundText(text: string): string {
  if (text.length <= MAX_MESSAGE_CHARS) return text;
  return `${text.slice(0, MAX_MESSAGE_CHARS)}... [${text.length - MAX_MESSAGE_CHARS} more characters]`;
}
const JSON_TYPE = 'application/json';

/**
 * Renders any thrown value as MLflow would answer it; unknown errors become a generic 500. The
 * failure is logged once (see logRequestError) with the request id. A 504 is MLflow's envelope
 * (MLflow sends its text unquoted, labelled JSON).
 */
export function renderError(err: unknown, logger: Logger = silentLogger, requestId?: string, options: RenderOptions = {}): HttpAnswer {
  logRequestError(logger, err, requestId);
  if (err instanceof UnsupportedMediaTypeError) return { status: 415, contentType: PLAIN, body: boundText(err.message) };
  if (err instanceof ServingError) {
    const envelope: Record<string, unknown> = { error_code: err.errorCode, message: boundText(err.message) };
    if (err.stackTrace !== undefined && options.stackTraces !== false) envelope.stack_trace = boundText(scrubStackTrace(err.stackTrace));
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
