// The model URI grammar of spec §7.1, §7.2 and §7.4.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { parseModelUri } from './parse.js';
import { InvalidModelUriError } from '../errors.js';

const models = (uri: string) => {
  const p = parseModelUri(uri);
  assert.equal(p.kind, 'models');
  return p.kind === 'models' ? { ...p.ref, subPath: p.subPath } : undefined;
};

it('parses versions, stages, latest, aliases and logged model ids', () => {
  assert.deepEqual(models('models:/m/1'), { type: 'version', name: 'm', version: '1', subPath: '' });
  assert.deepEqual(models('models:/m/Production'), { type: 'stage', name: 'm', stage: 'Production', subPath: '' });
  assert.deepEqual(models('models:/m/LaTeSt'), { type: 'latest', name: 'm', subPath: '' });
  assert.deepEqual(models('models:/m@champ'), { type: 'alias', name: 'm', alias: 'champ', subPath: '' });
  assert.deepEqual(models('models:/a@b@c'), { type: 'alias', name: 'a@b', alias: 'c', subPath: '' }, 'split at the last @');
  assert.deepEqual(models('models:/m-0123abcd'), { type: 'id', modelId: 'm-0123abcd', subPath: '' });
  assert.deepEqual(models('models:/MyName'), { type: 'id', modelId: 'MyName', subPath: '' }, 'one part without @ is a model id');
});

it('collapses leading slashes, allows spaces, strips trailing slashes', () => {
  assert.deepEqual(models('models://////Ads Model 1/12345'), { type: 'version', name: 'Ads Model 1', version: '12345', subPath: '' });
  assert.deepEqual(models('models:/m/1/'), { type: 'version', name: 'm', version: '1', subPath: '' });
});

it('splits artifact sub-paths off versions and aliases (spec §7.1 step 4)', () => {
  assert.deepEqual(models('models:/n/1/sub/dir'), { type: 'version', name: 'n', version: '1', subPath: 'sub/dir' });
  assert.deepEqual(models('models:/n@a/x'), { type: 'alias', name: 'n', alias: 'a', subPath: 'x' });
});

it("rejects malformed models: URIs with MLflow's message", () => {
  for (const uri of ['models:/', 'models:', 'models:m/1', 'models:/m//1', 'models:/@a', 'models:/m@', 'models://']) {
    assert.throws(() => parseModelUri(uri), (e: unknown) => e instanceof InvalidModelUriError && e.message.startsWith(`Not a proper models:/ URI: ${uri}. Models URIs must be of the form`), uri);
  }
  assert.throws(() => parseModelUri('models://profile@databricks/m/1'), /registry authority/);
  assert.throws(() => parseModelUri('models:/m/1/../../etc'), /'\.\.' and NUL are not allowed/);
});

it('parses runs:/ URIs and rejects ones without an artifact path', () => {
  assert.deepEqual(parseModelUri('runs:/abc/model/sub'), { kind: 'runs', runId: 'abc', path: 'model/sub' });
  for (const uri of ['runs:/abc', 'runs:/abc/', 'runs:/', 'runs:abc/model']) {
    assert.throws(() => parseModelUri(uri), (e: unknown) => e instanceof InvalidModelUriError && e.message.startsWith(`Not a proper runs:/ URI: ${uri}.`), uri);
  }
});

it('classifies paths, file:, artifact URIs and unknown schemes', () => {
  assert.deepEqual(parseModelUri('./model'), { kind: 'path', path: './model', isFileUri: false });
  assert.deepEqual(parseModelUri('C:/model'), { kind: 'path', path: 'C:/model', isFileUri: false });
  assert.equal(parseModelUri('file:///tmp/m').kind, 'path');
  assert.equal(parseModelUri('mlflow-artifacts:/1/x').kind, 'artifacts');
  assert.equal(parseModelUri('https://h/api/2.0/mlflow-artifacts/artifacts/x').kind, 'artifacts');
  assert.throws(() => parseModelUri('s3://bucket/model'), /cannot download models from 's3:'/);
  assert.throws(() => parseModelUri('foo://x'), /^InvalidModelUriError: Could not find a registered artifact repository for: foo:\/\/x\. Currently registered schemes are: \[/);
});

it("rejects '..' in runs:/, models:/ and artifact-store URIs, also percent-encoded", () => {
  for (const uri of ['runs:/x/../../../../tmp', 'mlflow-artifacts:/../../tmp', 'mlflow-artifacts://host:5000/a/%2E%2E/b', 'models:/m/1/..', 'https://h/api/2.0/mlflow-artifacts/artifacts/x/../../y']) {
    assert.throws(() => parseModelUri(uri), (e: unknown) => e instanceof InvalidModelUriError && /'\.\.' and NUL are not allowed/.test(e.message), uri);
  }
});
