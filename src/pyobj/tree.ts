// Owns the inert object tree the readers build: Python values as JavaScript values, classes and
// functions as names, and objects as records of how Python would have built them (never run).

import type { NpDType } from './dtype.js';
import type { NdArray } from './ndarray.js';

/**
 * A value of the tree. Python → JavaScript:
 *
 * | Python | JavaScript |
 * | --- | --- |
 * | `None`, `bool` | `null`, `boolean` |
 * | `int` | `number` within ±(2^53 − 1), `bigint` beyond (exact) |
 * | `float` | `number`; an integral float (`1.0`) is marked, see `isPyFloat` |
 * | `str` | `string` (lone surrogates kept) |
 * | `bytes` | `Uint8Array` (may view the input: do not write to it) |
 * | `bytearray` | `PyByteArray` |
 * | `list` | `PyValue[]` |
 * | `tuple` | a frozen array (`isTuple`) |
 * | `dict`, `OrderedDict`, `defaultdict` | `Map` (`PyDict`), keys of any type |
 * | `set`, `frozenset` | `Set` (`PySet`), `PyFrozenSet` |
 * | `complex`, `slice` | `PyComplex`, `PySlice` |
 * | a class or function named by the pickle | `PyGlobal` |
 * | any other object | `PyObject`, a record of its construction |
 * | `numpy.ndarray`, numpy scalars | `NdArray` (scalars are 0-d with `isScalar`) |
 * | `numpy.dtype` | `NpDType` |
 *
 * Cycles and shared references are kept: a list that contains itself contains itself.
 */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyByteArray
  | PyList
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | PyObject
  | PyComplex
  | PySlice
  | PyPersistent
  | NdArray
  | NpDType;

/** A Python list. */
export type PyList = PyValue[];
/** A Python tuple: a frozen array (tell it from a list with `isTuple`). */
export type PyTuple = readonly PyValue[];
/** A Python dict: insertion-ordered, keys compared as JavaScript Map keys (tuples by identity). */
export type PyDict = Map<PyValue, PyValue>;
/** A Python set; `PyFrozenSet` for a frozenset. */
export type PySet = Set<PyValue>;

/** A Python frozenset. */
export class PyFrozenSet extends Set<PyValue> {}

/** The empty tuple (Python has one too). */
export const EMPTY_TUPLE: PyTuple = Object.freeze([]);

/** True for a tuple (a frozen array), false for a list and everything else. */
export function isTuple(value: unknown): value is PyTuple {
  return Array.isArray(value) && Object.isFrozen(value);
}

/** True for a list (an array that is not frozen). */
export function isList(value: unknown): value is PyList {
  return Array.isArray(value) && !Object.isFrozen(value);
}

/** A reference to a class or function by name (`GLOBAL`, `STACK_GLOBAL`, `INST`, skops types). */
export class PyGlobal {
  /** Module, as Python 3 names it (Python 2 names of protocols 0–2 are mapped, as pickle does). */
  readonly module: string;
  /** Name inside the module; may be dotted (`Outer.method`). */
  readonly name: string;

  constructor(module: string, name: string) {
    this.module = module;
    this.name = name;
  }

