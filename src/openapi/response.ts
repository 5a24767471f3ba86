// Owns the JSON Schemas of `/invocations` answers: predictions shaped by the output signature, and MLflow's error envelope by HTTP status (spec §1.7, §4).

import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from '../errors.js';
import type { Schema } from '../schema/types.js';
import { colTypeSchema, shapedSchema, dtypeSchema, tensorSchema, type JsonSchema } from './json-schema.js';

const NUMBERS_NOTE = 'Numbers print as Python does: NaN, Infinity and -Infinity appear as bare tokens, as MLflow sends them.';

/**
 * The value under `predictions` (or the unwrapped LLM answer) for an output signature: what
 * MLflow's serialisation gives for the return values that satisfy it (a DataFrame prints as records,
 * an array as nested lists, a dict of arrays as an object, spec §4.2).
 */
export function predictionsSchema(outputs: Schema | undefined): JsonSchema {
  if (!outputs) return { description: `The model declares no output signature: any JSON value. ${NUMBERS_NOTE}` };
  if (outputs.kind === 'columns') {
    const named = outputs.specs.every((s) => s.name !== undefined);
    const cells = outputs.specs.map((s) => colTypeSchema(s.type, 'canonical', s.required));
    const forms: JsonSchema[] = [];
    if (named) {
      forms.push({
        type: 'array',
        description: 'one record per input row',
        items: { type: 'object', properties: Object.fromEntries(outputs.specs.map((s, i) => [s.name, cells[i]])) },
      });
      forms.push({ type: 'object', description: 'columns by name', properties: Object.fromEntries(outputs.specs.map((s, i) => [s.name, { type: 'array', items: cells[i] }])) });
    }
    if (outputs.specs.length === 1) forms.push({ type: 'array', description: 'one value per input row', items: cells[0] });
    return { anyOf: forms, description: NUMBERS_NOTE };
  }
  const named = outputs.specs.every((s) => s.name !== undefined);
  if (!named) return { ...(tensorSchema(outputs.specs[0], 'canonical') as object), description: NUMBERS_NOTE };
  return {
    description: NUMBERS_NOTE,
    anyOf: [
      { type: 'object', description: 'tensors by name', properties: Object.fromEntries(outputs.specs.map((s) => [s.name, tensorSchema(s, 'canonical')])) },
      // mlserve's answer for table input to a model with outputs of different shapes (README: where mlserve differs).
      {
        type: 'array',
        description: 'one record per input row (table input)',
        items: { type: 'object', properties: Object.fromEntries(outputs.specs.map((s) => [s.name, shapedSchema(s.shape.slice(1), dtypeSchema(s.dtype, 'canonical'))])) },
      },
    ],
  };
}

/** MLflow's error envelope (`stack_trace` only for model failures and CSV parse errors). */
export const ERROR_ENVELOPE: JsonSchema = {
  type: 'object',
  required: ['error_code', 'message'],
  properties: {
    error_code: { type: 'string', enum: ERROR_CODES },
    message: { type: 'string' },
    stack_trace: { type: 'string' },
  },
};

/** Statuses pinned apart from MLflow's table: 415 for an unsupported media type (plain text), 413 for an oversized body. */
const PINNED: Partial<Record<ErrorCode, number>> = { BAD_REQUEST: 415, REQUEST_LIMIT_EXCEEDED: 413 };

/** Every MLflow error code by the HTTP status it is sent with, in status order. */
export function errorCodesByStatus(): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of ERROR_CODES) {
    for (const status of new Set([ERROR_STATUS[code], PINNED[code] ?? ERROR_STATUS[code]])) {
      byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
  }
  return new Map([...byStatus].sort((a, b) => a[0] - b[0]));
}

/** Plain-text answers MLflow sends (spec §1.6, §1.8). */
export const TEXT_ANSWERS = {
  415: 'Unsupported content type or charset, as plain text: `This predictor only supports the following content types: ...`.',
  504: 'The request ran past `--timeout`: the bare text `Request processing time exceeded limit` (not JSON, though sent as application/json, as MLflow does).',
} as const;
