// Owns reading skops files (`.skops`: a zip of `schema.json` and `.npy`/`.npz`/`.bin` files,
// skops protocols 0–2) into the same inert tree the pickle reader builds. The schema is walked
// iteratively; every class stays a name; the zip, JSON and arrays share one budget.

import { JsonObject, type JsonValue, parseJson } from './_json.js';
import { convertKey, jsonContent, jsonToPy, list, object, str } from './_skops-values.js';
import { applyState, reduceKnown } from './_reduce.js';
import { PickleError } from './errors.js';
import { Budget, type PyReadLimits, resolveLimits } from './limits.js';
import { NdArray, setArray } from './ndarray.js';
import { npyArray, npzArrays } from './npy.js';
import { arrayFromList, shapeOf } from './numpy.js';
import { typeName } from './_type-name.js';
import { NpDType } from './dtype.js';
import { EMPTY_TUPLE, PyByteArray, PyFrozenSet, PyGlobal, PyObject, PySlice, type PyValue, isPyFloat, isTuple, markPyFloat } from './tree.js';
import { ZipArchive } from './zip.js';

/** The newest skops persistence protocol this reader knows (skops/io/_protocol.py). */
export const SKOPS_PROTOCOL = 2;

/**
 * Reads a `.skops` file into an inert tree shaped as `readPickle` would shape the same object:
 * objects are `PyObject` records (`newobj` with their `__dict__` as state; `reduce` for the
 * tree, loss and constructor-from-reduce nodes), numpy arrays `NdArray`, dtypes `NpDType`,
 * functions and types `PyGlobal`. Throws `PickleError` for malformed or over-limit files.
 */
export function readSkops(bytes: Uint8Array, options: { limits?: Partial<PyReadLimits> } = {}): PyValue {
  const budget = new Budget(resolveLimits(options.limits));
  const zip = ZipArchive.open(bytes, budget, 'The skops file');
  const entry = zip.entry('schema.json');
  if (!entry) throw new PickleError('The skops file has no schema.json (not a skops file?)');
  const schemaBytes = zip.read('schema.json');
  const text = Buffer.from(schemaBytes.buffer, schemaBytes.byteOffset, schemaBytes.byteLength).toString('utf8');
  let schema: JsonValue;
  try {
    // Each skops node nests JSON about three deep (node, content, node).
    schema = parseJson(text, { maxDepth: budget.limits.maxDepth * 4 + 8 });
  } catch (err) {
    throw new PickleError(`The skops schema.json cannot be read: ${(err as Error).message}`, { cause: err });
  }
  if (!(schema instanceof JsonObject)) throw new PickleError('The skops schema.json is not an object');
  const protocol = schema.get('protocol');
  if (typeof protocol !== 'number' || !Number.isInteger(protocol) || protocol < 0) throw new PickleError('The skops schema.json has no protocol number');
  if (protocol > SKOPS_PROTOCOL) throw new PickleError(`The skops file uses protocol ${protocol}; this reader knows protocols 0 to ${SKOPS_PROTOCOL} (skops ≤ 0.13)`);
  return new SkopsBuilder(zip, budget, protocol).build(schema);
}

type Assign = (value: PyValue, isFloat: boolean) => void;

const NUMPY_SCALARS = new Set([
  'bool_', 'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float16', 'float32', 'float64', 'longlong',
  'complex64', 'complex128', 'str_', 'bytes_', 'void', 'datetime64', 'timedelta64', 'intc', 'uintc', 'int_', 'uint', 'double', 'single', 'half',
]);

class SkopsBuilder {
  readonly #zip: ZipArchive;
  readonly #budget: Budget;
  readonly #protocol: number;
  /** Values by skops `__id__`, with their float flag (Python shares float objects between attributes). */
  readonly #memo = new Map<number, [PyValue, boolean]>();
  readonly #tasks: (() => void)[] = [];

