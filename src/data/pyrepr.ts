// Owns Python's text forms of values (repr of floats, str, bytes, containers; numpy and pandas str via _numpy-text/_pandas-text)
// as they appear inside MLflow error messages (spec §3.9); clients match only stable substrings.

import { isFloatAt } from './float-hint.js';
import { type Tensor, isTensor } from './tensor.js';
import { type Frame, isFrame } from './frame.js';
import { floatRepr, numberRepr, strRepr, bytesRepr } from './_py-scalar.js';
import { numpyRepr, numpyStr } from './_numpy-text.js';
import { pandasStr } from './_pandas-text.js';
import { orderedKeys } from './key-order.js';
import { isPlainObject } from './pytype.js';

export { floatRepr, numberRepr, strRepr, bytesRepr };

function dateRepr(d: Date): string {
  if (Number.isNaN(d.getTime())) return 'NaT';
  const parts = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
  const [s, ms] = [d.getUTCSeconds(), d.getUTCMilliseconds()];
  if (s || ms) parts.push(s);
  if (ms) parts.push(ms * 1000);
  return `datetime.datetime(${parts.join(', ')})`;
}


/**
 * Python `repr` of a JSON-like value: `None`, `True`, ints and floats (float marks respected when
 * `container`/`key` locate the value), `'str'`, `b'..'` for Buffers, lists, dicts, Dates as
 * `datetime.datetime(...)`. A top-level Tensor prints numpy's `str` form (`[1 2]`, what MLflow's
 * `Failed to predict data '<data>'` shows) and a nested one its `repr` (`array([1, 2])`, as inside
 * a dict); Frames print pandas' table text. Recursive containers print `[...]` / `{...}`.
 */
export function valueRepr(v: unknown, container?: object, key?: string | number): string {
  if (isTensor(v)) return tensorStr(v);
  return reprInner(v, container, key, new Set());
}

function reprInner(v: unknown, container: object | undefined, key: string | number | undefined, seen: Set<object>): string {
  switch (typeof v) {
    case 'undefined':
      return 'None';
    case 'boolean':
      return v ? 'True' : 'False';
    case 'number':
      return numberRepr(v, container !== undefined && key !== undefined ? isFloatAt(container, key, v) : !Number.isInteger(v));
    case 'bigint':
      return String(v);
    case 'string':
      return strRepr(v);
    case 'object':
      break;
    default:
      return String(v);
  }
  if (v === null) return 'None';
  if (Buffer.isBuffer(v)) return bytesRepr(v);
  if (isTensor(v)) return tensorRepr(v);
  if (isFrame(v)) return frameStr(v);
  if (v instanceof Date) return dateRepr(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const arr = v as unknown as ArrayLike<number | bigint>;
    const float = v instanceof Float32Array || v instanceof Float64Array;
    return '[' + Array.from(arr, (x) => (typeof x === 'number' ? numberRepr(x, float) : String(x))).join(', ') + ']';
  }
  if (seen.has(v)) return Array.isArray(v) ? '[...]' : '{...}';
  seen.add(v);
  let out: string;
  if (Array.isArray(v)) {
    out = '[' + v.map((x, i) => reprInner(x, v, i, seen)).join(', ') + ']';
  } else if (v instanceof Map) {
    out = '{' + Array.from(v, ([k, x]) => `${reprInner(k, undefined, undefined, seen)}: ${reprInner(x, undefined, undefined, seen)}`).join(', ') + '}';
  } else if (isPlainObject(v)) {
    const rec = v as Record<string, unknown>;
    out = '{' + orderedKeys(rec).map((k) => `${strRepr(k)}: ${reprInner(rec[k], rec, k, seen)}`).join(', ') + '}';
  } else {
    out = `<${v.constructor?.name ?? 'object'} object>`;
  }
  seen.delete(v);
  return out;
}

const cell = (v: unknown, container?: object, key?: number): string => reprInner(v, container, key, new Set());

/** numpy's `str(ndarray)`: `[[1. 2. 3. 4.]]`, `[1 2]`, `['a' 'b']`; a 0-d array prints its scalar. */
export function tensorStr(t: Tensor): string {
  return numpyStr(t, cell);
}

/** numpy's `repr(ndarray)`: `array([[1., 2.]], dtype=float32)`. */
export function tensorRepr(t: Tensor): string {
  return numpyRepr(t, cell);
}

/** pandas' `str(DataFrame)`: a right-aligned table with the row index. */
export function frameStr(f: Frame): string {
  return pandasStr(f, cell);
}
