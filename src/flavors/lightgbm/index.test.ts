// Tests the lightgbm flavor on MLflow model directories: what loads, what is refused, what predict returns.

import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ModelLoadError, UnsupportedModelError } from '../../errors.js';
import { Frame } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';
import { readMLmodel } from '../../model/mlmodel.js';
import { tempDir } from '../../../test/helpers/temp.js';
import { type LoadedLightGBMModel, lightgbmFlavor } from './index.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/lightgbm/', import.meta.url));
const temp = tempDir('mlserve-lightgbm-');

async function load(dir: string): Promise<LoadedLightGBMModel> {
  const mlmodel = await readMLmodel(dir);
  return (await lightgbmFlavor.load({ modelPath: mlmodel.path, flavorConf: mlmodel.flavors.lightgbm ?? {}, signature: mlmodel.signature })) as LoadedLightGBMModel;
}

/** A copy of a fixture whose MLmodel and model file are edited by `edit`. */
function variant(name: string, fixture: string, edit: (dir: string) => void): string {
  const dir = join(temp, name);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  edit(dir);
  return dir;
}

describe('lightgbm flavor', () => {
  it('loads a Booster directory and reports the model', async () => {
    const model = await load(join(FIXTURES, 'multiclass'));
    assert.equal(model.batchable, true);
    assert.deepEqual(
      { ...model.info, modelFile: undefined },
      { modelFile: undefined, modelClass: 'lightgbm.basic.Booster', version: 'v4', objective: 'multiclass', numClass: 3, numTrees: 18, numFeatures: 5, featureNames: ['f0', 'f1', 'f2', 'f3', 'f4'] },
    );
    assert.equal(model.info.modelFile, join(FIXTURES, 'multiclass', 'model.lgb'));
  });

  it('answers float64 [N] for one output and [N, K] for classes, ignoring params as MLflow does', async () => {
    const x = Frame.of({ f0: { dtype: 'float64', values: Float64Array.from([0.1, NaN]) }, f1: { dtype: 'float64', values: Float64Array.from([1, 2]) }, f2: { dtype: 'float64', values: Float64Array.from([0, 0]) }, f3: { dtype: 'float64', values: Float64Array.from([3, -3]) }, f4: { dtype: 'float64', values: Float64Array.from([1e-36, 5]) } });
    const binary = (await (await load(join(FIXTURES, 'binary'))).predict(x, { anything: 1 })) as Tensor;
    assert.deepEqual([binary.dtype, binary.shape], ['float64', [2]]);
    const multi = (await (await load(join(FIXTURES, 'multiclass'))).predict(x, null)) as Tensor;
    assert.deepEqual(multi.shape, [2, 3]);
    const sums = [0, 1].map((r) => (multi.data as Float64Array).slice(3 * r, 3 * r + 3).reduce((a, b) => a + b));
    sums.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-12));
  });

  it('defaults model_class to lightgbm.basic.Booster and data to model.lgb, as older MLmodel files need', async () => {
    const dir = variant('no-model-class', 'binary', (d) => writeFileSync(join(d, 'MLmodel'), 'flavors:\n  lightgbm:\n    lgb_version: 2.3.1\n'));
    assert.equal((await load(dir)).info.modelClass, 'lightgbm.basic.Booster');
  });

  it('serves a pickled LGBMClassifier (model_class lightgbm.sklearn.*) through the sklearn engine: its predict, labels and all', async () => {
    // The pickle mlflow.sklearn saved for the scikit-learn fixtures is the object mlflow.lightgbm pickles too.
    const sk = fileURLToPath(new URL('../../../../test/fixtures/sklearn/v1.6.1/lgbm-classifier.predict.cloudpickle5/', import.meta.url));
    const dir = variant('sklearn', 'binary', (d) => {
      writeFileSync(join(d, 'MLmodel'), 'flavors:\n  lightgbm:\n    data: model.pkl\n    model_class: lightgbm.sklearn.LGBMClassifier\n');
      cpSync(join(sk, 'model/model.pkl'), join(d, 'model.pkl'));
    });
    const request = JSON.parse(readFileSync(join(sk, 'request.json'), 'utf8')).dataframe_split as { columns: string[]; data: number[][] };
    const x = new Frame(request.columns.map((name, j) => ({ name, dtype: 'float64' as const, values: Float64Array.from(request.data, (r) => r[j] ?? NaN) })));
    const out = (await (await load(dir)).predict(x, null)) as Tensor;
    const expected = JSON.parse(readFileSync(join(sk, 'expected.json'), 'utf8')).output as { values: string[] };
    assert.deepEqual(Array.from(out.data as ArrayLike<unknown>), expected.values);
  });

  it("refuses estimator classes it does not evaluate, and pickles that are not the MLmodel's class or not pickles", async () => {
    const write = (name: string, modelClass: string, bytes: Uint8Array) =>
      variant(name, 'binary', (d) => {
        writeFileSync(join(d, 'MLmodel'), `flavors:\n  lightgbm:\n    data: model.pkl\n    model_class: ${modelClass}\n`);
        writeFileSync(join(d, 'model.pkl'), bytes);
      });
    await assert.rejects(load(write('dask', 'lightgbm.dask.DaskLGBMClassifier', Buffer.from([0x80, 0x05]))), (err: unknown) => {
      assert.ok(err instanceof UnsupportedModelError, String(err));
      assert.match(err.message, /model\.pkl is a lightgbm\.dask\.DaskLGBMClassifier/);
      assert.match(err.message, /--engine python/);
      return true;
    });
    await assert.rejects(load(write('truncated', 'lightgbm.sklearn.LGBMClassifier', Buffer.from([0x80, 0x05]))), (err: unknown) => err instanceof ModelLoadError && /truncated|Could not read/.test(err.message));
    const sk = fileURLToPath(new URL('../../../../test/fixtures/sklearn/v1.6.1/lgbm-regressor.predict.pickle4/model/model.pkl', import.meta.url));
    await assert.rejects(load(write('other', 'lightgbm.sklearn.LGBMClassifier', readFileSync(sk))), (err: unknown) => err instanceof ModelLoadError && /holds a lightgbm\.sklearn\.LGBMRegressor/.test(err.message));
  });

  it('fails to load a missing model file, naming it', async () => {
    const dir = variant('missing', 'binary', (d) => rmSync(join(d, 'model.lgb')));
    await assert.rejects(load(dir), (err: unknown) => err instanceof ModelLoadError && err.message.includes(join(dir, 'model.lgb')) && /does not exist/.test(err.message));
  });

  it('fails to load a truncated model file, naming the file and the line', async () => {
    const dir = variant('truncated', 'regression', (d) => {
      const text = readFileSync(join(d, 'model.lgb'), 'utf8');
      writeFileSync(join(d, 'model.lgb'), text.slice(0, text.indexOf('threshold=', text.indexOf('Tree=3')) + 30));
    });
    await assert.rejects(load(dir), (err: unknown) => {
      assert.ok(err instanceof ModelLoadError);
      assert.match(err.message, new RegExp(`Could not load the LightGBM model file ${join(dir, 'model.lgb').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: line \\d+: tree 3`));
      return true;
    });
  });

  it('rejects input it cannot score without throwing synchronously', async () => {
    const model = await load(join(FIXTURES, 'binary'));
    await assert.rejects(model.predict(new Tensor('float64', [1, 4], Float64Array.from([1, 2, 3, 4])), null), /number of features in data \(4\)/);
  });
});
