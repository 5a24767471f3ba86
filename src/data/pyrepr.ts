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
  return reprInner(v, container, key, new Set(), Infinity);
}

/** Longest data text in an error message: past it, the text ends with `...` (no answer grows with the data). */
export const MAX_DATA_REPR = 10_000;

/**
 * `valueRepr`, cut to `max` characters (ending `...` when cut). Containers stop being walked once
 * the text is long enough, so the cost is bounded by `max`, not by the value's size.
 */
export function valueReprLimited(v: unknown, max: number = MAX_DATA_REPR): string {
  const text = isTensor(v) ? numpyStr(v, limitedCell(max)) : reprInner(v, undefined, undefined, new Set(), max);
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** Text quoted in an error message, cut to `max` characters (ending `...` when cut). */
export function clipText(text: string, max: number = MAX_DATA_REPR): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** Appends `items` (from `each`) between `open` and `close`, stopping once past `limit` characters. */
function joined(open: string, close: string, count: number, limit: number, each: (i: number, left: number) => string): string {
  let out = open;
  for (let i = 0; i < count; i++) {
    if (out.length > limit) return out + '...' + close;
    out += (i > 0 ? ', ' : '') + each(i, limit - out.length);
  }
  return out + close;
}

function reprInner(v: unknown, container: object | undefined, key: string | number | undefined, seen: Set<object>, limit: number): string {
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
      return strRepr(v, limit + 2);
    case 'object':
      break;
    default:
      return String(v);
  }
  if (v === null) return 'None';
  if (Buffer.isBuffer(v)) return bytesRepr(v);
  if (isTensor(v)) return limit === Infinity ? tensorRepr(v) : numpyRepr(v, limitedCell(limit));
  if (isFrame(v)) return limit === Infinity ? frameStr(v) : pandasStr(v, limitedCell(limit));
  if (v instanceof Date) return dateRepr(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const arr = v as unknown as ArrayLike<number | bigint>;
    const float = v instanceof Float32Array || v instanceof Float64Array;
    return joined('[', ']', arr.length, limit, (i) => {
      const x = arr[i];
      return typeof x === 'number' ? numberRepr(x, float) : String(x);
    });
  }
  if (seen.has(v)) return Array.isArray(v) ? '[...]' : '{...}';
  seen.add(v);
  let out: string;
  if (Array.isArray(v)) {
    out = joined('[', ']', v.length, limit, (i, left) => reprInner(v[i], v, i, seen, left));
  } else if (v instanceof Map) {
    const entries = [...v];
    out = joined('{', '}', entries.length, limit, (i, left) => {
      const k = reprInner(entries[i][0], undefined, undefined, seen, left);
      return `${k}: ${reprInner(entries[i][1], undefined, undefined, seen, left - k.length)}`;
    });
  } else if (isPlainObject(v)) {
    const rec = v as Record<string, unknown>;
    const keys = orderedKeys(rec);
    out = joined('{', '}', keys.length, limit, (i, left) => {
      const k = strRepr(keys[i], left + 2);
      return `${k}: ${reprInner(rec[keys[i]], rec, keys[i], seen, left - k.length)}`;
    });
  } else {
    out = `<${v.constructor?.name ?? 'object'} object>`;
  }
  seen.delete(v);
  return out;
}

const cell = (v: unknown, container?: object, key?: number): string => reprInner(v, container, key, new Set(), Infinity);

/** Element text for numpy/pandas tables inside a limited repr: no single element longer than the whole. */
function limitedCell(limit: number) {
  return (v: unknown, container?: object, key?: number): string => reprInner(v, container, key, new Set(), limit);
}

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
  // Cells show at most 50 characters (pandas' max_colwidth): no need to render more of them.
  return pandasStr(f, limitedCell(64));
}
