// Owns JSON Schema (draft 2020-12, OpenAPI 3.1's dialect) for one MLflow type: column cells, tensor elements and shapes, params.

import type { DType } from '../data/dtype.js';
import type { ColType, DataTypeName, ParamSpec, TensorSpec } from '../schema/types.js';

/** A JSON Schema object (or a boolean schema). */
export type JsonSchema = { [keyword: string]: unknown } | boolean;

/**
 * How a value reaches the model, which decides what MLflow accepts:
 * - `lenient`: a top-level column cell or tensor element that MLflow casts (pandas `astype` for
 *   `dataframe_*`, numpy conversion for `inputs`/`instances`): numeric text parses, numbers truncate
 *   into integers, booleans count as numbers, `null` is NaN (spec §3.2, §3.3);
 * - `canonical`: what a well-behaved client sends, and what MLflow checks strictly inside Array,
 *   Object and Map values (spec §3.6) and in params (§3.8).
 */
export type SchemaMode = 'lenient' | 'canonical';

/** Text Python's `float()` parses: decimals, exponents, nan and inf in any case, blanks around. */
export const FLOAT_TEXT = '^\\s*[-+]?(?:(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?|[nN][aA][nN]|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)\\s*$';
/** Text Python's `int()` parses. */
export const INT_TEXT = '^\\s*[-+]?\\d+\\s*$';
/** ISO-8601 dates and date-times as mlserve parses them (`data/datetime.ts`), and the compact `YYYYMMDD[THHMM[SS]]`. */
export const DATETIME_TEXT =
  '^\\s*(?:[-+]?\\d{4,}-\\d{1,2}(?:-\\d{1,2}(?:[T ]\\d{1,2}(?::\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?)?\\s*(?:[zZ]|[-+]\\d{2}(?::?\\d{2})?)?)?)?|\\d{8}(?:T\\d{4}(?:\\d{2})?)?)\\s*$';

const INT_RANGES: Partial<Record<DType | DataTypeName, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  integer: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  uint64: [0, Number.MAX_SAFE_INTEGER * 2048],
};

function intSchema(name: DType | DataTypeName, format: string): Record<string, unknown> {
  const range = INT_RANGES[name];
  return { type: 'integer', format, ...(range ? { minimum: range[0], maximum: range[1] } : {}) };
}

/** Schema of a scalar of a DataType. */
export function dataTypeSchema(type: DataTypeName, mode: SchemaMode): Record<string, unknown> {
  if (mode === 'lenient') {
    switch (type) {
      case 'boolean':
        return { type: ['boolean', 'number', 'string', 'null'], description: 'boolean (numbers, text and null are cast by truthiness)' };
      case 'integer':
      case 'long':
        return { type: ['number', 'string', 'boolean'], pattern: INT_TEXT, format: type === 'long' ? 'int64' : 'int32', description: `${type} (fractions truncate, integer text parses)` };
      case 'float':
      case 'double':
        return { type: ['number', 'string', 'boolean', 'null'], pattern: FLOAT_TEXT, format: type, description: `${type} (numeric text parses; null is NaN)` };
      case 'string':
        return { type: ['string', 'number', 'boolean', 'null'], description: 'string' };
      case 'binary':
        return { type: 'string', contentEncoding: 'base64', description: 'binary, base64-encoded' };
      case 'datetime':
        return { type: ['string', 'integer', 'null'], pattern: DATETIME_TEXT, description: 'datetime: ISO-8601 text (an integer counts nanoseconds since the epoch; null is NaT)' };
    }
  }
  switch (type) {
    case 'boolean':
      return { type: 'boolean' };
    case 'integer':
      return intSchema('integer', 'int32');
    case 'long':
      return { type: 'integer', format: 'int64' };
    case 'float':
    case 'double':
      return { type: 'number', format: type };
    case 'string':
      return { type: 'string' };
    case 'binary':
      return { type: 'string', contentEncoding: 'base64' };
    case 'datetime':
      return { type: 'string', pattern: DATETIME_TEXT, format: 'date-time' };
  }
}

