// The default V2 model name and version of model URIs.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultModelName, defaultModelVersion } from './model-name.js';

it('derives the model name from registry URIs, run URIs, paths and file: URIs', () => {
  const cases: [string, string][] = [
    ['models:/iris/3', 'iris'],
    ['models:/iris/Production', 'iris'],
    ['models:/iris@champion', 'iris'],
    ['models:/m-0123456789abcdef0123456789abcdef', 'mlflow-model'],
    ['runs:/0a1b2c/model', 'model'],
    ['mlflow-artifacts:/0/abc/artifacts/classifier', 'classifier'],
    ['./examples/iris', 'iris'],
    ['/opt/ml/model/', 'model'],
    ['file:///tmp/my%20model', 'my model'],
  ];
  for (const [uri, name] of cases) assert.equal(defaultModelName(uri), name, uri);
  assert.equal(defaultModelName('.', '/work/models/wine'), 'wine');
});

it('takes the version only from models:/<name>/<number>', () => {
  assert.equal(defaultModelVersion('models:/iris/3'), '3');
  assert.equal(defaultModelVersion('models:/iris/Staging'), undefined);
  assert.equal(defaultModelVersion('./iris'), undefined);
});
