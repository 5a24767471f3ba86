// Test helper: a Python with the real MLflow for the Python-engine tests (the vendored MLflow installed into a cached venv), or why there is none.
//
// Order: MLSERVE_TEST_PYTHON (a python that imports mlflow); else the venv in
// node_modules/.cache/mlserve-mlflow-venv, installed on first use by ../shared/vendor/mlflow/install.sh
// (idempotent, offline; CI has ../shared beside the clone). A user's clone without ../shared skips
// these tests with one line saying why.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/** The vendored MLflow, beside the repository. */
export const VENDOR = join(ROOT, '../shared/vendor/mlflow');
/** Where the test venv lives (ignored by git with node_modules). */
export const VENV = join(ROOT, 'node_modules/.cache/mlserve-mlflow-venv');
/** The Python-engine test models (saved by MLflow from test/fixtures/python/generate.py). */
export const PY_MODELS = join(ROOT, 'test/fixtures/python/models');

const READY = '.mlserve-test-ready';

function imports(python: string): string | undefined {
  const r = spawnSync(python, ['-c', 'import mlflow, sklearn, pandas'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return r.error.message;
  return r.status === 0 ? undefined : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
}

function vendorStamp(): string {
  const h = createHash('sha256');
  for (const f of ['install.sh', 'requirements.txt']) h.update(readFileSync(join(VENDOR, f)));
  return h.digest('hex');
}

/** Runs install.sh once per vendor version; other test processes wait on a lock folder. */
function install(): string | undefined {
  const stamp = vendorStamp();
  const python = join(VENV, 'bin/python');
  const marker = join(VENV, READY);
  const done = (): boolean => existsSync(marker) && readFileSync(marker, 'utf8') === stamp && existsSync(python);
  if (done()) return undefined;
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const lock = `${VENV}.lock`;
  const until = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      if (done()) return undefined;
      if (ownerGone(lock)) {
        // A test process killed during its install left the lock and a partial venv behind.
        rmSync(lock, { recursive: true, force: true });
        rmSync(VENV, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > until) return `timed out waiting for ${lock} (remove it if no install is running)`;
      spawnSync('sleep', ['1']);
    }
  }
  try {
    if (done()) return undefined;
    const r = spawnSync('bash', [join(VENDOR, 'install.sh'), VENV], { encoding: 'utf8', timeout: 10 * 60_000 });
    if (r.status !== 0) return `install.sh failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
    const broken = imports(python);
    if (broken) return `the installed venv cannot import mlflow: ${broken}`;
    writeFileSync(marker, stamp);
    return undefined;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** True when the process that took `lock` is no longer running (or never wrote its pid). */
function ownerGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    // Taken a moment ago and the pid not written yet, or left by an older helper: judge by age.
    try {
      return Date.now() - statSync(lock).mtimeMs > 60_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

let found: { python: string } | { skip: string } | undefined;

/** A python that imports mlflow, or the reason the Python-engine tests are skipped. */
export function mlflowPython(): { python: string } | { skip: string } {
  if (found) return found;
  const given = process.env.MLSERVE_TEST_PYTHON;
  if (given) {
    const broken = imports(given);
    return (found = broken ? { skip: `MLSERVE_TEST_PYTHON=${given} cannot import mlflow: ${broken}` } : { python: given });
  }
  if (!existsSync(join(VENDOR, 'install.sh'))) {
    return (found = { skip: `no MLflow to test against: ${VENDOR} is absent (set MLSERVE_TEST_PYTHON to a python with mlflow)` });
  }
  const failed = install();
  return (found = failed ? { skip: `the vendored MLflow could not be installed: ${failed}` } : { python: join(VENV, 'bin/python') });
}

/**
 * Runs MLflow (workers and `mlflow models serve`) in a scratch folder: MLflow 3 creates
 * ./mlflow.db and ./mlruns in the working directory when it loads a model. Sets the working
 * directory and MLFLOW_TRACKING_URI of this test process (children inherit them); returns a cleanup.
 */
export function pythonScratch(): { dir: string; env: Record<string, string>; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-pytest-'));
  const before = { cwd: process.cwd(), uri: process.env.MLFLOW_TRACKING_URI };
  // A file store: the default SQLite store spends seconds creating its tables on every fresh folder.
  const env = { MLFLOW_TRACKING_URI: `file://${join(dir, 'mlruns')}` };
  process.env.MLFLOW_TRACKING_URI = env.MLFLOW_TRACKING_URI;
  process.chdir(dir);
  return {
    dir,
    env,
    cleanup() {
      process.chdir(before.cwd);
      if (before.uri === undefined) delete process.env.MLFLOW_TRACKING_URI;
      else process.env.MLFLOW_TRACKING_URI = before.uri;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
