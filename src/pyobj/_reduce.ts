// Owns the callables whose REDUCE the reader turns into plain values instead of records:
// builtins (set, frozenset, bytearray, bytes, complex, slice, getattr), collections' dicts,
// _codecs.encode, copyreg._reconstructor, numpy's hooks and cloudpickle's setstate helpers.

import { PickleError } from './errors.js';
import type { Budget } from './limits.js';
import { NdArray } from './ndarray.js';
import { numpyReduce } from './numpy.js';
import { typeName } from './_type-name.js';
import { PyByteArray, PyComplex, PyFrozenSet, PyGlobal, PyObject, PySlice, type PyTuple, type PyValue, isTuple } from './tree.js';

type Handler = (args: PyTuple, budget: Budget) => PyValue | undefined;

const HANDLERS: Record<string, Handler> = {
  'builtins.set': (args) => new Set(iterableArg(args, 'set')),
  'builtins.frozenset': (args) => new PyFrozenSet(iterableArg(args, 'frozenset')),
  'builtins.bytearray': (args, budget) => new PyByteArray(bytesArg(args, budget, 'bytearray')),
  'builtins.bytes': (args, budget) => bytesArg(args, budget, 'bytes'),
  '_codecs.encode': (args, budget) => encode(args, budget),
  'codecs.encode': (args, budget) => encode(args, budget),
  'builtins.complex': (args) => complex(args),
  'builtins.slice': (args) => (args.length >= 1 && args.length <= 3 ? sliceOf(args) : undefined),
  'builtins.getattr': (args) => (args[0] instanceof PyGlobal && typeof args[1] === 'string' && args.length === 2 ? new PyGlobal(args[0].module, `${args[0].name}.${args[1]}`) : undefined),
  'collections.OrderedDict': (args) => dictArg(args, 'OrderedDict'),
  // The default factory is dropped: nothing reads a defaultdict's missing keys.
  'collections.defaultdict': (args) => dictArg(args.slice(1), 'defaultdict'),
  'copyreg._reconstructor': (args) => reconstructor(args),
};

// cloudpickle (all versions' module names) rebuilds classes and functions by value; these helpers
// only attach state, which the reader can do inertly. The skeletons themselves stay records.
const CLOUDPICKLE_MODULES = ['cloudpickle.cloudpickle', 'cloudpickle.cloudpickle_fast', 'cloudpickle'];
for (const m of CLOUDPICKLE_MODULES) {
  HANDLERS[`${m}._builtin_type`] = (args) => (typeof args[0] === 'string' && args.length === 1 ? builtinType(args[0]) : undefined);
  HANDLERS[`${m}._class_setstate`] = (args) => setStateOf(args);
  HANDLERS[`${m}._function_setstate`] = (args) => setStateOf(args);
}

/**
 * The value of `fn(*args)` when `fn` is a callable the reader knows, or undefined (the caller
 * then keeps a record).
 */
export function reduceKnown(fn: PyGlobal, args: PyTuple, budget: Budget): PyValue | undefined {
  const handler = HANDLERS[fn.qualname];
  if (handler) return handler(args, budget);
  return fn.module.startsWith('numpy') ? numpyReduce(fn, args, budget) : undefined;
}

/**
 * Applies a BUILD state to a record: the first state is kept as is; a later dict state is merged
 * into a copy of the earlier dict, as Python updates `__dict__`.
 */
export function applyState(target: PyObject, state: PyValue): void {
  if (target.state instanceof Map && state instanceof Map) target.state = new Map([...target.state, ...state]);
  else target.state = state;
}

/** Fails unless `value` can be a dict key or set element (Python requires hashable values). */
export function checkHashable(value: PyValue, what: string): void {
  const unhashable =
    (Array.isArray(value) && !isTuple(value)) || value instanceof Map || (value instanceof Set && !(value instanceof PyFrozenSet)) || value instanceof PyByteArray || (value instanceof NdArray && !value.isScalar);
  if (unhashable) throw new PickleError(`Unhashable ${typeName(value)} used as a ${what}`);
}