  /** `module.name`, e.g. `sklearn.svm._classes.SVC`. */
  get qualname(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * How a `PyObject` came to be: `reduce` is `callable(*args)` (REDUCE); `newobj` is
 * `cls.__new__(cls, *args)` (NEWOBJ, skops objects); `newobj_ex` adds `kwargs`; `inst`/`obj` are
 * protocol 0/1 instances (`cls(*args)`); `reconstructor` is `copyreg._reconstructor(cls, base, state)`
 * (protocols 0/1 objects: `callable` is `cls`, `args` are `(base, state)`).
 */
export type PyObjectKind = 'reduce' | 'newobj' | 'newobj_ex' | 'inst' | 'obj' | 'reconstructor';

/**
 * An object as a record of how Python would build it; nothing is ever called. BUILD sets
 * `state` (`__setstate__`'s argument, usually the instance dict); APPEND(S), SETITEM(S) and
 * ADDITEMS on a record (a list, dict or set subclass) fill `listItems`, `dictItems`, `setItems`.
 */
export class PyObject {
  /** What Python would call: a `PyGlobal` (class or function), or another record (a class pickled by value). */
  readonly callable: PyGlobal | PyObject;
  readonly kind: PyObjectKind;
  /** Positional arguments of the call. */
  readonly args: PyTuple;
  /** Keyword arguments (`newobj_ex` only). */
  readonly kwargs: PyDict | null;
  /** The state BUILD applied; `undefined` when there was no BUILD. */
  state: PyValue | undefined = undefined;
  /** Items appended to the object (APPEND/APPENDS), or null. */
  listItems: PyValue[] | null = null;
  /** Items set on the object (SETITEM/SETITEMS), or null. */
  dictItems: PyDict | null = null;
  /** Items added to the object (ADDITEMS), or null. */
  setItems: PyValue[] | null = null;

  constructor(callable: PyGlobal | PyObject, kind: PyObjectKind, args: PyTuple, kwargs: PyDict | null = null) {
    this.callable = callable;
    this.kind = kind;
    this.args = args;
    this.kwargs = kwargs;
  }

  /**
   * The fully qualified name of the object's class: the class called (`sklearn.svm._classes.SVC`),
   * the class a Cython `__pyx_unpickle_X` or numpy random constructor builds, or a description of
   * what cloudpickle pickled by value: an instance of such a class
   * (`__main__.MyTransformer (a class pickled by value)`), or the class or function itself
   * (`__main__.<lambda> (a function pickled by value)`).
   */
  get className(): string {
    return classNameOf(this);
  }
}

/** A Python complex number. */
export class PyComplex {
  constructor(
    readonly real: number,
    readonly imag: number,
  ) {}
}

/** A Python slice (ColumnTransformer column selections use them). */
export class PySlice {
  constructor(
    readonly start: PyValue,
    readonly stop: PyValue,
    readonly step: PyValue,
  ) {}
}

/** A Python bytearray; `bytes` may view the input: do not write to it. */
export class PyByteArray {
  constructor(readonly bytes: Uint8Array) {}
}

/** A persistent ID (PERSID/BINPERSID) kept as a record, when the reader is asked to keep them. */
export class PyPersistent {
  constructor(readonly id: PyValue) {}
}

// Int/float distinction for integral floats: JavaScript has one number type, so a container
// marks the slots that hold a Python float with an integral value (as data/float-hint does for
// JSON). Keys: array index, dict key, or attribute name.
const FLOAT_MARKS = new WeakMap<object, Set<unknown>>();

/** Marks `container[key]` as holding a Python float. */
export function markPyFloat(container: object, key: unknown): void {
  let keys = FLOAT_MARKS.get(container);
  if (!keys) FLOAT_MARKS.set(container, (keys = new Set()));
  keys.add(key);
}

/**
 * True when the number at `container[key]` (an array index, or a dict key) is a Python float:
 * non-integral, non-finite, negative zero, or an integral float the reader marked.
 */
export function isPyFloat(container: object, key: unknown): boolean {
  const value = container instanceof Map ? container.get(key) : (container as Record<string, unknown>)[key as string];
  if (typeof value !== 'number') return false;
  return !Number.isInteger(value) || Object.is(value, -0) || (FLOAT_MARKS.get(container)?.has(key) ?? false);
}

// Functions that build an instance of another class; the record's class is that class.
const CONSTRUCTED_CLASS: Record<string, (args: PyTuple) => string | undefined> = {
  'numpy.random._pickle.__randomstate_ctor': () => 'numpy.random.mtrand.RandomState',
  'numpy.random._pickle.__generator_ctor': () => 'numpy.random._generator.Generator',
  'numpy.random._pickle.__bit_generator_ctor': (args) => (args[0] instanceof PyGlobal ? args[0].qualname : typeof args[0] === 'string' ? BIT_GENERATORS[args[0]] : undefined),
};

// numpy < 2 names the bit generator of a pickled random state by its class name only.
const BIT_GENERATORS: Record<string, string> = {
  MT19937: 'numpy.random._mt19937.MT19937',
  PCG64: 'numpy.random._pcg64.PCG64',
  PCG64DXSM: 'numpy.random._pcg64.PCG64DXSM',
  Philox: 'numpy.random._philox.Philox',
  SFC64: 'numpy.random._sfc64.SFC64',
};

function classNameOf(obj: PyObject): string {
  const self = describeByValue(obj);
  if (self) return `${self.module}.${self.name} (a ${self.kind} pickled by value)`;
  const callable = obj.callable;
  if (callable instanceof PyObject) {
    const byValue = describeByValue(callable);
    return byValue ? `${byValue.module}.${byValue.name} (a class pickled by value)` : `${callable.className} (a class built at load time)`;
  }
  const name = callable.qualname;
  if (obj.kind !== 'reduce') return name;
  if (callable.name.startsWith('__pyx_unpickle_') && obj.args[0] instanceof PyGlobal) return obj.args[0].qualname;
  return CONSTRUCTED_CLASS[name]?.(obj.args) ?? name;
}

const CLOUDPICKLE_MODULES = new Set(['cloudpickle.cloudpickle', 'cloudpickle.cloudpickle_fast', 'cloudpickle']);

/** What cloudpickle pickled by value: a class, a function, a code object or an enum. */
export interface ByValue {
  readonly kind: 'class' | 'function' | 'enum';
  /** Qualified name inside its module (`MyTransformer`, `make_features.<locals>.<lambda>`). */
  readonly name: string;
  /** Module it was defined in (`__main__` for a script or notebook). */
  readonly module: string;
}

/**
 * Recognises records that cloudpickle writes for classes and functions pickled by value
 * (`_make_skeleton_class`, `_make_skeleton_enum`, `_make_function`, older `_make_skel_func`),
 * so that a consumer can say "a function pickled by value" instead of failing on an unknown
 * class. Returns undefined for anything else.
 */
export function describeByValue(value: PyValue): ByValue | undefined {
  if (!(value instanceof PyObject) || !(value.callable instanceof PyGlobal)) return undefined;
  const { module, name } = value.callable;
  if (!CLOUDPICKLE_MODULES.has(module)) return undefined;
  const text = (v: PyValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
  if (name === '_make_skeleton_class' || name === '_make_skeleton_enum') {
    const kwargs = value.args[name === '_make_skeleton_class' ? 3 : 6];
    const qualname = name === '_make_skeleton_class' ? text(value.args[1]) : text(value.args[2]);
    const fromState = stateEntry(value, '__module__');
    const mod = text(kwargs instanceof Map ? kwargs.get('__module__') : undefined) ?? text(name === '_make_skeleton_enum' ? value.args[4] : undefined) ?? text(fromState);
    return { kind: name === '_make_skeleton_class' ? 'class' : 'enum', name: text(stateEntry(value, '__qualname__')) ?? qualname ?? '?', module: mod ?? '?' };
  }
  if (name === '_make_function' || name === '_make_skel_func' || name === '_fill_function') {
    const qualname = text(stateEntry(value, '__qualname__')) ?? text(stateEntry(value, '__name__')) ?? text(value.args[2]) ?? codeName(value.args[0]);
    const mod = text(stateEntry(value, '__module__')) ?? globalsName(value.args[1]);
    return { kind: 'function', name: qualname ?? '?', module: mod ?? '?' };
  }
  return undefined;
}

// cloudpickle's _function_setstate/_class_setstate state is (dict, slotstate) or a dict.
function stateEntry(obj: PyObject, key: string): PyValue | undefined {
  const parts = isTuple(obj.state) ? obj.state : [obj.state ?? null];
  for (const part of parts) if (part instanceof Map && part.has(key)) return part.get(key);
  return undefined;
}

function codeName(code: PyValue): string | undefined {
  // types.CodeType(argcount, ..., filename, name, qualname, ...): the name is the first str after the bytecode.
  if (!(code instanceof PyObject)) return undefined;
  const strings = code.args.filter((a): a is string => typeof a === 'string');
  return strings[1];
}

function globalsName(globals: PyValue): string | undefined {
  return globals instanceof Map && typeof globals.get('__name__') === 'string' ? (globals.get('__name__') as string) : undefined;
}
