// Owns what the operator sees of a failed request: the model's exceptions with their stack, unexpected errors, and (at debug) the rest.

import { ServingError } from '../errors.js';
import { errorFields, type Logger } from '../logger.js';

/**
 * Logs a request's failure once, with its request id: an exception the model raised (MLflow's
 * generic 400 to the client) and unexpected errors (a generic 500) at `error`, with the stack;
 * answers the client caused or that are the server's state (4xx, 503, 504) at `debug` only.
 */
export function logRequestError(logger: Logger, err: unknown, requestId: string | undefined): void {
  if (!(err instanceof ServingError)) {
    logger.error('unexpected error while handling a request', { request_id: requestId, ...errorFields(err) });
    return;
  }
  if (err.name === 'ModelExecutionError') {
    // The worker's copy carries the model's stack as stackTrace (its first line names the exception).
    const cause = err.cause instanceof Error ? `${err.cause.name}: ${err.cause.message}` : err.stackTrace?.split('\n', 1)[0];
    logger.error('the model raised an exception', { request_id: requestId, error: cause, stack: err.stackTrace });
    return;
  }
  if (logger.enabled('debug')) logger.debug('request failed', { request_id: requestId, status: err.status, error_code: err.errorCode, error: err.message });
}
