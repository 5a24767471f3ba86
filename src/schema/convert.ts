// Owns parse-time conversion of `inputs` / `instances` payloads with the signature (`_cast_schema_type`, spec §2.6–2.7, §3.3).

import { BadRequestError } from '../errors.js';
import { toNdarray, ConversionError, type Origin } from '../data/ndarray.js';
import { copyFloatMark } from '../data/float-hint.js';
import { Tensor, isTensor } from '../data/tensor.js';
import { isPlainObject } from '../data/pytype.js';
import type { DType } from '../data/dtype.js';
import { EnforceError, DATATYPE_DTYPE } from './column-check.js';
import { enforceValue } from './values.js';
import type { ColSpec, Schema, TensorSpec } from './types.js';
import { orderedKeys, recordKeyOrder } from '../data/key-order.js';

type Spec = ColSpec | TensorSpec;

function isTensorSpec(spec: Spec): spec is TensorSpec {
  return (spec as TensorSpec).dtype !== undefined;
}

function specDType(spec: Spec): DType | undefined {
  if (isTensorSpec(spec)) return spec.dtype;
  return spec.type.kind === 'scalar' ? DATATYPE_DTYPE[spec.type.type] : undefined;
}

function invalid(err: unknown): never {
  if (err instanceof ConversionError || err instanceof EnforceError) throw new BadRequestError(`Invalid input. ${err.message}`, { cause: err });
  throw err;
}

/** Converts one value with one spec (`convert_data_type`): numpy array of the spec dtype, or enforced Array/Object/Map. */
export function convertWithSpec(value: unknown, spec: Spec | undefined, origin?: Origin): unknown {
  try {
    if (!spec) return toNdarray(value, undefined, origin);
    const dtype = specDType(spec);
    if (dtype) return toNdarray(value, dtype, origin);
    const colSpec = spec as ColSpec;
    if (colSpec.type.kind === 'any') return value;
    return enforceValue(value, colSpec.type, colSpec.required);
  } catch (err) {
    return invalid(err);
  }
}

function specsByName(schema: Schema): Map<string, Spec> {
  return new Map((schema.specs as readonly Spec[]).filter((s) => s.name !== undefined).map((s) => [s.name as string, s]));
}

function convertObject(value: Record<string, unknown>, byName: Map<string, Spec> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of orderedKeys(value)) {
    const v = value[k];
    out[k] = convertWithSpec(v, byName?.get(k), { container: value, key: k });
    // A value passed through unchanged (Any) keeps its float mark.
    if (out[k] === v) copyFloatMark(value, k, out, k);
  }
  if (Object.keys(out)[0] !== orderedKeys(value)[0]) recordKeyOrder(out, orderedKeys(value));
  return out;
}

/**
 * Converts the value of `inputs` (or non-row `instances`) as MLflow's `_cast_schema_type` does:
 * lists become numpy arrays, objects dicts of arrays, named single-spec lists `{name: list}`.
 * Throws BadRequestError (`Invalid input. ...`).
 */
export function convertInputs(value: unknown, schema: Schema | undefined, origin?: Origin): unknown {
  if (!schema) {
    if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) {
      return value.map((row) => convertObject(row as Record<string, unknown>, undefined));
    }
    if (isPlainObject(value)) return convertObject(value, undefined);
    return convertWithSpec(value, undefined, origin);
  }
  const specs = schema.specs as readonly Spec[];
  const named = specs.every((s) => s.name !== undefined);
  if (named && specs.length === 1 && Array.isArray(value) && !value.some(isPlainObject)) {
    value = { [specs[0].name as string]: value };
  }
  if (isPlainObject(value)) {
    if (!named) {
      throw new BadRequestError(
        "Invalid input. Failed to parse input data. This model contains an un-named  model signature which expects a single n-dimensional array or a single value as input, however, an input of type <class 'dict'> was found.",
      );
    }
    return convertObject(value, specsByName(schema));
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) {
    const byName = named ? specsByName(schema) : undefined;
    return value.map((row) => convertObject(row as Record<string, unknown>, byName));
  }
  return convertWithSpec(value, specs[0], origin);
}

