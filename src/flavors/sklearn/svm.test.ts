import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { f8, fittedOn, i8, numberFrame, record, root } from '../../../test/helpers/sklearn-tree.js';
import { NdArray, NpDType, type PyValue } from '../../pyobj/index.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';

const i4 = (v: number[]) => new NdArray(NpDType.parse('<i4'), [v.length], Int32Array.from(v));

/** A binary linear-kernel SVC with two support vectors (one per class), as libsvm stores it. */
function binarySvc(extra: Record<string, PyValue> = {}): PyValue {
  return record('sklearn.svm._classes.SVC', {
    ...fittedOn(['a', 'b']),
    kernel: 'linear', degree: 3, coef0: 0, gamma: 'scale', _gamma: 0.5, decision_function_shape: 'ovr', break_ties: false,
    probability: false, _sparse: false, classes_: i8([3, 7]),
    support_: i4([0, 1]), support_vectors_: f8([1, 0, 0, 1], [2, 2]), _n_support: i4([1, 1]),
    // libsvm's layout: decision = 1·k(x, sv0) − 1·k(x, sv1) + intercept.
    _dual_coef_: f8([1, -1], [1, 2]), _intercept_: f8([0.25]), _probA: f8([]), _probB: f8([]),
    ...extra,
  });
}

const x = toTable(numberFrame({ a: [2, 0, 0.5], b: [0, 2, 0.75] }));

describe('SVC', () => {
  it('votes for the first class on a positive libsvm decision (zero votes for the second) and flips the sign of decision_function', () => {
    const svc = buildModel(root(binarySvc()), 'm');
    assert.deepEqual([...svc.predict!(x).data].map(Number), [3, 7, 7]);
    assert.deepEqual([...svc.decisionFunction!(x).data], [-2.25, 1.75, -0]); // -dec, as numpy negates it
  });

  it('has predict_proba only when fitted with probability=True (1.9 keeps probability="deprecated" otherwise)', () => {
    assert.equal(buildModel(root(binarySvc()), 'm').predictProba, undefined);
    assert.equal(buildModel(root(binarySvc({ probability: 'deprecated' })), 'm').predictProba, undefined);
    const svc = buildModel(root(binarySvc({ probability: true, _probA: f8([-2]), _probB: f8([0.1]) })), 'm');
    const p = svc.predictProba!(x).data;
    assert.ok(Math.abs(p[0] + p[1] - 1) < 1e-15 && p[0] > p[1], 'the first row leans to the first class');
  });

  it('answers predict_proba of a model without Platt coefficients with scikit-learn\'s error', () => {
    const svc = buildModel(root(binarySvc({ probability: true })), 'm');
    assert.throws(() => svc.predictProba!(x), /predict_proba is not available when fitted with probability=False/);
  });

  it('refuses break_ties with the ovo shape at predict time, as scikit-learn does', () => {
    const svc = buildModel(root(binarySvc({ break_ties: true, decision_function_shape: 'ovo' })), 'm');
    assert.throws(() => svc.predict!(x), /break_ties must be False when decision_function_shape is 'ovo'/);
  });

  it('reads X of a precomputed kernel as kernel values against the training rows', () => {
    const svc = buildModel(root(binarySvc({ kernel: 'precomputed', support_vectors_: f8([], [0, 0]), shape_fit_: [3, 3], support_: i4([2, 0]), n_features_in_: 3, feature_names_in_: null })), 'm');
    // decision = k(x, train2) − k(x, train0) + 0.25
    const k = toTable(numberFrame({ a: [1, 0], b: [9, 9], c: [0, 1] }));
    assert.deepEqual([...svc.decisionFunction!(k).data], [0.75, -1.25]);
  });
});

describe('SVR and OneClassSVM', () => {
  const regression = (cls: string) =>
    record(`sklearn.svm._classes.${cls}`, {
      ...fittedOn(['a', 'b']), kernel: 'rbf', degree: 3, coef0: 0, _gamma: 1, _sparse: false,
      support_: i4([0]), support_vectors_: f8([0, 0], [1, 2]), _n_support: i4([0, 0]),
      _dual_coef_: f8([2], [1, 1]), _intercept_: f8([-1]),
    });

  it('SVR predicts the decision value, exp(−γ‖x − sv‖²) weighted, plus the intercept', () => {
    const svr = buildModel(root(regression('SVR')), 'm');
    assert.deepEqual([...svr.predict!(x).data], [2 * Math.exp(-4) - 1, 2 * Math.exp(-4) - 1, 2 * Math.exp(-(0.25 + 0.5625)) - 1]);
  });

  it('OneClassSVM predicts +1 / −1 as int64', () => {
    const out = buildModel(root(regression('OneClassSVM')), 'm').predict!(toTable(numberFrame({ a: [0, 3], b: [0, 0] })));
    assert.equal(out.dtype, 'int64');
    assert.deepEqual([...out.data], [1n, -1n]);
  });
});
