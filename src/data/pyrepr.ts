// Owns Python's text forms of values (repr of floats, str, bytes, containers; numpy and pandas str)
// as they appear inside MLflow error messages (spec §3.9); clients match only stable substrings.

import { NAT } from './dtype.js';
import { formatDatetime } from './datetime.js';
import { isFloatAt } from './float-hint.js';
import { type Tensor, isTensor } from './tensor.js';
import { type Frame, isFrame } from './frame.js';
import { halfToFloat } from './cell.js';

const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python `repr(float)`: shortest round-trip digits, `1.0`, `1e-05`, `1e+16`, `nan`, `inf`, `-0.0`. */
export function floatRepr(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return 1 / x < 0 ? '-0.0' : '0.0';
  const a = x < 0 ? -x : x;
  // Python switches to exponent form below 1e-4 and from 1e16; JS only at 1e-7 / 1e21.
  if (a >= 1e-4 && a < 1e16) {
    const s = String(x);
    return Number.isInteger(x) ? s + '.0' : s;
  }
  const s = x.toExponential(); // shortest round-trip digits, e.g. "1.5e-7"
  const e = s.indexOf('e');
  const digits = s.slice(e + 2);
  return s.slice(0, e) + 'e' + s[e + 1] + (digits.length < 2 ? '0' + digits : digits);
}

/**
 * Python text of a JS number: an int when integral, not float-marked and exactly representable
 * (|x| <= 2^53 - 1), otherwise a float (`floatRepr`).
 */
export function numberRepr(x: number, isFloat: boolean): string {
  if (!isFloat && Number.isSafeInteger(x) && !(x === 0 && 1 / x < 0)) return String(x);
  return floatRepr(x);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function pickQuote(hasSingle: boolean, hasDouble: boolean): string {
  return hasSingle && !hasDouble ? '"' : "'";
}

/** Python `repr(str)`: quotes chosen as Python does, `\n\t\r\\` escaped, non-printables as `\xNN`/`\uNNNN`. */
export function strRepr(s: string): string {
  const q = pickQuote(s.includes("'"), s.includes('"'));
  const qc = q.charCodeAt(0);
  let out = q;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string;
    if (c >= 0x20 && c < 0x7f) {
      if (c === 92) esc = '\\\\';
      else if (c === qc) esc = '\\' + q;
      else continue;
    } else if (c === 9) esc = '\\t';
    else if (c === 10) esc = '\\n';
    else if (c === 13) esc = '\\r';
    else if (c <= 0x7f) esc = '\\x' + hex(c, 2);
    else {
      const cp = s.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      if (!NON_PRINTABLE.test(s.slice(i, i + width))) {
        i += width - 1;
        continue;
      }
      esc = cp < 0x100 ? '\\x' + hex(cp, 2) : cp < 0x10000 ? '\\u' + hex(cp, 4) : '\\U' + hex(cp, 8);
      out += s.slice(run, i) + esc;
      i += width - 1;
      run = i + 1;
      continue;
    }
    out += s.slice(run, i) + esc;
    run = i + 1;
  }
  return out + s.slice(run) + q;
}

/** Python `repr(bytes)`: `b'...'` with `\xNN` for bytes outside printable ASCII. */
export function bytesRepr(b: Uint8Array): string {
  const q = pickQuote(b.includes(0x27), b.includes(0x22));
  let out = 'b' + q;
  for (const c of b) {
    if (c === 92) out += '\\\\';
    else if (c === q.charCodeAt(0)) out += '\\' + q;
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else if (c === 9) out += '\\t';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else out += '\\x' + hex(c, 2);
  }
  return out + q;
}

function dateRepr(d: Date): string {
  if (Number.isNaN(d.getTime())) return 'NaT';
  const parts = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
  const [s, ms] = [d.getUTCSeconds(), d.getUTCMilliseconds()];
  if (s || ms) parts.push(s);
  if (ms) parts.push(ms * 1000);
  return `datetime.datetime(${parts.join(', ')})`;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
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
    out = '{' + Object.keys(rec).map((k) => `${strRepr(k)}: ${reprInner(rec[k], rec, k, seen)}`).join(', ') + '}';
  } else {
    out = `<${v.constructor?.name ?? 'object'} object>`;
  }
  seen.delete(v);
  return out;
}

