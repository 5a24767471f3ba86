// Owns V2 model metadata from an MLflow signature and the content types it implies, as MLServer's MLflow runtime derives them (OIP spec §3.4, §3.8).

import type { ColSpec, Schema, Signature, TensorSpec } from '../schema/types.js';
import { dtypeToDatatype } from './_v2-datatype.js';
import type { V2Datatype, V2MetadataTensor, V2ModelMetadata } from './_v2-types.js';

/** MLServer's content type names (request level: pd, np, dict, str; input level: np, str, base64, datetime, pd_json). */
export const CONTENT_TYPES = {
  pandas: 'pd',
  numpy: 'np',
  dict: 'dict',
  string: 'str',
  base64: 'base64',
  datetime: 'datetime',
  pandasJson: 'pd_json',
} as const;

/** The platform string of MLflow models (OIP spec §3.4: `<project>_<format>`-like; MLServer lets it be free text). */
export const MLFLOW_PLATFORM = 'mlflow';

// mlserver_mlflow/metadata.py `_MLflowToContentType`.
const SCALAR: Record<string, [V2Datatype, string]> = {
  boolean: ['BOOL', CONTENT_TYPES.numpy],
  integer: ['INT32', CONTENT_TYPES.numpy],
  long: ['INT64', CONTENT_TYPES.numpy],
  float: ['FP32', CONTENT_TYPES.numpy],
  double: ['FP64', CONTENT_TYPES.numpy],
  string: ['BYTES', CONTENT_TYPES.string],
  binary: ['BYTES', CONTENT_TYPES.base64],
  datetime: ['BYTES', CONTENT_TYPES.datetime],
};

function specTensor(spec: ColSpec | TensorSpec, index: number, prefix: string): V2MetadataTensor {
  const name = spec.name ?? `${prefix}${index}`;
  if ('dtype' in spec) {
    // A datetime64 tensor has no V2 numeric type; MLServer fails on it, mlserve sends ISO text.
    const contentType = spec.dtype === 'datetime64' ? CONTENT_TYPES.datetime : CONTENT_TYPES.numpy;
    return { name, datatype: dtypeToDatatype(spec.dtype), shape: [...spec.shape], parameters: { content_type: contentType } };
  }
  const [datatype, contentType] = spec.type.kind === 'scalar' ? SCALAR[spec.type.type] : ['BYTES' as const, CONTENT_TYPES.pandasJson];
  return { name, datatype, shape: [-1, 1], parameters: { content_type: contentType } };
}

/** Metadata tensors of a schema: names from the signature, else `input-{i}` / `output-{i}`. */
export function schemaTensors(schema: Schema | undefined, prefix: 'input-' | 'output-'): V2MetadataTensor[] {
  if (!schema) return [];
  return schema.specs.map((s, i) => specTensor(s, i, prefix));
}

/**
 * The request content type a model decodes by default (`to_model_content_type`): `dict` for a
 * tensor signature with names, `np` for one without, `pd` for a column signature, and undefined
 * without a signature.
 */
export function defaultContentType(signature: Signature | undefined): string | undefined {
  const schema = signature?.inputs;
  if (!schema) return undefined;
  if (schema.kind === 'columns') return CONTENT_TYPES.pandas;
  return schema.specs.length > 0 && schema.specs.every((s) => s.name !== undefined) ? CONTENT_TYPES.dict : CONTENT_TYPES.numpy;
}

/** V2 model metadata of a served MLflow model. */
export function v2ModelMetadata(name: string, signature: Signature | undefined, version?: string): V2ModelMetadata {
  const contentType = defaultContentType(signature);
  return {
    name,
    ...(version !== undefined ? { versions: [version] } : {}),
    platform: MLFLOW_PLATFORM,
    inputs: schemaTensors(signature?.inputs, 'input-'),
    outputs: schemaTensors(signature?.outputs, 'output-'),
    ...(contentType !== undefined ? { parameters: { content_type: contentType } } : {}),
  };
}
