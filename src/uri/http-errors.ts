// Owns the errors of HTTP calls to a tracking server: MLflow's `{error_code, message}` envelope, statuses
// without it, and network failures, each naming the server and saying what to check.

import { ERROR_STATUS, InvalidModelUriError, ModelNotFoundError, ServingError, type ErrorCode } from '../errors.js';
import type { Where } from './http-client.js';

/** Network error codes that mean a rejected certificate: retrying cannot help. */
export const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/;

/** The most specific code of a network error (`ECONNREFUSED`, a TLS code, …). */
export function causeCode(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? (err as { code?: string })?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
}

/** A server that could not be reached (TEMPORARILY_UNAVAILABLE), with what to check. */
export function unreachable(what: string, where: Where, code: string, attempts: number): ServingError {
  const hint = TLS_CODES.test(code)
    ? 'The TLS certificate was rejected: set MLFLOW_TRACKING_SERVER_CERT_PATH to its CA, or MLFLOW_TRACKING_INSECURE_TLS=true.'
    : 'Check the tracking URI (MLFLOW_TRACKING_URI or --tracking-uri) and that the server is running.';
  return new ServingError('TEMPORARILY_UNAVAILABLE', `Could not reach the ${where.role} at ${where.uri} (${what}): ${code}, after ${attempts} attempt(s). ${hint}`);
}

function statusCode(status: number): ErrorCode {
  const byStatus: Record<number, ErrorCode> = { 400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'ENDPOINT_NOT_FOUND', 429: 'REQUEST_LIMIT_EXCEEDED', 503: 'TEMPORARILY_UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };
  return byStatus[status] ?? 'INTERNAL_ERROR';
}

/** Turns a non-2xx answer into a ServingError: MLflow's `{error_code, message}` when sent, else by status. */
export function httpError(status: number, body: string, what: string, where: Where): ServingError {
  let code: string | undefined;
  let message: string | undefined;
  try {
    const j = JSON.parse(body) as { error_code?: unknown; message?: unknown };
    if (typeof j.error_code === 'string') code = j.error_code;
    if (typeof j.message === 'string') message = j.message;
  } catch {
    /* not MLflow's envelope */
  }
  if (message !== undefined && code === 'RESOURCE_DOES_NOT_EXIST') return new ModelNotFoundError(`${message} (${where.role}: ${where.uri})`);
  if (message !== undefined && code === 'INVALID_PARAMETER_VALUE') return new InvalidModelUriError(`${message} (${where.role}: ${where.uri})`);
  const known = code !== undefined && code in ERROR_STATUS ? (code as ErrorCode) : statusCode(status);
  const detail = message ?? (body.trim().slice(0, 300) || '(empty body)');
  const hint =
    status === 401
      ? ' Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN.'
      : status === 403
        ? ' The credentials lack permission for this model.'
        : status === 404 && code === undefined
          ? ' Check that the tracking URI points at an MLflow server.'
          : '';
  return new ServingError(known, `The ${where.role} at ${where.uri} answered ${status} to ${what}: ${detail}.${hint}`);
}
