// Owns the canonical JSON form of an object tree: lossless (ints vs floats, tuples vs lists,
// bytes, exact array bytes), the same form the Python fixture generator writes, for tests and
// for looking inside a model file.

import { NpDType } from './dtype.js';
import { PyTreeError } from './errors.js';
import { NdArray } from './ndarray.js';
import { PyByteArray, PyComplex, PyFrozenSet, PyGlobal, PyObject, PyPersistent, PySlice, type PyValue, isPyFloat, isTuple } from './tree.js';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Bounds of `toTreeJson`. */
export interface TreeJsonOptions {
  /** Deepest nesting followed. @default 1000 */
  maxDepth?: number;
  /** Most values written (shared references are written each time they are met). @default 1,000,000 */
  maxNodes?: number;
}

/**
 * The tree as canonical JSON (documented in docs/pyobj.md): `None`/bools/strings as themselves,
 * ints as numbers (`{"$int": "…"}` beyond 2^53), floats as `{"$float": x}` (`"nan"`, `"inf"`,
 * `"-inf"`, `"-0"`), `{"$tuple"}`, `{"$dict": [[k, v]…]}`, `{"$set"}`, `{"$frozenset"}`,
 * `{"$bytes": hex}`, `{"$bytearray": hex}`, `{"$complex"}`, `{"$slice"}`, `{"$global": "module:name"}`,
 * `{"$obj": {call, kind, args, kwargs?, state?, listitems?, dictitems?, setitems?}}`,
 * `{"$ndarray": {class, scalar, dtype, shape, data}}` (numeric data as little-endian hex),
 * `{"$dtype"}`, and `{"$ref": n}` for a value that is its own ancestor `n` levels up.
 */
export function toTreeJson(value: PyValue, options: TreeJsonOptions = {}): Json {
  const maxDepth = options.maxDepth ?? 1000;
  const maxNodes = options.maxNodes ?? 1_000_000;
  const ancestors: object[] = [];
  let nodes = 0;

  const float = (x: number): Json => ({ $float: floatText(x) });
  const describe = (v: PyValue, container: object | null, key: unknown): Json => {
    if (++nodes > maxNodes) throw new PyTreeError(`The tree has more than ${maxNodes} values to write`, '');
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return container !== null && isPyFloat(container, key) ? float(v) : Number.isInteger(v) ? v : float(v);
    if (typeof v === 'bigint') return { $int: v.toString() };
    if (v instanceof Uint8Array) return { $bytes: hex(v) };
    if (v instanceof PyByteArray) return { $bytearray: hex(v.bytes) };
    if (v instanceof PyGlobal) return { $global: `${v.module}:${v.name}` };
    if (v instanceof PyComplex) return { $complex: [float(v.real), float(v.imag)] };
    if (v instanceof NpDType) return { $dtype: dtypeJson(v) };
    const up = ancestors.lastIndexOf(v);
    if (up >= 0) return { $ref: ancestors.length - up };
    if (ancestors.length >= maxDepth) throw new PyTreeError(`The tree is nested deeper than ${maxDepth}`, '');
    ancestors.push(v);
    try {
      return compound(v);
    } finally {
      ancestors.pop();
    }
  };
  const items = (arr: readonly PyValue[]): Json[] => arr.map((x, i) => describe(x, arr, i));
  const pairs = (map: Map<PyValue, PyValue>): Json[] => [...map].map(([k, x]) => [describe(k, null, undefined), describe(x, map, k)]);
  const compound = (v: Exclude<PyValue, null | boolean | number | bigint | string>): Json => {
    if (Array.isArray(v)) return isTuple(v) ? { $tuple: items(v) } : items(v);
    if (v instanceof Map) return { $dict: pairs(v) };
    if (v instanceof Set) return { [v instanceof PyFrozenSet ? '$frozenset' : '$set']: items([...v]) };
    if (v instanceof PySlice) return { $slice: items([v.start, v.stop, v.step]) };
    if (v instanceof PyPersistent) return { $persistent: describe(v.id, null, undefined) };
    if (v instanceof NdArray) return { $ndarray: arrayJson(v, items) };
    if (v instanceof PyObject) {
      const out: { [key: string]: Json } = { call: describe(v.callable, null, undefined), kind: v.kind, args: items(v.args) };
      if (v.kwargs) out.kwargs = pairs(v.kwargs);
      if (v.state !== undefined) out.state = describe(v.state, null, undefined);
      if (v.listItems) out.listitems = items(v.listItems);
      if (v.dictItems) out.dictitems = pairs(v.dictItems);
      if (v.setItems) out.setitems = items(v.setItems);
      return { $obj: out };
    }
    throw new PyTreeError(`Not a tree value: ${String(v)}`, '');
  };
  return describe(value, null, undefined);
}

function arrayJson(a: NdArray, items: (arr: readonly PyValue[]) => Json[]): Json {
  const { kind } = a.dtype;
  let data: Json;
  if (kind === 'S') data = (a.data as Uint8Array[]).map((b) => ({ $bytes: hex(b) }));
  else if (kind === 'U') data = [...(a.data as string[])];
  else if (kind === 'O') data = items(a.data as PyValue[]);
  else {
    const d = a.data as Uint8Array;
    data = hex(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return { class: a.pyClass, scalar: a.isScalar, dtype: dtypeJson(a.dtype), shape: [...a.shape], data };
}

function dtypeJson(d: NpDType): Json {
  if (d.fields) return { str: d.str, fields: d.fields.map((f) => [f.name, dtypeJson(f.dtype), f.offset]) };
  if (d.subarray) return { str: d.str, subarray: [dtypeJson(d.subarray.base), [...d.subarray.shape]] };
  return d.str;
}

function floatText(x: number): number | string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  return x;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