// ---- numpy ----------------------------------------------------------------------------------

const EDGE = 3;
const THRESHOLD = 1000;
const LINE_WIDTH = 75;

/** Float formatter of numpy's default print options (precision 8, maxprec, no suppression). */
function floatFormatter(vals: number[]): (x: number) => string {
  const finite = vals.filter(Number.isFinite);
  const nz = finite.filter((x) => x !== 0).map(Math.abs);
  const max = nz.length ? Math.max(...nz) : 0;
  const min = nz.length ? Math.min(...nz) : 0;
  const exp = nz.length > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
  let padLeft = 0;
  let padRight = 0;
  let precision = 0;
  let expSize = 0;
  const sci = (x: number): [string, string, string] => {
    let s = x.toExponential();
    if (s.indexOf('e') - s.indexOf('.') - 1 > 8 && s.includes('.')) s = x.toExponential(8).replace(/0+e/, 'e');
    const [mant, e] = s.split('e');
    const [ip, fp = ''] = mant.split('.');
    return [ip, fp, e];
  };
  const pos = (x: number): [string, string] => {
    let s = String(x);
    if (s.includes('.') && s.length - s.indexOf('.') - 1 > 8) s = x.toFixed(8).replace(/0+$/, '');
    const [ip, fp = ''] = s.split('.');
    return [ip, fp];
  };
  if (exp) {
    for (const x of finite) {
      const [ip, fp, e] = sci(x);
      padLeft = Math.max(padLeft, ip.length);
      precision = Math.max(precision, fp.length);
      expSize = Math.max(expSize, e.length - 1, 2);
    }
    padRight = expSize + 2 + precision;
  } else {
    for (const x of finite) {
      const [ip, fp] = pos(x);
      padLeft = Math.max(padLeft, ip.length);
      padRight = Math.max(padRight, fp.length);
    }
  }
  if (finite.length !== vals.length) {
    const inf = 3 + (vals.some((x) => x === -Infinity) ? 1 : 0);
    padLeft = Math.max(padLeft, 3 - padRight - 1, inf - padRight - 1);
  }
  const width = padLeft + padRight + 1;
  return (x) => {
    if (!Number.isFinite(x)) return (x !== x ? 'nan' : x > 0 ? 'inf' : '-inf').padStart(width);
    if (exp) {
      const [ip, fp, e] = sci(x);
      return `${ip.padStart(padLeft)}.${fp.padEnd(precision, '0')}e${e[0]}${e.slice(1).padStart(expSize, '0')}`;
    }
    const [ip, fp] = pos(x);
    return `${ip.padStart(padLeft)}.${fp.padEnd(padRight)}`;
  };
}

function datetimeText(ns: bigint): string {
  if (ns === NAT) return "'NaT'";
  const frac = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  return `'${formatDatetime(ns).slice(0, 19)}.${String(frac).padStart(9, '0')}'`;
}

/** Element formatter of numpy's array printing for `t`, sized over the elements that are shown. */
function elementFormatter(t: Tensor, shown: number[]): (i: number) => string {
  const d = t.data as ArrayLike<unknown>;
  switch (t.dtype) {
    case 'float16':
    case 'float32':
    case 'float64': {
      const num = t.dtype === 'float16' ? (i: number) => halfToFloat(d[i] as number) : (i: number) => d[i] as number;
      const f = floatFormatter(shown.map(num));
      return (i) => f(num(i));
    }
    case 'bool':
      return (i) => (d[i] ? ' True' : 'False');
    case 'str':
      return (i) => reprInner(d[i], undefined, undefined, new Set());
    case 'bytes':
      return (i) => (d[i] instanceof Uint8Array ? bytesRepr(d[i] as Uint8Array) : reprInner(d[i], undefined, undefined, new Set()));
    case 'datetime64':
      return (i) => datetimeText(d[i] as bigint);
    case 'object':
      return (i) => reprInner(d[i], d as object, i, new Set());
    default: {
      const w = Math.max(0, ...shown.map((i) => String(d[i]).length));
      return (i) => String(d[i]).padStart(w);
    }
  }
}

function extendLine(acc: { s: string; line: string }, word: string, width: number, prefix: string): void {
  if (acc.line.length + word.length > width && acc.line.length > prefix.length) {
    acc.s += acc.line.trimEnd() + '\n';
    acc.line = prefix;
  }
  acc.line += word;
}

