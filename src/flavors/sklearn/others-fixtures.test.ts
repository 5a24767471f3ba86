// Runs every case of test/fixtures/sklearn-others (sparse and precomputed SVMs, tie-heavy
// neighbour searches, naive Bayes variants, PCA far from the origin, from scikit-learn 1.2.1, 1.6.1
// and 1.9.1) through the evaluators: labels and errors as scikit-learn gives them, numbers within
// 1e-9 relative. The largest difference per estimator is printed at the end.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { Tensor } from '../../data/tensor.js';
import { PyNode, readPythonObjectFile } from '../../pyobj/index.js';
import { buildModel } from './build.js';
import type { Estimator } from './estimator.js';
import { Table, numericTable } from './table.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/sklearn-others');

interface Encoded {
  dtype: string;
  shape: number[];
  values: (string | number)[];
}

interface Case {
  covers: string;
  X: Encoded;
  out: Record<string, Encoded | { error: string }>;
}

const METHODS: Record<string, keyof Estimator> = {
  predict: 'predict',
  predict_proba: 'predictProba',
  predict_log_proba: 'predictLogProba',
  predict_joint_log_proba: 'predictJointLogProba',
  decision_function: 'decisionFunction',
  transform: 'transform',
};

const worst = new Map<string, number>();

/** X as a numpy array: float64 columns without labels. */
function table(x: Encoded): Table {
  const [n, d] = x.shape;
  const v = x.values.map(Number);
  return numericTable(
    n,
    Array.from({ length: d }, (_, j) => Float64Array.from({ length: n }, (_, i) => v[i * d + j])),
  );
}

/** A Tensor, or a Table (transform) as its row-major values. */
function flatten(out: Tensor | Table): { shape: number[]; values: unknown[] } {
  if (out instanceof Tensor) return { shape: [...out.shape], values: Array.from({ length: out.size }, (_, i) => out.at(i)) };
  const cols = out.columns as Float64Array[];
  return { shape: [out.rows, cols.length], values: Array.from({ length: out.rows * cols.length }, (_, i) => cols[i % cols.length][Math.floor(i / cols.length)]) };
}

function compare(id: string, fn: string, expected: Encoded, got: { shape: number[]; values: unknown[] }): void {
  assert.deepEqual(got.shape, expected.shape, `${id} ${fn}: shape`);
  let maxRel = 0;
  expected.values.forEach((e, i) => {
    const g = got.values[i];
    if (expected.dtype !== 'float64') {
      assert.equal(String(g), String(e), `${id} ${fn}: label ${i}`);
      return;
    }
    const ev = Number(e);
    const gv = Number(g);
    if (Number.isNaN(ev)) return assert.ok(Number.isNaN(gv), `${id} ${fn}: value ${i} should be NaN, got ${gv}`);
    const diff = Math.abs(gv - ev);
    assert.ok(diff <= 1e-12 + 1e-9 * Math.abs(ev), `${id} ${fn}: value ${i} is ${gv}, scikit-learn's ${ev}`);
    if (ev !== gv) maxRel = Math.max(maxRel, diff / Math.max(Math.abs(ev), 1e-300));
  });
  const key = id.replace(/^v[\d.]+\//, '');
  worst.set(key, Math.max(worst.get(key) ?? 0, maxRel));
}

const versions = readdirSync(ROOT).filter((v) => /^v\d/.test(v));

describe('scikit-learn fixtures of SVM, neighbours, naive Bayes, clustering and decomposition (test/fixtures/sklearn-others)', () => {
  it('has the three scikit-learn versions', () => assert.deepEqual(versions, ['v1.2.1', 'v1.6.1', 'v1.9.1']));
  for (const version of versions) {
    const index = JSON.parse(readFileSync(join(ROOT, version, 'index.json'), 'utf8')) as { cases: string[] };
    for (const name of index.cases) {
      const id = `${version}/${name}`;
      const c = JSON.parse(readFileSync(join(ROOT, id, 'case.json'), 'utf8')) as Case;
      it(`${id}: ${c.covers}`, () => {
        const est = buildModel(PyNode.root(readPythonObjectFile(join(ROOT, id, 'model.pkl'))), 'model.pkl');
        for (const [fn, expected] of Object.entries(c.out)) {
          const method = est[METHODS[fn]] as ((x: Table) => Tensor | Table) | undefined;
          if ('error' in expected) {
            assert.throws(() => method!.call(est, table(c.X)), `${id} ${fn}: scikit-learn raised ${expected.error}`);
            continue;
          }
          assert.ok(method, `${id}: has ${fn}`);
          compare(id, fn, expected, flatten(method.call(est, table(c.X))));
        }
      });
    }
  }
  after(() => {
    const lines = [...worst].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `  ${k.padEnd(48)} max rel ${v.toExponential(2)}`);
    process.stdout.write(`\nsklearn-others fixtures: largest relative difference per model (all versions):\n${lines.join('\n')}\n`);
  });
});
