import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedModelError } from '../../errors.js';
import { NdArray, NpDType, type PyValue } from '../../pyobj/index.js';
import { sklearnTree } from '../../../test/helpers/sklearn-forest.js';
import { f8, fittedOn, i8, numberFrame, obj, record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { logit } from './gb-losses.js';
import { toTable } from './input.js';
import { expit } from './math.js';

const GBC = 'sklearn.ensemble._gb.GradientBoostingClassifier';
const GBR = 'sklearn.ensemble._gb.GradientBoostingRegressor';
const values = (t: { data: unknown }) => Array.from(t.data as ArrayLike<unknown>);
const x = (a: number[]) => toTable(numberFrame({ a }));

/** A regression tree: a <= t → lo, else hi. */
const stump = (t: number, lo: number, hi: number) =>
  record('sklearn.tree._classes.DecisionTreeRegressor', {
    criterion: 'friedman_mse',
    splitter: 'best',
    tree_: sklearnTree({ nFeatures: 1, nClasses: [1], nodes: [{ left: 1, right: 2, feature: 0, threshold: t }, { leaf: true }, { leaf: true }], values: [[0], [lo], [hi]], weighted: [2, 1, 1] }),
  });

/** estimators_: an object array of stages × k trees. */
const stages = (trees: PyValue[][]) => new NdArray(NpDType.parse('|O'), [trees.length, trees[0].length], trees.flat());

const linkedLoss = (name: string, link: string) => record(`sklearn._loss.loss.${name}`, { link: record(`sklearn._loss.link.${link}`, {}) });
const prior = (p: number[]) => record('sklearn.dummy.DummyClassifier', { _strategy: 'prior', n_outputs_: 1, classes_: i8(p.map((_, i) => i)), class_prior_: f8(p) });

function binary(state: Record<string, PyValue>) {
  return record(GBC, {
    ...fittedOn(['a']),
    classes_: obj(['neg', 'pos']),
    learning_rate: 0.5,
    estimators_: stages([[stump(0, -1, 1)], [stump(1, -0.5, 0.5)]]),
    init_: 'zero',
    _loss: linkedLoss('HalfBinomialLoss', 'LogitLink'),
    _sklearn_version: '1.6.1',
    ...state,
  });
}

describe('GradientBoosting', () => {
  it('adds learning_rate × leaf stage by stage to the init raw values', () => {
    const m = buildModel(root(binary({})), 'm');
    const raw = [0 + 0.5 * -1 + 0.5 * -0.5, 0 + 0.5 * 1 + 0.5 * -0.5, 0 + 0.5 * 1 + 0.5 * 0.5];
    assert.deepEqual(values(m.decisionFunction!(x([-1, 0.5, 2]))), raw);
    assert.deepEqual(values(m.predictProba!(x([2]))), [1 - expit(raw[2]), expit(raw[2])]);
    assert.deepEqual(values(m.predict!(x([-1, 0.5, 2]))), ['neg', 'pos', 'pos']);
    assert.throws(() => m.predict!(x([NaN])), /Input X contains NaN/);
  });

  it('labels raw 0 as the second class with sklearn._loss losses and as the first with 1.2\'s BinomialDeviance (argmax of equal probabilities)', () => {
    const tie = { estimators_: stages([[stump(0, 0, 0)]]) };
    assert.deepEqual(values(buildModel(root(binary(tie)), 'm').predict!(x([1]))), ['pos']);
    const legacy = binary({ ...tie, _loss: record('sklearn.ensemble._gb_losses.BinomialDeviance', { K: 1 }), _sklearn_version: '1.2.1' });
    assert.deepEqual(values(buildModel(root(legacy), 'm').predict!(x([1]))), ['neg']);
    const exponential = binary({ ...tie, _loss: record('sklearn.ensemble._gb_losses.ExponentialLoss', { K: 1 }), _sklearn_version: '1.2.1' });
    assert.deepEqual(values(buildModel(root(exponential), 'm').predict!(x([1]))), ['pos']);
  });

  it('turns a prior init into raw values through the link, clipping with float32 eps before 1.8 and float64 eps since', () => {
    const zero = { estimators_: stages([[stump(0, 0, 0)]]), init_: prior([0, 1]) };
    const raw = (version: string) => values(buildModel(root(binary({ ...zero, _sklearn_version: version })), 'm').decisionFunction!(x([1])))[0];
    assert.equal(raw('1.7.2'), logit(1 - 2 ** -23));
    assert.equal(raw('1.8.0'), logit(1 - 2 ** -52));
    const legacy = binary({ ...zero, _loss: record('sklearn.ensemble._gb_losses.ExponentialLoss', { K: 1 }), _sklearn_version: '1.2.1' });
    const q = 1 - 2 ** -23;
    assert.equal(values(buildModel(root(legacy), 'm').decisionFunction!(x([1])))[0], 0.5 * Math.log(q / (1 - q)));
  });

  it('gives three classes one tree per class per stage and a softmax; the multinomial link centres the init', () => {
    const m = buildModel(
      root(
        record(GBC, {
          ...fittedOn(['a']),
          classes_: i8([0, 1, 2]),
          learning_rate: 1,
          estimators_: stages([[stump(0, 1, 0), stump(0, 0, 1), stump(0, 0, 0)]]),
          init_: prior([0.5, 0.25, 0.25]),
          _loss: linkedLoss('HalfMultinomialLoss', 'MultinomialLogit'),
          _sklearn_version: '1.6.1',
        }),
      ),
      'm',
    );
    const logs = [0.5, 0.25, 0.25].map(Math.log);
    const mean = (logs[0] + logs[1] + logs[2]) / 3;
    const init = [0.5, 0.25, 0.25].map((p) => Math.log(p / Math.exp(mean)));
    assert.deepEqual(values(m.decisionFunction!(x([-1]))), [init[0] + 1, init[1], init[2]]);
    assert.deepEqual(values(m.predict!(x([-1, 1]))), [0n, 1n]);
    const p = values(m.predictProba!(x([1]))) as number[];
    assert.ok(Math.abs(p.reduce((s, v) => s + v, 0) - 1) < 1e-15);
  });

  it('hands an init estimator X rounded to float32, as sklearn validates X through the first tree first', () => {
    const init = record('sklearn.linear_model._base.LinearRegression', { n_features_in_: 1, coef_: f8([1]), intercept_: 0 });
    const m = buildModel(
      root(record(GBR, { ...fittedOn(['a']), learning_rate: 0.1, estimators_: stages([[stump(5, 0, 1)]]), init_: init, _loss: linkedLoss('HalfSquaredError', 'IdentityLink'), _sklearn_version: '1.6.1' })),
      'm',
    );
    assert.deepEqual(values(m.predict!(x([0.1]))), [Math.fround(0.1) + 0.1 * 0]);
  });

  it('refuses a loss or link it does not know, and random Dummy strategies, naming them', () => {
    const bad = binary({ _loss: linkedLoss('HalfTweedieLoss', 'LogLink') });
    assert.throws(() => buildModel(root(bad), 'm'), (err: unknown) => err instanceof UnsupportedModelError && /LogLink/.test(err.message));
    const random = binary({ init_: record('sklearn.dummy.DummyClassifier', { _strategy: 'stratified', n_outputs_: 1, classes_: i8([0, 1]), class_prior_: f8([0.5, 0.5]) }) });
    assert.throws(() => buildModel(root(random), 'm'), /stratified.*random predictions/);
  });
});

describe('Dummy estimators', () => {
  it('predict the most frequent class, a constant, or a constant value', () => {
    const most = buildModel(root(record('sklearn.dummy.DummyClassifier', { _strategy: 'most_frequent', n_outputs_: 1, classes_: obj(['a', 'b']), class_prior_: f8([0.25, 0.75]) })), 'm');
    assert.deepEqual(values(most.predict!(x([0, 1]))), ['b', 'b']);
    assert.deepEqual(values(most.predictProba!(x([0]))), [0, 1]);
    const constant = buildModel(root(record('sklearn.dummy.DummyClassifier', { _strategy: 'constant', constant: 'a', n_outputs_: 1, classes_: obj(['a', 'b']), class_prior_: f8([0.25, 0.75]) })), 'm');
    assert.deepEqual(values(constant.predict!(x([0]))), ['a']);
    const reg = buildModel(root(record('sklearn.dummy.DummyRegressor', { n_outputs_: 1, constant_: f8([2.5], [1, 1]) })), 'm');
    assert.deepEqual(values(reg.predict!(x([0, 1]))), [2.5, 2.5]);
  });
});
