// Checks every model in test/fixtures/xgboost (JSON and UBJSON) against XGBoost's own predictions.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Frame } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';
import { readMLmodel } from '../../model/mlmodel.js';
import { xgboostFlavor } from './index.js';

// Tests run from dist/src/flavors/xgboost/; fixtures stay in the source tree.
const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/xgboost/', import.meta.url));

interface Expected {
  case: string;
  objective: string;
  model_class: string;
  columns: string[];
  data: (number | null)[][];
  /** Each output with the request params that produce it. */
  outputs: Record<string, { params: Record<string, unknown>; dtype: string; shape: number[]; values: number[] }>;
}

const CASES = readdirSync(FIXTURES)
  .filter((d) => existsSync(join(FIXTURES, d, 'expected.json')))
  .sort();

/** The fixture rows as a float64 Frame, NaN for missing (what pandas builds from JSON). */
function fixtureFrame(e: Expected): Frame {
  return new Frame(e.columns.map((name, j) => ({ name, dtype: 'float64' as const, values: Float64Array.from(e.data, (row) => row[j] ?? NaN) })));
}

/** Equal within float32 rounding: a few units in the last place of a float32. */
function assertCloseF32(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(b)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: ${a} vs NaN`);
      continue;
    }
    const tol = 4 * 2 ** -23 * Math.max(Math.abs(b), 2 ** -10);
    assert.ok(Math.abs(a - b) <= tol, `${what}[${i}]: ${a} vs ${b} (diff ${a - b})`);
  }
}

function checkOutput(out: unknown, want: Expected['outputs'][string], what: string): void {
  assert.ok(out instanceof Tensor, `${what}: a Tensor`);
  assert.equal(out.dtype, want.dtype, `${what}: dtype`);
  assert.deepEqual(out.shape, want.shape, `${what}: shape`);
  const values = Array.from(out.data as ArrayLike<number | bigint>, Number);
  if (want.dtype.startsWith('float')) assertCloseF32(values, want.values, what);
  else assert.deepEqual(values, want.values, what);
}

for (const name of CASES) {
  const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
  const formats = readdirSync(join(FIXTURES, name)).filter((f) => existsSync(join(FIXTURES, name, f, 'MLmodel')));
  describe(`xgboost fixture ${name} (${expected.objective}, ${expected.model_class})`, () => {
    for (const format of formats) {
      for (const [output, want] of Object.entries(expected.outputs)) {
        it(`${format}: ${output} ${JSON.stringify(want.params)} equals XGBoost's within float32 rounding, missing values included`, async () => {
          const mlmodel = await readMLmodel(join(FIXTURES, name, format));
          const model = await xgboostFlavor.load({ modelPath: mlmodel.path, flavorConf: mlmodel.flavors.xgboost ?? {}, signature: mlmodel.signature });
          const out = await model.predict(fixtureFrame(expected), want.params);
          checkOutput(out, want, `${name}/${format} ${output}`);
        });
      }
    }
  });
}
