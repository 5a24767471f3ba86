import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MLmodel } from '../../model/load.js';
import { pythonBatchable } from './index.js';

const model = (loader: string, metadata?: unknown): MLmodel => ({
  path: '/m',
  flavors: { python_function: { loader_module: loader } },
  signatureFromTypeHint: false,
  raw: metadata === undefined ? {} : { metadata },
});

describe('which Python models merge requests', () => {
  it('the row-wise MLflow flavors do', () => {
    for (const loader of ['mlflow.sklearn', 'mlflow.lightgbm', 'mlflow.xgboost', 'mlflow.catboost']) assert.equal(pythonBatchable(model(loader)), true, loader);
  });

  it('a custom PythonModel does only when its MLmodel says so', () => {
    assert.equal(pythonBatchable(model('mlflow.pyfunc.model')), false);
    assert.equal(pythonBatchable(model('mlflow.pyfunc.model', { mlserve: { batchable: true } })), true);
  });

  it('a model that says it is not row-wise never does', () => {
    assert.equal(pythonBatchable(model('mlflow.sklearn', { mlserve: { batchable: false } })), false);
  });
});