  constructor(zip: ZipArchive, budget: Budget, protocol: number) {
    this.#zip = zip;
    this.#budget = budget;
    this.#protocol = protocol;
  }

  build(schema: JsonObject): PyValue {
    let root: PyValue = null;
    this.#node(schema, 0, (v) => (root = v), 'root');
    while (this.#tasks.length > 0) this.#tasks.pop()!();
    return root;
  }

  /** Schedules children: they run (depth-first, in order) before the finalizer, which is pushed first. */
  #schedule(finalize: (() => void) | null, children: (() => void)[]): void {
    if (finalize) this.#tasks.push(finalize);
    for (let k = children.length - 1; k >= 0; k--) this.#tasks.push(children[k]);
  }

  #node(state: JsonValue | undefined, depth: number, assign: Assign, where: string): void {
    if (!(state instanceof JsonObject)) throw new PickleError(`skops node at ${where} is not an object`);
    if (depth > this.#budget.limits.maxDepth) throw new PickleError(`skops schema is nested deeper than ${this.#budget.limits.maxDepth} (raise limits.maxDepth to read it)`);
    this.#budget.count();
    const id = state.get('__id__');
    const key = typeof id === 'number' ? id : null;
    const cached = key === null ? undefined : this.#memo.get(key);
    if (cached) return assign(cached[0], cached[1]);
    const register = (v: PyValue, isFloat = false): PyValue => {
      if (key !== null) this.#memo.set(key, [v, isFloat]);
      return v;
    };
    const loader = str(state.get('__loader__'), '__loader__', where);
    const module = str(state.get('__module__'), '__module__', where);
    const cls = str(state.get('__class__'), '__class__', where);
    const content = state.get('content');
    const child = (s: JsonValue | undefined, name: string, to: Assign): (() => void) => () => this.#node(s, depth + 1, to, `${where}.${name}`);

    switch (loader) {
      case 'JsonNode': {
        const [value, isFloat] = jsonContent(content, where, this.#budget.limits.maxDepth);
        return assign(register(value, isFloat), isFloat);
      }
      case 'ListNode':
      case 'SetNode':
      case 'TupleNode': {
        const items = list(content, where);
        const out: PyValue[] = new Array(items.length).fill(null);
        const isTupleNode = loader === 'TupleNode';
        const plainTuple = isTupleNode && module === 'builtins' && cls === 'tuple';
        if (loader === 'ListNode' || plainTuple) assign(register(out), false);
        const children = items.map((s, k) => child(s, `[${k}]`, (v, f) => ((out[k] = v), f && markPyFloat(out, k))));
        return this.#schedule(() => {
          if (plainTuple) Object.freeze(out);
          else if (isTupleNode) assign(register(new PyObject(new PyGlobal(module, cls), 'reduce', Object.freeze(out))), false);
          else if (loader === 'SetNode') assign(register(cls === 'frozenset' ? new PyFrozenSet(out) : new Set(out)), false);
        }, children);
      }
      case 'DictNode': {
        const map = new Map<PyValue, PyValue>();
        assign(register(map), false);
        const entries = object(content, where);
        let types: PyValue = null;
        // Key types first (a list of type nodes, one per key, in order), then the entries.
        const fill = (): void => {
          if (!Array.isArray(types) || types.length !== entries.size || !types.every((t) => t instanceof PyGlobal)) {
            throw new PickleError(`skops dict at ${where} has key_types that are not one type per key`);
          }
          let k = 0;
          const children = [...entries].map(([text, s]) => {
            const dictKey = convertKey(text, (types as PyGlobal[])[k++].qualname, where);
            map.set(dictKey, null);
            return child(s, `['${text}']`, (v, f) => (map.set(dictKey, v), f && markPyFloat(map, dictKey)));
          });
          this.#schedule(null, children);
        };
        return this.#schedule(null, [child(state.get('key_types'), 'key_types', (v) => (types = v)), fill]);
      }
      case 'DefaultDictNode':
      case '_DictWithDeprecatedKeysNode': {
        const parts = object(content, where);
        const children = [child(parts.get('main'), 'main', (v) => assign(register(v), false))];
        if (parts.has('default_factory')) children.push(child(parts.get('default_factory'), 'default_factory', () => undefined));
        if (parts.has('_deprecated_key_to_new_key')) children.push(child(parts.get('_deprecated_key_to_new_key'), 'keys', () => undefined));
        return this.#schedule(null, children);
      }
      case 'BytesNode':
      case 'BytearrayNode': {
        const data = this.#zip.read(str(state.get('file'), 'file', where));
        return assign(register(loader === 'BytesNode' ? data : new PyByteArray(data)), false);
      }
      case 'SliceNode': {
        const parts = object(content, where);
        const part = (name: string): PyValue => jsonToPy(parts.get(name) ?? null);
        return assign(register(new PySlice(part('start'), part('stop'), part('step'))), false);
      }
      case 'TypeNode':
        return assign(register(new PyGlobal(module, cls)), false);
      case 'FunctionNode': {
        if (this.#protocol === 0 && content instanceof JsonObject) {
          return assign(register(new PyGlobal(str(content.get('module_path'), 'module_path', where), str(content.get('function'), 'function', where))), false);
        }
        return assign(register(new PyGlobal(module, cls)), false);
      }
      case 'MethodNode': {
        const parts = object(content, where);
        const func = str(parts.get('func'), 'func', where);
        let owner: PyValue = null;
        return this.#schedule(
          () => assign(register(new PyObject(new PyGlobal('builtins', 'getattr'), 'reduce', Object.freeze([owner, func]))), false),
          [child(parts.get('obj'), 'obj', (v) => (owner = v))],
        );
      }
      case 'PartialNode': {
        const parts = object(content, where);
        const got: PyValue[] = [null, EMPTY_TUPLE, new Map(), null];
        const names = ['func', 'args', 'kwds', 'namespace'];
        return this.#schedule(
          () => {
            const record = new PyObject(new PyGlobal('functools', 'partial'), 'reduce', Object.freeze([got[0]]));
            record.state = Object.freeze([...got]);
            assign(register(record), false);
          },
          names.map((n, k) => child(parts.get(n), n, (v) => (got[k] = v))),
        );
      }
      case 'ObjectNode':
      case 'RandomStateNode': {
        const record = new PyObject(new PyGlobal(module, cls), 'newobj', EMPTY_TUPLE);
        assign(register(record), false);
        if (content === undefined || content === null) return;
        return this.#schedule(null, [child(content, 'content', (v) => applyState(record, v))]);
      }
      case 'MaskedArrayNode':
      case 'RandomGeneratorNode': {
        const record = new PyObject(new PyGlobal(module, cls), 'newobj', EMPTY_TUPLE);
        const attrs = new Map<PyValue, PyValue>();
        record.state = attrs;
        assign(register(record), false);
        const parts = object(content, where);
        return this.#schedule(
          null,
          [...parts].map(([name, s]) =>
            s instanceof JsonObject && s.has('__loader__') ? child(s, name, (v) => attrs.set(name, v)) : () => attrs.set(name, jsonToPy(s)),
          ),
        );
      }
      case 'ConstructorFromReduceNode':
      case 'OperatorFuncNode':
      case 'TreeNode':
      case 'LossNode':
      case 'QuantileForestNode': {
        const reduceNode = state.get('__reduce__');
        const argsState = loader === 'ConstructorFromReduceNode' ? content : loader === 'OperatorFuncNode' ? state.get('attrs') : reduceNode instanceof JsonObject ? reduceNode.get('args') : undefined;
        let args: PyValue = EMPTY_TUPLE;
        let attrs: PyValue | undefined;
        const fn = new PyGlobal(loader === 'OperatorFuncNode' ? 'operator' : module, cls);
        const children = [child(argsState, 'args', (v) => (args = v))];
        if (loader !== 'ConstructorFromReduceNode' && loader !== 'OperatorFuncNode') children.push(child(content, 'content', (v) => (attrs = v)));
        return this.#schedule(() => {
          if (!isTuple(args)) throw new PickleError(`skops node at ${where} has arguments that are ${typeName(args)}, not a tuple`);
          const known = loader === 'ConstructorFromReduceNode' ? reduceKnown(fn, args, this.#budget) : undefined;
          const value = known ?? new PyObject(fn, 'reduce', args);
          if (attrs !== undefined && value instanceof PyObject) applyState(value, attrs);
          assign(register(value), false);
        }, children);
      }
      case 'NdArrayNode':
        return this.#array(state, module, cls, depth, assign, register, where);
      case 'DTypeNode': {
        let dtype: NpDType | undefined;
        return this.#schedule(
          () => assign(register(dtype!), false),
          [child(content, 'content', (v) => {
            if (!(v instanceof NdArray)) throw new PickleError(`skops dtype at ${where} holds ${typeName(v)}, not an array`);
            dtype = v.dtype;
          })],
        );
      }
      case 'SparseMatrixNode': {
        const record = new PyObject(new PyGlobal(module, cls), 'newobj', EMPTY_TUPLE);
        const file = str(state.get('file'), 'file', where);
        record.state = new Map<PyValue, PyValue>(npzArrays(this.#zip.read(file), this.#budget, `The skops file: ${file}`));
        return assign(register(record), false);
      }
      case 'CachedNode':
        throw new PickleError(`skops node at ${where} refers to object ${String(id)}, which the schema has not defined before`);
      default:
        throw new PickleError(`skops node at ${where} has loader '${loader}' (for ${module}.${cls}), which this reader does not know`);
    }
  }

  #array(state: JsonObject, module: string, cls: string, depth: number, assign: Assign, register: (v: PyValue) => PyValue, where: string): void {
    const type = state.get('type');
    const qualname = `${module}.${cls}`;
    if (type === 'numpy') {
      const file = str(state.get('file'), 'file', where);
      let array = npyArray(this.#zip.read(file), this.#budget, `The skops file: ${file}`);
      if (qualname !== 'numpy.ndarray') {
        const scalar = module === 'numpy' && NUMPY_SCALARS.has(cls) && array.shape.length === 0;
        array = new NdArray(array.dtype, array.shape, array.data, { isScalar: scalar, pyClass: qualname });
      }
      return assign(register(array), false);
    }
    if (type !== 'json') throw new PickleError(`skops array at ${where} has unknown type ${JSON.stringify(type)}`);
    const items = list(state.get('content'), where);
    const values: PyValue[] = new Array(items.length).fill(null);
    let shape: PyValue = null;
    const pending = new NdArray(NpDType.parse('|O'), [items.length], values, { pyClass: qualname });
    assign(register(pending), false);
    const children = items.map((s, k) => () => this.#node(s, depth + 1, (v, f) => ((values[k] = v), f && markPyFloat(values, k)), `${where}[${k}]`));
    children.push(() => this.#node(state.get('shape'), depth + 1, (v) => (shape = v), `${where}.shape`));
    return this.#schedule(() => {
      const dims = shapeOf(shape);
      // skops stores tolist() of the array: nested lists, one level per dimension after the first.
      let flat: PyValue[] = values;
      for (let d = 1; d < dims.length; d++) {
        const next: PyValue[] = [];
        for (const row of flat) {
          if (!Array.isArray(row)) throw new PickleError(`skops object array at ${where} is not nested ${dims.length} deep`);
          row.forEach((x, k) => (isPyFloat(row, k) && markPyFloat(next, next.length), next.push(x)));
        }
        flat = next;
      }
      const made = arrayFromList(flat, NpDType.parse('|O'), dims, this.#budget);
      setArray(pending, made.dtype, made.shape, made.data, { pyClass: qualname });
    }, children);
  }
}
