// Owns numpy's str() and repr() of arrays as they appear in MLflow messages (`[[1. 2.]]`, `array([1, 2])`).

import { NAT } from './dtype.js';
import { formatDatetime } from './datetime.js';
import type { Tensor } from './tensor.js';
import { halfToFloat } from './cell.js';
import { bytesRepr, numberRepr } from './_py-scalar.js';

/** Formats one object-dtype element (Python repr), given its container and index. */
export type CellRepr = (v: unknown, container?: object, key?: number) => string;

// ---- numpy ----------------------------------------------------------------------------------

const EDGE = 3;
const THRESHOLD = 1000;
const LINE_WIDTH = 75;

/** Float formatter of numpy's default print options (precision 8, maxprec, no suppression). */
function floatFormatter(vals: number[]): (x: number) => string {
  const finite = vals.filter(Number.isFinite);
  const nz = finite.filter((x) => x !== 0).map(Math.abs);
  // Loops, not Math.max(...nz): spreading a large array overflows the stack.
  let max = 0;
  let min = nz.length ? Infinity : 0;
  for (const x of nz) {
    if (x > max) max = x;
    if (x < min) min = x;
  }
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
function elementFormatter(t: Tensor, shown: number[], cell: CellRepr): (i: number) => string {
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
      return (i) => cell(d[i]);
    case 'bytes':
      return (i) => (d[i] instanceof Uint8Array ? bytesRepr(d[i] as Uint8Array) : cell(d[i]));
    case 'datetime64':
      return (i) => datetimeText(d[i] as bigint);
    case 'object':
      return (i) => cell(d[i], d as object, i);
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
function formatArray(t: Tensor, sep: string, prefix: string, lineWidth: number, cell: CellRepr): string {
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
  const fmt = elementFormatter(t, shown, cell);
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

function scalarStr(t: Tensor, cell: CellRepr): string {
  const v = t.at(0);
  if (typeof v === 'string') return v;
  if (t.dtype === 'datetime64') return datetimeText(t.data[0] as bigint).slice(1, -1);
  if (typeof v === 'number') return numberRepr(v, t.dtype.startsWith('float'));
  return cell(v);
}

/** numpy `str(ndarray)`: `[[1. 2.]]`, `[1 2]`, `[ True False]`, `['a' 'b']`; a 0-d tensor prints its scalar. */
export function numpyStr(t: Tensor, cell: CellRepr): string {
  if (t.ndim === 0) return scalarStr(t, cell);
  if (t.size === 0) return '[]';
  return formatArray(t, ' ', ' ', LINE_WIDTH, cell);
}

function dtypeRepr(t: Tensor): string {
  if (t.dtype === 'str' || t.dtype === 'bytes') {
    let width = 1;
    for (const x of t.data as unknown[]) if ((typeof x === 'string' || x instanceof Uint8Array) && x.length > width) width = x.length;
    return `'${t.dtype === 'str' ? '<U' : '|S'}${width}'`;
  }
  return t.dtype === 'datetime64' ? "'datetime64[ns]'" : t.dtype;
}

/** numpy `repr(ndarray)`: `array([1, 2])`, `array([1., 2.], dtype=float32)`. */
export function numpyRepr(t: Tensor, cell: CellRepr): string {
  const implied = (t.dtype === 'float64' || t.dtype === 'int64' || t.dtype === 'bool') && t.size > 0;
  const suffix = implied ? ')' : ',';
  let body: string;
  if (t.ndim === 0) body = formatArray(t, ', ', '       ', LINE_WIDTH - suffix.length, cell);
  else if (t.size === 0) body = t.ndim === 1 ? '[]' : `[], shape=(${t.shape.join(', ')})`;
  else body = formatArray(t, ', ', '       ', LINE_WIDTH - suffix.length, cell);
  const text = 'array(' + body + suffix;
  if (implied) return text;
  const dtype = `dtype=${dtypeRepr(t)})`;
  const lastLine = text.length - (text.lastIndexOf('\n') + 1);
  return text + (lastLine + dtype.length + 1 > LINE_WIDTH ? '\n      ' : ' ') + dtype;
}

// ---- pandas ---------------------------------------------------------------------------------
