// Owns the OpenAPI 3.1 document of one served model: MLflow's routes with schemas from its signature, the V2 routes, and mlserve's own.

import { v2ModelMetadata } from '../codecs/_v2-metadata.js';
import type { ModelDescription } from '../model/describe.js';
import { requestExample, exampleCsv } from './example.js';
import { requestSchemas, isLlmSignature } from './request.js';
import { predictionsSchema, errorCodesByStatus, ERROR_ENVELOPE, TEXT_ANSWERS } from './response.js';
import { v2Example, v2Paths, v2Schemas } from './v2.js';
import type { JsonSchema } from './json-schema.js';

/** Where the routes sit and what the document says about the server. */
export interface OpenApiOptions {
  /** Prefix of the MLflow routes and mlserve's own (`''`: `/invocations`); the V2 routes name the model themselves. */
  readonly basePath?: string;
  /** mlserve's version (`info.version` carries the model's). */
  readonly serverVersion: string;
  /** `servers[0].url`; absent, clients use the host the document came from. */
  readonly serverUrl?: string;
}

/** The path of mlserve's model description for the page (`GET <base>/mlserve/model`). */
export const MODEL_INFO_PATH = '/mlserve/model';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const MLFLOW_TAG = ['MLflow scoring protocol'];

function errorResponses(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, codes] of errorCodesByStatus()) {
    const text = TEXT_ANSWERS[status as keyof typeof TEXT_ANSWERS];
    if (text) {
      const type = status === 415 ? 'text/plain' : 'application/json';
      out[status] = { description: text, content: { [type]: { schema: { type: 'string' } } } };
      continue;
    }
    out[status] = {
      description: codes.join(', '),
      ...(status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } } : {}),
      content: { 'application/json': { schema: { allOf: [ref('MlflowError'), { properties: { error_code: { enum: codes } } }] } } },
    };
  }
  return out;
}

function describeSignature(d: ModelDescription): string {
  const inputs = d.signature?.inputs;
  if (!inputs) return 'The model has no input signature: bodies are passed to it as they are.';
  const list = inputs.kind === 'columns'
    ? inputs.specs.map((s) => `\`${s.name ?? '(unnamed)'}\``).join(', ')
    : inputs.specs.map((s) => `\`${s.name ?? '(unnamed)'}\` ${s.dtype} [${s.shape.join(', ')}]`).join(', ');
  return `Inputs (${inputs.kind}): ${list}.`;
}

/** Builds the OpenAPI 3.1 document of a model. */
export function buildOpenApiDocument(d: ModelDescription, options: OpenApiOptions): Record<string, unknown> {
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  const signature = d.signature;
  const example = requestExample(d.inputExample, signature);
  const csv = exampleCsv(example);
  const llm = isLlmSignature(signature) || !signature?.inputs;
  const predictions = predictionsSchema(signature?.outputs);
  const metadata = v2ModelMetadata(d.name, signature, d.version);
  const okText = (description: string, body: string, type = 'application/json'): Record<string, unknown> => ({ description, content: { [type]: { schema: { type: 'string' }, example: body } } });
  const health = (summary: string, operationId: string): Record<string, unknown> => ({
    get: {
      tags: MLFLOW_TAG,
      summary,
      operationId,
      responses: { 200: okText('Ready: the body is a single newline (not JSON, as MLflow sends it)', '\n'), 503: { description: 'Loading or draining (TEMPORARILY_UNAVAILABLE), with Retry-After', content: { 'application/json': { schema: ref('MlflowError') } } } },
    },
  });
  const answers: JsonSchema = {
    anyOf: [
      { type: 'object', required: ['predictions'], properties: { predictions: ref('Predictions') }, description: 'The answer to an envelope request' },
      ...(llm ? [{ ...(typeof predictions === 'object' ? predictions : {}), description: 'The unwrapped answer to a unified LLM payload' }] : []),
    ],
  };
  return {
    openapi: '3.1.0',
    info: {
      title: `${d.name} (served by mlserve)`,
      version: d.version ?? '1',
      description: [
        `MLflow model \`${d.uri}\`, flavor \`${d.flavor}\`, engine \`${d.engine}\`. ${describeSignature(d)}`,
        'Schemas are derived from the model signature. Column cells accept what MLflow casts (numeric text, numbers into integers, null as NaN); Array, Object and Map values and params are checked strictly.',
      ].join('\n\n'),
      'x-mlserve-version': options.serverVersion,
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [{ name: MLFLOW_TAG[0] }, { name: 'V2 (Open Inference Protocol)' }, { name: 'mlserve' }],
    paths: {
      [`${base}/invocations`]: {
        post: {
          tags: MLFLOW_TAG,
          summary: `Score ${d.name}`,
          description: 'Exactly one of `dataframe_split`, `dataframe_records`, `instances` or `inputs` (with optional `params`), a unified LLM payload, or CSV. Errors use MLflow\'s envelope and statuses (docs/errors.md).',
          operationId: 'invocations',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('InvocationRequest'), ...(example !== undefined ? { example } : {}) },
              'text/csv': { schema: { type: 'string', description: 'pandas CSV: a header line, then rows; the signature gives the column types. CSV carries no params.' }, ...(csv !== undefined ? { example: csv } : {}) },
            },
          },
          responses: { 200: { description: 'Predictions', content: { 'application/json': { schema: answers } } }, ...errorResponses() },
        },
      },
      [`${base}/ping`]: health('Readiness (MLflow)', 'ping'),
      [`${base}/health`]: health('Readiness (MLflow), as /ping', 'health'),
      [`${base}/version`]: { get: { tags: MLFLOW_TAG, summary: 'The MLflow scoring protocol version (bare text)', operationId: 'version', responses: { 200: okText('e.g. 3.6.1.dev0; mlserve\'s own version is in the x-mlserve-version header', '3.6.1.dev0') } } },
      [`${base}/metrics`]: { get: { tags: ['mlserve'], summary: 'Prometheus metrics (docs/metrics.md)', operationId: 'metrics', responses: { 200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
      [`${base}${MODEL_INFO_PATH}`]: { get: { tags: ['mlserve'], summary: 'The model as the page shows it: URI, flavor, engine, version, signature, input example', operationId: 'modelInfo', responses: { 200: { description: 'Model description', content: { 'application/json': { schema: { type: 'object' } } } }, 503: { description: 'The model is still loading', content: { 'application/json': { schema: ref('MlflowError') } } } } } },
      ...v2Paths(metadata, v2Example(metadata, example)),
    },
    components: {
      schemas: {
        ...requestSchemas(signature, d.signatureFromTypeHint),
        Predictions: predictions,
        MlflowError: ERROR_ENVELOPE,
        ...v2Schemas(metadata),
      },
    },
  };
}
