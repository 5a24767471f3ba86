// Owns how model input travels to a Python worker (pure): typed buffers for arrays, JSON for plain values.
//
// Why not Arrow IPC: the worker must rebuild exactly what MLflow's parser made (numpy `<U`/`S`
// arrays apart from object arrays, N-d tensors, pandas' integer column labels, object cells that
// are lists, dicts or arrays, and Python's int/float distinction inside them). Arrow carries none
// of that without extension metadata, and its pandas conversion changes dtypes (object strings,
// nullable ints). This form is small: numeric columns and tensors are raw little-endian buffers
// that numpy reads in place (`np.frombuffer`), strings and plain values are JSON that Python's C
// parser reads, with floats written as floats (`1.0`) so `json.loads` gives Python's int or float
// as MLflow's `json.loads` of the request did. `bench/python.ts` measures the cost per request.
// The node types are documented in `python/mlserve_worker/values.py`, which decodes them.

import { BadRequestError, ServingError } from '../../errors.js';
import { Frame } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';
import type { DType } from '../../data/dtype.js';
import { isFloatAt } from '../../data/float-hint.js';
import { orderedKeys } from '../../data/key-order.js';
import { isPlainObject } from '../../data/pytype.js';
import { dateToNs } from '../../data/datetime.js';
import type { Payload } from './frames.js';

/**
 * Deepest nesting of lists and objects sent: Python's JSON reader stops near its recursion limit
 * (1,000 frames by default; MLflow's own `json.loads` of such a request fails the same way).
 */
export const MAX_PYTHON_DEPTH = 900;

/** Dtypes whose elements travel as a raw little-endian buffer (bool as one byte 0/1). */
const RAW: ReadonlySet<DType> = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float16', 'float32', 'float64', 'datetime64']);

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function unsendable(v: unknown): ServingError {
  const kind = typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
  return new ServingError('INTERNAL_ERROR', `A value of type ${kind} cannot be sent to the Python worker.`);
}

/** JSON text of a number that Python's `json.loads` reads as the same int or float. */
function numberText(n: number, float: boolean): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (!float) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  if (Object.is(n, -0)) return '-0.0';
  const s = String(n);
  return Number.isInteger(n) && !s.includes('e') ? s + '.0' : s;
}

/** Writes plain values as JSON; values JSON cannot hold become `null` plus a patch naming their path. */
class JsonNodeWriter {
  private readonly path: (string | number)[] = [];
  private readonly patches: string[] = [];
  constructor(private readonly payload: Payload) {}

  node(v: unknown): string {
    const text = this.value(v, undefined, undefined);
    return this.patches.length ? `{"t":"js","v":${text},"p":[${this.patches.join(',')}]}` : `{"t":"js","v":${text}}`;
  }

  private value(v: unknown, container: object | undefined, key: string | number | undefined): string {
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'number':
        return numberText(v, container !== undefined && key !== undefined ? isFloatAt(container, key, v) : !Number.isInteger(v) || Object.is(v, -0));
      case 'bigint':
        return v.toString();
      case 'boolean':
        return v ? 'true' : 'false';
      case 'undefined':
        return 'null';
      case 'object':
        if (v === null) return 'null';
        if (this.path.length >= MAX_PYTHON_DEPTH) {
          throw new BadRequestError(`The request nests lists or objects more than ${MAX_PYTHON_DEPTH} levels deep, more than Python's JSON reader (and so the model) can take.`);
        }
        if (Array.isArray(v)) {
          let out = '[';
          for (let i = 0; i < v.length; i++) {
            if (i) out += ',';
            this.path.push(i);
            out += this.value(v[i], v, i);
            this.path.pop();
          }
          return out + ']';
        }
        if (isPlainObject(v)) {
          let out = '{';
          let first = true;
          for (const k of orderedKeys(v)) {
            out += (first ? '' : ',') + JSON.stringify(k) + ':';
            first = false;
            this.path.push(k);
            out += this.value(v[k], v, k);
            this.path.pop();
          }
          return out + '}';
        }
        this.patches.push(`[${JSON.stringify(this.path)},${encodeSpecial(v, this.payload)}]`);
        return 'null';
      default:
        throw unsendable(v);
    }
  }
}

/** The node of a value that is not plain JSON (a Frame, a Tensor, bytes, a date). */
function encodeSpecial(v: object, payload: Payload): string {
  if (v instanceof Frame) return encodeFrameNode(v, payload);
  if (v instanceof Tensor) return `{"t":"nd",${arrayFields(v.dtype, v.data, v.shape, payload)}}`;
  if (v instanceof Uint8Array && !(v instanceof Uint8ClampedArray)) return `{"t":"by","b":${payload.add(v)}}`;
  if (v instanceof Date) return `{"t":"ts","ns":${dateToNs(v).toString()}}`;
  throw unsendable(v);
}

function allOf<T>(values: ArrayLike<unknown>, test: (x: unknown) => x is T): values is ArrayLike<T> {
  for (let i = 0; i < values.length; i++) if (!test(values[i])) return false;
  return true;
}

const isString = (x: unknown): x is string => typeof x === 'string';
const isBytes = (x: unknown): x is Uint8Array => x instanceof Uint8Array;

/** `"dt", "sh"` and the data fields of an array node. */
function arrayFields(dtype: DType, values: ArrayLike<unknown>, shape: readonly number[], payload: Payload): string {
  const head = `"sh":${JSON.stringify(shape)}`;
  if (RAW.has(dtype)) return `"dt":"${dtype}",${head},"b":${payload.add(bytesOf(values as unknown as ArrayBufferView))}`;
  if (dtype === 'bool' && allOf(values, (x): x is boolean => typeof x === 'boolean')) {
    const bytes = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) bytes[i] = values[i] ? 1 : 0;
    return `"dt":"bool",${head},"b":${payload.add(bytes)}`;
  }
  if (dtype === 'str' && allOf(values, isString)) return `"dt":"str",${head},"v":${JSON.stringify(Array.from(values))}`;
  if (dtype === 'bytes' && allOf(values, isBytes)) {
    const offsets = new Uint32Array(values.length + 1);
    for (let i = 0; i < values.length; i++) offsets[i + 1] = offsets[i] + values[i].byteLength;
    const data = Buffer.concat(Array.from(values), offsets[values.length]);
    return `"dt":"bytes",${head},"b":${payload.add(data)},"o":${payload.add(bytesOf(offsets))}`;
  }
  // Object arrays, and cells of other dtypes that are not what the dtype says: Python objects. The
  // array itself is written (not a copy): its float marks say which integral numbers are floats.
  return `"dt":"object",${head},"c":${new JsonNodeWriter(payload).node(Array.isArray(values) ? values : Array.from(values))}`;
}

function encodeFrameNode(f: Frame, payload: Payload): string {
  const cols = f.cols.map((c) => `{"n":${typeof c.name === 'number' ? String(c.name) : JSON.stringify(c.name)},${arrayFields(c.dtype, c.values, [f.numRows], payload)}}`);
  return `{"t":"df","n":${f.numRows},"cols":[${cols.join(',')}]}`;
}

/** The JSON node text of a model input or params value; its buffers are appended to `payload`. */
export function encodeValue(v: unknown, payload: Payload): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !isPlainObject(v)) return encodeSpecial(v, payload);
  return new JsonNodeWriter(payload).node(v);
}
