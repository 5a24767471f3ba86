import assert from 'node:assert/strict';
import { silentLogger } from '../../logger.js';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { ModelLoadError, UnsupportedModelError } from '../../errors.js';
import { Tensor } from '../../data/tensor.js';
import { readMLmodel } from '../../model/mlmodel.js';
import { caseModelDir, sklearnCases } from '../../../test/helpers/sklearn-fixtures.js';
import { numberFrame } from '../../../test/helpers/sklearn-tree.js';
import { sklearnFlavor, type LoadedSklearnModel } from './index.js';
import { versionNotice } from './model-file.js';

const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of a fixture model folder with its MLmodel edited. */
function variant(model: string, edit: (mlmodel: Record<string, any>) => void, file?: (dir: string) => void): string {
  const c = sklearnCases({ model, sklearnVersion: '1.6.1' }).find((x) => x.serializationFormat !== 'skops')!;
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-sklearn-'));
  temps.push(dir);
  cpSync(caseModelDir(c), dir, { recursive: true });
  const mlmodel = parse(readFileSync(join(dir, 'MLmodel'), 'utf8')) as Record<string, any>;
  edit(mlmodel);
  writeFileSync(join(dir, 'MLmodel'), stringify(mlmodel));
  file?.(dir);
  return dir;
}

async function load(dir: string, log?: (line: string) => void): Promise<LoadedSklearnModel> {
  const m = await readMLmodel(dir);
  return (await sklearnFlavor.load({ modelPath: m.path, flavorConf: m.flavors.sklearn ?? {}, flavors: m.flavors, signature: m.signature, logger: log ? { ...silentLogger, warn: (line: string) => log(line) } : silentLogger })) as LoadedSklearnModel;
}

describe('sklearn flavor', () => {
  it('loads a model, reports what it is, and predicts rows independently', async () => {
    const model = await load(variant('linear-regression', () => {}));
    assert.equal(model.info.className, 'sklearn.linear_model._base.LinearRegression');
    assert.equal(model.info.predictFn, 'predict');
    assert.equal(model.batchable, true);
    const out = (await model.predict(numberFrame({ f0: [0, 1], f1: [0, 0], f2: [0, 0], f3: [0, 0] }), null)) as Tensor;
    assert.deepEqual(out.shape, [2]);
    await assert.rejects(model.predict(numberFrame({ f0: [], f1: [], f2: [], f3: [] }), null), /Found array with 0 sample\(s\)/);
  });

  it("runs python_function.predict_fn, and fails to load when the estimator has no such function (as MLflow's pyfunc does)", async () => {
    const proba = await load(variant('logistic-binary', (m) => (m.flavors.python_function.predict_fn = 'predict_log_proba')));
    assert.equal(proba.info.predictFn, 'predict_log_proba');
    await assert.rejects(
      load(variant('linear-svc-binary', (m) => (m.flavors.python_function.predict_fn = 'predict_proba'))),
      (err: unknown) => err instanceof ModelLoadError && !(err instanceof UnsupportedModelError) && /missing required predict_proba method/.test((err as Error).message),
    );
    await assert.rejects(load(variant('linear-svc-binary', (m) => (m.flavors.python_function.predict_fn = 'transform'))), /predict_fn is "transform"/);
  });

  it('refuses at load a multi-output KNeighborsClassifier served with predict_proba (a list of arrays), saying why', async () => {
    const knn = fileURLToPath(new URL('../../../../test/fixtures/sklearn-others/v1.6.1/knn-str-2outputs/model.pkl', import.meta.url));
    const withKnn = (fn: string) => variant('linear-regression', (m) => (m.flavors.python_function.predict_fn = fn), (dir) => copyFileSync(knn, join(dir, 'model.pkl')));
    await assert.rejects(load(withKnn('predict_proba')), (err: unknown) => err instanceof ModelLoadError && /predict_fn predict_proba: predict_proba of a KNeighborsClassifier fitted on 2 outputs is a list of arrays/.test((err as Error).message));
    const model = await load(withKnn('predict'));
    const out = (await model.predict(numberFrame({ a: [3], b: [0], c: [0], d: [2] }), null)) as Tensor;
    assert.deepEqual(out.shape, [1, 2]);
  });

  it('refuses score (it needs labels) so that another engine can answer as MLflow does', async () => {
    await assert.rejects(load(variant('linear-regression', (m) => (m.flavors.python_function.predict_fn = 'score'))), (err: unknown) => err instanceof UnsupportedModelError && /predict_fn score/.test(err.message));
  });

  it('fails clearly without a python_function flavor, with a file of the wrong format, outside the folder, or truncated', async () => {
    await assert.rejects(load(variant('linear-regression', (m) => delete m.flavors.python_function)), /has no python_function flavor/);
    await assert.rejects(load(variant('linear-regression', (m) => (m.flavors.sklearn.serialization_format = 'skops'))), /is not a skops file, but MLmodel says serialization_format: skops/);
    await assert.rejects(load(variant('linear-regression', (m) => (m.flavors.sklearn.serialization_format = 'joblib'))), /Unrecognized serialization format: joblib/);
    await assert.rejects(load(variant('linear-regression', (m) => (m.flavors.python_function.model_path = '../../etc/passwd'))), /outside the model directory/);
    const truncated = variant('linear-regression', () => {}, (dir) => {
      const bytes = readFileSync(join(dir, 'model.pkl'));
      writeFileSync(join(dir, 'model.pkl'), bytes.subarray(0, bytes.length >> 1));
    });
    await assert.rejects(load(truncated), (err: unknown) => err instanceof ModelLoadError && /Could not read the scikit-learn model file .*(truncated|runs past the end)/.test((err as Error).message));
    await assert.rejects(load(variant('linear-regression', () => {}, (dir) => rmSync(join(dir, 'model.pkl')))), /does not exist or cannot be read/);
  });

  it('reads the file MLmodel names, also without python_function.model_path', async () => {
    const moved = variant(
      'linear-regression',
      (m) => {
        delete m.flavors.python_function.model_path;
        m.flavors.sklearn.pickled_model = 'elsewhere.pkl';
      },
      (dir) => copyFileSync(join(dir, 'model.pkl'), join(dir, 'elsewhere.pkl')),
    );
    assert.match((await load(moved)).info.modelFile, /elsewhere\.pkl$/);
  });

  it('logs one line for a scikit-learn version outside the tested releases, none inside', async () => {
    const lines: string[] = [];
    await load(variant('linear-regression', (m) => (m.flavors.sklearn.sklearn_version = '0.24.2')), (l) => lines.push(l));
    await load(variant('linear-regression', () => {}), (l) => lines.push(l));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /saved with scikit-learn 0\.24\.2, older than the releases .* tested with \(1\.2 to 1\.9\)/);
    assert.match(versionNotice('1.10.0') ?? '', /newer/);
    assert.equal(versionNotice('1.9.1'), undefined);
    assert.match(versionNotice('nightly') ?? '', /records scikit-learn version "nightly"/);
  });
});
