// Owns the OpenAPI paths of the V2 (Open Inference Protocol) REST routes of one model, with its tensor metadata (OIP spec §3.1–3.6).

import { V2_DATATYPES, type V2MetadataTensor, type V2ModelMetadata } from '../codecs/_v2-types.js';
import type { JsonSchema } from './json-schema.js';

type Operation = Record<string, unknown>;

const V2_ERROR: JsonSchema = { type: 'object', required: ['error'], properties: { error: { type: 'string' } } };
const json = (schema: JsonSchema, description: string, example?: unknown): Record<string, unknown> => ({
  description,
  content: { 'application/json': { schema, ...(example !== undefined ? { example } : {}) } },
});
const errors = (statuses: readonly number[]): Record<string, unknown> =>
  Object.fromEntries(statuses.map((s) => [String(s), json({ $ref: '#/components/schemas/V2Error' }, V2_STATUS_TEXT[s] ?? 'Error')]));

const V2_STATUS_TEXT: Record<number, string> = {
  400: 'The request does not fit the model (datatype, shape, content type, signature)',
  404: 'Another model or version',
  413: 'Body over `--max-body-size`',
  500: 'Model or server failure',
  501: 'Binary tensor data extension (not supported)',
  503: 'The model is not ready (loading or draining); see Retry-After',
  504: 'The inference ran past `--timeout`',
};

/** A request input for one metadata tensor: its name, a datatype and shape, flat or nested data. */
function inputSchema(t: V2MetadataTensor): JsonSchema {
  return {
    type: 'object',
    required: ['name', 'shape', 'datatype', 'data'],
    description: `${t.name}: ${t.datatype} [${t.shape.join(', ')}]${t.parameters?.content_type ? `, content_type ${String(t.parameters.content_type)}` : ''}`,
    properties: {
      name: { const: t.name },
      shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
      datatype: { type: 'string', enum: V2_DATATYPES, examples: [t.datatype] },
      parameters: { type: 'object' },
      data: { type: 'array', description: 'row-major elements, flat or nested' },
    },
  };
}

function outputSchema(t: V2MetadataTensor): JsonSchema {
  return {
    type: 'object',
    required: ['name', 'shape', 'datatype', 'data'],
    properties: { name: { const: t.name }, shape: { type: 'array', items: { type: 'integer' } }, datatype: { type: 'string', examples: [t.datatype] }, parameters: { type: 'object' }, data: { type: 'array' } },
  };
}

/** Schemas the V2 paths reference (`components.schemas`). */
export function v2Schemas(metadata: V2ModelMetadata): Record<string, JsonSchema> {
  const tensor: JsonSchema = {
    type: 'object',
    required: ['name', 'datatype', 'shape'],
    properties: { name: { type: 'string' }, datatype: { type: 'string', enum: V2_DATATYPES }, shape: { type: 'array', items: { type: 'integer' } }, parameters: { type: 'object' } },
  };
  const inputs = metadata.inputs.map(inputSchema);
  const outputs = metadata.outputs.map(outputSchema);
  return {
    V2Error: V2_ERROR,
    V2Tensor: tensor,
    V2ModelMetadata: {
      type: 'object',
      required: ['name', 'platform', 'inputs', 'outputs'],
      properties: {
        name: { type: 'string' },
        versions: { type: 'array', items: { type: 'string' } },
        platform: { type: 'string' },
        inputs: { type: 'array', items: { $ref: '#/components/schemas/V2Tensor' } },
        outputs: { type: 'array', items: { $ref: '#/components/schemas/V2Tensor' } },
        parameters: { type: 'object' },
      },
    },
    V2InferenceRequest: {
      type: 'object',
      required: ['inputs'],
      properties: {
        id: { type: 'string' },
        parameters: { type: 'object', description: 'e.g. `content_type` (pd, np, dict, str) and the model params' },
        inputs: { type: 'array', minItems: 1, items: inputs.length ? { anyOf: inputs } : { type: 'object', required: ['name', 'shape', 'datatype', 'data'] } },
        outputs: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, parameters: { type: 'object' } } } },
      },
    },
    V2InferenceResponse: {
      type: 'object',
      required: ['model_name', 'outputs'],
      properties: {
        model_name: { const: metadata.name },
        model_version: { type: 'string' },
        id: { type: 'string' },
        parameters: { type: 'object' },
        outputs: { type: 'array', items: outputs.length ? { anyOf: outputs } : { type: 'object' } },
      },
    },
  };
}

