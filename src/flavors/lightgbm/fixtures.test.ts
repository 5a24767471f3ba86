// Checks every model in test/fixtures/lightgbm against the answers of MLflow's pyfunc and LightGBM 4.7 recorded there.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Frame, type Column } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';
import { readMLmodel } from '../../model/mlmodel.js';
import type { ModelInput } from '../types.js';
import { featureRows } from './features.js';
import { lightgbmFlavor } from './index.js';
import { type LightGBMPredictOptions, parseLightGBMModel } from './model.js';

// Tests run from dist/src/flavors/lightgbm/; fixtures stay in the source tree.
const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/lightgbm/', import.meta.url));

/** The relative difference the issue allows between our predictions and LightGBM's. */
const TOLERANCE = 1e-12;

interface Output {
  readonly shape: number[];
  readonly values: number[];
}

/** expected.json, written by test/fixtures/lightgbm/generate.py. */
interface LightGBMExpected {
  readonly case: string;
  readonly objective: string;
  readonly columns: string[];
  readonly dtypes: ('float64' | 'int64' | 'str')[];
  readonly tensor: boolean;
  /** Rows; null is NaN, "inf"/"-inf" infinities in float columns, int64 cells are decimal strings. */
  readonly data: (number | string | null)[][];
  readonly answer: Output;
  readonly answered_by: string;
  readonly mlflow_error?: string;
  readonly api: { options: LightGBMPredictOptions; shape: number[]; values: number[] }[];
}

const CASES = readdirSync(FIXTURES)
  .filter((d) => existsSync(join(FIXTURES, d, 'expected.json')))
  .sort();

function cellNumber(v: number | string | null): number {
  if (v === null) return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

/** The recorded rows as MLflow hands them to the model: a DataFrame of the signature's dtypes, or a float64 array. */
function fixtureInput(e: LightGBMExpected): ModelInput {
  if (e.tensor) return new Tensor('float64', [e.data.length, e.columns.length], Float64Array.from(e.data.flat(), cellNumber));
  const cols: Column[] = e.columns.map((name, j) => {
    const cells = e.data.map((row) => row[j]);
    if (e.dtypes[j] === 'int64') return { name, dtype: 'int64', values: BigInt64Array.from(cells, (c) => BigInt(c as string)) };
    if (e.dtypes[j] === 'str') return { name, dtype: 'str', values: cells.map(String) };
    return { name, dtype: 'float64', values: Float64Array.from(cells, cellNumber) };
  });
  return new Frame(cols);
}

let largest = { relative: 0, where: 'none' };

/** Equal within TOLERANCE relative to the expected value (NaN only for NaN); records the largest difference. */
function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const [a, b] = [actual[i], expected[i]];
    if (Number.isNaN(b)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: ${a} vs NaN`);
      continue;
    }
    const relative = a === b ? 0 : Math.abs(a - b) / Math.abs(b);
    if (relative > largest.relative) largest = { relative, where: `${what}[${i}]` };
    assert.ok(relative <= TOLERANCE, `${what}[${i}]: ${a} vs ${b} (relative difference ${relative})`);
  }
}

for (const name of CASES) {
  const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as LightGBMExpected;
  describe(`lightgbm fixture ${name} (${expected.objective}, answered by ${expected.answered_by})`, () => {
    it("predicts what MLflow's pyfunc (or LightGBM) answered, within 1e-12 relative, missing values and extremes included", async () => {
      const mlmodel = await readMLmodel(join(FIXTURES, name));
      const model = await lightgbmFlavor.load({ modelPath: mlmodel.path, flavorConf: mlmodel.flavors.lightgbm ?? {}, signature: mlmodel.signature });
      const out = await model.predict(fixtureInput(expected), null);
      assert.ok(out instanceof Tensor && out.dtype === 'float64', 'a float64 Tensor');
      assert.deepEqual(out.shape, expected.answer.shape);
      assertClose(out.data as Float64Array, expected.answer.values, name);
    });

    it('parseLightGBMModel predicts raw scores and iteration ranges as Booster.predict does', () => {
      const booster = parseLightGBMModel(readFileSync(join(FIXTURES, name, 'model.lgb'), 'utf8'), { source: `${name}/model.lgb` });
      const rows = featureRows(fixtureInput(expected), booster);
      for (const want of expected.api) {
        assertClose(booster.predict(rows, want.options), want.values, `${name} ${JSON.stringify(want.options)}`);
      }
    });
  });
}

after(() => {
  // The figure the issue asks to report.
  process.stdout.write(`# lightgbm fixtures: largest relative difference from LightGBM ${largest.relative.toExponential(2)} (${largest.where})\n`);
});
