import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PyTreeError } from './errors.js';
import { PyNode } from './node.js';
import { readPickle } from './pickle.js';

const PIPELINE = fileURLToPath(new URL('../../../test/fixtures/pyobj/py311-np2.2.6-sk1.6.1/model_pipeline.p4.pkl', import.meta.url));

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PyTreeError);
    return err.message;
  }
  throw new Error('expected a PyTreeError');
}

describe('PyNode', () => {
  // Pipeline([('ct', ColumnTransformer([('num', StandardScaler(), [0, 1, 2]), ('cat', OneHotEncoder(), [3])])), ('clf', LogisticRegression())])
  const model = PyNode.root(readPickle(readFileSync(PIPELINE)));
  const clf = model.list('steps')[1].at(1);

  it('walks a real pipeline by attribute and item, with paths', () => {
    assert.equal(model.path, 'Pipeline');
    assert.equal(model.className, 'sklearn.pipeline.Pipeline');
    assert.deepEqual(model.list('steps').map((s) => s.at(0).asStr()), ['ct', 'clf']);
    assert.equal(clf.where, 'Pipeline.steps[1][1] (sklearn.linear_model._logistic.LogisticRegression)');
    assert.ok(clf.isRecord('sklearn.linear_model._logistic.LogisticRegression'));
    assert.deepEqual(clf.array('coef_').shape, [1, 6]);
    assert.equal(clf.float64('intercept_').length, 1);
    const encoder = model.list('steps')[0].at(1).list('transformers_')[1].at(1);
    assert.equal(encoder.path, 'Pipeline.steps[0][1].transformers_[1][1]');
    assert.deepEqual(encoder.list('categories_')[0].asArray().data, ['a', 'b', 'c']);
  });

  it('reads numbers by Python type: float accepts ints, int refuses floats even when integral', () => {
    assert.equal(clf.float('C'), 1);
    assert.equal(clf.int('max_iter'), 100);
    assert.equal(clf.get('C').typeName, 'float');
    assert.equal(message(() => clf.int('C')), 'Pipeline.steps[1][1].C (sklearn.linear_model._logistic.LogisticRegression): should be an int, found float 1.0');
    assert.equal(clf.bool('fit_intercept'), true);
    assert.equal(clf.str('solver'), 'lbfgs');
  });

  it('fails with the attribute, path and class in the message', () => {
    assert.equal(message(() => clf.array('nope')), "Pipeline.steps[1][1] (sklearn.linear_model._logistic.LogisticRegression): has no attribute 'nope'");
    assert.equal(message(() => clf.str('classes_')), 'Pipeline.steps[1][1].classes_ (sklearn.linear_model._logistic.LogisticRegression): should be a str, found numpy.ndarray of int64');
    assert.equal(message(() => clf.array('penalty')), 'Pipeline.steps[1][1].penalty (sklearn.linear_model._logistic.LogisticRegression): should be a numpy array, found str');
    assert.match(message(() => clf.list('steps')), /has no attribute 'steps'/);
    assert.match(message(() => model.list('steps')[5]?.at(0) ?? model.get('steps').at(5)), /has no item 5 \(length 2\)/);
  });

  it('reads a record\'s constructor arguments and raw state', () => {
    const forest = PyNode.root(readPickle(readFileSync(PIPELINE.replace('model_pipeline', 'model_forest'))));
    const tree = forest.list('estimators_')[0].get('tree_');
    assert.equal(tree.className, 'sklearn.tree._tree.Tree');
    assert.deepEqual(tree.args().map((a) => a.path), ['RandomForestClassifier.estimators_[0].tree_.__args__[0]', 'RandomForestClassifier.estimators_[0].tree_.__args__[1]', 'RandomForestClassifier.estimators_[0].tree_.__args__[2]']);
    assert.equal(tree.args()[0].asInt(), 3);
    assert.equal(tree.state().get('nodes').asArray().dtype.fields?.[0].name, 'left_child');
  });

  it('treats a missing or None attribute as optional', () => {
    assert.equal(clf.optional('class_weight'), undefined);
    assert.equal(clf.optional('not_there'), undefined);
    assert.ok(clf.optional('coef_'));
    assert.ok(clf.has('n_iter_') && !clf.has('not_there'));
  });

  it('reads dict values by key and lists entries', () => {
    const dict = PyNode.root(readPickle(Buffer.from('}(\x8c\x01aK\x01\x8c\x01bG?\xe0\x00\x00\x00\x00\x00\x00u.', 'latin1')));
    assert.equal(dict.path, 'root');
    assert.equal(dict.key('a').asInt(), 1);
    assert.equal(dict.get('b').path, "root['b']");
    assert.deepEqual(dict.asEntries().map(([k, v]) => [k, v.asFloat()]), [['a', 1], ['b', 0.5]]);
  });
});