/** numpy's `_formatArray`: brackets, separators, line wrapping and `...` summarisation. */
function formatArray(t: Tensor, sep: string, prefix: string, lineWidth: number): string {
  const shape = t.shape;
  const ndim = shape.length;
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  const summarize = t.size > THRESHOLD;
  const visit = (axis: number): number[] => {
    const n = shape[axis];
    if (summarize && n > 2 * EDGE) return [0, 1, 2, -1, n - 3, n - 2, n - 1];
    return Array.from({ length: n }, (_, i) => i);
  };
  const shown: number[] = [];
  const collect = (base: number, axis: number): void => {
    if (axis === ndim) return void shown.push(base);
    for (const i of visit(axis)) if (i >= 0) collect(base + i * strides[axis], axis + 1);
  };
  collect(0, 0);
  const fmt = elementFormatter(t, shown);
  const rec = (base: number, axis: number, hanging: string, width: number): string => {
    if (axis === ndim) return fmt(base);
    const items = visit(axis);
    const nextHanging = hanging + ' ';
    const sub = (i: number): string => (i < 0 ? '...' : rec(base + i * strides[axis], axis + 1, nextHanging, width - 1));
    let s = '';
    if (axis === ndim - 1) {
      const elemWidth = width - Math.max(sep.trimEnd().length, 1);
      const acc = { s: '', line: hanging };
      items.forEach((i, k) => {
        extendLine(acc, sub(i), elemWidth, hanging);
        if (k < items.length - 1) acc.line += sep;
      });
      s = acc.s + acc.line;
    } else {
      const lineSep = sep.trimEnd() + '\n'.repeat(ndim - axis - 1);
      s = items.map((i) => hanging + sub(i)).join(lineSep);
    }
    return '[' + s.slice(hanging.length) + ']';
  };
  return rec(0, 0, prefix, lineWidth);
}

function scalarStr(t: Tensor): string {
  const v = t.at(0);
  if (typeof v === 'string') return v;
  if (t.dtype === 'datetime64') return datetimeText(t.data[0] as bigint).slice(1, -1);
  if (typeof v === 'number') return numberRepr(v, t.dtype.startsWith('float'));
  return reprInner(v, undefined, undefined, new Set());
}

/** numpy `str(ndarray)`: `[[1. 2.]]`, `[1 2]`, `[ True False]`, `['a' 'b']`; a 0-d tensor prints its scalar. */
export function tensorStr(t: Tensor): string {
  if (t.ndim === 0) return scalarStr(t);
  if (t.size === 0) return '[]';
  return formatArray(t, ' ', ' ', LINE_WIDTH);
}

function dtypeRepr(t: Tensor): string {
  if (t.dtype === 'str' || t.dtype === 'bytes') {
    const lens = (t.data as unknown[]).map((x) => (typeof x === 'string' || x instanceof Uint8Array ? x.length : 0));
    return `'${t.dtype === 'str' ? '<U' : '|S'}${Math.max(1, ...lens)}'`;
  }
  return t.dtype === 'datetime64' ? "'datetime64[ns]'" : t.dtype;
}

/** numpy `repr(ndarray)`: `array([1, 2])`, `array([1., 2.], dtype=float32)`. */
export function tensorRepr(t: Tensor): string {
  const implied = (t.dtype === 'float64' || t.dtype === 'int64' || t.dtype === 'bool') && t.size > 0;
  const suffix = implied ? ')' : ',';
  let body: string;
  if (t.ndim === 0) body = formatArray(t, ', ', '       ', LINE_WIDTH - suffix.length);
  else if (t.size === 0) body = t.ndim === 1 ? '[]' : `[], shape=(${t.shape.join(', ')})`;
  else body = formatArray(t, ', ', '       ', LINE_WIDTH - suffix.length);
  const text = 'array(' + body + suffix;
  if (implied) return text;
  const dtype = `dtype=${dtypeRepr(t)})`;
  const lastLine = text.length - (text.lastIndexOf('\n') + 1);
  return text + (lastLine + dtype.length + 1 > LINE_WIDTH ? '\n      ' : ' ') + dtype;
}

// ---- pandas ---------------------------------------------------------------------------------

const MAX_ROWS = 60;
const MAX_COLS = 20;

