// Owns every error type of mlserve: MLflow's error codes, their HTTP statuses, and named subclasses.

/** MLflow's error codes (mlflow/protos/databricks.proto), used verbatim on the wire. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'CUSTOMER_UNAUTHORIZED'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ENDPOINT_NOT_FOUND'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'ABORTED'
  | 'ALREADY_EXISTS'
  | 'RESOURCE_CONFLICT'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'RESOURCE_EXHAUSTED'
  | 'CANCELLED'
  | 'INTERNAL_ERROR'
  | 'INVALID_STATE'
  | 'DATA_LOSS'
  | 'NOT_IMPLEMENTED'
  | 'TEMPORARILY_UNAVAILABLE'
  | 'DEADLINE_EXCEEDED';

/** HTTP status of each error code, as MLflow maps them (spec §1.7). */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  CUSTOMER_UNAUTHORIZED: 401,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_CONFLICT: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
} as const satisfies Record<ErrorCode, number>;

/** Every code, for tests and docs. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/**
 * Brands mlserve's errors. A model may throw a ServingError from another copy of mlserve (its own
 * node_modules/mlserve, a bundled copy), whose class `instanceof` does not know: the brand, a
 * registry-wide symbol, is how every copy recognises the others' errors (see isServingError).
 */
const SERVING_ERROR_BRAND = Symbol.for('mlserve.ServingError');

/** An error with an MLflow error code; rendered by the server as `{"error_code", "message"}`. */
export class ServingError extends Error {
  readonly errorCode: ErrorCode;
  readonly status: number;
  /** Extra text MLflow sends as `stack_trace` (model failures, CSV parse failures). */
  stackTrace?: string;

  constructor(errorCode: ErrorCode, message: string, options?: { cause?: unknown; status?: number; stackTrace?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServingError';
    this.errorCode = errorCode;
    this.status = options?.status ?? ERROR_STATUS[errorCode];
    this.stackTrace = options?.stackTrace;
  }

  /** A plain, serialisable copy (crosses worker boundaries). */
  toJSON(): FlatError {
    return { name: this.name, errorCode: this.errorCode, status: this.status, message: this.message, stackTrace: this.stackTrace };
  }
}

Object.defineProperty(ServingError.prototype, SERVING_ERROR_BRAND, { value: true });

/** The shape an error takes when it crosses a thread boundary. */
export interface FlatError {
  name: string;
  errorCode: ErrorCode;
  status: number;
  message: string;
  stackTrace?: string;
}

/** Rebuilds a ServingError flattened by `toJSON`. */
export function rebuildError(flat: FlatError): ServingError {
  const err = new ServingError(flat.errorCode, flat.message, { status: flat.status, stackTrace: flat.stackTrace });
  err.name = flat.name;
  return err;
}

/** A request the JSON/CSV codecs cannot turn into model input (400 BAD_REQUEST). */
export class BadRequestError extends ServingError {
  constructor(message: string, options?: { cause?: unknown; stackTrace?: string }) {
    super('BAD_REQUEST', message, options);
    this.name = 'BadRequestError';
  }
}

/** Input that does not satisfy the model signature or params schema (400 INVALID_PARAMETER_VALUE). */
export class SchemaEnforcementError extends ServingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_PARAMETER_VALUE', message, options);
    this.name = 'SchemaEnforcementError';
  }
}

/**
 * A content type the server does not accept. MLflow answers these with plain text, not JSON
 * (spec §1.6), so the renderer sends `message` as the body.
 */
export class UnsupportedMediaTypeError extends ServingError {
  constructor(message: string) {
    super('BAD_REQUEST', message, { status: 415 });
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** A request body over the configured limit. */
export class PayloadTooLargeError extends ServingError {
  constructor(limitBytes: number) {
    super('REQUEST_LIMIT_EXCEEDED', `Request body exceeds the limit of ${limitBytes} bytes. Send smaller batches or raise --max-body-size.`, { status: 413 });
    this.name = 'PayloadTooLargeError';
  }
}

/** A model directory, file or URI that cannot be found. */
export class ModelNotFoundError extends ServingError {
  constructor(message: string) {
    super('RESOURCE_DOES_NOT_EXIST', message);
    this.name = 'ModelNotFoundError';
  }
}

/** A model that exists but cannot be loaded (bad MLmodel, failing module, invalid weights). */
export class ModelLoadError extends ServingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_STATE', message, options);
    this.name = 'ModelLoadError';
  }
}

