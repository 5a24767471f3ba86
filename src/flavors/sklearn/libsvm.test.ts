import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { type SvmModel, couplingScratch, multiclassProbability, pairwiseProbabilities, powi, sigmoidPredict } from './libsvm.js';
import { ovrDecision } from './svm.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/sklearn-others');

interface Coupling {
  probA: number[];
  probB: number[];
  dec: number[][];
  proba: number[][];
}

function vectors(version: string): Record<string, Coupling> {
  return JSON.parse(readFileSync(join(ROOT, version, 'vectors.json'), 'utf8'));
}

/** The part of an SvmModel pairwise coupling reads. */
function probabilityModel(classes: number, c: Coupling): SvmModel {
  return { classes, probA: Float64Array.from(c.probA), probB: Float64Array.from(c.probB) } as unknown as SvmModel;
}

describe('libsvm: pairwise coupling of probabilities', () => {
  for (const version of ['v1.2.1', 'v1.6.1', 'v1.9.1']) {
    for (const k of [2, 3, 5]) {
      it(`gives scikit-learn ${version.slice(1)}'s predict_proba from its decision values, ${k} classes`, () => {
        const c = vectors(version)[`coupling${k}`];
        const m = probabilityModel(k, c);
        const r = new Float64Array(k * k);
        const p = new Float64Array(k);
        for (let row = 0; row < c.dec.length; row++) {
          pairwiseProbabilities(m, Float64Array.from(c.dec[row]), 0, r, p, 0, couplingScratch(k));
          for (let j = 0; j < k; j++) {
            const e = c.proba[row][j];
            assert.ok(Math.abs(p[j] - e) <= 1e-15 + 1e-12 * Math.abs(e), `row ${row} class ${j}: ${p[j]} vs ${e}`);
          }
        }
      });
    }
  }

  it('iterates also for two classes: the result is not the pairwise probability itself', () => {
    const r = Float64Array.of(0, 0.9, 0.1, 0);
    const p = new Float64Array(2);
    multiclassProbability(2, r, p, 0, couplingScratch(2));
    assert.notEqual(p[0], 0.9);
    assert.ok(Math.abs(p[0] - 0.9) < 0.005, `${p[0]} converges near 0.9 within libsvm's stopping rule`);
    assert.ok(Math.abs(p[0] + p[1] - 1) < 1e-15);
  });

  it('compares errors as C does: NaN pairwise probabilities show no error and leave the uniform start', () => {
    const r = new Float64Array(9).fill(Number.NaN);
    const p = new Float64Array(3);
    multiclassProbability(3, r, p, 0, couplingScratch(3));
    assert.deepEqual([...p], [1 / 3, 1 / 3, 1 / 3]);
  });
});

describe('libsvm: kernels and Platt scaling', () => {
  it('raises to integer powers by repeated squaring, as libsvm does', () => {
    assert.equal(powi(1.1, 3), 1.1 * (1.1 * 1.1));
    assert.equal(powi(0.7, 4), (0.7 * 0.7) * (0.7 * 0.7));
    assert.equal(powi(-2, 0), 1);
    assert.equal(powi(3, 1), 3);
  });

  it('evaluates the sigmoid on the side that avoids cancellation', () => {
    assert.equal(sigmoidPredict(2, -1, 0.5), 1 / (1 + Math.exp(-1.5)));
    assert.equal(sigmoidPredict(2, 1, 0.5), Math.exp(-2.5) / (1 + Math.exp(-2.5)));
    assert.equal(sigmoidPredict(0, 1, 0), 0.5);
  });
});

describe('SVC: one-vs-rest decision from one-vs-one values', () => {
  it('adds votes and squashed confidences; a zero decision votes for the first class of the pair', () => {
    // 3 classes, pairs (0,1), (0,2), (1,2): decisions 1.5 (0 wins), 0 (0 wins in sklearn's rule), -2 (2 wins).
    const out = ovrDecision(Float64Array.of(1.5, 0, -2), 1, 3);
    const conf = [1.5 + 0, -1.5 - 2, 0 + 2];
    const votes = [2, 0, 1];
    conf.forEach((c, i) => assert.equal(out[i], votes[i] + c / (3 * (Math.abs(c) + 1))));
  });
});
