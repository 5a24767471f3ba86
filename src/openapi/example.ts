// Owns example request bodies of a model: its own input example, or one row built from the signature; the same rows as CSV.

import type { DType } from '../data/dtype.js';
import type { ColType, Signature, TensorSpec } from '../schema/types.js';
import { isLlmSignature } from './request.js';

/** A placeholder value of an MLflow type (zero, false, empty text, a fixed date, required properties). */
export function placeholder(type: ColType): unknown {
  switch (type.kind) {
    case 'scalar':
      switch (type.type) {
        case 'boolean':
          return false;
        case 'integer':
        case 'long':
        case 'float':
        case 'double':
          return 0;
        case 'datetime':
          return '2024-01-01T00:00:00';
        default:
          return '';
      }
    case 'array':
      return [];
    case 'object':
      return Object.fromEntries(type.properties.filter((p) => p.required).map((p) => [p.name, placeholder(p.type)]));
    case 'map':
      return {};
    case 'any':
      return null;
  }
}

function dtypePlaceholder(dtype: DType): unknown {
  if (dtype === 'bool') return false;
  if (dtype === 'str' || dtype === 'bytes') return '';
  if (dtype === 'datetime64') return '2024-01-01T00:00:00';
  if (dtype === 'object') return null;
  return 0;
}

/** A tensor of placeholders, one along each variable dimension. */
function tensorPlaceholder(spec: TensorSpec): unknown {
  const build = (dims: readonly number[]): unknown => (dims.length === 0 ? dtypePlaceholder(spec.dtype) : Array.from({ length: dims[0] < 0 ? 1 : dims[0] }, () => build(dims.slice(1))));
  return build(spec.shape);
}

/** The first chat message of a placeholder conversation. */
const CHAT_EXAMPLE = [{ role: 'user', content: 'Hello!' }];

/**
 * A request body that satisfies the signature: one row of placeholders (`dataframe_split`), a tensor
 * of placeholders (`inputs`), or a one-message unified LLM payload for a chat signature; undefined
 * without input signature.
 */
export function signatureExample(signature: Signature | undefined): unknown {
  const inputs = signature?.inputs;
  if (!inputs) return undefined;
  if (inputs.kind === 'tensors') {
    const named = inputs.specs.every((s) => s.name !== undefined);
    return { inputs: named ? Object.fromEntries(inputs.specs.map((s) => [s.name, tensorPlaceholder(s)])) : tensorPlaceholder(inputs.specs[0]) };
  }
  if (isLlmSignature(signature)) {
    return Object.fromEntries(inputs.specs.filter((s) => s.required).map((s) => [s.name, s.name === 'messages' ? CHAT_EXAMPLE : s.name === 'prompt' || s.name === 'input' ? 'Hello!' : placeholder(s.type)]));
  }
  const specs = inputs.specs;
  const row = specs.map((s) => placeholder(s.type));
  return { dataframe_split: specs.every((s) => s.name !== undefined) ? { columns: specs.map((s) => s.name), data: [row] } : { data: [row] } };
}

/** The example of a model: its own serving input example, else one built from its signature. */
export function requestExample(inputExample: unknown, signature: Signature | undefined): unknown {
  return inputExample !== undefined ? inputExample : signatureExample(signature);
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'number' ? String(v) : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows of a `dataframe_split` or `dataframe_records` example as CSV text (header first); undefined for other bodies. */
export function exampleCsv(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  let columns: string[] | undefined;
  let rows: unknown[][] | undefined;
  const split = b.dataframe_split as { columns?: unknown; data?: unknown } | undefined;
  if (split && Array.isArray(split.columns) && Array.isArray(split.data) && split.data.every(Array.isArray)) {
    columns = split.columns.map(String);
    rows = split.data as unknown[][];
  } else if (Array.isArray(b.dataframe_records) && b.dataframe_records.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
    const records = b.dataframe_records as Record<string, unknown>[];
    columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
    rows = records.map((r) => columns!.map((c) => r[c]));
  }
  if (!columns || !rows) return undefined;
  return [columns, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
