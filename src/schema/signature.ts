// Owns parsing of the signature JSON strings stored in MLmodel files into Schema/ParamSpec values (spec §6.3).

import { ModelLoadError } from '../errors.js';
import { parseDType } from '../data/dtype.js';
import type { ColSpec, ColType, DataTypeName, ParamSpec, PropertySpec, Schema, Signature, TensorSpec } from './types.js';
import { validateParamDefault } from './params.js';

const DATA_TYPES = new Set<DataTypeName>(['boolean', 'integer', 'long', 'float', 'double', 'string', 'binary', 'datetime']);

type Json = Record<string, unknown>;

function fail(message: string): never {
  throw new ModelLoadError(`Invalid model signature: ${message}`);
}

/** Parses one type description (`{"type": "array", "items": ...}` etc.). */
export function parseColType(raw: Json): ColType {
  const type = raw.type;
  if (typeof type === 'string' && DATA_TYPES.has(type as DataTypeName)) return { kind: 'scalar', type: type as DataTypeName };
  switch (type) {
    case 'array':
      if (typeof raw.items !== 'object' || raw.items === null) fail(`array type without items: ${JSON.stringify(raw)}`);
      return { kind: 'array', items: parseColType(raw.items as Json) };
    case 'sparkml_vector':
      return { kind: 'array', items: { kind: 'scalar', type: 'double' } };
    case 'object': {
      const props = raw.properties;
      if (typeof props !== 'object' || props === null) fail(`object type without properties: ${JSON.stringify(raw)}`);
      const properties: PropertySpec[] = Object.entries(props as Record<string, Json>)
        .map(([name, p]) => ({ name, type: parseColType(p), required: p.required !== false }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return { kind: 'object', properties };
    }
    case 'map':
      if (typeof raw.values !== 'object' || raw.values === null) fail(`map type without values: ${JSON.stringify(raw)}`);
      return { kind: 'map', values: parseColType(raw.values as Json) };
    case 'any':
      return { kind: 'any' };
    default:
      return fail(`unknown type ${JSON.stringify(type)}`);
  }
}

function parseColSpec(raw: Json): ColSpec {
  const type = parseColType(raw);
  // MLflow quirk (spec §6.3): a missing `required` on array/object/map/any specs reads as optional.
  const required = raw.required === undefined ? type.kind === 'scalar' : raw.required !== false && raw.required !== null;
  const name = raw.name === undefined || raw.name === null ? undefined : String(raw.name);
  return { name, type, required };
}

function parseTensorSpec(raw: Json): TensorSpec {
  const ts = raw['tensor-spec'] as Json | undefined;
  if (!ts || typeof ts.dtype !== 'string' || !Array.isArray(ts.shape)) fail(`tensor spec needs a dtype and a shape: ${JSON.stringify(raw)}`);
  const dtype = parseDType(ts.dtype);
  if (!dtype) fail(`unsupported tensor dtype ${JSON.stringify(ts.dtype)}`);
  const name = raw.name === undefined || raw.name === null ? undefined : String(raw.name);
  return { name, dtype, shape: (ts.shape as unknown[]).map(Number) };
}

/** Parses a schema JSON string (`signature.inputs` or `outputs`); null/empty gives undefined. */
export function parseSchema(text: unknown): Schema | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  let raw: unknown;
  try {
    raw = typeof text === 'string' ? JSON.parse(text) : text;
  } catch (err) {
    fail(`schema is not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(raw) || raw.length === 0) fail('a schema must be a non-empty list');
  const items = raw as Json[];
  const tensors = items.filter((s) => s.type === 'tensor').length;
  if (tensors !== 0 && tensors !== items.length) fail('a schema cannot mix column specs and tensor specs');
  const named = items.filter((s) => s.name !== undefined && s.name !== null).length;
  if (named !== 0 && named !== items.length) fail('creating Schema with a mix of named and unnamed inputs is not supported');
  if (tensors) {
    if (items.length > 1 && !named) fail('multiple tensor specs must be named');
    return { kind: 'tensors', specs: items.map(parseTensorSpec) };
  }
  const specs = items.map(parseColSpec);
  if (!named && specs.some((s) => !s.required)) fail('unnamed column specs cannot be optional');
  return { kind: 'columns', specs };
}

/** Parses the `signature.params` JSON string; validates defaults with the params rules. */
export function parseParamSchema(text: unknown): ParamSpec[] | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  let raw: unknown;
  try {
    raw = typeof text === 'string' ? JSON.parse(text) : text;
  } catch (err) {
    fail(`params schema is not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(raw)) fail('params schema must be a list');
  const seen = new Set<string>();
  return (raw as Json[]).map((p) => {
    const name = String(p.name);
    if (seen.has(name)) fail(`duplicate param name ${name}`);
    seen.add(name);
    const typeName = p.type ?? p.dtype;
    const type = typeName === 'object' ? parseColType(p) : parseColType({ type: typeName });
    if (type.kind === 'scalar' && type.type === 'binary') fail(`param ${name}: binary is not supported for params`);
    const shape = p.shape === null || p.shape === undefined ? null : (p.shape as number[]);
    const spec: ParamSpec = { name, type, default: p.default, shape };
    return { ...spec, default: validateParamDefault(spec) };
  });
}

/** Parses the MLmodel `signature` block. */
export function parseSignature(block: unknown): Signature | undefined {
  if (!block || typeof block !== 'object') return undefined;
  const b = block as Json;
  return { inputs: parseSchema(b.inputs), outputs: parseSchema(b.outputs), params: parseParamSchema(b.params) };
}
