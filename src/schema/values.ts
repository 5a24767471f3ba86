// Owns per-value enforcement of Array / Object / Map / Any types (`_enforce_type`, spec §3.6).

import { inferPandasColumn } from '../data/infer.js';
import { isFloatAt, setFloat } from '../data/float-hint.js';
import { isTensor, Tensor } from '../data/tensor.js';
import { isFloat as isFloatDType } from '../data/dtype.js';
import { clipText, valueReprLimited } from '../data/pyrepr.js';
import { pyTypeName, isPlainObject } from '../data/pytype.js';
import { enforceColumnType, EnforceError } from './column-check.js';
import { colTypeRepr } from './repr.js';
import type { ColType, DataTypeName } from './types.js';

function wrongType(value: unknown, type: ColType, expected: string): never {
  throw new EnforceError(
    `Failed to enforce schema of '${valueReprLimited(value)}' with type '${colTypeRepr(type)}'. Expected data to be ${expected}, got ${pyTypeName(value)}`,
  );
}

/** Enforces a list of scalars as one pandas Series of a DataType; returns the (possibly converted) list. */
function enforceScalarList(list: readonly unknown[], declared: DataTypeName): unknown[] {
  const col = enforceColumnType('', inferPandasColumn('', list, (i) => isFloatAt(list, i, list[i] as number)), declared);
  if (col.values === list) return list as unknown[];
  const out: unknown[] = [];
  const values = col.values as ArrayLike<unknown>;
  const float = isFloatDType(col.dtype);
  for (let i = 0; i < values.length; i++) {
    const v = typeof values[i] === 'bigint' ? Number(values[i]) : values[i];
    if (float) setFloat(out, i, v as number);
    else out[i] = v;
  }
  return out;
}

/** Enforces one scalar as a 1-element Series; returns the converted value or throws. */
function enforceScalar(value: unknown, declared: DataTypeName, container: object, key: string | number): unknown {
  const col = enforceColumnType('', inferPandasColumn('', [value], () => typeof value === 'number' && isFloatAt(container, key, value)), declared);
  const v = (col.values as ArrayLike<unknown>)[0];
  return typeof v === 'bigint' ? Number(v) : v;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}

/**
 * Enforces `value` against an Array/Object/Map/Any type (a DataType is checked as a 1-element
 * Series). Returns the value to hand to the model (converted where MLflow converts, e.g. int 1 for
 * a double becomes the float 1.0); throws EnforceError with MLflow's message.
 */
export function enforceValue(value: unknown, type: ColType, required: boolean): unknown {
  switch (type.kind) {
    case 'any':
      return value;
    case 'scalar':
      return enforceScalar(value, type.type, [value], 0);
    case 'array': {
      if ((!required || type.items.kind === 'any') && isEmpty(value)) return value;
      if (isTensor(value)) return enforceTensorArray(value, type);
      if (!Array.isArray(value)) wrongType(value, type, 'list or numpy array');
      if (value.length === 0) return value;
      if (type.items.kind === 'scalar') return enforceScalarList(value, type.items.type);
      const items = type.items;
      return value.map((v) => enforceValue(v, items, true));
    }
    case 'object': {
      if (!required && isEmpty(value)) return value;
      if (!isPlainObject(value)) wrongType(value, type, 'dictionary');
      const names = new Set(type.properties.map((p) => p.name));
      const missing = type.properties.filter((p) => p.required && !(p.name in value)).map((p) => p.name);
      if (missing.length) throw new EnforceError(`Missing required properties: {${missing.map((m) => `'${m}'`).join(', ')}}`);
      const extra = Object.keys(value).filter((k) => !names.has(k));
      if (extra.length) throw new EnforceError(`Invalid properties not defined in the schema found: {${extra.map((m) => `'${m}'`).join(', ')}}`);
      for (const p of type.properties) {
        if (!(p.name in value)) continue;
        const v = value[p.name];
        if (v === null && !p.required) continue;
        if (p.type.kind === 'scalar') {
          let converted: unknown;
          try {
            converted = enforceScalar(v, p.type.type, value, p.name);
          } catch (err) {
            if (!(err instanceof EnforceError)) throw err;
            throw new EnforceError(`Failed to enforce schema for key \`${p.name}\`. Expected type ${p.type.type}, received type ${pyTypeName(v, value, p.name)}`);
          }
          if (typeof converted === 'number' && (p.type.type === 'double' || p.type.type === 'float')) setFloat(value, p.name, converted);
        } else {
          value[p.name] = enforceValue(v, p.type, p.required);
        }
      }
      return value;
    }
    case 'map': {
      if ((!required || type.values.kind === 'any') && isEmpty(value)) return value;
      if (!isPlainObject(value)) wrongType(value, type, 'a dict');
      for (const [k, v] of Object.entries(value)) {
        if (type.values.kind === 'scalar') {
          try {
            const converted = enforceScalar(v, type.values.type, value, k);
            if (typeof converted === 'number' && (type.values.type === 'double' || type.values.type === 'float')) setFloat(value, k, converted);
          } catch (err) {
            if (!(err instanceof EnforceError)) throw err;
            throw new EnforceError(`Failed to enforce schema of data \`${typeof v === 'string' ? clipText(v) : valueReprLimited(v)}\` with dtype \`${type.values.type}\``);
          }
        } else {
          value[k] = enforceValue(v, type.values, true);
        }
      }
      return value;
    }
  }
}

function enforceTensorArray(value: Tensor, type: Extract<ColType, { kind: 'array' }>): unknown {
  if (type.items.kind !== 'scalar') return value;
  const col = enforceColumnType('', { name: '', dtype: value.dtype, values: value.data }, type.items.type);
  return col.values === value.data ? value : new Tensor(col.dtype, value.shape, col.values);
}
