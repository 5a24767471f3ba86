// XGBoost models through real HTTP: MLflow's pyfunc answers (labels for classifiers, values for regressors).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../helpers/server.js';
import { ROOT } from '../helpers/cli.js';

const FIXTURES = join(ROOT, 'test/fixtures/xgboost');

interface Expected {
  columns: string[];
  data: (number | null)[][];
  outputs: { predict: { values: number[] } };
}

describe('xgboost models through HTTP', () => {
  for (const [fixture, format] of [['sklearn-classifier', 'json'], ['reg-squarederror', 'ubj'], ['multi-softprob', 'json']] as const) {
    it(`${fixture} (${format}) answers as XGBoost predicts, missing values included`, async () => {
      const expected = JSON.parse(readFileSync(join(FIXTURES, fixture, 'expected.json'), 'utf8')) as Expected;
      const rows = expected.data.filter((r) => r.every((v) => v === null || Math.abs(v) < 1e30));
      const keep = expected.data.map((r, i) => (rows.includes(r) ? i : -1)).filter((i) => i >= 0);
      const server = await startServer(join(FIXTURES, fixture, format));
      try {
        assert.equal(server.model.flavor, 'xgboost');
        const res = await fetch(`${server.url}/invocations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ dataframe_split: { columns: expected.columns, data: rows } }),
        });
        const body = await res.json();
        assert.equal(res.status, 200, JSON.stringify(body));
        const want = expected.outputs.predict.values;
        const per = want.length / expected.data.length;
        const got = (body.predictions as unknown[]).flat(2) as number[];
        assert.equal(got.length, keep.length * per);
        keep.forEach((row, k) => {
          for (let j = 0; j < per; j++) {
            const [g, w] = [got[k * per + j], want[row * per + j]];
            assert.ok(Math.abs(g - w) <= 1e-6 * Math.max(1, Math.abs(w)), `row ${row}: ${g} vs ${w}`);
          }
        });
      } finally {
        await server.close();
      }
    });
  }
});
