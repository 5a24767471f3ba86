// Owns writing a parsed signature back as MLflow's JSON form (the lists stored under `signature.inputs/outputs/params`, spec §6.3).

import type { ColSpec, ColType, ParamSpec, Schema, Signature, TensorSpec } from './types.js';

/** MLflow's JSON form of one type (`{"type": "array", "items": ...}`). */
export function colTypeJson(type: ColType): Record<string, unknown> {
  switch (type.kind) {
    case 'scalar':
      return { type: type.type };
    case 'array':
      return { type: 'array', items: colTypeJson(type.items) };
    case 'object':
      return { type: 'object', properties: Object.fromEntries(type.properties.map((p) => [p.name, { ...colTypeJson(p.type), required: p.required }])) };
    case 'map':
      return { type: 'map', values: colTypeJson(type.values) };
    case 'any':
      return { type: 'any' };
  }
}

function specJson(spec: ColSpec | TensorSpec): Record<string, unknown> {
  const name = spec.name !== undefined ? { name: spec.name } : {};
  if ('dtype' in spec) return { ...name, type: 'tensor', 'tensor-spec': { dtype: spec.dtype === 'datetime64' ? 'datetime64[ns]' : spec.dtype, shape: [...spec.shape] } };
  return { ...colTypeJson(spec.type), ...name, required: spec.required };
}

/** A schema as MLflow's list of specs. */
export function schemaJson(schema: Schema): Record<string, unknown>[] {
  return (schema.specs as readonly (ColSpec | TensorSpec)[]).map(specJson);
}

/** A params schema as MLflow's list (`name`, `default`, `shape`, `type`, and `properties` for objects). */
export function paramsJson(params: readonly ParamSpec[]): Record<string, unknown>[] {
  return params.map((p) => ({ name: p.name, default: p.default ?? null, shape: p.shape, ...colTypeJson(p.type) }));
}

/** A signature as MLflow's JSON lists (absent parts null), ready for `JSON.stringify`. */
export function signatureJson(signature: Signature): { inputs: unknown; outputs: unknown; params: unknown } {
  return {
    inputs: signature.inputs ? schemaJson(signature.inputs) : null,
    outputs: signature.outputs ? schemaJson(signature.outputs) : null,
    params: signature.params ? paramsJson(signature.params) : null,
  };
}
