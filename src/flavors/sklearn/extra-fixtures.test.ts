// The models of test/fixtures/sklearn-extra (linear models beyond the list that share a
// predict function with it): every predict function equals scikit-learn's.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Frame } from '../../data/frame.js';
import { PyNode, readPythonObjectFile } from '../../pyobj/index.js';
import { compareValues, decodeArray, type EncodedArray } from '../../../test/helpers/sklearn-fixtures.js';
import { buildModel } from './build.js';
import type { Estimator } from './estimator.js';
import { toTable } from './input.js';

const ROOT = fileURLToPath(new URL('../../../../test/fixtures/sklearn-extra/', import.meta.url));

interface Expected {
  sklearn: string;
  columns: string[];
  data: number[][];
  models: Record<string, { class: string; outputs: Record<string, EncodedArray> }>;
}

const METHODS: Record<string, keyof Estimator> = {
  predict: 'predict',
  predict_proba: 'predictProba',
  predict_log_proba: 'predictLogProba',
  decision_function: 'decisionFunction',
};

for (const version of readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, 'expected.json')))) {
  const e = JSON.parse(readFileSync(join(ROOT, version, 'expected.json'), 'utf8')) as Expected;
  const frame = new Frame(e.columns.map((name, j) => ({ name, dtype: 'float64' as const, values: Float64Array.from(e.data, (row) => row[j]) })));
  describe(`scikit-learn ${e.sklearn} extra linear models`, () => {
    for (const [name, m] of Object.entries(e.models)) {
      it(`${name} (${m.class.slice(m.class.lastIndexOf('.') + 1)}): ${Object.keys(m.outputs).join(', ')} equal scikit-learn's`, () => {
        const model = buildModel(PyNode.root(readPythonObjectFile(join(ROOT, version, `${name}.pkl`))), name);
        for (const [fn, want] of Object.entries(m.outputs)) {
          const method = model[METHODS[fn]] as ((x: ReturnType<typeof toTable>) => { shape: readonly number[]; size: number; at(i: number): unknown }) | undefined;
          assert.ok(method, `${name} has ${fn}`);
          const out = method.call(model, toTable(frame));
          assert.deepEqual(out.shape, want.shape, `${name} ${fn} shape`);
          const rule = want.dtype.startsWith('float') ? ({ kind: 'close', rel: 1e-9, abs: 1e-12 } as const) : ({ kind: 'exact' } as const);
          const cmp = compareValues(decodeArray(want), Array.from({ length: out.size }, (_, i) => out.at(i)), rule);
          assert.ok(cmp.ok, `${name} ${fn}: ${JSON.stringify(cmp.first)} (largest relative difference ${cmp.maxRelDiff})`);
        }
        // Exactly the functions scikit-learn has (predict_proba only where it exists there).
        for (const fn of Object.keys(METHODS)) assert.equal(model[METHODS[fn]] !== undefined, fn in m.outputs, `${name} has ${fn} exactly when scikit-learn does`);
      });
    }
  });
}
