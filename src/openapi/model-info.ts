// Owns the model description the page reads (`GET /mlserve/model`): public metadata, the signature in MLflow's JSON form, the example, and the routes.

import type { ModelDescription } from '../model/describe.js';
import { signatureJson } from '../schema/signature-json.js';
import { requestExample } from './example.js';
import { isLlmSignature } from './request.js';

/** How the page should edit a model's input. */
export type InputKind = 'columns' | 'tensors' | 'chat' | 'free';

/** Which editor fits a signature: a chat box for `messages`, a row table for columns, JSON for tensors or no signature. */
export function inputKind(d: ModelDescription): InputKind {
  const inputs = d.signature?.inputs;
  if (!inputs || d.signatureFromTypeHint) return 'free';
  if (inputs.kind === 'tensors') return 'tensors';
  if (isLlmSignature(d.signature) && inputs.specs.some((s) => s.name === 'messages')) return 'chat';
  return inputs.specs.every((s) => s.name !== undefined) ? 'columns' : 'free';
}

/** The JSON the page reads; `basePath` prefixes the MLflow routes. */
export function modelInfo(d: ModelDescription, options: { basePath?: string; serverVersion: string }): Record<string, unknown> {
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  const example = requestExample(d.inputExample, d.signature);
  return {
    name: d.name,
    uri: d.uri,
    version: d.version ?? null,
    flavor: d.flavor,
    engine: d.engine,
    mlflowVersion: d.mlflowVersion ?? null,
    createdAt: d.createdAt ?? null,
    runId: d.runId ?? null,
    signature: d.signature ? signatureJson(d.signature) : null,
    signatureFromTypeHint: d.signatureFromTypeHint,
    inputKind: inputKind(d),
    inputExample: example ?? null,
    inputExampleSource: d.inputExample !== undefined ? 'model' : example !== undefined ? 'signature' : null,
    routes: {
      invocations: `${base}/invocations`,
      openapi: '/openapi.json',
      v2: `/v2/models/${encodeURIComponent(d.name)}`,
    },
    server: { name: 'mlserve', version: options.serverVersion },
  };
}