/** The V2 paths of one model (`/v2/models/<name>[/versions/<v>]/...`), the version routes only when it has one. */
export function v2Paths(metadata: V2ModelMetadata, example?: unknown): Record<string, Record<string, Operation>> {
  const name = encodeURIComponent(metadata.name);
  const ref = (s: string): JsonSchema => ({ $ref: `#/components/schemas/${s}` });
  const tag = ['V2 (Open Inference Protocol)'];
  const flag = (key: string): JsonSchema => ({ type: 'object', required: [key], properties: { [key]: { type: 'boolean' } } });
  const paths: Record<string, Record<string, Operation>> = {
    '/v2': { get: { tags: tag, summary: 'Server metadata', operationId: 'v2ServerMetadata', responses: { 200: json({ type: 'object', required: ['name', 'version', 'extensions'], properties: { name: { type: 'string' }, version: { type: 'string' }, extensions: { type: 'array', items: { type: 'string' } } } }, 'Server name, version and extensions') } } },
    '/v2/health/live': { get: { tags: tag, summary: 'Liveness', operationId: 'v2Live', responses: { 200: json(flag('live'), 'Live'), ...errors([503]) } } },
    '/v2/health/ready': { get: { tags: tag, summary: 'Readiness: the model is loaded and warmed, the server not draining', operationId: 'v2Ready', responses: { 200: json(flag('ready'), 'Ready'), ...errors([503]) } } },
  };
  const versions = metadata.versions ?? [];
  for (const [prefix, suffix] of [[`/v2/models/${name}`, ''], ...versions.map((v) => [`/v2/models/${name}/versions/${encodeURIComponent(v)}`, `V${v.replace(/\W/g, '_')}`])]) {
    paths[prefix] = { get: { tags: tag, summary: `Metadata of ${metadata.name}`, operationId: `v2ModelMetadata${suffix}`, responses: { 200: json(ref('V2ModelMetadata'), 'Model metadata', metadata), ...errors([404]) } } };
    paths[`${prefix}/ready`] = { get: { tags: tag, summary: `Readiness of ${metadata.name}`, operationId: `v2ModelReady${suffix}`, responses: { 200: json({ type: 'object', properties: { name: { type: 'string' }, ready: { type: 'boolean' } } }, 'Ready'), ...errors([404, 503]) } } };
    paths[`${prefix}/infer`] = {
      post: {
        tags: tag,
        summary: `Inference with ${metadata.name}`,
        operationId: `v2Infer${suffix}`,
        requestBody: { required: true, content: { 'application/json': { schema: ref('V2InferenceRequest'), ...(example !== undefined ? { example } : {}) } } },
        responses: { 200: json(ref('V2InferenceResponse'), 'Outputs'), ...errors([400, 404, 413, 500, 501, 503, 504]) },
      },
    };
  }
  return paths;
}

function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  return shape;
}

/** The V2 inference request carrying the same data as an MLflow example body (`inputs` tensors or `dataframe_split` columns); undefined for other bodies. */
export function v2Example(metadata: V2ModelMetadata, body: unknown): unknown {
  if (!body || typeof body !== 'object' || metadata.inputs.length === 0) return undefined;
  const b = body as Record<string, unknown>;
  const input = (t: V2MetadataTensor, value: unknown, shape?: number[]): Record<string, unknown> => ({
    name: t.name,
    shape: shape ?? shapeOf(value),
    datatype: t.datatype,
    ...(t.parameters ? { parameters: t.parameters } : {}),
    data: Array.isArray(value) ? value.flat(Infinity) : [value],
  });
  if (Array.isArray(b.inputs) && metadata.inputs.length === 1) return { inputs: [input(metadata.inputs[0], b.inputs)] };
  if (b.inputs && typeof b.inputs === 'object' && !Array.isArray(b.inputs)) {
    const values = b.inputs as Record<string, unknown>;
    if (!metadata.inputs.every((t) => Array.isArray(values[t.name]))) return undefined;
    return { inputs: metadata.inputs.map((t) => input(t, values[t.name])) };
  }
  const split = b.dataframe_split as { columns?: unknown; data?: unknown } | undefined;
  if (split && Array.isArray(split.columns) && Array.isArray(split.data) && split.data.every(Array.isArray)) {
    const rows = split.data as unknown[][];
    const columns = split.columns as unknown[];
    if (!metadata.inputs.every((t) => columns.includes(t.name))) return undefined;
    return {
      inputs: metadata.inputs.map((t) => {
        const i = columns.indexOf(t.name);
        const cells = rows.map((r) => r[i]);
        return input(t, cells, cells.every(Array.isArray) ? shapeOf(cells) : [cells.length, 1]);
      }),
    };
  }
  return undefined;
}
