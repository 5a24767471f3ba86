// Owns building Frames from `dataframe_split` and `dataframe_records` payloads as pandas does (spec §2.4–2.5).

import { BadRequestError } from '../errors.js';
import { Frame, type Column } from '../data/frame.js';
import { inferPandasColumn, MISSING } from '../data/infer.js';
import { ConversionError } from '../data/ndarray.js';
import { isFloatAt } from '../data/float-hint.js';
import { isPlainObject, pyClass } from '../data/pytype.js';
import { strRepr } from '../data/pyrepr.js';
import { orderedKeys } from '../data/key-order.js';
import { checkPadding } from './limits.js';

class PandasError extends Error {}

function floatAt(container: object, key: string | number, v: unknown): boolean {
  return typeof v === 'number' && isFloatAt(container, key, v);
}

/** Columns from a list of rows that are lists (positions) — pads short rows with null. */
function fromRowLists(rows: readonly unknown[][], labels: readonly (string | number)[] | undefined, sentBytes: number): Column[] {
  const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
  if (labels && rows.length > 0 && width !== labels.length) {
    throw new PandasError(`${labels.length} columns passed, passed data had ${width} columns`);
  }
  // Short rows are padded: a long row and many empty ones must not make a huge table.
  checkPadding(rows.length, width, sentBytes, 'The rows of different lengths');
  const names = labels ?? Array.from({ length: width }, (_, i) => i);
  return names.map((name, c) =>
    inferPandasColumn(
      name,
      rows.map((r) => (c < r.length ? r[c] : null)),
      (i) => floatAt(rows[i], c, rows[i][c]),
    ),
  );
}

/** Columns from a list of row objects: union of keys in first-seen order; absent keys are NaN. */
function fromRowObjects(rows: readonly Record<string, unknown>[], labels: readonly (string | number)[] | undefined, sentBytes: number): Column[] {
  let names: (string | number)[];
  if (labels) names = [...labels];
  else {
    const seen = new Set<string>();
    names = [];
    for (const r of rows) for (const k of orderedKeys(r)) if (!seen.has(k)) seen.add(k), names.push(k);
  }
  // Keys absent from a record are padded: records with distinct keys must not make a huge table.
  checkPadding(rows.length, names.length, sentBytes, 'The records, with the keys they do not share,');
  return names.map((name) => {
    const key = String(name);
    return inferPandasColumn(
      name,
      rows.map((r) => (key in r ? r[key] : MISSING)),
      (i) => floatAt(rows[i], key, rows[i][key]),
    );
  });
}

/** Columns from a list of scalars: one column labelled 0 (or the single given label). */
function fromScalars(values: readonly unknown[], label: string | number = 0): Column[] {
  return [inferPandasColumn(label, values, (i) => floatAt(values, i, values[i]))];
}

/** Columns from `{column: values}` (DataFrame(dict)). */
function fromColumnObject(data: Record<string, unknown>, labels?: readonly (string | number)[]): Column[] {
  const names = labels ?? orderedKeys(data);
  const lengths = new Set<number>();
  const cols = names.map((name) => {
    const v = data[String(name)];
    const values = Array.isArray(v) ? v : isPlainObject(v) ? Object.values(v) : [v];
    lengths.add(values.length);
    return inferPandasColumn(name, values, (i) => floatAt(Array.isArray(v) ? v : data, Array.isArray(v) ? i : String(name), values[i]));
  });
  if (lengths.size > 1) throw new PandasError('All arrays must be of the same length');
  return cols;
}

function buildFrame(data: unknown, labels: readonly (string | number)[] | undefined, sentBytes: number): Frame {
  if (isPlainObject(data)) return new Frame(fromColumnObject(data, labels));
  if (!Array.isArray(data)) throw new PandasError('DataFrame constructor not properly called!');
  if (data.length === 0) return new Frame((labels ?? []).map((name) => ({ name, dtype: 'object', values: [] })), 0);
  if (data.every(Array.isArray)) return new Frame(fromRowLists(data as unknown[][], labels, sentBytes), data.length);
  if (data.every(isPlainObject)) return new Frame(fromRowObjects(data as Record<string, unknown>[], labels, sentBytes), data.length);
  if (data.some((r) => Array.isArray(r) || isPlainObject(r))) throw new PandasError('Mixing dicts with non-Series may lead to ambiguous ordering.');
  if (labels && labels.length !== 1) throw new PandasError(`${labels.length} columns passed, passed data had 1 columns`);
  return new Frame(fromScalars(data, labels?.[0]), data.length);
}

function keysRepr(obj: Record<string, unknown>): string {
  return `{${orderedKeys(obj).map(strRepr).join(', ')}}`;
}

/**
 * Decodes the value of `dataframe_split` (`{columns?, data, index?}`) into a Frame; `sentBytes`
 * (the body's size) bounds the padding of short rows.
 */
export function decodeDataframeSplit(value: unknown, sentBytes = Infinity): Frame {
  if (!isPlainObject(value)) {
    const got = Array.isArray(value) ? 'list' : `type ${pyClass(value)}`;
    throw new BadRequestError(`Invalid input. Dataframe split format must be a dictionary. Got ${got}.`);
  }
  const keys = orderedKeys(value);
  if (!('data' in value) || keys.some((k) => k !== 'data' && k !== 'columns' && k !== 'index')) {
    throw new BadRequestError(
      `Invalid input. Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields. Got ${keysRepr(value)}.'`,
    );
  }
  try {
    const columns = value.columns;
    if (columns !== undefined && columns !== null && !Array.isArray(columns)) throw new PandasError('Index(...) must be called with a collection of some kind');
    const labels = (columns as unknown[] | undefined)?.map((c) => (typeof c === 'number' ? c : String(c)));
    const frame = buildFrame(value.data, labels ?? undefined, sentBytes);
    const index = value.index;
    if (Array.isArray(index) && index.length !== frame.numRows) {
      throw new PandasError(`Length of values (${frame.numRows}) does not match length of index (${index.length})`);
    }
    return frame;
  } catch (err) {
    if (!(err instanceof PandasError || err instanceof ConversionError)) throw err;
    throw new BadRequestError(
      `Invalid input. Provided dataframe_split field is not a valid dataframe representation in 'split' format. Error: '${err.message}'`,
    );
  }
}

/** Decodes the value of `dataframe_records` (a list of records) into a Frame; `sentBytes` bounds the padding of absent keys. */
export function decodeDataframeRecords(value: unknown, sentBytes = Infinity): Frame {
  if (!Array.isArray(value)) {
    const got = isPlainObject(value) ? 'dictionary' : `type ${pyClass(value)}`;
    throw new BadRequestError(`Invalid input. Dataframe records format must be a list of records. Got ${got}.`);
  }
  try {
    return buildFrame(value, undefined, sentBytes);
  } catch (err) {
    if (!(err instanceof PandasError || err instanceof ConversionError)) throw err;
    throw new BadRequestError(
      `Invalid input. Provided dataframe_records field is not a valid dataframe representation in 'records' format. Error: '${err.message}'`,
    );
  }
}
