// Owns numpy's pickled forms: `_reconstruct` + `__setstate__` arrays, protocol-5 `_frombuffer`
// arrays, `scalar(dtype, bytes)` scalars and `dtype(obj, align, copy)` + `__setstate__` dtypes,
// under both the `numpy.core` (numpy 1) and `numpy._core` (numpy 2) module names.

import { decodeItems, fortranToC, storageOf } from './_decode.js';
import { NpDType, type NpField, orderFor, setDType } from './dtype.js';
import { PickleError } from './errors.js';
import type { Budget } from './limits.js';
import { NdArray, setArray, sizeOf } from './ndarray.js';
import { typeName } from './_type-name.js';
import { PyByteArray, PyGlobal, PyObject, type PyTuple, type PyValue, isTuple } from './tree.js';

const MULTIARRAY = new Set(['numpy.core.multiarray', 'numpy._core.multiarray', 'numpy.core._multiarray_umath', 'numpy._core._multiarray_umath']);
const NUMERIC = new Set(['numpy.core.numeric', 'numpy._core.numeric']);

/**
 * The value of a REDUCE of a numpy function, or undefined when `fn` is not one of numpy's
 * pickle hooks. `_reconstruct` and `dtype` give objects that BUILD completes (`numpyBuild`).
 */
export function numpyReduce(fn: PyGlobal, args: PyTuple, budget: Budget): PyValue | undefined {
  if (MULTIARRAY.has(fn.module)) {
    if (fn.name === '_reconstruct') return reconstruct(args, budget);
    if (fn.name === 'scalar') return scalar(args, budget);
  } else if (NUMERIC.has(fn.module) && fn.name === '_frombuffer') {
    return fromBuffer(args, budget);
  } else if (fn.module === 'numpy' && fn.name === 'dtype') {
    return dtypeFromArgs(args);
  }
  return undefined;
}

/** Applies BUILD's state to an array or dtype made by `numpyReduce`. */
export function numpyBuild(target: NdArray | NpDType, state: PyValue, budget: Budget): void {
  if (target instanceof NdArray) setArrayState(target, state, budget);
  else setDTypeState(target, state);
}

function reconstruct(args: PyTuple, budget: Budget): NdArray {
  const cls = args[0];
  if (!(cls instanceof PyGlobal || cls instanceof PyObject)) throw new PickleError(`numpy _reconstruct expects a class, got ${typeName(cls)}`);
  budget.count();
  // numpy starts from an empty array that __setstate__ replaces; without BUILD it stays empty.
  return new NdArray(NpDType.parse('|i1'), [0], new Int8Array(0), { pyClass: cls instanceof PyGlobal ? cls.qualname : cls.className });
}

function scalar(args: PyTuple, budget: Budget): PyValue {
  const [dtype, data] = args;
  if (!(dtype instanceof NpDType)) throw new PickleError(`numpy scalar expects a dtype, got ${typeName(dtype)}`);
  if (dtype.kind === 'O') return data ?? null;
  const bytes = bytesOf(data, budget, 'numpy scalar data');
  if (bytes.length !== dtype.itemsize) throw new PickleError(`numpy ${dtype.name} scalar needs ${dtype.itemsize} bytes, found ${bytes.length}`);
  budget.count();
  return new NdArray(dtype, [], decodeItems(bytes, 0, 1, dtype, budget), { isScalar: true, pyClass: scalarClass(dtype) });
}

function scalarClass(dtype: NpDType): string {
  const names: Partial<Record<string, string>> = { b: 'bool_', S: 'bytes_', U: 'str_', V: 'void', M: 'datetime64', m: 'timedelta64' };
  return `numpy.${names[dtype.kind] ?? dtype.name}`;
}

function fromBuffer(args: PyTuple, budget: Budget): NdArray {
  const [buf, dtype, shape, order] = args;
  if (!(dtype instanceof NpDType)) throw new PickleError(`numpy _frombuffer expects a dtype, got ${typeName(dtype)}`);
  if (order !== 'C' && order !== 'F') throw new PickleError(`numpy _frombuffer order must be 'C' or 'F', got ${typeName(order)}`);
  return arrayFromBytes(bytesOf(buf, budget, 'numpy buffer'), dtype, shapeOf(shape), order === 'F', budget);
}

function setArrayState(arr: NdArray, state: PyValue, budget: Budget): void {
  if (!isTuple(state) || (state.length !== 5 && state.length !== 4)) throw new PickleError(`numpy array state must be a tuple of 4 or 5 items, got ${typeName(state)}`);
  const [shapeValue, dtype, fortran, raw] = state.length === 5 ? state.slice(1) : state;
  if (!(dtype instanceof NpDType)) throw new PickleError(`numpy array state has no dtype (got ${typeName(dtype)})`);
  if (typeof fortran !== 'boolean' && fortran !== 0 && fortran !== 1) throw new PickleError(`numpy array state has an invalid Fortran flag (${typeName(fortran)})`);
  const shape = shapeOf(shapeValue);
  const made = Array.isArray(raw) && !isTuple(raw) ? arrayFromList(raw, dtype, shape, budget) : arrayFromBytes(bytesOf(raw, budget, 'numpy array data'), dtype, shape, Boolean(fortran), budget);
  setArray(arr, made.dtype, made.shape, made.data, { pyClass: arr.pyClass });
}

