// Owns the limits on what one request may hold: nesting depth, rows, columns and elements, and the
// rule that a shape or a padded table may not describe more slots than the bytes sent can justify.

import { BadRequestError, RequestTooLargeError } from '../errors.js';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { isPlainObject } from '../data/pytype.js';

/** Limits on one request, set by the server's options. */
export interface RequestLimits {
  /** Deepest nesting of JSON arrays and objects. @default 1000 (Python's recursion limit, where MLflow fails) */
  readonly maxDepth: number;
  /** Most rows (first dimension) in one request. @default 10000000 */
  readonly maxRows: number;
  /** Most columns (values per row) in one request. @default 100000 */
  readonly maxColumns: number;
  /** Most elements (cells) in one request. @default 100000000 */
  readonly maxElements: number;
}

/** The limits a server applies unless told otherwise. */
export const DEFAULT_REQUEST_LIMITS: RequestLimits = Object.freeze({
  maxDepth: 1000,
  maxRows: 10_000_000,
  maxColumns: 100_000,
  maxElements: 100_000_000,
});

/** numpy's NPY_MAXDIMS (numpy 2): arrays have at most this many dimensions. */
export const MAX_TENSOR_DIMS = 64;

/**
 * Slots a request may describe beyond what it sends: a small request may still name a few empty
 * rows or padded cells. Past it, slots are bounded by the bytes sent.
 */
const SLACK_SLOTS = 4096;

/** Most slots (cells, shape positions) a request of `sentBytes` may make the server allocate or visit. */
export function slotBudget(sentBytes: number): number {
  return Math.max(sentBytes, SLACK_SLOTS);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Checks a table of `rows` x `cols` that will be filled in (missing cells padded) against the bytes
 * sent: padding may not turn a small body into a huge table. Throws BadRequestError before any
 * allocation.
 */
export function checkPadding(rows: number, cols: number, sentBytes: number, what: string): void {
  const cells = rows * cols;
  const budget = slotBudget(sentBytes);
  if (cells > budget) {
    throw new BadRequestError(
      `Invalid input. ${what} would pad ${count(rows)} rows x ${count(cols)} columns (${count(cells)} cells) from a ${count(sentBytes)}-byte body; send the missing values instead.`,
    );
  }
}

/**
 * Checks a tensor shape sent by a client: at most 64 dimensions (numpy's limit), and no more
 * positions than the bytes sent can justify (a zero dimension makes the element count 0, but
 * the other dimensions are still looped over). Throws BadRequestError.
 */
export function checkShape(where: string, shape: readonly number[], sentBytes: number): void {
  if (shape.length > MAX_TENSOR_DIMS) {
    throw new BadRequestError(`${where}: maximum supported dimension for an ndarray is currently ${MAX_TENSOR_DIMS}, found ${shape.length}.`);
  }
  let slots = 1;
  const budget = slotBudget(sentBytes);
  for (const d of shape) {
    if (d === 0) continue;
    slots *= d;
    if (slots > budget) {
      throw new BadRequestError(`${where}: shape [${shape.join(', ')}] describes more positions than a ${count(sentBytes)}-byte request can carry.`);
    }
  }
}

interface Size {
  rows: number;
  cols: number;
  elements: number;
}

function tensorSize(t: Tensor): Size {
  const rows = t.shape.length === 0 ? 1 : t.shape[0];
  return { rows, cols: rows === 0 ? 0 : t.size / rows, elements: t.size };
}

/** Rows, columns and elements of decoded model input (tables, tensors, dicts of tensors); undefined for plain JSON values. */
export function inputSize(input: unknown): Size | undefined {
  if (input instanceof Frame) return { rows: input.numRows, cols: input.cols.length, elements: input.numRows * input.cols.length };
  if (input instanceof Tensor) return tensorSize(input);
  if (isPlainObject(input)) {
    let size: Size | undefined;
    for (const v of Object.values(input)) {
      if (!(v instanceof Tensor)) continue;
      const s = tensorSize(v);
      size = size ? { rows: Math.max(size.rows, s.rows), cols: size.cols + s.cols, elements: size.elements + s.elements } : s;
    }
    return size;
  }
  return undefined;
}

/** Checks decoded input against the configured rows, columns and elements; throws RequestTooLargeError (413). */
export function checkInputSize(input: unknown, limits: RequestLimits): void {
  const size = inputSize(input);
  if (!size) return;
  const over = (what: string, n: number, max: number, flag: string): never => {
    throw new RequestTooLargeError(`The request has ${count(n)} ${what}; this server accepts at most ${count(max)} per request (${flag}). Send smaller batches.`);
  };
  if (size.rows > limits.maxRows) over('rows', size.rows, limits.maxRows, '--max-rows');
  if (size.cols > limits.maxColumns) over('columns', size.cols, limits.maxColumns, '--max-columns');
  if (size.elements > limits.maxElements) over('elements', size.elements, limits.maxElements, '--max-elements');
}
