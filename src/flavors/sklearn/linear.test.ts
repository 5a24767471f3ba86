import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { f8, i8, numberFrame, obj, record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';
import { linearScores } from './linear.js';
import { expit } from './math.js';
import { SparseColumn, Table } from './table.js';

const LR = 'sklearn.linear_model._logistic.LogisticRegression';
const x2 = () => toTable(numberFrame({ a: [1, -2, 0], b: [0.5, 1, 0] }));
const data = (t: { data: unknown }) => [...(t.data as Float64Array)];

function logistic(state: Record<string, unknown>) {
  return buildModel(root(record(LR, { n_features_in_: 2, solver: 'lbfgs', ...(state as object) })), 'm');
}

describe('linear models', () => {
  it('adds products in feature order from zero, then the intercept; sparse columns give the same sums', () => {
    const w = { coef: Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1), intercept: Float64Array.of(0.25), outputs: 1, features: 10, coef2d: false };
    const dense = Array.from({ length: 10 }, (_, j) => Float64Array.of(j % 3 === 0 ? 0 : 1.5 * j, -j));
    const sparse = dense.map((c) => {
      const idx = [...c.keys()].filter((r) => c[r] !== 0);
      return new SparseColumn(2, Int32Array.from(idx), Float64Array.from(idx, (r) => c[r]));
    });
    const expected = [0, 1].map((r) => dense.reduce((s, c, j) => s + c[r] * w.coef[j], 0) + 0.25);
    assert.deepEqual([...linearScores(w, dense, 2)], expected);
    assert.deepEqual([...linearScores(w, sparse, 2)], expected);
  });

  it('predicts regressions as [n] or [n, targets] as coef_ is shaped', () => {
    const one = buildModel(root(record('sklearn.linear_model._base.LinearRegression', { coef_: f8([1, 2]), intercept_: 0.5, n_features_in_: 2 })), 'm');
    assert.deepEqual(one.predict!(x2()).shape, [3]);
    assert.deepEqual(data(one.predict!(x2())), [2.5, 0.5, 0.5]);
    const two = buildModel(root(record('sklearn.linear_model._ridge.Ridge', { coef_: f8([1, 2, 0, 1], [2, 2]), intercept_: f8([0, 1]), n_features_in_: 2 })), 'm');
    assert.deepEqual(two.predict!(x2()).shape, [3, 2]);
    assert.throws(() => one.predict!(toTable(numberFrame({ a: [NaN], b: [1] }))), /Input X contains NaN/);
  });

  it('gives LogisticRegression one-vs-rest sigmoids or a softmax as its state says', () => {
    const binary = { classes_: i8([0, 1]), coef_: f8([1, -1], [1, 2]), intercept_: f8([0.5]) };
    const d = [1 - 0.5 + 0.5, -2 - 1 + 0.5, 0.5];
    // multi_class absent (1.8+) or 'auto' with two classes: [1 - p, p].
    for (const state of [binary, { ...binary, multi_class: 'auto' }, { ...binary, multi_class: 'deprecated' }]) {
      assert.deepEqual(data(logistic(state).predictProba!(x2())), d.flatMap((v) => [1 - expit(v), expit(v)]));
    }
    // multinomial on two classes: softmax of (-d, d).
    const soft = data(logistic({ ...binary, multi_class: 'multinomial' }).predictProba!(x2()));
    assert.ok(Math.abs(soft[1] - 1 / (1 + Math.exp(-2 * d[0]))) < 1e-15);
    assert.deepEqual([...logistic(binary).predict!(x2()).data as BigInt64Array], [1n, 0n, 1n]);
  });

  it('normalises one-vs-rest sigmoids for liblinear and ovr on several classes, softmax otherwise', () => {
    const three = { classes_: obj(['a', 'b', 'c']), coef_: f8([1, 0, 0, 1, -1, -1], [3, 2]), intercept_: f8([0, 0, 0]) };
    const ovr = data(logistic({ ...three, multi_class: 'auto', solver: 'liblinear' }).predictProba!(x2()));
    const s = [expit(1), expit(0.5), expit(-1.5)];
    const sum = s[0] + s[1] + s[2];
    assert.deepEqual(ovr.slice(0, 3), s.map((v) => v / sum));
    const soft = data(logistic({ ...three, multi_class: 'auto' }).predictProba!(x2()));
    assert.ok(Math.abs(soft[0] - Math.exp(1) / (Math.exp(1) + Math.exp(0.5) + Math.exp(-1.5))) < 1e-15);
    assert.deepEqual(logistic(three).predict!(x2()).data, ['a', 'b', 'a']);
  });

  it("SGDClassifier has probabilities only for log and modified-Huber losses; all-zero rows become uniform", () => {
    const sgd = (loss: string) =>
      buildModel(root(record('sklearn.linear_model._stochastic_gradient.SGDClassifier', { loss, n_features_in_: 2, classes_: i8([0, 1, 2]), coef_: f8([-5, 0, -5, 0, 0, 0], [3, 2]), intercept_: f8([-1, -1, -1]) })), 'm');
    assert.equal(sgd('hinge').predictProba, undefined);
    const p = data(sgd('modified_huber').predictProba!(toTable(numberFrame({ a: [1], b: [0] }))));
    assert.deepEqual(p, [1 / 3, 1 / 3, 1 / 3]);
  });

  it('RidgeClassifier reads its classes from the label binarizer', () => {
    const model = buildModel(
      root(
        record('sklearn.linear_model._ridge.RidgeClassifier', {
          n_features_in_: 2,
          coef_: f8([1, 1], [1, 2]),
          intercept_: f8([-1]),
          _label_binarizer: record('sklearn.preprocessing._label.LabelBinarizer', { classes_: obj(['no', 'yes']), y_type_: 'binary' }),
        }),
      ),
      'm',
    );
    assert.deepEqual(model.predict!(x2()).data, ['yes', 'no', 'no']);
  });
});

describe('OneVsRestClassifier', () => {
  const ovr = (version: string) =>
    buildModel(
      root(
        record('sklearn.multiclass.OneVsRestClassifier', {
          _sklearn_version: version,
          n_features_in_: 1,
          label_binarizer_: record('sklearn.preprocessing._label.LabelBinarizer', { classes_: i8([10, 20]), y_type_: 'multiclass' }),
          // Two estimators scoring every row the same: a tie.
          estimators_: [0, 1].map(() => record('sklearn.linear_model._logistic.LogisticRegression', { n_features_in_: 1, classes_: i8([0, 1]), coef_: f8([1], [1, 1]), intercept_: f8([0]) })),
        }),
      ),
      'm',
    );

  it('breaks ties toward the later class before 1.8 and toward the first (as argmax) from 1.8', () => {
    const x = new Table(2, [Float64Array.of(1, -1)]);
    assert.deepEqual([...(ovr('1.6.1').predict!(x).data as BigInt64Array)], [20n, 20n]);
    assert.deepEqual([...(ovr('1.9.1').predict!(x).data as BigInt64Array)], [10n, 10n]);
    const p = data(ovr('1.6.1').predictProba!(x));
    assert.deepEqual(p, [0.5, 0.5, 0.5, 0.5]);
  });
});
