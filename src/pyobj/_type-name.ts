// Owns naming a tree value's Python type in messages ('int', 'float', 'a float64 array', ...).

import { NpDType } from './dtype.js';
import { NdArray } from './ndarray.js';
import { PyGlobal, PyObject, type PyValue, isTuple } from './tree.js';

/** A short description of a tree value's type, for messages. */
export function typeName(value: PyValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return isTuple(value) ? 'tuple' : 'list';
  if (value instanceof Map) return 'dict';
  if (value instanceof Set) return 'set';
  if (value instanceof PyGlobal) return `the global ${value.qualname}`;
  if (value instanceof PyObject) return `a ${value.className} object`;
  if (value instanceof NdArray) return value.isScalar ? `a numpy ${value.dtype.name} scalar` : `a ${value.dtype.name} array`;
  if (value instanceof NpDType) return 'a numpy dtype';
  return value.constructor.name;
}
