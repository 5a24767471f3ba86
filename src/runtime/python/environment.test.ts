import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MLmodel } from '../../model/load.js';
import { describeInstallFailure, environmentKey, readModelEnvironment } from './environment.js';

describe('a model\'s Python environment', () => {
  let dir: string;
  const mlmodel = (env?: unknown): MLmodel => ({ path: dir, flavors: { python_function: env === undefined ? {} : { env } }, signatureFromTypeHint: false, raw: {} });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlserve-env-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('comes from python_env.yaml, as MLflow reads it', () => {
    writeFileSync(join(dir, 'python_env.yaml'), 'python: 3.11.7\nbuild_dependencies:\n- pip==24.0\ndependencies:\n- -r requirements.txt\n');
    assert.deepEqual(readModelEnvironment(mlmodel({ virtualenv: 'python_env.yaml', conda: 'conda.yaml' })), {
      python: '3.11.7',
      buildDependencies: ['pip==24.0'],
      dependencies: ['-r requirements.txt'],
    });
  });

  it('for older models, from requirements.txt and the python version conda.yaml pins', () => {
    const old = mkdtempSync(join(tmpdir(), 'mlserve-env-test-'));
    try {
      writeFileSync(join(old, 'conda.yaml'), 'dependencies:\n- python=3.10.4\n- pip:\n  - mlflow\n');
      writeFileSync(join(old, 'requirements.txt'), 'mlflow\n');
      assert.deepEqual(readModelEnvironment({ ...mlmodel('conda.yaml'), path: old }), { python: '3.10.4', buildDependencies: ['pip'], dependencies: ['-r requirements.txt'] });
      rmSync(join(old, 'requirements.txt'));
      assert.throws(() => readModelEnvironment({ ...mlmodel('conda.yaml'), path: old }), /cannot be built\. Serve it with --env-manager local/);
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  });

  it('is cached under a key that changes with the requirements files it names, and with the env manager', () => {
    writeFileSync(join(dir, 'requirements.txt'), 'mlflow==3.6.0\n-r extra.txt\n');
    writeFileSync(join(dir, 'extra.txt'), 'pandas==2.3.3\n');
    const env = readModelEnvironment(mlmodel());
    const key = environmentKey('virtualenv', env, dir);
    assert.match(key, /^[0-9a-f]{16}$/);
    assert.equal(environmentKey('virtualenv', env, dir), key);
    assert.notEqual(environmentKey('uv', env, dir), key);
    writeFileSync(join(dir, 'extra.txt'), 'pandas==2.3.2\n');
    assert.notEqual(environmentKey('virtualenv', env, dir), key);
  });
});

describe('a failed install', () => {
  it('names the package pip could not find, with pip\'s words', () => {
    const said = describeInstallFailure([
      'Looking in indexes: http://local/simple',
      'ERROR: Could not find a version that satisfies the requirement nosuchpkg==1.0 (from versions: none)',
      'ERROR: No matching distribution found for nosuchpkg==1.0',
    ]);
    assert.match(said, /^could not install nosuchpkg==1\.0\. The installer said:\nERROR: Could not find a version/);
  });

  it('names a package that failed to build', () => {
    assert.match(describeInstallFailure(['  error: subprocess-exited-with-error', 'Failed to build brokenpkg', 'ERROR: Could not build wheels for brokenpkg']), /^could not install brokenpkg\./);
  });

  it('falls back to the installer\'s last lines', () => {
    assert.match(describeInstallFailure(['something odd happened']), /^installing the requirements failed\. The installer said:\nsomething odd happened$/);
  });
});
