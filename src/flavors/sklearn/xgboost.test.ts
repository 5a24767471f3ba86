import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UnsupportedModelError } from '../../errors.js';
import { PyByteArray, type PyValue } from '../../pyobj/index.js';
import { record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { Table } from './table.js';

const CASE = fileURLToPath(new URL('../../../../test/fixtures/xgboost/sklearn-rf-classifier/', import.meta.url));
const expected = JSON.parse(readFileSync(join(CASE, 'expected.json'), 'utf8')) as {
  columns: string[];
  data: (number | null)[][];
  outputs: Record<string, { values: number[] }>;
};

/** A pickled XGBClassifier whose Booster handle holds `snapshot` (XGBoosterSerializeToBuffer's bytes). */
function classifier(snapshot: Uint8Array, state: Record<string, PyValue> = {}) {
  const booster = record('xgboost.core.Booster', { handle: new PyByteArray(snapshot) });
  return record('xgboost.sklearn.XGBClassifier', { objective: 'binary:logistic', missing: NaN, n_classes_: 2, _Booster: booster, ...state });
}

const jsonSnapshot = () => new TextEncoder().encode(`{"Config": {}, "Model": ${readFileSync(join(CASE, 'json/model.json'), 'utf8')}}`);
const rows = (labels: boolean) =>
  new Table(
    expected.data.length,
    expected.columns.map((_, j) => Float64Array.from(expected.data, (r) => r[j] ?? NaN)),
    labels ? { labels: expected.columns } : {},
  );

describe('XGBoost estimators in a pickle', () => {
  it('reads the Booster snapshot and answers XGBoost\'s own predict and predict_proba, by column name or position', () => {
    const m = buildModel(root(classifier(jsonSnapshot())), 'model.pkl');
    for (const labels of [true, false]) {
      assert.deepEqual(Array.from(m.predict!(rows(labels)).data as BigInt64Array, Number), expected.outputs.predict.values);
      const proba = m.predictProba!(rows(labels));
      assert.equal(proba.dtype, 'float32');
      assert.deepEqual(Array.from(proba.data), expected.outputs.predict_proba.values);
    }
  });

  it("treats the estimator's missing value as missing", () => {
    const row = (v: number) => new Table(1, Array.from({ length: 5 }, () => Float64Array.of(v)));
    const nanMissing = buildModel(root(classifier(jsonSnapshot())), 'm');
    const zeroMissing = buildModel(root(classifier(jsonSnapshot(), { missing: 0 })), 'm');
    assert.deepEqual(Array.from(zeroMissing.predictProba!(row(0)).data), Array.from(nanMissing.predictProba!(row(NaN)).data));
    assert.notDeepEqual(Array.from(nanMissing.predictProba!(row(0)).data), Array.from(nanMissing.predictProba!(row(NaN)).data));
  });

  it('refuses a snapshot it cannot read, saying why', () => {
    const binary = Uint8Array.of(0x62, 0x69, 0x6e, 0x66, 0, 0, 0, 0);
    assert.throws(() => buildModel(root(classifier(binary)), 'model.pkl'), (err: unknown) => err instanceof UnsupportedModelError && /XGBClassifier/.test(err.message) && /binary snapshot/.test(err.message));
    assert.throws(() => buildModel(root(classifier(new TextEncoder().encode('{"Config": {}, "Model": {"learner": 1}}'))), 'model.pkl'), /XGBClassifier/);
  });
});