/**
 * A valid model that mlserve cannot evaluate natively (an unknown class inside a pickle, a format
 * feature no native engine implements). With `--engine auto`, a model that also has the
 * `python_function` flavor falls back to Python workers; otherwise this is the load error.
 */
export class UnsupportedModelError extends ModelLoadError {
  /** What could not be evaluated, each naming where it sits in the model (e.g. a pipeline step). */
  readonly unsupported: readonly string[];
  constructor(message: string, unsupported: readonly string[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnsupportedModelError';
    this.unsupported = unsupported;
  }
}

/** A model URI of a form or scheme mlserve cannot resolve. */
export class InvalidModelUriError extends ServingError {
  constructor(message: string) {
    super('INVALID_PARAMETER_VALUE', message);
    this.name = 'InvalidModelUriError';
  }
}

/** Invalid command-line or programmatic options; lists every problem at once. */
export class InvalidOptionsError extends ServingError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('INVALID_PARAMETER_VALUE', problems.join('\n'));
    this.name = 'InvalidOptionsError';
    this.problems = problems;
  }
}

/**
 * The error MLflow sends when model code throws something that is not an MLflow exception (spec §1.5).
 * The original error is kept as `cause` and its stack as `stack_trace`.
 */
export class ModelExecutionError extends ServingError {
  static readonly MESSAGE =
    'Encountered an unexpected error while evaluating the model. Verify that the serialized input Dataframe is compatible with the model for inference.';
  constructor(cause: unknown) {
    const stack = cause instanceof Error ? (cause.stack ?? String(cause)) : String(cause);
    super('BAD_REQUEST', ModelExecutionError.MESSAGE, { cause, stackTrace: stack });
    this.name = 'ModelExecutionError';
  }
}

/** A request that ran past `--timeout` (504; MLflow's body is plain text). */
export class DeadlineExceededError extends ServingError {
  static readonly MESSAGE = 'Request processing time exceeded limit';
  constructor() {
    super('DEADLINE_EXCEEDED', DeadlineExceededError.MESSAGE);
    this.name = 'DeadlineExceededError';
  }
}

/** The server is not ready, draining, or its queue is full (503). */
export class TemporarilyUnavailableError extends ServingError {
  readonly retryAfterSeconds?: number;
  constructor(message: string, retryAfterSeconds?: number) {
    super('TEMPORARILY_UNAVAILABLE', message);
    this.name = 'TemporarilyUnavailableError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** An inference worker died while holding the request (503). */
export class WorkerCrashedError extends TemporarilyUnavailableError {
  constructor(message = 'The inference worker serving this request exited unexpectedly; the request was not completed. Retry it.') {
    super(message, 1);
    this.name = 'WorkerCrashedError';
  }
}

/**
 * True when `err` is a ServingError of any copy of mlserve (branded, with a code and a status),
 * not only of this one: pass it through `asServingError` before relying on this copy's classes.
 */
export function isServingError(err: unknown): err is ServingError {
  if (err instanceof ServingError) return true;
  if (typeof err !== 'object' || err === null || (err as Record<symbol, unknown>)[SERVING_ERROR_BRAND] !== true) return false;
  const e = err as { errorCode?: unknown; status?: unknown; message?: unknown };
  return typeof e.errorCode === 'string' && Object.hasOwn(ERROR_STATUS, e.errorCode) && typeof e.status === 'number' && typeof e.message === 'string';
}

/**
 * `err` as this copy's ServingError: itself, or, for another copy's, a rebuilt one with the same
 * code, status, message, name and stack trace text (the original is its cause).
 */
export function asServingError(err: ServingError): ServingError {
  if (err instanceof ServingError) return err;
  // Another copy's instance: only its fields are relied on.
  const other = err as Pick<ServingError, 'errorCode' | 'status' | 'message' | 'stackTrace' | 'name'>;
  const copy = new ServingError(other.errorCode, other.message, { cause: other, status: other.status, stackTrace: other.stackTrace });
  copy.name = typeof other.name === 'string' ? other.name : 'ServingError';
  return copy;
}
