// Owns running bench/sklearn-models.py for the sklearn benchmarks: finding a Python with
// scikit-learn, and the models, rows and timings it writes and prints.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** scikit-learn's own timings of one model. */
export interface PyTiming {
  batch: { rows: number; medianSeconds: number; rowsPerSecond: number; rowsPerCpuSecond: number };
  single: { medianMs: number; p90Ms: number; cpuMedianMs: number };
}

/** What bench/sklearn-models.py prints. */
export interface PyResult {
  sklearn: string;
  numpy: string;
  dir: string;
  manifest: { models: Record<string, { dir: string; rows: string; one: string; expected: string; estimator: string }> };
  timings?: Record<string, PyTiming>;
}

/** A Python with scikit-learn, numpy and pandas: `given`, $MLSERVE_BENCH_PYTHON, the MLflow venv beside the repo, python3. */
export function findPython(given: string | undefined): string | undefined {
  const candidates = [given, process.env.MLSERVE_BENCH_PYTHON, join(ROOT, '../.mlflow-venv/bin/python'), 'python3'].filter((p): p is string => !!p);
  for (const p of candidates) {
    if (p.includes('/') && !existsSync(p)) continue;
    const r = spawnSync(p, ['-c', 'import sklearn, numpy, pandas'], { stdio: 'ignore' });
    if (r.status === 0) return p;
  }
  return undefined;
}

/** Runs bench/sklearn-models.py with `args` (prepare: writes the models and rows; time: times scikit-learn). */
export function runPython(python: string, args: string[]): PyResult {
  const r = spawnSync(python, [join(ROOT, 'bench/sklearn-models.py'), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bench/sklearn-models.py ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as PyResult;
}

