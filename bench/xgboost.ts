// Answers one question: how fast does mlserve evaluate an XGBoost model natively, against XGBoost's own predict (nthread=1)? Prints rows/s and the ratio.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './_stats.js';
import { makeFeatures, positiveInt, runChild } from './_trees.js';

const USAGE = `Usage: node dist/bench/xgboost.js [--rounds N] [--rows N] [--trees N] [--depth N] [--reps N] [--python PATH] [--smoke]

  --rounds N   rounds (fresh process per variant, alternating order), median taken (default 5)
  --rows N     rows predicted per call (default 100000)
  --trees N    boosting rounds of the model (default 100)
  --depth N    max_depth of the trees (default 6)
  --reps N     timed predictions per process, median taken (default 5)
  --python P   Python with xgboost and numpy (default /usr/bin/python3)
  --smoke      1 round, 2000 rows, 1 rep: checks the script runs, not for figures

Needs Debian's python3-xgboost for /usr/bin/python3 (apt-get install -y python3-xgboost); skips without it.`;

const COLS = 20;

/** Trains the model and runs XGBoost's side; `train` and `predict` subcommands. */
const PY_SCRIPT = String.raw`
import json, os, sys, time
import numpy as np
import xgboost as xgb

def load_x(path, rows, cols):
    return np.fromfile(path, dtype="<f8").reshape(rows, cols)

cmd = sys.argv[1]
if cmd == "train":
    xfile, rows, cols, model_dir, trees, depth = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6]), int(sys.argv[7])
    x = load_x(xfile, rows, cols)
    n = min(rows, 20000)
    rng = np.random.default_rng(1)
    z = np.nan_to_num(x[:n]) @ rng.normal(size=cols) + np.sin(3 * np.nan_to_num(x[:n, 0])) + rng.normal(size=n)
    y = (z > 0).astype(int)
    names = ["f%d" % j for j in range(cols)]
    params = {"objective": "binary:logistic", "max_depth": depth, "eta": 0.1, "tree_method": "hist", "seed": 0}
    booster = xgb.train(params, xgb.DMatrix(x[:n], label=y, feature_names=names), trees)
    os.makedirs(model_dir)
    booster.save_model(os.path.join(model_dir, "model.json"))
    with open(os.path.join(model_dir, "MLmodel"), "w") as f:
        f.write("flavors:\n  python_function:\n    data: model.json\n    loader_module: mlflow.xgboost\n"
                "  xgboost:\n    code: null\n    data: model.json\n    model_class: xgboost.core.Booster\n"
                "    model_format: json\n    xgb_version: %s\n" % xgb.__version__)
    model = json.loads(booster.save_raw("json"))
    leaves = sum(t["left_children"].count(-1) for t in model["learner"]["gradient_booster"]["model"]["trees"])
    print(json.dumps({"version": xgb.__version__, "leaves_per_tree": leaves / trees}))
else:
    model_dir, xfile, rows, cols, reps, out = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
    x = load_x(xfile, rows, cols)
    booster = xgb.Booster(model_file=os.path.join(model_dir, "model.json"))
    booster.set_param({"nthread": 1})
    names = ["f%d" % j for j in range(cols)]
    # MLflow's pyfunc for a Booster: booster.predict(DMatrix(data)); numpy input here (cheaper than pandas).
    pred = booster.predict(xgb.DMatrix(x, feature_names=names, nthread=1))
    seconds, cpu_seconds = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        pred = booster.predict(xgb.DMatrix(x, feature_names=names, nthread=1))
        seconds.append(time.perf_counter() - t0)
        cpu_seconds.append(time.process_time() - c0)
    # inplace_predict skips DMatrix construction (scikit-learn estimators' path): a second, stricter baseline.
    booster.inplace_predict(x)
    inplace = []
    for _ in range(reps):
        t0 = time.perf_counter()
        booster.inplace_predict(x)
        inplace.append(time.perf_counter() - t0)
    pred.astype("<f4").tofile(out)
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "inplace": inplace}))
`;

interface Settings {
  readonly rounds: number;
  readonly rows: number;
  readonly trees: number;
  readonly depth: number;
  readonly reps: number;
  readonly python: string;
}

type Variant = 'mlserve' | 'xgboost';

function parseSettings(argv: string[]): Settings | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      rows: { type: 'string' },
      trees: { type: 'string' },
      depth: { type: 'string' },
      reps: { type: 'string' },
      python: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  return {
    rounds: values.smoke ? 1 : positiveInt('rounds', values.rounds, 5),
    rows: values.smoke ? 2000 : positiveInt('rows', values.rows, 100_000),
    trees: positiveInt('trees', values.trees, 100),
    depth: positiveInt('depth', values.depth, 6),
    reps: values.smoke ? 1 : positiveInt('reps', values.reps, 5),
    python: values.python ?? '/usr/bin/python3',
  };
}


function hasXgboost(python: string): boolean {
  const r = spawnSync(python, ['-c', 'import xgboost, numpy'], { stdio: 'ignore' });
  return r.status === 0;
}

