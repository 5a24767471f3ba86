// Owns rendering errors on the V2 edge: `{"error": message}` with the error's HTTP status (OIP spec §3.11); gRPC maps that status in grpc.ts.

import { ServingError, TemporarilyUnavailableError } from '../../errors.js';
import type { HttpAnswer } from '../render.js';
import type { Logger } from '../../logger.js';
import { logRequestError } from '../log-errors.js';

const GENERIC = 'The server hit an unexpected error while handling the request. See the server log.';

/** A thrown value as a V2 error: HTTP status, message, and Retry-After seconds; unknown errors become a generic 500. Logged once (logRequestError). */
export function v2Error(err: unknown, logger: Logger, requestId?: string): { status: number; message: string; retryAfterSeconds?: number } {
  logRequestError(logger, err, requestId);
  if (err instanceof ServingError) {
    const retryAfterSeconds = err instanceof TemporarilyUnavailableError ? err.retryAfterSeconds : undefined;
    return { status: err.status, message: err.message, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  }
  return { status: 500, message: GENERIC };
}

/** The HTTP answer of a V2 route for a thrown value: `{"error": "<message>"}` with the error's status. */
export function renderV2Error(err: unknown, logger: Logger, requestId?: string): HttpAnswer {
  const e = v2Error(err, logger, requestId);
  const headers: Record<string, string> = {};
  if (e.retryAfterSeconds !== undefined) headers['retry-after'] = String(e.retryAfterSeconds);
  if (e.status === 413) headers.connection = 'close';
  return { status: e.status, contentType: 'application/json', body: JSON.stringify({ error: e.message }), headers };
}
