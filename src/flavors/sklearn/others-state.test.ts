// A model file whose SVM, neighbours, naive Bayes, clustering or decomposition state is not what
// scikit-learn writes (inconsistent shapes, indices out of range, callables) is refused at load
// time with an error naming the class and the attribute, never read past its arrays.

import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { UnsupportedModelError } from '../../errors.js';
import { NdArray, NpDType, PyGlobal, PyNode, PyObject, type PyValue, readPythonObjectFile, stateAttributes } from '../../pyobj/index.js';
import { buildModel } from './build.js';
import { numericTable } from './table.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/sklearn-others/v1.6.1');

function load(name: string): PyObject {
  return readPythonObjectFile(join(ROOT, name, 'model.pkl')) as PyObject;
}

function attrs(obj: PyValue): Map<PyValue, PyValue> {
  return stateAttributes(obj as PyObject)!;
}

function ints(values: number[], dtype = '<i4'): NdArray {
  return new NdArray(NpDType.parse(dtype), [values.length], dtype === '<i8' ? BigInt64Array.from(values, BigInt) : Int32Array.from(values));
}

function floats(shape: number[], values: number[]): NdArray {
  return new NdArray(NpDType.parse('<f8'), shape, Float64Array.from(values));
}

/** Builds the tree and expects a refusal whose message matches `pattern`. */
function refuses(tree: PyValue, pattern: RegExp): void {
  assert.throws(
    () => buildModel(PyNode.root(tree), 'model.pkl'),
    (err: unknown) => err instanceof UnsupportedModelError && pattern.test(err.message),
  );
}

describe('refusals of SVM states scikit-learn does not write', () => {
  it('refuses support vector counts that do not add up', () => {
    const svc = load('svc-rbf-ovo-4classes');
    attrs(svc).set('_n_support', ints([1, 2, 3, 4]));
    refuses(svc, /SVC.*do not add up/);
  });

  it('refuses dual coefficients of the wrong shape', () => {
    const svc = load('svc-rbf-ovo-4classes');
    attrs(svc).set('_dual_coef_', floats([1, 2], [0.5, -0.5]));
    refuses(svc, /SVC._dual_coef_.*expected \(3, \d+\)/);
  });

  it('refuses a precomputed kernel whose support indices leave the training set', () => {
    const svc = load('svc-precomputed');
    const support = attrs(svc).get('support_') as NdArray;
    const bad = Array.from(support.toInt32Array());
    bad[0] = 10_000;
    attrs(svc).set('support_', ints(bad));
    refuses(svc, /support_.*outside the \d+ training samples/);
  });

  it('names a callable kernel as a function mlserve does not run', () => {
    const svc = load('svc-rbf-ovo-4classes');
    attrs(svc).set('kernel', new PyGlobal('my_kernels', 'spectrum'));
    refuses(svc, /function my_kernels\.spectrum \(a callable SVM kernel/);
  });
});

describe('refusals of neighbour states scikit-learn does not write', () => {
  it('refuses class indices outside classes_', () => {
    const knn = load('knn-grid-manhattan-brute-distance-k5');
    const y = Array.from((attrs(knn).get('_y') as NdArray).toInt32Array());
    y[3] = 7;
    attrs(knn).set('_y', ints(y, '<i8'));
    refuses(knn, /_y.*class index 7, outside the 3 classes/);
  });

  it('refuses a tree whose index array points outside its rows', () => {
    const knn = load('knn-grid-euclidean-kd_tree-distance-k5');
    const tree = attrs(knn).get('_tree') as PyObject;
    const state = [...(tree.state as PyValue[])];
    const idx = Array.from((state[1] as NdArray).toInt32Array());
    idx[0] = -5;
    state[1] = ints(idx, '<i8');
    (tree as { state: PyValue }).state = state;
    refuses(knn, /_tree.*row -5, outside the \d+ rows/);
  });

  it('refuses a metric it does not evaluate, by name', () => {
    const knn = load('knn-grid-manhattan-brute-distance-k5');
    attrs(knn).set('effective_metric_', 'canberra');
    refuses(knn, /metric 'canberra', which mlserve does not evaluate/);
  });

  it('names callable weights as a function mlserve does not run', () => {
    const knn = load('knn-grid-manhattan-brute-distance-k5');
    attrs(knn).set('weights', new PyGlobal('__main__', 'gaussian_weights'));
    refuses(knn, /function __main__\.gaussian_weights/);
  });

  it('answers n_neighbors above the training rows with scikit-learn\'s error, per request', () => {
    const knn = buildModel(PyNode.root(load('knn-too-many-neighbours')), 'model.pkl');
    const x = numericTable(1, [0, 1, 2, 3].map((v) => Float64Array.of(v)));
    assert.throws(() => knn.predict!(x), /Expected n_neighbors <= n_samples_fit, but n_neighbors = 7, n_samples_fit = 6, n_samples = 1/);
  });
});

describe('refusals of naive Bayes, clustering and decomposition states', () => {
  it('refuses GaussianNB variances of another shape than its means', () => {
    const nb = load('gaussian-nb-5classes');
    attrs(nb).set('var_', floats([5, 2], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
    refuses(nb, /var_.*should have shape \(5, 9\)/);
  });

  it('refuses a PCA mean of the wrong length', () => {
    const pca = load('pca-whiten-far');
    attrs(pca).set('mean_', floats([2], [1, 2]));
    refuses(pca, /mean_.*has 2 values for 7 features/);
  });

  it('refuses one-dimensional k-means centres', () => {
    const km = load('kmeans-8');
    attrs(km).set('cluster_centers_', floats([3], [1, 2, 3]));
    refuses(km, /cluster_centers_.*\(n_clusters, n_features\)/);
  });
});
