// Answers one question: how fast does mlserve evaluate scikit-learn models natively, against
// scikit-learn's own predict on the same rows in the same run? Prints rows/s at 10,000 rows (one
// core each) and the latency of one row (mlserve through HTTP vs one Python predict call), with ratios.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pinLoadGenerator } from './_child.js';
import type { SklearnJob, SklearnRound } from './_sklearn-child.js';
import { count, median, ms, ratio } from './_stats.js';

const USAGE = `Usage: node dist/bench/sklearn.js [--rounds N] [--rows N] [--reps N] [--calls N] [--model NAME ...] [--python PATH] [--dir DIR] [--no-pin] [--smoke]

  --rounds N   rounds (a fresh process per side and round, the order alternating), median taken (default 3)
  --rows N     rows per batch call (default 10000)
  --reps N     timed batch calls per process, median taken (default 5)
  --calls N    timed one-row calls per process (default 300)
  --model M    random_forest, hist_gradient_boosting, logistic_regression, column_transformer (repeatable; default these four),
               or svc, kneighbors, kneighbors_kd_tree, gaussian_nb, pca_logistic (other families, only when named)
  --python P   a Python with scikit-learn, numpy and pandas (default: $MLSERVE_BENCH_PYTHON, ../.mlflow-venv/bin/python, python3)
  --dir DIR    cache of the generated models and rows (default: bench/sklearn-models.py's)
  --no-pin     do not pin the server child to CPU 0 and this process to CPU 1
  --smoke      1 round, 200 rows, 1 rep, 5 calls: checks the script runs, not for figures

Models and scikit-learn's timings come from bench/sklearn-models.py (threads limited to 1).`;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const MODELS = ['random_forest', 'hist_gradient_boosting', 'logistic_regression', 'column_transformer'];
/** Models of the other families, timed when named with --model. */
const OTHER_MODELS = ['svc', 'kneighbors', 'kneighbors_kd_tree', 'gaussian_nb', 'pca_logistic'];

interface PyTiming {
  batch: { rows: number; medianSeconds: number; rowsPerSecond: number; rowsPerCpuSecond: number };
  single: { medianMs: number; p90Ms: number; cpuMedianMs: number };
}

interface PyResult {
  sklearn: string;
  numpy: string;
  dir: string;
  manifest: { models: Record<string, { dir: string; rows: string; one: string; expected: string; estimator: string }> };
  timings?: Record<string, PyTiming>;
}

function findPython(given: string | undefined): string | undefined {
  const candidates = [given, process.env.MLSERVE_BENCH_PYTHON, join(ROOT, '../.mlflow-venv/bin/python'), 'python3'].filter((p): p is string => !!p);
  for (const p of candidates) {
    if (p.includes('/') && !existsSync(p)) continue;
    const r = spawnSync(p, ['-c', 'import sklearn, numpy, pandas'], { stdio: 'ignore' });
    if (r.status === 0) return p;
  }
  return undefined;
}

