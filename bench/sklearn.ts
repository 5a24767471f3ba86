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
import { positive } from './_settings.js';
import type { SklearnJob, SklearnRound } from './_sklearn-child.js';
import { count, median, ms, ratio } from './_stats.js';
import { findPython, runPython, type PyResult } from './_sklearn-models.js';

const USAGE = `Usage: node dist/bench/sklearn.js [--rounds N] [--rows N] [--reps N] [--calls N] [--latency-ms N] [--model NAME ...] [--python PATH] [--dir DIR] [--no-mlflow] [--no-pin] [--smoke]

  --rounds N   rounds (a fresh process per side and round, the order alternating), median taken (default 3)
  --rows N     rows per batch call (default 10000)
  --reps N     timed batch calls per process, median taken (default 5)
  --calls N    timed one-row predict calls per Python process (default 300)
  --latency-ms N  one-row HTTP requests timed per server and model, one keep-alive connection, lean client (default 2000 ms)
  --model M    random_forest, hist_gradient_boosting, logistic_regression, column_transformer (repeatable; default these four),
               or svc, kneighbors, kneighbors_kd_tree, gaussian_nb, pca_logistic (other families, only when named)
  --python P   a Python with scikit-learn, numpy and pandas (default: $MLSERVE_BENCH_PYTHON, ../.mlflow-venv/bin/python, python3)
  --dir DIR    cache of the generated models and rows (default: bench/sklearn-models.py's)
  --no-mlflow  do not time MLflow's own scoring server (mlflow models serve --env-manager local, next to the Python)
  --no-pin     do not pin the server child to CPU 0 and this process to CPU 1
  --smoke      1 round, 200 rows, 1 rep, 5 calls, 200 ms, no MLflow server: checks the script runs, not for figures

Models and scikit-learn's timings come from bench/sklearn-models.py (threads limited to 1).`;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const MODELS = ['random_forest', 'hist_gradient_boosting', 'logistic_regression', 'column_transformer'];
/** Models of the other families, timed when named with --model. */
const OTHER_MODELS = ['svc', 'kneighbors', 'kneighbors_kd_tree', 'gaussian_nb', 'pca_logistic'];

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
  mlHttpP99Ms: number;
  mlHttpCpuMs: number;
  /** MLflow's scoring server, one row (NaN when not timed). */
  mlflowMs: number;
  mlflowP99Ms: number;
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
      'latency-ms': { type: 'string' },
      'no-mlflow': { type: 'boolean', default: false },
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
  // A flag that is not a positive number is an error, not NaN rounds or rows.
  const int = (v: string | undefined, d: number, name: string) => Math.max(1, Math.round(positive(name, v, d)));
  const smoke = values.smoke === true;
  const rounds = smoke ? 1 : int(values.rounds, 3, 'rounds');
  const rows = smoke ? 200 : int(values.rows, 10_000, 'rows');
  const reps = smoke ? 1 : int(values.reps, 5, 'reps');
  const calls = smoke ? 5 : int(values.calls, 300, 'calls');
  const latencyMs = smoke ? 200 : int(values['latency-ms'], 2000, 'latency-ms');
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
    const mlflowBin = join(dirname(python), 'mlflow');
    const mlflow = !smoke && !values['no-mlflow'] && python.includes('/') && existsSync(mlflowBin) ? mlflowBin : undefined;
    process.stdout.write(mlflow ? `MLflow's scoring server: ${mlflowBin} models serve --env-manager local, timed like mlserve's\n` : "MLflow's scoring server: not timed (--no-mlflow, --smoke, or no mlflow next to the Python)\n");
    const job: SklearnJob = { models: models.map((name) => ({ name, ...prepared.manifest.models[name] })), reps, latencyMs, mlflow, pinning };
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
          mlHttpP99Ms: r.httpOneP99Ms!,
          mlflowMs: r.mlflowOneMs ?? NaN,
          mlflowP99Ms: r.mlflowOneP99Ms ?? NaN,
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
            `one row: mlserve ${ms(s.mlHttpMs)} ms (HTTP) vs scikit-learn ${ms(s.pyOneMs)} ms → ${ratio(s.pyOneMs / s.mlHttpMs)}` +
            (r.mlflowSkipped ? `; MLflow's server not timed: ${r.mlflowSkipped}` : Number.isNaN(s.mlflowMs) ? '' : `; MLflow's server ${ms(s.mlflowMs)} ms (HTTP) → ${ratio(s.mlflowMs / s.mlHttpMs)}`) +
            '\n',
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
          `  one row: mlserve ${ms(med((s) => s.mlHttpMs))} ms through HTTP (p99 ${ms(med((s) => s.mlHttpP99Ms))}; ${ms(med((s) => s.mlInProcessMs))} ms in-process) vs scikit-learn ${ms(med((s) => s.pyOneMs))} ms per predict call (p90 ${ms(med((s) => s.pyOneP90Ms))}) → ${ratio(oneRatio)} (goal ≥ 20x)\n` +
          (list.some((s) => !Number.isNaN(s.mlflowMs))
            ? `  one row through MLflow's own scoring server: ${ms(med((s) => s.mlflowMs))} ms (p99 ${ms(med((s) => s.mlflowP99Ms))}) vs mlserve ${ms(med((s) => s.mlHttpMs))} ms → ${ratio(median(list.map((s) => s.mlflowMs / s.mlHttpMs)))}\n`
            : '') +
          `  CPU per one-row request: mlserve server ${ms(med((s) => s.mlHttpCpuMs))} ms (HTTP, parsing, predict) vs scikit-learn ${ms(med((s) => s.pyOneCpuMs))} ms per predict call → ${ratio(oneCpuRatio)}\n`,
      );
    }
  } finally {
    if (smokeDir) rmSync(smokeDir, { recursive: true, force: true });
  }
}

main();