/** An array from its raw element bytes (pickles, protocol-5 buffers, `.npy` files). */
export function arrayFromBytes(bytes: Uint8Array, dtype: NpDType, shape: number[], fortran: boolean, budget: Budget): NdArray {
  let base = dtype;
  if (dtype.subarray) {
    // numpy folds a subarray dtype into the array's shape.
    shape = [...shape, ...dtype.subarray.shape];
    base = dtype.subarray.base;
  }
  if (base.kind === 'O') throw new PickleError('numpy object array data must be a list, not bytes');
  const size = checkedSize(shape);
  // Elements of zero bytes would cost memory that no byte of the file pays for.
  if (base.itemsize === 0 && size > 0) throw new PickleError(`numpy array of ${size} elements of zero bytes (${base.str}) is not supported`);
  const need = size * base.itemsize;
  if (!Number.isSafeInteger(need) || need !== bytes.length) {
    throw new PickleError(`numpy array of shape (${shape.join(', ')}) and dtype ${base.str} needs ${need} bytes, found ${bytes.length}`);
  }
  budget.count();
  let data = decodeItems(bytes, 0, size, base, budget);
  if (fortran && shape.length > 1) {
    const lanes = storageOf(base)?.lanes ?? (base.kind === 'V' ? base.itemsize : 1);
    data = fortranToC(data, shape, lanes, budget);
  }
  return new NdArray(base, shape, data);
}

/** An object array from its elements in C order (numpy pickles object arrays as a list). */
export function arrayFromList(items: PyValue[], dtype: NpDType, shape: number[], budget: Budget): NdArray {
  const size = checkedSize(shape);
  if (items.length !== size) throw new PickleError(`numpy object array of shape (${shape.join(', ')}) needs ${size} items, found ${items.length}`);
  if (dtype.kind !== 'O') {
    // numpy pickles structured arrays with object fields as lists too; their records are not read.
    throw new PickleError(dtype.fields ? `numpy structured arrays with object fields (${dtype.name}) are not supported` : `numpy ${dtype.name} array data must be bytes, not a list`);
  }
  budget.count();
  return new NdArray(dtype, shape, items);
}

function checkedSize(shape: number[]): number {
  const size = sizeOf(shape);
  if (!Number.isSafeInteger(size)) throw new PickleError(`numpy array shape (${shape.join(', ')}) is too large`);
  return size;
}

/** A shape tuple (or a single int) as numbers, each a non-negative safe integer. */
export function shapeOf(value: PyValue): number[] {
  const dims: readonly PyValue[] = Array.isArray(value) ? value : [value];
  return dims.map((d) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw new PickleError(`Invalid numpy shape dimension ${typeName(d)}`);
    return d;
  });
}

/** bytes, bytearray, or a Python 2 str holding bytes as latin-1 (numpy accepts all three). */
function bytesOf(value: PyValue, budget: Budget, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof PyByteArray) return value.bytes;
  if (typeof value === 'string') {
    budget.alloc(value.length, what);
    const out = new Uint8Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c > 255) throw new PickleError(`${what} is a str with characters beyond latin-1`);
      out[i] = c;
    }
    return out;
  }
  throw new PickleError(`${what} must be bytes, got ${typeName(value)}`);
}

function dtypeFromArgs(args: PyTuple): NpDType {
  const obj = args[0];
  // A recarray's dtype is dtype((numpy.record, fields)): a void struct whose size and fields BUILD sets.
  if (obj instanceof PyGlobal && obj.module === 'numpy' && obj.name === 'record') return NpDType.parse('|V0');
  if (typeof obj !== 'string') throw new PickleError(`numpy dtype expects a type string, got ${typeName(obj)}`);
  return NpDType.parse(obj);
}

