// Owns PyNode, the comfortable way for estimator code to read an object tree: attributes by
// name, typed getters that fail with the path and class of what they read, and paths for
// messages (`Pipeline.steps[1][1].coef_ (sklearn.svm._classes.SVC)`).

import { PyTreeError } from './errors.js';
import { NdArray } from './ndarray.js';
import { typeName } from './_type-name.js';
import { PyGlobal, PyObject, type PyValue, isPyFloat } from './tree.js';
import { keyPath, rootLabel, stateAttributes } from './walk.js';

/**
 * A value of the tree with its path from the root and the class of the record it belongs to.
 *
 * @example
 * const model = PyNode.root(readPickle(bytes));          // path 'Pipeline'
 * const svc = model.list('steps')[1].at(1);               // 'Pipeline.steps[1][1]'
 * svc.className;                                           // 'sklearn.svm._classes.SVC'
 * const coef = svc.array('coef_');                         // NdArray, or PyTreeError:
 * // "Pipeline.steps[1][1].coef_ (sklearn.svm._classes.SVC): should be a numpy array, found None"
 * const gamma = svc.float('_gamma');
 * const weights = svc.optional('class_weight_')?.asFloat64Array();
 */
export class PyNode {
  /** The value itself. */
  readonly value: PyValue;
  /** Where it is: `Pipeline.steps[1][1].coef_`. */
  readonly path: string;
  /** Class of the nearest record at or above this value (`sklearn.svm._classes.SVC`). */
  readonly owner: string;
  // The container and key the value came from, to tell an integral float from an int.
  readonly #container: object | null;
  readonly #key: unknown;

  private constructor(value: PyValue, path: string, owner: string, container: object | null, key: unknown) {
    this.value = value;
    this.path = path;
    this.owner = value instanceof PyObject ? value.className : owner;
    this.#container = container;
    this.#key = key;
  }

  /** The root of a tree; `label` starts paths (default: the record's short class name, else `root`). */
  static root(value: PyValue, label?: string): PyNode {
    return new PyNode(value, label ?? rootLabel(value), value instanceof PyObject ? value.className : 'root', null, undefined);
  }

  /** `path (owner)`, the prefix of every error about this value. */
  get where(): string {
    return `${this.path} (${this.owner})`;
  }

  /** The record's class (`sklearn.tree._classes.DecisionTreeClassifier`); undefined for other values. */
  get className(): string | undefined {
    return this.value instanceof PyObject ? this.value.className : undefined;
  }