function runPython(python: string, args: string[]): PyResult {
  const r = spawnSync(python, [join(ROOT, 'bench/sklearn-models.py'), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bench/sklearn-models.py ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as PyResult;
}

function runMlserve(job: SklearnJob): SklearnRound[] {
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-bench-sklearn-'));
  try {
    const file = join(dir, 'job.json');
    writeFileSync(file, JSON.stringify(job));
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/bench/_sklearn-child.js'), file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`mlserve child failed:\n${r.stderr}`);
    return JSON.parse(r.stdout) as SklearnRound[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Sample {
  mlRowsPerSec: number;
  mlCpuRowsPerSec: number;
  mlHttpMs: number;
  mlHttpP90Ms: number;
  mlHttpCpuMs: number;
  mlInProcessMs: number;
  pyRowsPerSec: number;
  pyCpuRowsPerSec: number;
  pyOneMs: number;
  pyOneP90Ms: number;
  pyOneCpuMs: number;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      rows: { type: 'string' },
      reps: { type: 'string' },
      calls: { type: 'string' },
      model: { type: 'string', multiple: true },
      python: { type: 'string' },
      dir: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const int = (v: string | undefined, d: number) => (v === undefined ? d : Math.max(1, Math.round(Number(v))));
  const smoke = values.smoke === true;
  const rounds = smoke ? 1 : int(values.rounds, 3);
  const rows = smoke ? 200 : int(values.rows, 10_000);
  const reps = smoke ? 1 : int(values.reps, 5);
  const calls = smoke ? 5 : int(values.calls, 300);
  const models = values.model?.length ? values.model : MODELS;
  for (const m of models) if (!MODELS.includes(m) && !OTHER_MODELS.includes(m)) throw new Error(`unknown --model ${m}; one of ${[...MODELS, ...OTHER_MODELS].join(', ')}`);
  const python = findPython(values.python);
  if (!python) {
    process.stdout.write('sklearn bench skipped: no Python with scikit-learn, numpy and pandas (give one with --python)\n');
    return;
  }
  const smokeDir = smoke && !values.dir ? mkdtempSync(join(tmpdir(), 'mlserve-bench-sklearn-smoke-')) : undefined;
  const cacheDir = values.dir ?? smokeDir;
  const dirArgs = cacheDir ? ['--dir', cacheDir] : [];
  try {
    const prepared = runPython(python, ['prepare', '--rows', String(rows), ...dirArgs]);
    const pinning = pinLoadGenerator(!values['no-pin']);
    process.stdout.write(
      `scikit-learn ${prepared.sklearn} (numpy ${prepared.numpy}, ${python}), ${rows.toLocaleString('en-US')} rows, ${rounds} rounds; ${pinning.description}\n`,
    );
    const job: SklearnJob = { models: models.map((name) => ({ name, ...prepared.manifest.models[name] })), reps, calls, pinning };
    const samples = new Map<string, Sample[]>(models.map((m) => [m, []]));
    const unsupported = new Map<string, string>();
    for (let round = 0; round < rounds; round++) {
      let py: PyResult | undefined;
      let ml: SklearnRound[] | undefined;
      const pySide = () => (py = runPython(python, ['time', '--rows', String(rows), '--rounds', String(reps), '--calls', String(calls), '--model', ...models, ...dirArgs]));
      const mlSide = () => (ml = runMlserve(job));
      for (const side of round % 2 === 0 ? [pySide, mlSide] : [mlSide, pySide]) side();
      for (const r of ml!) {
        const t = py!.timings![r.name];
        if (r.unsupported) {
          unsupported.set(r.name, r.unsupported);
          process.stdout.write(`  round ${round + 1} ${r.name}: scikit-learn ${count(t.batch.rowsPerSecond)} rows/s; mlserve cannot evaluate it natively yet\n`);
          continue;
        }
        if (r.mismatches) throw new Error(`${r.name}: ${r.mismatches} of ${r.rows} labels differ from scikit-learn's`);
        const s: Sample = {
          mlRowsPerSec: r.rows! / median(r.batchSeconds!),
          mlCpuRowsPerSec: r.rows! / median(r.batchCpuSeconds!),
          mlHttpMs: r.httpOneMs!,
          mlHttpP90Ms: r.httpOneP90Ms!,
          mlHttpCpuMs: r.httpOneCpuMs ?? NaN,
          mlInProcessMs: r.inProcessOneMs!,
          pyRowsPerSec: t.batch.rowsPerSecond,
          pyCpuRowsPerSec: t.batch.rowsPerCpuSecond,
          pyOneMs: t.single.medianMs,
          pyOneP90Ms: t.single.p90Ms,
          pyOneCpuMs: t.single.cpuMedianMs,
        };
        samples.get(r.name)!.push(s);
        process.stdout.write(
          `  round ${round + 1} ${r.name}: mlserve ${count(s.mlRowsPerSec)} rows/s vs scikit-learn ${count(s.pyRowsPerSec)} rows/s → ${ratio(s.mlRowsPerSec / s.pyRowsPerSec)}; ` +
            `one row: mlserve ${ms(s.mlHttpMs)} ms (HTTP) vs scikit-learn ${ms(s.pyOneMs)} ms → ${ratio(s.pyOneMs / s.mlHttpMs)}\n`,
        );
      }
    }
    process.stdout.write('\n');
    for (const name of models) {
      const list = samples.get(name)!;
      if (list.length === 0) {
        process.stdout.write(`${name}: not evaluated natively yet (${unsupported.get(name)?.split('\n')[0].slice(0, 160)})\n`);
        continue;
      }
      const med = (f: (s: Sample) => number) => median(list.map(f));
      const rowsRatio = median(list.map((s) => s.mlRowsPerSec / s.pyRowsPerSec));
      const oneRatio = median(list.map((s) => s.pyOneMs / s.mlHttpMs));
      const cpuRatio = median(list.map((s) => s.mlCpuRowsPerSec / s.pyCpuRowsPerSec));
      const oneCpuRatio = median(list.map((s) => s.pyOneCpuMs / s.mlHttpCpuMs));
      process.stdout.write(
        `${name}, ${rows.toLocaleString('en-US')} rows: mlserve ${count(med((s) => s.mlRowsPerSec))} rows/s vs scikit-learn ${count(med((s) => s.pyRowsPerSec))} rows/s → ${ratio(rowsRatio)} (median of ${list.length}; goal ≥ 1.0x)\n` +
          `  per CPU second: mlserve ${count(med((s) => s.mlCpuRowsPerSec))} rows vs scikit-learn ${count(med((s) => s.pyCpuRowsPerSec))} → ${ratio(cpuRatio)} (the steadier figure on a busy machine)\n` +
          `  one row: mlserve ${ms(med((s) => s.mlHttpMs))} ms through HTTP (p90 ${ms(med((s) => s.mlHttpP90Ms))}; ${ms(med((s) => s.mlInProcessMs))} ms in-process) vs scikit-learn ${ms(med((s) => s.pyOneMs))} ms per predict call (p90 ${ms(med((s) => s.pyOneP90Ms))}) → ${ratio(oneRatio)} (goal ≥ 20x)\n` +
          `  CPU per one-row request: mlserve server ${ms(med((s) => s.mlHttpCpuMs))} ms (HTTP, parsing, worker hand-off, predict) vs scikit-learn ${ms(med((s) => s.pyOneCpuMs))} ms per predict call → ${ratio(oneCpuRatio)}\n`,
      );
    }
  } finally {
    if (smokeDir) rmSync(smokeDir, { recursive: true, force: true });
  }
}

main();
