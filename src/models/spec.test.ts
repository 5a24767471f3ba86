import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, rmSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultName, modelSpecs, parseModelArgument } from './spec.js';
import { follows } from './registry.js';

it('splits -m NAME=URI, and keeps a URI or an existing path with = as it is', () => {
  assert.deepEqual(parseModelArgument('fraud=models:/fraud@champion'), { name: 'fraud', uri: 'models:/fraud@champion' });
  assert.deepEqual(parseModelArgument('models:/fraud@champion'), { uri: 'models:/fraud@champion' });
  assert.deepEqual(parseModelArgument('runs:/abc/model?x=1'), { uri: 'runs:/abc/model?x=1' });
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-spec-'));
  try {
    mkdirSync(join(dir, 'a=b'));
    assert.deepEqual(parseModelArgument('a=b', dir), { uri: 'a=b' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('names models as --model-name defaults, and refuses duplicates and unsafe names', () => {
  assert.equal(defaultName('models:/fraud@champion'), 'fraud');
  assert.equal(defaultName('/srv/models/churn/'), 'churn');
  assert.deepEqual(modelSpecs([{ uri: 'models:/a/1' }, { name: 'b', uri: '/x/y' }], undefined).map((s) => s.name), ['a', 'b']);
  assert.throws(() => modelSpecs([{ uri: 'models:/a/1' }, { uri: 'models:/a/2' }], undefined), /Two models are named 'a'/);
  assert.throws(() => modelSpecs([{ name: 'a/b', uri: 'x' }], undefined), /Invalid model name "a\/b"/);
  assert.throws(() => modelSpecs([], undefined), /A model URI is required/);
});

it('serves the repository folders that hold an MLmodel, after the named models', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-repo-'));
  try {
    for (const name of ['b', 'a', 'not-a-model', '.hidden']) mkdirSync(join(dir, name));
    for (const name of ['a', 'b', '.hidden']) writeFileSync(join(dir, name, 'MLmodel'), 'flavors: {}\n');
    writeFileSync(join(dir, 'file'), '');
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));
    assert.deepEqual(modelSpecs([{ name: 'b', uri: 'models:/b/1' }], dir).map((s) => [s.name, s.uri]), [['b', 'models:/b/1'], ['a', join(dir, 'a')]]);
    assert.throws(() => modelSpecs([], join(dir, 'not-a-model')), /has no model folder/);
    assert.throws(() => modelSpecs([], join(dir, 'missing')), /Cannot read the model repository/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('follows aliases, latest and stages, never fixed versions, paths or logged models', () => {
  for (const uri of ['models:/iris@champion', 'models:/iris/latest', 'models:/iris/Production']) assert.equal(follows(uri), true, uri);
  for (const uri of ['models:/iris/2', 'models:/m-0ab14bf155c94afbb8f515365f015c82', 'runs:/abc/model', '/srv/iris', 'file:///srv/iris']) assert.equal(follows(uri), false, uri);
});