/**
 * `convertInputs` of a rectangular n-d array of plain JSON numbers already read into `values`
 * (row-major; `anyFloat`: some literal was a float): the same Tensor, or `{name: Tensor}`, without
 * JS arrays in between. Undefined when the conversion is one this shortcut does not make (target
 * dtypes other than float32/float64, an `Any` or nested spec): the caller converts the parsed JSON.
 */
export function convertNumberArray(shape: readonly number[], values: Float64Array, anyFloat: boolean, schema: Schema | undefined): unknown {
  if (!convertsNumberArrays(schema)) return undefined;
  const specs = (schema?.specs ?? []) as readonly Spec[];
  const spec = specs[0];
  // No spec: numpy's promotion of numbers (int64 when every literal is an int).
  const dtype = spec ? specDType(spec) : anyFloat ? 'float64' : 'int64';
  let tensor: Tensor;
  if (dtype === 'float64') tensor = new Tensor('float64', shape, values);
  else if (dtype === 'float32') tensor = new Tensor('float32', shape, new Float32Array(values));
  else tensor = new Tensor('int64', shape, BigInt64Array.from(values, BigInt));
  if (!schema || !specs.every((s) => s.name !== undefined) || specs.length !== 1) return tensor;
  return { [spec.name as string]: tensor };
}

/**
 * Whether `convertNumberArray` converts arrays of numbers with this signature at all (known before
 * any number is read, so a caller can skip reading them): no spec, or a float32/float64 first
 * spec whose `{name: list}` wrapping is a plain key (a `__proto__` name takes the general path).
 */
export function convertsNumberArrays(schema: Schema | undefined): boolean {
  const specs = (schema?.specs ?? []) as readonly Spec[];
  const spec = specs[0];
  if (!spec) return true;
  const dtype = specDType(spec);
  if (dtype !== 'float32' && dtype !== 'float64') return false;
  return !(specs.length === 1 && spec.name === '__proto__');
}

/**
 * Converts `instances`: a list whose first element is an object is pivoted from rows to columns
 * (each column converted with its spec), then column lengths are checked; anything else is
 * handled like `inputs`.
 */
export function convertInstances(value: unknown, schema: Schema | undefined, origin?: Origin): unknown {
  let result: unknown;
  if (Array.isArray(value) && value.length > 0 && isPlainObject(value[0])) {
    const columns = new Map<string, unknown[]>();
    for (const row of value) {
      if (!isPlainObject(row)) throw new BadRequestError('Invalid input. Each instance must be an object when the first one is.');
      for (const k of orderedKeys(row)) {
        const v = row[k];
        let col = columns.get(k);
        if (!col) columns.set(k, (col = []));
        // Keep the row's float mark on the pivoted column (`1.0` stays a float).
        copyFloatMark(row, k, col, col.length);
        col.push(v);
      }
    }
    const byName = schema ? specsByName(schema) : undefined;
    const out: Record<string, unknown> = {};
    for (const [k, vals] of columns) {
      const spec = byName?.get(k);
      out[k] = spec && !specDType(spec) ? vals.map((v) => convertWithSpec(v, spec)) : convertWithSpec(vals, spec);
    }
    result = out;
  } else {
    result = convertInputs(value, schema, origin);
  }
  if (isPlainObject(result)) checkLengths(result, schema);
  return result;
}

function lengthOf(v: unknown): number | undefined {
  if (isTensor(v)) return v.shape.length === 0 ? undefined : v.shape[0];
  return Array.isArray(v) ? v.length : undefined;
}

function checkLengths(result: Record<string, unknown>, schema: Schema | undefined): void {
  let keys = Object.keys(result);
  if (schema && schema.specs.every((s) => s.name !== undefined)) {
    const eligible = new Set(
      (schema.specs as readonly Spec[])
        .filter((s) => isTensorSpec(s) || (s.required && s.type.kind !== 'array'))
        .map((s) => s.name as string),
    );
    keys = keys.filter((k) => eligible.has(k));
  }
  const lengths = new Set(keys.map((k) => lengthOf(result[k])).filter((n) => n !== undefined));
  if (lengths.size > 1) throw new BadRequestError('Invalid input. The length of values for each input/column name are not the same');
}
