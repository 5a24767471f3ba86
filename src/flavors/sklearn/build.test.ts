import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedModelError } from '../../errors.js';
import { PyGlobal } from '../../pyobj/index.js';
import { f8, fittedOn, numberFrame, record, root } from '../../../test/helpers/sklearn-tree.js';
import { buildModel } from './build.js';
import { toTable } from './input.js';

const SCALER = 'sklearn.preprocessing._data.StandardScaler';
const scaler = (extra: Record<string, unknown> = {}) =>
  record(SCALER, { with_mean: true, with_std: true, mean_: f8([1, 2]), scale_: f8([2, 4]), ...fittedOn(['a', 'b']), ...(extra as object) });
const linear = (extra: Record<string, unknown> = {}) => record('sklearn.linear_model._base.LinearRegression', { coef_: f8([1, 1]), intercept_: 0.5, n_features_in_: 2, ...(extra as object) });

function refusal(tree: ReturnType<typeof record>): UnsupportedModelError {
  try {
    buildModel(root(tree), 'model.pkl');
  } catch (err) {
    assert.ok(err instanceof UnsupportedModelError, String(err));
    return err;
  }
  throw new Error('expected a refusal');
}

describe('building evaluators from a state tree', () => {
  it('refuses once, naming every unknown class and function with its step path', () => {
    const fn = record('sklearn.preprocessing._function_transformer.FunctionTransformer', { func: new PyGlobal('mymodule', 'clip_values'), validate: false, kw_args: null });
    const inner = record('sklearn.pipeline.Pipeline', { steps: [['custom', record('mymodule.Custom', {})], ['fn', fn]] });
    const err = refusal(record('sklearn.pipeline.Pipeline', { steps: [['prep', inner], ['clf', record('other.Model', {})]] }));
    assert.deepEqual(err.unsupported, [
      'class mymodule.Custom at step prep/custom',
      'function mymodule.clip_values at step prep/fn (not one of the numpy functions mlserve evaluates)',
      'class other.Model at step clf',
    ]);
    assert.match(err.message, /^mlserve cannot evaluate the scikit-learn model model\.pkl natively: it holds class mymodule\.Custom at step prep\/custom; /);
    assert.match(err.message, /--engine python/);
    assert.match(err.message, /ONNX/);
  });

  it('refuses a known class whose saved state it does not recognise, naming the class and the attribute', () => {
    const err = refusal(record('sklearn.pipeline.Pipeline', { steps: [['lr', linear({ coef_: 'oops' })]] }));
    assert.equal(err.unsupported.length, 1);
    assert.match(err.unsupported[0], /^class sklearn\.linear_model\._base\.LinearRegression at step lr \(its saved state is not one mlserve reads: .*coef_.*should be a numpy array, found str\)$/);
  });

  it('refuses a value that is not an estimator where one should be', () => {
    const err = refusal(record('sklearn.pipeline.Pipeline', { steps: [['x', 42]] }));
    assert.match(err.unsupported[0], /^class int at step x/);
  });

  it("labels a transformer's output with set_output(transform='pandas'), and refuses other containers", () => {
    const model = buildModel(root(scaler({ _sklearn_output_config: new Map([['transform', 'pandas']]) })), 'm');
    const out = model.transform!(toTable(numberFrame({ a: [3], b: [6] })));
    assert.deepEqual(out.labels, ['a', 'b']);
    assert.deepEqual(out.columns.map((c) => (c as Float64Array)[0]), [1, 1]);
    const plain = buildModel(root(scaler()), 'm').transform!(toTable(numberFrame({ a: [3], b: [6] })));
    assert.equal(plain.labels, undefined);
    const err = refusal(scaler({ _sklearn_output_config: new Map([['transform', 'polars']]) }));
    assert.match(err.unsupported[0], /asks for "polars" output/);
  });

  it('builds a pipeline whose methods are those of its last step', () => {
    const model = buildModel(root(record('sklearn.pipeline.Pipeline', { steps: [['scale', scaler()], ['skip', 'passthrough'], ['lr', linear()]] })), 'm');
    assert.equal(typeof model.predict, 'function');
    assert.equal(model.predictProba, undefined);
    assert.equal(model.transform, undefined);
    const out = model.predict!(toTable(numberFrame({ a: [3, 1], b: [6, 2] })));
    assert.deepEqual([...(out.data as Float64Array)], [2.5, 0.5]);
  });

  it('refuses a model that contains itself instead of following it forever', () => {
    const loop = record('sklearn.pipeline.Pipeline', {});
    (loop.state as Map<unknown, unknown>).set('steps', [['again', loop]]);
    const err = refusal(loop);
    assert.match(err.unsupported[0], /^class sklearn\.pipeline\.Pipeline at step again \(it contains itself\)$/);
  });
});