/** Adds `null` to a schema's accepted types (optional values). */
export function nullable(schema: JsonSchema): JsonSchema {
  if (typeof schema === 'boolean' || !('type' in schema)) return schema;
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  return types.includes('null') ? schema : { ...schema, type: [...types, 'null'] };
}

/**
 * Schema of a value of an MLflow type. Array, Object and Map values are checked strictly by MLflow,
 * so their contents are always canonical; `required: false` admits `null` (and, for Array, Object and
 * Map, the empty value MLflow lets through).
 */
export function colTypeSchema(type: ColType, mode: SchemaMode, required = true): JsonSchema {
  let schema: JsonSchema;
  switch (type.kind) {
    case 'scalar':
      schema = dataTypeSchema(type.type, mode);
      break;
    case 'array':
      schema = { type: 'array', items: colTypeSchema(type.items, 'canonical') };
      break;
    case 'object':
      schema = {
        type: 'object',
        properties: Object.fromEntries(type.properties.map((p) => [p.name, colTypeSchema(p.type, 'canonical', p.required)])),
        required: type.properties.filter((p) => p.required).map((p) => p.name),
        additionalProperties: false,
      };
      break;
    case 'map':
      schema = { type: 'object', additionalProperties: colTypeSchema(type.values, 'canonical') };
      break;
    case 'any':
      return {};
  }
  return required ? schema : nullable(schema);
}

/** Schema of one tensor element of a numpy dtype. */
export function dtypeSchema(dtype: DType, mode: SchemaMode): JsonSchema {
  switch (dtype) {
    case 'float16':
    case 'float32':
    case 'float64':
      return mode === 'lenient'
        ? { type: ['number', 'string', 'boolean', 'null'], pattern: FLOAT_TEXT, format: dtype === 'float64' ? 'double' : 'float' }
        : { type: 'number', format: dtype === 'float64' ? 'double' : 'float' };
    case 'bool':
      return mode === 'lenient' ? { type: ['boolean', 'number', 'string', 'null'] } : { type: 'boolean' };
    case 'str':
      return mode === 'lenient' ? { type: ['string', 'number', 'boolean', 'null'] } : { type: 'string' };
    case 'bytes':
      return { type: 'string' };
    case 'datetime64':
      return dataTypeSchema('datetime', mode);
    case 'object':
      return {};
    default: {
      const base = intSchema(dtype, dtype);
      return mode === 'lenient' ? { ...base, type: ['number', 'string', 'boolean'], pattern: INT_TEXT } : base;
    }
  }
}

/** Nested arrays of a shape (`-1` any length), elements from `element`. */
export function shapedSchema(shape: readonly number[], element: JsonSchema): JsonSchema {
  let schema = element;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i];
    schema = { type: 'array', items: schema, ...(d >= 0 ? { minItems: d, maxItems: d } : {}) };
  }
  return schema;
}

/** Schema of a whole tensor of a spec. */
export function tensorSchema(spec: TensorSpec, mode: SchemaMode): JsonSchema {
  const schema = shapedSchema(spec.shape, dtypeSchema(spec.dtype, mode));
  return typeof schema === 'object' ? { ...schema, description: `${spec.dtype} tensor of shape [${spec.shape.join(', ')}] (-1: any size)` } : schema;
}

/** Schema of a param value (strict, as MLflow checks params; `null` always passes) with its default. */
export function paramSchema(spec: ParamSpec): JsonSchema {
  const value = colTypeSchema(spec.type, 'canonical');
  const schema = spec.shape === null ? nullable(value) : { type: ['array', 'null'], items: value };
  return typeof schema === 'object' ? { ...schema, ...(spec.default !== undefined ? { default: spec.default } : {}) } : schema;
}
