// --env-manager virtualenv: the model's environment is built once, cached, reused; a failed install names the package.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../helpers/server.js';
import { PY_MODELS } from '../helpers/mlflow-venv.js';

/** A Python version virtualenv can build with here (pythonX.Y on PATH, or pyenv's), or why there is none. */
function buildablePython(): { version: string } | { skip: string } {
  const probe = spawnSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skip: 'no python3 on PATH to build an environment with' };
  const version = probe.stdout.trim();
  if (spawnSync(`python${version}`, ['-c', 'import venv, ensurepip'], { encoding: 'utf8' }).status === 0) return { version };
  const root = spawnSync('pyenv', ['root'], { encoding: 'utf8' });
  const dir = root.status === 0 ? join(root.stdout.trim(), 'versions') : undefined;
  const versions = dir && existsSync(dir) ? readdirSync(dir).filter((v) => v.startsWith(`${version}.`)) : [];
  return versions.length ? { version } : { skip: `neither python${version} (with venv) on PATH nor pyenv's Python ${version} to build an environment with` };
}

const buildable = buildablePython();

/** A copy of the `crash` test model with its own python_env.yaml. */
function modelWith(pythonEnv: string, requirements = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-envmodel-'));
  cpSync(join(PY_MODELS, 'crash'), dir, { recursive: true });
  writeFileSync(join(dir, 'python_env.yaml'), pythonEnv);
  writeFileSync(join(dir, 'requirements.txt'), requirements);
  return dir;
}

describe('--env-manager virtualenv', { skip: 'skip' in buildable ? buildable.skip : false }, () => {
  const version = 'version' in buildable ? buildable.version : '';
  let envDir: string;
  const made: string[] = [];
  before(() => {
    envDir = mkdtempSync(join(tmpdir(), 'mlserve-envs-'));
  });
  after(() => {
    for (const d of [envDir, ...made]) rmSync(d, { recursive: true, force: true });
  });

  it('builds the model\'s environment once and reuses it; the workers run its interpreter', async () => {
    // No dependencies: nothing to download, so the build works offline. The environment has no
    // MLflow, which the worker then reports, naming the environment's interpreter.
    const model = modelWith(`python: "${version}"\nbuild_dependencies: []\ndependencies: []\n`);
    made.push(model);
    const env = { MLSERVE_ENV_DIR: envDir, PATH: process.env.PATH ?? '' };
    await assert.rejects(startServer(model, { envManager: 'virtualenv' }, env), (err: Error) => {
      assert.match(err.message, /cannot import mlflow/);
      assert.ok(err.message.includes(envDir), err.message);
      return true;
    });
    const built = readdirSync(envDir).filter((n) => !n.endsWith('.lock'));
    assert.equal(built.length, 1);
    assert.ok(existsSync(join(envDir, built[0], '.mlserve-complete')));
    // Second start: the same environment, not rebuilt (its marker is untouched and no other appears).
    await assert.rejects(startServer(model, { envManager: 'virtualenv' }, env), /cannot import mlflow/);
    assert.deepEqual(readdirSync(envDir).filter((n) => !n.endsWith('.lock')), built);
  });

  it('names the package pip could not install, and leaves no half-built environment', async () => {
    const model = modelWith(`python: "${version}"\nbuild_dependencies: []\ndependencies:\n- -r requirements.txt\n`, 'nosuchpkg-for-mlserve-tests==1.0\n');
    made.push(model);
    const before = new Set(readdirSync(envDir));
    await assert.rejects(startServer(model, { envManager: 'virtualenv' }, { MLSERVE_ENV_DIR: envDir, PATH: process.env.PATH ?? '' }), (err: Error) => {
      assert.match(err.message, /^Could not build the model's Python environment \(--env-manager virtualenv\): could not install nosuchpkg-for-mlserve-tests==1\.0\. The installer said:\n/);
      return true;
    });
    assert.deepEqual(readdirSync(envDir).filter((n) => !before.has(n)), []);
  });
});