  /** Python's name for the value's type, for messages: a class name, `numpy.ndarray`, `int`, `float`, `str`, `None`… */
  get typeName(): string {
    const v = this.value;
    if (v instanceof PyObject) return v.className;
    if (v instanceof NdArray) return v.isScalar ? v.pyClass : `${v.pyClass} of ${v.dtype.name}`;
    if (typeof v === 'number' && this.#isFloat()) return 'float';
    return typeName(v);
  }

  /** True for None. */
  get isNone(): boolean {
    return this.value === null;
  }

  /** True for a record, of class `className` when given. */
  isRecord(className?: string): boolean {
    return this.value instanceof PyObject && (className === undefined || this.value.className === className);
  }

  /** A record's constructor arguments (`Tree(n_features, n_classes, n_outputs)`), each with its path. */
  args(): PyNode[] {
    const v = this.value;
    if (!(v instanceof PyObject)) throw this.error(`should be an object, found ${this.typeName}`);
    return v.args.map((a, i) => this.#child(a, `${this.path}.__args__[${i}]`, v.args, i));
  }

  /** A record's state as BUILD gave it, when it is not an attribute dict (a Cython object's tuple). */
  state(): PyNode {
    const v = this.value;
    if (!(v instanceof PyObject)) throw this.error(`should be an object, found ${this.typeName}`);
    if (v.state === undefined) throw this.error('has no state');
    return this.#child(v.state, `${this.path}.__state__`, [v.state], 0);
  }

  /** The record (or dict) attribute names. */
  attributes(): string[] {
    return [...this.#attrs().keys()].filter((k): k is string => typeof k === 'string');
  }

  /** True when the record (or dict) has attribute `name`. */
  has(name: string): boolean {
    return this.#attrs().has(name);
  }

  /** Attribute `name` of a record (its instance dict) or key `name` of a dict; fails when missing. */
  get(name: string): PyNode {
    const attrs = this.#attrs();
    if (!attrs.has(name)) throw this.error(`has no attribute '${name}'`);
    return this.#child(attrs.get(name)!, this.value instanceof Map ? `${this.path}['${name}']` : `${this.path}.${name}`, attrs, name);
  }

  /** Attribute `name`, or undefined when it is missing or None (sklearn's optional fitted attributes). */
  optional(name: string): PyNode | undefined {
    const attrs = this.#attrs();
    const value = attrs.get(name);
    return value === undefined || value === null ? undefined : this.get(name);
  }

  /** Attribute `name` as an array (see `asArray`). */
  array(name: string): NdArray {
    return this.get(name).asArray();
  }

  /** Attribute `name` as float64 values (see `asFloat64Array`). */
  float64(name: string): Float64Array {
    return this.get(name).asFloat64Array();
  }

  /** Attribute `name` as a number (see `asFloat`). */
  float(name: string): number {
    return this.get(name).asFloat();
  }

  /** Attribute `name` as an integer (see `asInt`). */
  int(name: string): number {
    return this.get(name).asInt();
  }

  /** Attribute `name` as a boolean (see `asBool`). */
  bool(name: string): boolean {
    return this.get(name).asBool();
  }

  /** Attribute `name` as a string (see `asStr`). */
  str(name: string): string {
    return this.get(name).asStr();
  }

  /** Attribute `name` as the items of a list or tuple (see `asList`). */
  list(name: string): PyNode[] {
    return this.get(name).asList();
  }

  /** The value as a numpy array or numpy scalar (0-d). */
  asArray(): NdArray {
    if (this.value instanceof NdArray) return this.value;
    throw this.error(`should be a numpy array, found ${this.typeName}`);
  }

  /** A numeric numpy array's elements as float64 (no copy for float64 data; do not write to it). */
  asFloat64Array(): Float64Array {
    const a = this.asArray();
    if (!a.dtype.isNumeric || a.dtype.kind === 'c') throw this.error(`should be a numeric array, found ${this.typeName}`);
    return a.toFloat64Array();
  }

  /** A numeric array's elements as int32 (bool and integer dtypes whose values fit). */
  asInt32Array(): Int32Array {
    const a = this.asArray();
    try {
      return a.toInt32Array();
    } catch (err) {
      throw this.error(`should be an integer array that fits in int32: ${(err as Error).message}`);
    }
  }

  /** A Python int or float, a bool, or a numeric numpy scalar (or 0-d array), as a number. */
  asFloat(): number {
    const v = this.value;
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'bigint') return Number(v);
    if (v instanceof NdArray && v.shape.length === 0 && v.dtype.isNumeric && v.dtype.kind !== 'c') return v.toFloat64Array()[0];
    throw this.error(`should be a number, found ${this.typeName}`);
  }

  /** A Python int (not a float, even an integral one), a bool, or a numpy integer scalar, within ±2^53. */
  asInt(): number {
    const v = this.value;
    if (typeof v === 'number' && Number.isInteger(v) && !this.#isFloat()) return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v instanceof NdArray && v.shape.length === 0 && 'biu'.includes(v.dtype.kind)) {
      const item = v.item(0);
      if (typeof item === 'number') return item;
      if (typeof item === 'boolean') return item ? 1 : 0;
    }
    if (typeof v === 'bigint') throw this.error(`is the int ${v}, beyond what this reader computes with (±2^53)`);
    throw this.error(`should be an int, found ${this.typeName}${typeof v === 'number' ? ` ${Number.isInteger(v) && Math.abs(v) < 1e16 ? v.toFixed(1) : v}` : ''}`);
  }

  /** A Python bool or a numpy bool scalar. */
  asBool(): boolean {
    const v = this.value;
    if (typeof v === 'boolean') return v;
    if (v instanceof NdArray && v.shape.length === 0 && v.dtype.kind === 'b') return v.item(0) as boolean;
    throw this.error(`should be a bool, found ${this.typeName}`);
  }

  /** A Python str or a numpy str scalar. */
  asStr(): string {
    const v = this.value;
    if (typeof v === 'string') return v;
    if (v instanceof NdArray && v.shape.length === 0 && v.dtype.kind === 'U') return v.item(0) as string;
    throw this.error(`should be a str, found ${this.typeName}`);
  }

  /** A class or function named by the pickle (`numpy.float64`, `numpy.log1p`). */
  asGlobal(): PyGlobal {
    if (this.value instanceof PyGlobal) return this.value;
    throw this.error(`should be a class or function reference, found ${this.typeName}`);
  }

  /** The items of a list or tuple, each with its path. */
  asList(): PyNode[] {
    const v = this.value;
    if (!Array.isArray(v)) throw this.error(`should be a list or tuple, found ${this.typeName}`);
    return v.map((item, i) => this.#child(item, `${this.path}[${i}]`, v, i));
  }

  /** Item `i` of a list, tuple, or object array. */
  at(i: number): PyNode {
    const v = this.value;
    const items = Array.isArray(v) ? v : v instanceof NdArray && v.dtype.kind === 'O' ? (v.data as PyValue[]) : undefined;
    if (!items) throw this.error(`should be a list or tuple, found ${this.typeName}`);
    if (!Number.isInteger(i) || i < 0 || i >= items.length) throw this.error(`has no item ${i} (length ${items.length})`);
    return this.#child(items[i], `${this.path}[${i}]`, items, i);
  }

  /** The entries of a dict, keys as they are and values as nodes. */
  asEntries(): [PyValue, PyNode][] {
    const v = this.value;
    if (!(v instanceof Map)) throw this.error(`should be a dict, found ${this.typeName}`);
    return [...v].map(([k, x]) => [k, this.#child(x, `${this.path}${keyPath(k)}`, v, k)]);
  }

  /** The value of dict key `key`. */
  key(key: PyValue): PyNode {
    const v = this.value;
    if (!(v instanceof Map)) throw this.error(`should be a dict, found ${this.typeName}`);
    if (!v.has(key)) throw this.error(`has no key ${keyPath(key)}`);
    return this.#child(v.get(key)!, `${this.path}${keyPath(key)}`, v, key);
  }

  /** A PyTreeError about this value: `<path> (<owner>): <problem>`. */
  error(problem: string): PyTreeError {
    return new PyTreeError(`${this.where}: ${problem}`, this.path);
  }

  #attrs(): Map<PyValue, PyValue> {
    const v = this.value;
    if (v instanceof Map) return v;
    if (v instanceof PyObject) {
      const attrs = stateAttributes(v);
      if (attrs) return attrs;
      if (v.state === undefined || v.state === null) return new Map();
      throw this.error(`has a state that is not an attribute dict (${typeName(v.state)})`);
    }
    throw this.error(`should be an object with attributes, found ${this.typeName}`);
  }

  #child(value: PyValue, path: string, container: object, key: unknown): PyNode {
    return new PyNode(value, path, this.owner, container, key);
  }

  #isFloat(): boolean {
    return this.#container !== null && isPyFloat(this.#container, this.#key);
  }
}

