import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Frame, type Column } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';
import { ModelLoadError, ServingError } from '../../errors.js';
import { readMLmodel } from '../../model/mlmodel.js';
import { type LoadedXGBoostModel, xgboostFlavor } from './index.js';

// Tests run from dist/src/flavors/xgboost/; fixtures stay in the source tree.
const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/xgboost/', import.meta.url));

interface Expected {
  columns: string[];
  data: (number | null)[][];
  outputs: Record<string, { params: Record<string, unknown>; dtype: string; shape: number[]; values: number[] }>;
}

const temps: string[] = [];
after(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-xgb-'));
  temps.push(dir);
  return dir;
}

/** Loads a fixture directory the way the model loader does: its MLmodel's flavors.xgboost section, optionally overridden. */
async function load(dir: string, conf?: Record<string, unknown>): Promise<LoadedXGBoostModel> {
  const mlmodel = await readMLmodel(join(FIXTURES, dir));
  const flavorConf = conf ?? mlmodel.flavors.xgboost ?? {};
  return (await xgboostFlavor.load({ modelPath: mlmodel.path, flavorConf })) as LoadedXGBoostModel;
}

async function expected(name: string): Promise<Expected> {
  return JSON.parse(await readFile(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
}

function frame(e: Expected, order = e.columns): Frame {
  return new Frame(order.map((name) => ({ name, dtype: 'float64' as const, values: Float64Array.from(e.data, (row) => row[e.columns.indexOf(name)] ?? NaN) })));
}

function values(out: unknown): number[] {
  assert.ok(out instanceof Tensor);
  return Array.from(out.data as ArrayLike<number | bigint>, Number);
}

describe('xgboost flavor: loading', () => {
  it('fails on the legacy binary format with a ModelLoadError that says how to re-save the model', async () => {
    await assert.rejects(load('legacy-binary'), (err: unknown) => {
      assert.ok(err instanceof ModelLoadError);
      assert.match(err.message, /deprecated binary format/);
      assert.match(err.message, /booster\.save_model\("model\.json"\)/);
      assert.match(err.message, /mlflow\.xgboost\.save_model\(model, path, model_format="json"\)/);
      return true;
    });
  });

  it('fails with ModelLoadError naming the file when flavors.xgboost.data does not exist', async () => {
    await assert.rejects(load('reg-squarederror/json', { data: 'nope.json', model_format: 'json' }), (err: unknown) => err instanceof ModelLoadError && /nope\.json/.test(err.message));
  });

  it('tells the format from the file, not from model_format, and defaults data to model.ubj and model_class to Booster', async () => {
    const mislabelled = await load('reg-squarederror/ubj', { data: 'model.ubj', model_format: 'json' });
    assert.equal(mislabelled.info.format, 'ubj');
    const bare = await load('reg-squarederror/ubj', {});
    assert.equal(bare.info.modelClass, 'xgboost.core.Booster');
    assert.equal(bare.info.objective, 'reg:squarederror');
    assert.equal(bare.batchable, true);
    const e = await expected('reg-squarederror');
    assert.deepEqual(values(await bare.predict(frame(e), null)), e.outputs.predict.values);
  });

  it('loads a model whose MLmodel (older MLflow) has neither model_class nor model_format', async () => {
    const model = await load('no-model-class/json');
    assert.equal(model.info.modelClass, 'xgboost.core.Booster');
    assert.equal(model.info.format, 'json');
  });

  it('reports the model: objective, booster, trees, features', async () => {
    const model = await load('forest-softprob/json');
    assert.deepEqual(
      { ...model.info, modelFile: undefined },
      {
        modelFile: undefined,
        format: 'json',
        modelClass: 'xgboost.core.Booster',
        objective: 'multi:softprob',
        booster: 'gbtree',
        numTrees: 27,
        numFeature: 5,
        numGroups: 3,
        featureNames: ['f0', 'f1', 'f2', 'f3', 'f4'],
        defaultMethod: 'predict',
      },
    );
  });

  it('fails with ModelLoadError on objectives it cannot evaluate, listing the supported ones', async () => {
    const dir = await tempDir();
    const doc = JSON.parse(await readFile(join(FIXTURES, 'reg-squarederror/json/model.json'), 'utf8'));
    doc.learner.objective.name = 'my:custom';
    await writeFile(join(dir, 'model.json'), JSON.stringify(doc));
    await assert.rejects(xgboostFlavor.load({ modelPath: dir, flavorConf: { data: 'model.json' } }), (err: unknown) => {
      return err instanceof ModelLoadError && /"my:custom" is not supported/.test(err.message) && /binary:logistic/.test(err.message);
    });
  });

  it('fails with ModelLoadError on truncated or malformed files', async () => {
    const dir = await tempDir();
    const ubj = await readFile(join(FIXTURES, 'reg-squarederror/ubj/model.ubj'));
    await writeFile(join(dir, 'model.ubj'), ubj.subarray(0, ubj.length >> 1));
    await writeFile(join(dir, 'model.json'), '{"learner": {"gradient_booster": ');
    await writeFile(join(dir, 'other.json'), '{"not": "a model"}');
    for (const data of ['model.ubj', 'model.json', 'other.json']) {
      await assert.rejects(xgboostFlavor.load({ modelPath: dir, flavorConf: { data } }), ModelLoadError, data);
    }
  });

  it('checks flavors.xgboost.mlserve_predict at load', async () => {
    await assert.rejects(load('sklearn-classifier/json', { data: 'model.json', mlserve_predict: 'probabilities' }), (err: unknown) => err instanceof ModelLoadError && /one of predict, predict_proba, margin/.test(err.message));
    await assert.rejects(load('sklearn-regressor/json', { data: 'model.json', model_class: 'xgboost.sklearn.XGBRegressor', mlserve_predict: 'predict_proba' }), /is not a classifier/);
  });
});

describe('xgboost flavor: inputs', () => {
  it('matches Frame columns to feature names: reordered and extra columns give the same predictions', async () => {
    const e = await expected('reg-squarederror');
    const model = await load('reg-squarederror/json');
    const shuffled = frame(e, ['f3', 'f0', 'f4', 'f2', 'f1']);
    const extra = new Frame([...shuffled.cols, { name: 'unused', dtype: 'float64', values: new Float64Array(e.data.length).fill(7) }]);
    assert.deepEqual(values(await model.predict(extra, null)), e.outputs.predict.values);
  });

  it('rejects a Frame that lacks a feature, naming it', async () => {
    const e = await expected('reg-squarederror');
    const model = await load('reg-squarederror/json');
    await assert.rejects(model.predict(frame(e, ['f0', 'f1', 'f2', 'f4']), null), /feature_names mismatch.*missing from the input: f3/);
  });

  it('takes 2-D Tensors positionally (float64, float32, int64), equal to the Frame answer', async () => {
    const e = await expected('binary-logistic');
    const model = await load('binary-logistic/ubj');
    const flat = e.data.flat().map((v) => v ?? NaN);
    const want = e.outputs.predict.values;
    assert.deepEqual(values(await model.predict(new Tensor('float64', [e.data.length, 5], Float64Array.from(flat)), null)), want);
    assert.deepEqual(values(await model.predict(new Tensor('float32', [e.data.length, 5], Float32Array.from(flat)), null)), want);
    const ints = new Tensor('int64', [2, 5], BigInt64Array.from([0n, 1n, 2n, 3n, 4n, -1n, 0n, 5n, 0n, 1n]));
    const asFloat = new Tensor('float64', [2, 5], Float64Array.from([0, 1, 2, 3, 4, -1, 0, 5, 0, 1]));
    assert.deepEqual(values(await model.predict(ints, null)), values(await model.predict(asFloat, null)));
  });

  it('rejects Tensors that are not 2-D and values that are not numbers', async () => {
    const model = await load('binary-logistic/json');
    await assert.rejects(model.predict(new Tensor('float64', [5], new Float64Array(5)), null), /Expecting 2 dimensional input/);
    const strings = new Frame(['f0', 'f1', 'f2', 'f3', 'f4'].map((name): Column => ({ name, dtype: 'object', values: ['a'] })));
    await assert.rejects(model.predict(strings, null), /must be int, float, bool or category.*the string "a"/);
    await assert.rejects(model.predict({ f0: 1 }, null), /DataFrame or a 2-D array/);
  });

  it('reads int64, bool and object columns as numbers, null as missing', async () => {
    const model = await load('binary-logistic/json');
    const mixed = new Frame([
      { name: 'f0', dtype: 'int64', values: BigInt64Array.from([1n, -2n]) },
      { name: 'f1', dtype: 'bool', values: [true, false] },
      { name: 'f2', dtype: 'object', values: [null, 0.25] },
      { name: 'f3', dtype: 'int32', values: Int32Array.from([3, 0]) },
      { name: 'f4', dtype: 'float32', values: Float32Array.from([NaN, 0.5]) },
    ]);
    const plain = new Frame(['f0', 'f1', 'f2', 'f3', 'f4'].map((name, j) => ({ name, dtype: 'float64' as const, values: Float64Array.from([[1, 1, NaN, 3, NaN][j], [-2, 0, 0.25, 0, 0.5][j]]) })));
    assert.deepEqual(values(await model.predict(mixed, null)), values(await model.predict(plain, null)));
  });

  it('without feature names reads columns by position; fewer columns leave features missing, more are an error', async () => {
    const e = await expected('positional');
    const model = await load('positional/json');
    const renamed = new Frame(frame(e).cols.map((c, j) => ({ ...c, name: `x${j}` })));
    assert.deepEqual(values(await model.predict(renamed, null)), e.outputs.predict.values);
    const three = new Frame(renamed.cols.slice(0, 3));
    const padded = new Frame([...renamed.cols.slice(0, 3), ...['x3', 'x4'].map((name) => ({ name, dtype: 'float64' as const, values: new Float64Array(e.data.length).fill(NaN) }))]);
    assert.deepEqual(values(await model.predict(three, null)), values(await model.predict(padded, null)));
    const six = new Frame([...renamed.cols, { name: 'x5', dtype: 'float64', values: new Float64Array(e.data.length) }]);
    await assert.rejects(model.predict(six, null), /input has 6 columns, the model 5 features/);
  });

  it('rejects infinities for Boosters (as DMatrix does) but evaluates them for scikit-learn estimators (inplace_predict)', async () => {
    const row = (v: number): Frame => new Frame(['f0', 'f1', 'f2', 'f3', 'f4'].map((name, j) => ({ name, dtype: 'float64' as const, values: Float64Array.of(j === 0 ? v : 0) })));
    const booster = await load('binary-logistic/json');
    await assert.rejects(booster.predict(row(Infinity), null), /contains `inf`/);
    const clf = await load('sklearn-classifier/json');
    assert.equal(values(await clf.predict(row(-Infinity), { mlserve_predict: 'margin' })).length, 1);
  });

  it('answers an empty batch with an empty array', async () => {
    const e = await expected('multi-softprob');
    const model = await load('multi-softprob/json');
    const out = await model.predict(new Frame(e.columns.map((name) => ({ name, dtype: 'float64' as const, values: new Float64Array(0) }))), null);
    assert.ok(out instanceof Tensor);
    assert.deepEqual(out.shape, [0, 3]);
  });
});

describe('xgboost flavor: outputs and params', () => {
  it('answers class labels for XGBClassifier, probabilities with flavors.xgboost.mlserve_predict: predict_proba', async () => {
    const e = await expected('sklearn-multiclass');
    const labels = await load('sklearn-multiclass/json');
    const out = await labels.predict(frame(e), null);
    assert.ok(out instanceof Tensor);
    assert.equal(out.dtype, 'int64');
    assert.deepEqual(values(out), e.outputs.predict.values);
    const proba = await load('sklearn-multiclass/json', { data: 'model.json', model_class: 'xgboost.sklearn.XGBClassifier', mlserve_predict: 'predict_proba' });
    assert.equal(proba.info.defaultMethod, 'predict_proba');
    const p = await proba.predict(frame(e), null);
    assert.ok(p instanceof Tensor);
    assert.deepEqual(p.shape, [e.data.length, 3]);
    assert.deepEqual(values(p), e.outputs.predict_proba.values);
    // A request param overrides the flavor option.
    assert.deepEqual(values(await proba.predict(frame(e), { mlserve_predict: 'predict' })), e.outputs.predict.values);
  });

  it('gives [1 - p, p] probabilities for a binary:logistic Booster and refuses them for regressors', async () => {
    const e = await expected('binary-logistic');
    const model = await load('binary-logistic/json');
    const p = values(await model.predict(frame(e), { mlserve_predict: 'predict_proba' }));
    e.outputs.predict.values.forEach((v, i) => {
      assert.equal(p[2 * i + 1], v);
      assert.equal(p[2 * i], Math.fround(1 - v));
    });
    const reg = await load('reg-squarederror/json');
    await assert.rejects(reg.predict(frame(e), { mlserve_predict: 'predict_proba' }), (err: unknown) => err instanceof ServingError && err.errorCode === 'INVALID_PARAMETER_VALUE');
    await assert.rejects(reg.predict(frame(e), { mlserve_predict: 'labels' }), /one of predict, predict_proba, margin/);
  });

  it('drops params the model predict does not take, as MLflow does (strict_shape for an estimator)', async () => {
    const e = await expected('sklearn-regressor');
    const model = await load('sklearn-regressor/json');
    const out = await model.predict(frame(e), { strict_shape: true, pred_leaf: true, temperature: 0.5 });
    assert.ok(out instanceof Tensor);
    assert.deepEqual(out.shape, [e.data.length]);
    assert.deepEqual(values(out), e.outputs.predict.values);
  });

  it('refuses SHAP outputs, bad iteration ranges and non-boolean flags', async () => {
    const e = await expected('reg-squarederror');
    const model = await load('reg-squarederror/json');
    const code = (c: string) => (err: unknown) => err instanceof ServingError && err.errorCode === c;
    await assert.rejects(model.predict(frame(e), { pred_contribs: true }), code('NOT_IMPLEMENTED'));
    await assert.rejects(model.predict(frame(e), { iteration_range: [0, 99] }), code('INVALID_PARAMETER_VALUE'));
    await assert.rejects(model.predict(frame(e), { iteration_range: [3] }), code('INVALID_PARAMETER_VALUE'));
    await assert.rejects(model.predict(frame(e), { output_margin: 'yes' }), code('INVALID_PARAMETER_VALUE'));
    await assert.rejects(model.predict(frame(e), { ntree_limit: 2, iteration_range: [0, 2] }), /Only one of `iteration_range` and `ntree_limit`/);
  });

  it('predicts with best_iteration + 1 rounds for an early-stopped estimator, with every round for a Booster', async () => {
    const e = await expected('sklearn-regressor');
    const model = await load('sklearn-regressor/json');
    const all = values(await model.predict(frame(e), { iteration_range: [0, 0] }));
    assert.deepEqual(all, e.outputs.predict.values);
    const booster = await load('sklearn-regressor/json', { data: 'model.json' });
    assert.notDeepEqual(values(await booster.predict(frame(e), null)), all, 'a Booster ignores best_iteration');
  });
});