interface Measurement {
  /** Rows/s, median over the process's timed predictions. */
  readonly rowsPerSec: number;
  /** Rows per CPU second of the process (immune to other processes taking the CPU). */
  readonly rowsPerCpuSec: number;
  /** xgboost only: rows/s of `inplace_predict` (no DMatrix). */
  readonly inplaceRowsPerSec?: number;
  readonly predictions: Float32Array;
}

/** Runs one fresh process for `variant`; returns its rows/s (median over its reps) and its predictions. */
function measure(variant: Variant, dir: string, settings: Settings): Measurement {
  const out = join(dir, `${variant}.f32`);
  const model = join(dir, 'model');
  const xfile = join(dir, 'x.f64');
  const common = [String(settings.rows), String(COLS), String(settings.reps), out];
  const stdout =
    variant === 'mlserve'
      ? runChild(process.execPath, [fileURLToPath(new URL('./_xgboost-child.js', import.meta.url)), model, xfile, ...common])
      : runChild(settings.python, [join(dir, 'bench.py'), 'predict', model, xfile, ...common]);
  const { seconds, cpuSeconds, inplace } = JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number[]; cpuSeconds: number[]; inplace?: number[] };
  const bytes = readFileSync(out);
  return {
    rowsPerSec: settings.rows / median(seconds),
    rowsPerCpuSec: settings.rows / median(cpuSeconds),
    inplaceRowsPerSec: inplace ? settings.rows / median(inplace) : undefined,
    predictions: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4),
  };
}

const rate = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`);

function main(): number {
  const settings = parseSettings(process.argv.slice(2));
  if (!settings) {
    console.log(USAGE);
    return 0;
  }
  if (!hasXgboost(settings.python)) {
    console.log(`xgboost bench skipped: ${settings.python} cannot import xgboost and numpy (install Debian's python3-xgboost: apt-get install -y python3-xgboost)`);
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-bench-xgboost-'));
  try {
    writeFileSync(join(dir, 'bench.py'), PY_SCRIPT);
    writeFileSync(join(dir, 'x.f64'), makeFeatures(settings.rows, COLS));
    const trained = JSON.parse(
      runChild(settings.python, [join(dir, 'bench.py'), 'train', join(dir, 'x.f64'), String(settings.rows), String(COLS), join(dir, 'model'), String(settings.trees), String(settings.depth)]).trim(),
    ) as { version: string; leaves_per_tree: number };
    console.log(`xgboost: mlserve's native evaluator vs XGBoost ${trained.version} Booster.predict(DMatrix(x)), nthread=1, both single-threaded`);
    console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; binary:logistic, ${settings.trees} trees of depth ≤ ${settings.depth} (${trained.leaves_per_tree.toFixed(1)} leaves per tree), ${COLS} features, 2% missing`);
    console.log(`${settings.rounds} round(s), fresh process per variant, alternating order; each process: warm-up, then median of ${settings.reps} timed predictions of ${settings.rows} rows`);
    const rates: Record<Variant, number[]> = { mlserve: [], xgboost: [] };
    const inplaceRates: number[] = [];
    const cpuRates: Record<Variant, number[]> = { mlserve: [], xgboost: [] };
    let maxDiff = 0;
    for (let round = 0; round < settings.rounds; round++) {
      const order: Variant[] = round % 2 === 0 ? ['xgboost', 'mlserve'] : ['mlserve', 'xgboost'];
      const results = {} as Record<Variant, Measurement>;
      for (const variant of order) results[variant] = measure(variant, dir, settings);
      for (let i = 0; i < settings.rows; i++) maxDiff = Math.max(maxDiff, Math.abs(results.mlserve.predictions[i] - results.xgboost.predictions[i]));
      for (const v of order) rates[v].push(results[v].rowsPerSec);
      for (const v of order) cpuRates[v].push(results[v].rowsPerCpuSec);
      inplaceRates.push(results.xgboost.inplaceRowsPerSec ?? NaN);
      const inplace = `(inplace_predict ${rate(results.xgboost.inplaceRowsPerSec ?? NaN)} rows/s)`;
      console.log(`  round ${round + 1}: ${order.map((v) => `${v} ${rate(results[v].rowsPerSec)} rows/s${v === 'xgboost' ? ` ${inplace}` : ''}`).join(', ')}`);
    }
    const ml = median(rates.mlserve);
    const xg = median(rates.xgboost);
    console.log('');
    console.log(
      `xgboost ${settings.trees} trees depth ${settings.depth}, ${settings.rows} rows: mlserve ${rate(ml)} rows/s vs xgboost ${rate(xg)} rows/s → ${(ml / xg).toFixed(2)}x (median of ${settings.rounds})`,
    );
    const [mc, xc] = [median(cpuRates.mlserve), median(cpuRates.xgboost)];
    console.log(`  per CPU second: mlserve ${rate(mc)} rows vs xgboost ${rate(xc)} rows → ${(mc / xc).toFixed(2)}x (the figure to read on a busy machine)`);
    const xi = median(inplaceRates);
    console.log(`  vs xgboost inplace_predict (no DMatrix construction): ${rate(xi)} rows/s → ${(ml / xi).toFixed(2)}x`);
    console.log(`predictions agree: max |mlserve - xgboost| = ${maxDiff.toExponential(2)}`);
    return maxDiff <= 1e-6 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  process.exitCode = main();
} catch (err: unknown) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}

