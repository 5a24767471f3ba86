// Test helper: write a temporary js_function model directory with a given signature and module source.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp.js';

/** Module sources used by tests. */
export const ECHO = 'export function predict(input) { return input; }\n';
/** Echoes the params it received (E0p / E6 in the spec). */
export const ECHO_PARAMS = 'export function predict(input, params) { return { params: params ?? null }; }\n';
/** LLM echo (L1): the first record of a frame, or the raw dict, and the params. */
export const LLM_ECHO = `export function predict(input, params) {
  const rows = typeof input?.toRecords === 'function' ? input.toRecords() : null;
  return { model_input: rows ? rows[0] : input, params: params ?? null };
}\n`;

export interface ModelSpec {
  /** JSON of signature.inputs (array), or undefined for none. */
  inputs?: unknown[];
  /** JSON of signature.params. */
  params?: unknown[];
  /** Module source; ECHO by default. */
  source?: string;
  /** Extra flavor keys (e.g. batchable). */
  flavorExtra?: Record<string, unknown>;
}

/** Creates a model directory (removed when the test process exits); returns its path. */
export function makeModel(spec: ModelSpec = {}): string {
  const dir = tempDir('mlserve-model-');
  writeFileSync(join(dir, 'model.mjs'), spec.source ?? ECHO);
  const extra = Object.entries(spec.flavorExtra ?? {}).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`).join('');
  let yaml = `flavors:\n  js_function:\n    entry: model.mjs\n${extra}`;
  if (spec.inputs || spec.params) {
    yaml += 'signature:\n';
    yaml += `  inputs: ${spec.inputs ? JSON.stringify(JSON.stringify(spec.inputs)) : 'null'}\n`;
    yaml += '  outputs: null\n';
    yaml += `  params: ${spec.params ? JSON.stringify(JSON.stringify(spec.params)) : 'null'}\n`;
  }
  writeFileSync(join(dir, 'MLmodel'), yaml);
  return dir;
}
