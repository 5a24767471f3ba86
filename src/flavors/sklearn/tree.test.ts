import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedModelError } from '../../errors.js';
import type { PyValue } from '../../pyobj/index.js';
import { sklearnTree, type TreeNodeSpec } from '../../../test/helpers/sklearn-forest.js';
import { fittedOn, i8, numberFrame, obj, record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';

const DTC = 'sklearn.tree._classes.DecisionTreeClassifier';
const DTR = 'sklearn.tree._classes.DecisionTreeRegressor';
const ETC = 'sklearn.tree._classes.ExtraTreeClassifier';
const RFC = 'sklearn.ensemble._forest.RandomForestClassifier';
const RFR = 'sklearn.ensemble._forest.RandomForestRegressor';

// x0 <= 0.1 → leaf 1; else x1 <= 5 (NaN left) → leaf 3; else leaf 4.
const NODES: TreeNodeSpec[] = [{ left: 1, right: 2, feature: 0, threshold: 0.1 }, { leaf: true }, { left: 3, right: 4, feature: 1, threshold: 5, missingLeft: true }, { leaf: true }, { leaf: true }];

function classifier(className: string, values: number[][], state: Record<string, PyValue> = {}, fields: 7 | 8 = 8) {
  return record(className, {
    ...fittedOn(['a', 'b']),
    criterion: 'gini',
    splitter: 'best',
    monotonic_cst: null,
    n_outputs_: 1,
    classes_: obj(['no', 'maybe', 'yes']),
    n_classes_: 3,
    tree_: sklearnTree({ nFeatures: 2, nClasses: [3], nodes: NODES, values, fields }),
    _sklearn_version: fields === 7 ? '1.2.1' : '1.6.1',
    ...state,
  });
}

const X = (a: number[], b: number[]) => toTable(numberFrame({ a, b }));
const values = (t: { data: unknown }) => Array.from(t.data as ArrayLike<unknown>);

describe('DecisionTree and ExtraTree', () => {
  it('compares X rounded to float32 with float64 thresholds, as sklearn casts X to float32', () => {
    const fractions = [[0.2, 0.3, 0.5], [1, 0, 0], [0, 0.5, 0.5], [0, 1, 0], [0, 0, 1]];
    const m = buildModel(root(classifier(DTC, fractions)), 'm');
    // float32(0.1) > 0.1, so 0.1 goes right; 0.09999 goes left.
    assert.deepEqual(values(m.predict!(X([0.1, 0.09999, 1], [0, 0, 9]))), ['maybe', 'no', 'yes']);
  });

  it('normalises weighted class counts (1.2 layout) and takes fractions (1.4+) as they are; ties go to the first class', () => {
    const counts = [[4, 6, 10], [3, 0, 1], [1, 3, 3], [0, 2, 2], [0, 0, 1]];
    const old = buildModel(root(classifier(DTC, counts, {}, 7)), 'm');
    const x = X([0, 1, 1], [0, 0, 9]);
    assert.deepEqual(values(old.predictProba!(x)), [0.75, 0, 0.25, 0, 0.5, 0.5, 0, 0, 1]);
    // Leaf 3 ties 'maybe' and 'yes': the first of them.
    assert.deepEqual(values(old.predict!(x)), ['no', 'maybe', 'yes']);
    assert.deepEqual(values(old.predictLogProba!(x)).slice(0, 3), [Math.log(0.75), -Infinity, Math.log(0.25)]);
    const fractions = counts.map((v) => v.map((c) => c / v.reduce((a, b) => a + b, 0)));
    const now = buildModel(root(classifier(DTC, fractions, { _sklearn_version: '1.6.1' })), 'm');
    assert.deepEqual(values(now.predictProba!(x)), fractions[1].concat(fractions[3], fractions[4]));
  });

  it('routes NaN by missing_go_to_left where the release and settings take missing values, and refuses it otherwise', () => {
    const fractions = [[0.2, 0.3, 0.5], [1, 0, 0], [0, 0.5, 0.5], [0, 1, 0], [0, 0, 1]];
    const nan = X([1, NaN], [NaN, 0]);
    // NaN at node 0 goes right (missing_go_to_left 0), then x1 = 0 goes left: 'maybe'; NaN at node 2 goes left.
    assert.deepEqual(values(buildModel(root(classifier(DTC, fractions)), 'm').predict!(nan)), ['maybe', 'maybe']);
    const refused = [
      classifier(DTC, fractions, { criterion: 'gini' }, 7),
      classifier(DTC, fractions, { splitter: 'random', _sklearn_version: '1.5.2' }),
      classifier(DTC, fractions, { monotonic_cst: i8([1, 0]), _sklearn_version: '1.6.1' }),
      classifier(ETC, fractions, { splitter: 'random', _sklearn_version: '1.4.0' }),
      classifier(DTR.replace('Regressor', 'Classifier'), fractions, { criterion: 'absolute_error' }),
    ];
    for (const state of refused) assert.throws(() => buildModel(root(state), 'm').predict!(nan), /Input X contains NaN/);
    const accepted = [
      classifier(DTC, fractions, { splitter: 'random', _sklearn_version: '1.6.1' }),
      classifier(ETC, fractions, { splitter: 'random', _sklearn_version: '1.9.1' }),
      classifier(DTC, fractions, { monotonic_cst: i8([1, 0]), _sklearn_version: '1.9.1' }),
    ];
    for (const state of accepted) assert.deepEqual(values(buildModel(root(state), 'm').predict!(nan)), ['maybe', 'maybe']);
  });

  it('refuses infinities, and values too large for float32, as infinities', () => {
    const m = buildModel(root(classifier(DTC, [[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]])), 'm');
    assert.throws(() => m.predict!(X([1e39], [0])), /infinity or a value too large for dtype\('float32'\)/);
    assert.throws(() => m.predict!(X([Infinity], [NaN])), /infinity/);
  });

  it('answers several outputs: labels side by side in the first output\'s dtype, probabilities as one array per output', () => {
    const nodes: TreeNodeSpec[] = [{ left: 1, right: 2, feature: 0, threshold: 0 }, { leaf: true }, { leaf: true }];
    const state = (nClasses: number[], classes: PyValue[], vals: number[][]) =>
      record(DTC, {
        ...fittedOn(['a', 'b']),
        criterion: 'gini',
        splitter: 'best',
        n_outputs_: 2,
        classes_: classes,
        n_classes_: i8(nClasses),
        tree_: sklearnTree({ nFeatures: 2, nClasses, nodes, values: vals }),
        _sklearn_version: '1.6.1',
      });
    const two = buildModel(root(state([2, 2], [i8([0, 1]), i8([5, 7])], [[0.5, 0.5, 0.5, 0.5], [1, 0, 0, 1], [0, 1, 1, 0]])), 'm');
    const x = X([-1, 1], [0, 0]);
    assert.deepEqual(two.predict!(x).shape, [2, 2]);
    assert.deepEqual(values(two.predict!(x)), [0n, 7n, 1n, 5n]);
    const proba = two.predictProba!(x);
    assert.deepEqual(proba.shape, [2, 2, 2]);
    assert.deepEqual(values(proba), [1, 0, 0, 1, 0, 1, 1, 0]);
    const ragged = buildModel(root(state([2, 3], [i8([0, 1]), i8([0, 1, 2])], [[0.5, 0.5, 0, 0.4, 0.3, 0.3], [1, 0, 0, 0, 0, 1], [0, 1, 0, 1, 0, 0]])), 'm');
    assert.deepEqual(values(ragged.predict!(x)), [0n, 2n, 1n, 0n]);
    assert.throws(() => ragged.predictProba!(x), /different widths \(2, 3 classes\)/);
  });

  it('gives a regressor the leaf value, [n] for one target and [n, targets] for several', () => {
    const reg = record(DTR, {
      ...fittedOn(['a', 'b']),
      criterion: 'squared_error',
      splitter: 'best',
      n_outputs_: 2,
      tree_: sklearnTree({ nFeatures: 2, nClasses: [1, 1], nodes: [{ left: 1, right: 2, feature: 1, threshold: 2 }, { leaf: true }, { leaf: true }], values: [[0, 0], [-0, 1.5], [2, -3]], weighted: [3, 1, 2] }),
      _sklearn_version: '1.6.1',
    });
    const out = buildModel(root(reg), 'm').predict!(X([0, 0], [1, 3]));
    assert.deepEqual(out.shape, [2, 2]);
    // The leaf's -0.0 is kept (sklearn returns the value itself).
    assert.ok(Object.is(values(out)[0], -0));
    assert.deepEqual(values(out), [-0, 1.5, 2, -3]);
  });

  it('refuses a tree whose nodes are not a tree (a cycle) at load time, naming the class', () => {
    const cyclic: TreeNodeSpec[] = [{ left: 1, right: 2, feature: 0, threshold: 0 }, { leaf: true }, { left: 0, right: 1, feature: 0, threshold: 1 }];
    const ones = [[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]];
    const state = classifier(DTC, ones, { tree_: sklearnTree({ nFeatures: 2, nClasses: [3], nodes: cyclic, values: ones.slice(0, 3) }) });
    assert.throws(() => buildModel(root(state), 'model.pkl'), (err: unknown) => err instanceof UnsupportedModelError && /DecisionTreeClassifier/.test(err.message) && /reached twice/.test(err.message));
    const wide = classifier(DTC, ones, { tree_: sklearnTree({ nFeatures: 2, nClasses: [3], nodes: [{ left: 1, right: 2, feature: 5, threshold: 0 }, { leaf: true }, { leaf: true }], values: [[1, 0, 0], [1, 0, 0], [1, 0, 0]] }) });
    assert.throws(() => buildModel(root(wide), 'model.pkl'), /feature -1|outside the model's features/);
  });
});

describe('RandomForest and ExtraTrees', () => {
  const member = (vals: number[][], version = '1.6.1') =>
    record(DTC, { criterion: 'gini', splitter: 'best', n_features_in_: 2, n_outputs_: 1, tree_: sklearnTree({ nFeatures: 2, nClasses: [3], nodes: NODES, values: vals }), _sklearn_version: version });
  const a = [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0, 0.5, 0.5], [0.3, 0.3, 0.4], [0, 0, 1]];
  const b = [[0.2, 0.3, 0.5], [0.7, 0.2, 0.1], [0, 0.5, 0.5], [0.3, 0.6, 0.1], [1, 0, 0]];
  const c = [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0, 0.5, 0.5], [0.3, 0.3, 0.4], [0, 0.5, 0.5]];
  const forest = (version = '1.6.1') =>
    record(RFC, { ...fittedOn(['a', 'b']), n_outputs_: 1, classes_: obj(['no', 'maybe', 'yes']), n_classes_: 3, estimators_: [a, b, c].map((v) => member(v, version)), _sklearn_version: version });

  it('averages member probabilities summed from zero in estimators_ order, labels by their first argmax', () => {
    const m = buildModel(root(forest()), 'm');
    const x = X([0, 1, 1], [0, 0, 9]);
    const mean = (leaf: number, k: number) => (0 + a[leaf][k] + b[leaf][k] + c[leaf][k]) / 3;
    const expected = [1, 3, 4].flatMap((leaf) => [0, 1, 2].map((k) => mean(leaf, k)));
    assert.deepEqual(values(m.predictProba!(x)), expected);
    assert.deepEqual(values(m.predict!(x)), ['yes', 'maybe', 'yes']);
  });

  it('takes NaN only from 1.4, when its first member does', () => {
    assert.deepEqual(values(buildModel(root(forest('1.6.1')), 'm').predict!(X([NaN], [NaN]))), ['maybe']);
    assert.throws(() => buildModel(root(forest('1.3.2')), 'm').predict!(X([NaN], [0])), /Input X contains NaN/);
  });

  it('averages regressor members', () => {
    const reg = (vals: number[]) =>
      record(DTR, { criterion: 'squared_error', splitter: 'best', tree_: sklearnTree({ nFeatures: 2, nClasses: [1], nodes: NODES, values: vals.map((v) => [v]), weighted: [1, 1, 1, 1, 1] }), _sklearn_version: '1.6.1' });
    const m = buildModel(root(record(RFR, { ...fittedOn(['a', 'b']), n_outputs_: 1, estimators_: [reg([0, 1, 0, 2, 3]), reg([0, 0.1, 0, 0.2, 0.3])], _sklearn_version: '1.6.1' })), 'm');
    assert.deepEqual(values(m.predict!(X([0, 1], [0, 9]))), [(0 + 1 + 0.1) / 2, (0 + 3 + 0.3) / 2]);
  });
});