function trimFloatZeros(cells: string[]): string[] {
  const isNum = (x: string): boolean => /^\s*[+-]?\d+\.\d*$/.test(x);
  let out = cells;
  while (out.some(isNum) && out.filter(isNum).every((x) => x.endsWith('0'))) {
    out = out.map((x) => (isNum(x) ? x.slice(0, -1) : x));
  }
  return out.map((x) => (isNum(x) && x.endsWith('.') ? x + '0' : x));
}

function floatCells(vals: number[]): string[] {
  const fixed = vals.map((x) => (Number.isNaN(x) ? 'NaN' : Number.isFinite(x) ? (x < 0 ? '' : ' ') + x.toFixed(6) : x > 0 ? ' inf' : '-inf'));
  const abs = vals.filter(Number.isFinite).map(Math.abs);
  const tooLong = Math.max(0, ...fixed.map((x) => x.length)) > 12;
  if (abs.some((x) => x > 0 && x < 1e-6) || (tooLong && abs.some((x) => x > 1e6))) {
    return vals.map((x) => {
      if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? ' inf' : '-inf';
      return (x < 0 ? '' : ' ') + x.toExponential(6).replace(/e([+-])(\d)$/, 'e$10$2');
    });
  }
  return trimFloatZeros(fixed);
}

function columnCells(f: Frame, col: number, rows: number[]): string[] {
  const c = f.cols[col];
  const d = c.values as ArrayLike<unknown>;
  if (c.dtype === 'float16' || c.dtype === 'float32' || c.dtype === 'float64') {
    return floatCells(rows.map((r) => (c.dtype === 'float16' ? halfToFloat(d[r] as number) : (d[r] as number))));
  }
  if (c.dtype === 'datetime64') {
    const ns = rows.map((r) => d[r] as bigint);
    const dateOnly = ns.every((x) => x === NAT || x % 86_400_000_000_000n === 0n);
    return ns.map((x) => (x === NAT ? 'NaT' : dateOnly ? formatDatetime(x).slice(0, 10) : formatDatetime(x).replace('T', ' ')));
  }
  return rows.map((r) => {
    const v = d[r];
    if (typeof v === 'string') return ' ' + v.replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
    if (typeof v === 'number' && Number.isNaN(v)) return ' NaN';
    return ' ' + reprInner(v, d as object, r, new Set());
  });
}

function pick(n: number, max: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  const half = max === MAX_ROWS ? 5 : max / 2;
  return [...all.slice(0, half), -1, ...all.slice(n - half)];
}

/**
 * pandas `str(DataFrame)`, approximately: right-aligned column labels over cells, the row index on
 * the left; more than 60 rows show the first and last 5, more than 20 columns the first and last 10.
 */
export function frameStr(f: Frame): string {
  const labels = f.cols.map((c) => String(c.name));
  if (f.numRows === 0 || f.cols.length === 0) {
    const idx = Array.from({ length: Math.min(f.numRows, 100) }, (_, i) => i);
    return `Empty DataFrame\nColumns: [${labels.join(', ')}]\nIndex: [${idx.join(', ')}]`;
  }
  const rows = pick(f.numRows, MAX_ROWS);
  const realRows = rows.filter((r) => r >= 0);
  const columns: string[][] = [['', ...rows.map((r) => (r < 0 ? '..' : String(r)))]];
  for (const ci of pick(f.cols.length, MAX_COLS)) {
    let cells = ci < 0 ? realRows.map(() => '...') : columnCells(f, ci, realRows);
    cells = rows.map((r) => (r < 0 ? '...' : cells[realRows.indexOf(r)]));
    const header = ci < 0 ? '...' : labels[ci];
    const width = Math.max(header.length, ...cells.map((x) => x.length));
    columns.push([header, ...cells].map((x) => x.padStart(width)));
  }
  const idxWidth = Math.max(...columns[0].map((x) => x.length));
  columns[0] = columns[0].map((x) => x.padEnd(idxWidth));
  const lines = columns[0].map((_, i) => columns.map((col) => col[i]).join(' '));
  const truncated = rows.length !== f.numRows || f.cols.length > MAX_COLS;
  return lines.join('\n') + (truncated ? `\n\n[${f.numRows} rows x ${f.cols.length} columns]` : '');
}