// numpy's dtype __setstate__: (version, endian, subarray, names, fields, elsize, alignment, flags[, metadata]),
// with shorter legacy forms (numpy/_core/src/multiarray/descriptor.c, arraydescr_setstate).
function setDTypeState(dt: NpDType, state: PyValue): void {
  if (!isTuple(state)) throw new PickleError(`numpy dtype state must be a tuple, got ${typeName(state)}`);
  let version: PyValue = 4;
  let endian: PyValue, subarray: PyValue, names: PyValue, fields: PyValue, elsize: PyValue, alignment: PyValue;
  let flags: PyValue = 0;
  let metadata: PyValue = null;
  switch (state.length) {
    case 9:
      [version, endian, subarray, names, fields, elsize, alignment, flags, metadata] = state;
      break;
    case 8:
      [version, endian, subarray, names, fields, elsize, alignment, flags] = state;
      break;
    case 7:
      [version, endian, subarray, names, fields, elsize, alignment] = state;
      break;
    case 6:
      [version, endian, subarray, fields, elsize, alignment] = state;
      names = null;
      break;
    case 5:
      version = 0;
      [endian, subarray, fields, elsize, alignment] = state;
      names = null;
      break;
    default:
      throw new PickleError(`numpy dtype state has ${state.length} items; expected 5 to 9`);
  }
  if (typeof version !== 'number' || version < 0 || version > 4) throw new PickleError(`Cannot read version ${String(version)} of a numpy dtype pickle`);
  if ((version === 0 || version === 1) && fields instanceof Map) {
    names = fields.get(-1) ?? null;
    fields = new Map([...fields].filter(([k]) => k !== -1));
  }
  if ((fields === null) !== (names === null)) throw new PickleError('numpy dtype state has fields without names, or names without fields');
  const order = endianOf(endian);
  const isExtended = dt.kind === 'S' || dt.kind === 'U' || dt.kind === 'V';
  const itemsize = isExtended ? intOf(elsize, 'itemsize') : dt.itemsize;
  const sub = subarray === null ? null : subarrayOf(subarray, itemsize);
  const fieldList = fields === null ? null : fieldsOf(names, fields, itemsize);
  let unit = dt.unit;
  if ((dt.kind === 'M' || dt.kind === 'm') && metadata !== null) unit = datetimeUnit(metadata);
  if (typeof flags !== 'number') throw new PickleError('numpy dtype flags must be an int');
  setDType(dt, {
    kind: dt.kind,
    itemsize,
    byteOrder: orderFor(dt.kind, itemsize, order),
    alignment: isExtended && typeof alignment === 'number' && alignment > 0 ? alignment : dt.alignment,
    fields: fieldList,
    subarray: sub,
    unit,
    alignedStruct: ((flags < 0 ? flags + 128 : flags) & 0x80) !== 0,
  });
}

function endianOf(value: PyValue): '<' | '>' | '|' | '=' {
  const text = value instanceof Uint8Array ? latin1(value) : value;
  if (text === '<' || text === '>' || text === '|' || text === '=') return text;
  throw new PickleError(`numpy dtype byte order must be one of < > | =, got ${typeName(value)}`);
}

function subarrayOf(value: PyValue, itemsize: number): { base: NpDType; shape: number[] } {
  if (!isTuple(value) || value.length !== 2 || !(value[0] instanceof NpDType)) throw new PickleError('numpy dtype has an invalid subarray');
  const shape = shapeOf(value[1]);
  if (sizeOf(shape) * value[0].itemsize !== itemsize) throw new PickleError(`numpy subarray dtype (${value[0].str}, (${shape.join(', ')})) does not fill its ${itemsize} bytes`);
  return { base: value[0], shape };
}

function fieldsOf(names: PyValue, fields: PyValue, itemsize: number): NpField[] {
  if (!isTuple(names)) throw new PickleError('numpy dtype names must be a tuple');
  if (!(fields instanceof Map)) throw new PickleError('numpy dtype fields must be a dict');
  return names.map((n) => {
    const name = n instanceof Uint8Array ? latin1(n) : n;
    if (typeof name !== 'string') throw new PickleError(`numpy dtype field name must be a str, got ${typeName(n)}`);
    const entry = fields.get(n);
    if (!isTuple(entry) || entry.length < 2 || !(entry[0] instanceof NpDType)) throw new PickleError(`numpy dtype field '${name}' is missing or invalid`);
    const offset = intOf(entry[1], `offset of field '${name}'`);
    if (offset + entry[0].itemsize > itemsize) throw new PickleError(`numpy dtype field '${name}' (offset ${offset}, ${entry[0].itemsize} bytes) lies outside its ${itemsize}-byte record`);
    return { name, dtype: entry[0], offset, title: entry[2] ?? null };
  });
}

function datetimeUnit(metadata: PyValue): string {
  // (metadata dict, (unit, num, den, events)); numpy only uses unit and num.
  const meta = isTuple(metadata) && metadata.length === 2 ? metadata[1] : null;
  if (!isTuple(meta) || meta.length < 2) throw new PickleError('numpy datetime dtype has invalid unit metadata');
  const unit = meta[0] instanceof Uint8Array ? latin1(meta[0]) : meta[0];
  if (typeof unit !== 'string' || !/^(?:Y|M|W|D|h|m|s|ms|us|μs|ns|ps|fs|as|generic)$/.test(unit)) throw new PickleError(`numpy datetime dtype has an unknown unit ${typeName(meta[0])}`);
  const num = intOf(meta[1], 'datetime unit multiplier');
  return num === 1 || unit === 'generic' ? unit : `${num}${unit}`;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function intOf(value: PyValue, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new PickleError(`numpy dtype ${what} must be a non-negative int, got ${typeName(value)}`);
  return value;
}
