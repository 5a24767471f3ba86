import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { f8, fittedOn, i8, numberFrame, obj, record, root } from '../../../test/helpers/sklearn-tree.js';
import { NdArray, NpDType, type PyValue } from '../../pyobj/index.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';

/** A brute-force KNeighborsClassifier over four points on a line, labelled a, b, b, c. */
function classifier(k: number, weights: string, metric = 'manhattan'): PyValue {
  return record('sklearn.neighbors._classification.KNeighborsClassifier', {
    ...fittedOn(['x', 'y']), n_neighbors: k, weights, effective_metric_: metric, effective_metric_params_: new Map(),
    _fit_method: 'brute', _fit_X: f8([0, 0, 1, 0, 2, 0, 3, 0], [4, 2]), n_samples_fit_: 4, outputs_2d_: false,
    classes_: obj(['a', 'b', 'c']), _y: i8([0, 1, 1, 2]),
  });
}

describe('KNeighborsClassifier', () => {
  it('gives a tied vote to the smallest label, as scipy.stats.mode does', () => {
    // From 0.5, the two nearest are rows 0 (a) and 1 (b): one vote each.
    const knn = buildModel(root(classifier(2, 'uniform')), 'm');
    const x = toTable(numberFrame({ x: [0.5, 2.5], y: [0, 0] }));
    assert.deepEqual([...knn.predict!(x).data], ['a', 'b']);
    assert.deepEqual([...knn.predictProba!(x).data], [0.5, 0.5, 0, 0, 0.5, 0.5]);
  });

  it('gives all the weight to training rows at distance zero', () => {
    const knn = buildModel(root(classifier(3, 'distance')), 'm');
    const x = toTable(numberFrame({ x: [3, 1.5], y: [0, 0] }));
    assert.deepEqual([...knn.predictProba!(x).data.slice(0, 3)], [0, 0, 1]);
    assert.deepEqual([...knn.predict!(x).data], ['c', 'b']);
  });

  it("answers a request with more neighbours than training rows with scikit-learn's error", () => {
    const knn = buildModel(root(classifier(5, 'uniform')), 'm');
    assert.throws(() => knn.predict!(toTable(numberFrame({ x: [1], y: [1] }))), /Expected n_neighbors <= n_samples_fit, but n_neighbors = 5, n_samples_fit = 4, n_samples = 1/);
  });
});

describe('KNeighborsClassifier: which of equally distant rows are the k nearest, per release', () => {
  // Ten training rows, nine of them at distance 1 from the query 0.
  const knn = (version: string) =>
    buildModel(
      root(record('sklearn.neighbors._classification.KNeighborsClassifier', {
        ...fittedOn(['x']), n_neighbors: 4, weights: 'uniform', effective_metric_: 'manhattan', effective_metric_params_: new Map(),
        _fit_method: 'brute', _fit_X: f8([1, -1, 1, -1, 2, 1, -1, 1, -1, 1], [10, 1]), n_samples_fit_: 10, outputs_2d_: false,
        classes_: i8([0, 1, 2]), _y: i8([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]), _sklearn_version: version,
      })),
      'm',
    );
  const x = toTable(numberFrame({ x: [0] }));

  it("keeps the first rows offered to ArgKmin's heap (1.1 and later): scikit-learn 1.2.1 answers [1, 0, 0]", () => {
    assert.deepEqual([...knn('1.2.1').predictProba!(x).data], [1, 0, 0]);
  });

  it("takes numpy's argpartition choice before 1.1 (rows 9, 6, 8, 7)", () => {
    assert.deepEqual([...knn('1.0.2').predictProba!(x).data], [0, 0.25, 0.75]);
  });
});

describe('KNeighborsRegressor', () => {
  const regressor = (weights: string) =>
    record('sklearn.neighbors._regression.KNeighborsRegressor', {
      ...fittedOn(['x']), n_neighbors: 2, weights, effective_metric_: 'euclidean', effective_metric_params_: new Map(),
      _fit_method: 'brute', _fit_X: f8([0, 1, 4], [3, 1]), n_samples_fit_: 3, _y: f8([10, 20, 40]),
    });

  it('averages the targets of the k nearest, or weighs them by inverse distance', () => {
    const x = toTable(numberFrame({ x: [0.25] }));
    assert.deepEqual([...buildModel(root(regressor('uniform')), 'm').predict!(x).data], [15]);
    const w = [1 / 0.25, 1 / 0.75];
    assert.deepEqual([...buildModel(root(regressor('distance')), 'm').predict!(x).data], [(10 * w[0] + 20 * w[1]) / (w[0] + w[1])]);
  });
});

describe('KNeighborsClassifier with several outputs', () => {
  /** Four points on a line; output 0 has classes a, b (`<U1`), output 1 ant, bee (`<U3`). */
  function twoOutputs(): PyValue {
    return record('sklearn.neighbors._classification.KNeighborsClassifier', {
      ...fittedOn(['x', 'y']), n_neighbors: 1, weights: 'uniform', effective_metric_: 'manhattan', effective_metric_params_: new Map(),
      _fit_method: 'brute', _fit_X: f8([0, 0, 1, 0, 2, 0, 3, 0], [4, 2]), n_samples_fit_: 4, outputs_2d_: true,
      classes_: [new NdArray(NpDType.parse('<U1'), [2], ['a', 'b']), new NdArray(NpDType.parse('<U3'), [2], ['ant', 'bee'])],
      _y: new NdArray(NpDType.parse('<i8'), [4, 2], BigInt64Array.from([0n, 0n, 0n, 1n, 1n, 0n, 1n, 1n])),
    });
  }

  it("predicts labels side by side in the first output's dtype, as numpy's assignment casts them (<U1 cuts 'bee' to 'b')", () => {
    const knn = buildModel(root(twoOutputs()), 'm');
    const out = knn.predict!(toTable(numberFrame({ x: [0, 1, 3], y: [0, 0, 0] })));
    assert.deepEqual(out.shape, [3, 2]);
    assert.deepEqual([...out.data], ['a', 'a', 'a', 'b', 'b', 'b']);
  });

  it('has no predict_proba, and says why (a list of arrays), so that a predict_fn asking for it is refused at load', () => {
    const knn = buildModel(root(twoOutputs()), 'm');
    assert.equal(knn.predictProba, undefined);
    assert.match(knn.withheld?.predictProba ?? '', /fitted on 2 outputs is a list of arrays/);
  });
});
