import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PyGlobal, type PyValue } from '../../pyobj/index.js';
import { obj, record, root } from '../../../test/helpers/sklearn-tree.js';
import { featureRows } from '../lightgbm/features.js';
import { parseLightGBMModel } from '../lightgbm/model.js';
import { buildModel } from './build.js';
import { tableToFrame } from './frame.js';
import { Table } from './table.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/lightgbm/', import.meta.url));

/** A fixture cell: null is NaN, "inf"/"-inf" infinities. */
const cell = (v: number | string | null) => (v === null ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v));

/** A LightGBM fixture (float64 columns): its model text, rows and LightGBM's own Booster.predict answer. */
function fixture(name: string) {
  const e = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as { columns: string[]; data: (number | string | null)[][]; answer: { values: number[] } };
  const cols = e.columns.map((_, j) => Float64Array.from(e.data, (r) => cell(r[j])));
  return { text: readFileSync(join(FIXTURES, name, 'model.lgb'), 'utf8'), columns: e.columns, frame: new Table(e.data.length, cols, { labels: e.columns }), array: new Table(e.data.length, cols), answer: e.answer.values };
}

/** A pickled LGBM estimator of `className` whose Booster holds `text`. */
function lgbm(className: string, text: string, state: Record<string, PyValue> = {}, booster: Record<string, PyValue> = {}) {
  return record(`lightgbm.sklearn.${className}`, { _Booster: record('lightgbm.basic.Booster', { _handle: text, ...booster }), _n_features_in: 5, _objective: 'binary', ...state });
}

const values = (t: { data: unknown }) => Array.from(t.data as ArrayLike<unknown>);

/** Equal to LightGBM's answers within 1e-12 relative (the lightgbm engine's bound: Math.exp against glibc's). */
function assertClose(actual: ArrayLike<unknown>, expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    assert.ok(a === expected[i] || Math.abs(a - expected[i]) <= 1e-12 * Math.abs(expected[i]), `[${i}]: ${a} vs ${expected[i]}`);
  }
}

describe('LightGBM estimators in a pickle', () => {
  it("answers LightGBM's Booster.predict for an LGBMRanker, from a DataFrame or an array", () => {
    const f = fixture('lambdarank');
    const m = buildModel(root(lgbm('LGBMRanker', f.text, { _objective: 'lambdarank' })), 'm');
    assertClose(values(m.predict!(f.frame)), f.answer);
    assertClose(values(m.predict!(f.array)), f.answer);
    assert.equal(m.predictProba, undefined);
  });

  it('gives a binary LGBMClassifier [1 - p, p] and the label of the first argmax through its label encoder', () => {
    const f = fixture('binary');
    const le = record('sklearn.preprocessing._label.LabelEncoder', { classes_: obj(['no', 'yes']) });
    const m = buildModel(root(lgbm('LGBMClassifier', f.text, { _le: le, _classes: obj(['no', 'yes']), _n_classes: 2 })), 'm');
    const proba = values(m.predictProba!(f.frame)) as number[];
    assertClose(proba, f.answer.flatMap((p) => [1 - p, p]));
    assert.deepEqual(values(m.predict!(f.frame)), proba.filter((_, i) => i % 2 === 0).map((q, r) => (q >= proba[2 * r + 1] ? 'no' : 'yes')));
    // An array goes through scikit-learn's validate_data first.
    assert.throws(() => m.predict!(new Table(1, [Float64Array.of(1), Float64Array.of(2)])), /X has 2 features, but LGBMClassifier is expecting 5 features/);
  });

  it("uses the Booster's best_iteration, and answers the booster's own output (no labels) for a custom objective", () => {
    const f = fixture('binary');
    const booster = parseLightGBMModel(f.text, { source: 'test' });
    const two = booster.predict(featureRows(tableToFrame(f.frame), booster), { numIteration: 2 });
    const m = buildModel(root(lgbm('LGBMRegressor', f.text, {}, { best_iteration: 2 })), 'm');
    assert.deepEqual(values(m.predict!(f.frame)), Array.from(two));
    const custom = buildModel(root(lgbm('LGBMClassifier', f.text, { _objective: new PyGlobal('__main__', 'my_loss'), _classes: obj(['no', 'yes']) })), 'm');
    assertClose(values(custom.predict!(f.frame)), f.answer);
  });

  it('refuses a Booster whose model text is damaged, naming the estimator', () => {
    assert.throws(() => buildModel(root(lgbm('LGBMRegressor', 'tree\nversion=v9\n')), 'model.pkl'), /LGBMRegressor.*version/s);
  });
});