function iterableArg(args: PyTuple, what: string): PyValue[] {
  if (args.length === 0) return [];
  const items = args[0];
  const out = Array.isArray(items) ? [...items] : items instanceof Set ? [...items] : undefined;
  if (args.length !== 1 || !out) throw new PickleError(`${what}() expects one list, tuple or set, got ${typeName(items)}`);
  for (const item of out) checkHashable(item, `${what} element`);
  return out;
}

function bytesArg(args: PyTuple, budget: Budget, what: string): Uint8Array {
  if (args.length === 0) return new Uint8Array(0);
  const [value, encoding] = args;
  if (args.length === 2 && typeof value === 'string' && typeof encoding === 'string') return encodeText(value, encoding, budget);
  if (args.length === 1 && value instanceof Uint8Array) return value;
  if (args.length === 1 && value instanceof PyByteArray) return value.bytes;
  if (args.length === 1 && Array.isArray(value)) {
    budget.alloc(value.length, what);
    return Uint8Array.from(value, (v) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) throw new PickleError(`${what}() items must be ints in 0..255, got ${typeName(v)}`);
      return v;
    });
  }
  throw new PickleError(`Unsupported arguments to ${what}(): ${args.map(typeName).join(', ')}`);
}

function encode(args: PyTuple, budget: Budget): Uint8Array {
  const [text, encoding = 'utf-8'] = args;
  if (typeof text !== 'string' || typeof encoding !== 'string' || args.length > 3) throw new PickleError('_codecs.encode expects (str, encoding)');
  return encodeText(text, encoding, budget);
}

function encodeText(text: string, encoding: string, budget: Budget): Uint8Array {
  const enc = encoding.toLowerCase().replace(/[-_]/g, '');
  budget.alloc(text.length * (enc === 'utf8' ? 3 : 1), 'encoded bytes');
  if (enc === 'latin1' || enc === 'iso88591' || enc === 'ascii') {
    const max = enc === 'ascii' ? 0x7f : 0xff;
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > max) throw new PickleError(`Cannot encode character U+${c.toString(16).padStart(4, '0')} as ${encoding}`);
      out[i] = c;
    }
    return out;
  }
  if (enc === 'utf8') return new Uint8Array(Buffer.from(text, 'utf8'));
  throw new PickleError(`Unsupported encoding '${encoding}' in a pickled bytes value`);
}

function complex(args: PyTuple): PyComplex {
  const [re = 0, im = 0] = args;
  if (typeof re !== 'number' || typeof im !== 'number' || args.length > 2) throw new PickleError(`complex() expects two floats, got ${args.map(typeName).join(', ')}`);
  return new PyComplex(re, im);
}

function sliceOf(args: PyTuple): PySlice {
  if (args.length === 1) return new PySlice(null, args[0], null);
  return new PySlice(args[0], args[1], args[2] ?? null);
}

function dictArg(args: PyTuple, what: string): Map<PyValue, PyValue> {
  const map = new Map<PyValue, PyValue>();
  if (args.length === 0) return map;
  const items = args[0];
  const pairs = items instanceof Map ? [...items] : Array.isArray(items) ? items : undefined;
  if (!pairs || args.length > 1) throw new PickleError(`${what}() expects a dict or a list of pairs, got ${args.map(typeName).join(', ')}`);
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new PickleError(`${what}() items must be (key, value) pairs`);
    checkHashable(pair[0], 'dict key');
    map.set(pair[0], pair[1]);
  }
  return map;
}

function reconstructor(args: PyTuple): PyObject {
  const [cls, base = null, state = null] = args;
  if (!(cls instanceof PyGlobal || cls instanceof PyObject) || args.length !== 3) throw new PickleError(`copyreg._reconstructor expects (class, base, state), got ${args.map(typeName).join(', ')}`);
  return new PyObject(cls, 'reconstructor', Object.freeze([base, state]));
}

function builtinType(name: string): PyGlobal {
  // cloudpickle's _builtin_type(name) is getattr(types, name), with ClassType meaning type.
  return name === 'ClassType' ? new PyGlobal('builtins', 'type') : new PyGlobal('types', name);
}

function setStateOf(args: PyTuple): PyValue | undefined {
  const [target, state] = args;
  if (!(target instanceof PyObject) || args.length !== 2) return undefined;
  applyState(target, state);
  return target;
}
