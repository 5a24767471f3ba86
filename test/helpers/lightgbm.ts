// Test helper: requests built from test/fixtures/lightgbm/<case>/expected.json, and checks of MLflow's answers against it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/** Folder of the LightGBM fixtures. */
export const LIGHTGBM_FIXTURES = join(ROOT, 'test/fixtures/lightgbm');

/** What generate.py recorded for a fixture (see src/flavors/lightgbm/fixtures.test.ts for every field). */
export interface LightGBMCase {
  readonly columns: string[];
  readonly dtypes: ('float64' | 'int64' | 'str')[];
  readonly tensor: boolean;
  readonly data: (number | string | null)[][];
  readonly answer: { shape: number[]; values: number[] };
}

export function readCase(name: string): LightGBMCase {
  return JSON.parse(readFileSync(join(LIGHTGBM_FIXTURES, name, 'expected.json'), 'utf8')) as LightGBMCase;
}

/** A cell as JSON request text: NaN as null (frames) or NaN (arrays), infinities as Infinity, int64 digits as they are. */
function cellText(v: number | string | null, dtype: string, tensor: boolean): string {
  if (v === null) return tensor ? 'NaN' : 'null';
  if (v === 'inf') return 'Infinity';
  if (v === '-inf') return '-Infinity';
  if (dtype === 'int64') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return Object.is(v, -0) ? '-0.0' : String(v);
}

/** The recorded rows as an MLflow JSON request: `dataframe_split`, or `inputs` for a tensor signature. */
export function requestBody(c: LightGBMCase, rows: readonly number[] = c.data.map((_, i) => i)): string {
  const data = rows.map((i) => `[${c.data[i].map((v, j) => cellText(v, c.dtypes[j], c.tensor)).join(', ')}]`).join(', ');
  if (c.tensor) return `{"inputs": [${data}]}`;
  return `{"dataframe_split": {"columns": ${JSON.stringify(c.columns)}, "data": [${data}]}}`;
}

/** Asserts MLflow's `{"predictions": [...]}` holds the recorded answer for `rows`, within 1e-12 relative. */
export function assertAnswer(body: unknown, c: LightGBMCase, rows: readonly number[] = c.data.map((_, i) => i)): void {
  const predictions = (body as { predictions: unknown }).predictions;
  assert.ok(Array.isArray(predictions), JSON.stringify(body).slice(0, 200));
  const width = c.answer.shape.length === 2 ? c.answer.shape[1] : 1;
  assert.equal(predictions.length, rows.length);
  rows.forEach((row, k) => {
    const got = (width === 1 ? [predictions[k]] : predictions[k]) as number[];
    assert.equal(got.length, width, `row ${row}`);
    for (let j = 0; j < width; j++) {
      const want = c.answer.values[row * width + j];
      assert.ok(Math.abs(got[j] - want) <= 1e-12 * Math.abs(want), `row ${row}[${j}]: ${got[j]} vs ${want}`);
    }
  });
}
