// Owns the mapping of plain JavaScript values to the Python type names MLflow prints in messages.

import { isFloatAt } from './float-hint.js';
import { isTensor } from './tensor.js';
import { isFrame } from './frame.js';

/** Python's type name of a decoded JSON value: NoneType, bool, int, float, str, list, dict, bytes. */
export function pyTypeName(value: unknown, container?: object, key?: string | number): string {
  if (value === null || value === undefined) return 'NoneType';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return container !== undefined && key !== undefined
        ? isFloatAt(container, key, value) ? 'float' : 'int'
        : Number.isInteger(value) && !Object.is(value, -0) ? 'int' : 'float';
    case 'string':
      return 'str';
  }
  if (Buffer.isBuffer(value)) return 'bytes';
  if (Array.isArray(value)) return 'list';
  if (isTensor(value)) return 'ndarray';
  if (isFrame(value)) return 'DataFrame';
  if (value instanceof Date) return 'datetime';
  return 'dict';
}

/** Python's `<class 'x'>` text. */
export function pyClass(value: unknown, container?: object, key?: string | number): string {
  return `<class '${pyTypeName(value, container, key)}'>`;
}

/** True for a plain JSON object (a Python dict). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
