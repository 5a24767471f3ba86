// Answers one question: how fast does mlserve evaluate a LightGBM model natively, against LightGBM's own Booster.predict (num_threads=1)? Prints rows/s, the ratio, and single-row latency through HTTP.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Pinning, pinLoadGenerator, startServerChild } from './_child.js';
import { probe, runLoad } from './_load.js';
import { positive } from './_settings.js';
import { median, ms } from './_stats.js';
import { makeFeatures, positiveInt, runChild } from './_trees.js';

const USAGE = `Usage: node dist/bench/lightgbm.js [--rounds N] [--rows N] [--trees N] [--leaves N] [--features N] [--reps N]
                                 [--latency S] [--codegen] [--python PATH] [--smoke]

  --rounds N    rounds (fresh process per variant, alternating order), median taken (default 5)
  --rows N      rows predicted per call (default 100000)
  --trees N     boosting rounds of the model (default 500)
  --leaves N    num_leaves of the trees (default 63)
  --features N  features per row (default 50)
  --reps N      timed predictions per process, median taken (default 3)
  --latency S   seconds of single-row requests through HTTP, one connection (default 5; 0 skips)
  --codegen     also measure the trees compiled to JavaScript (bench/_lightgbm-codegen.ts)
  --python P    Python with lightgbm, numpy and pandas (default: the first of $LIGHTGBM_PYTHON,
                ../.mlflow-venv/bin/python, python3 that imports them)
  --smoke       1 round, 2,000 rows, 50 trees, 1 rep, 1 s of latency: checks the script runs

Without a Python that imports lightgbm, the script says so and exits 0. To make one from the local
wheel index: python3 -m venv /tmp/lgb && /tmp/lgb/bin/pip install lightgbm==4.7.0 numpy pandas`;

/** Trains the model and runs LightGBM's side; `train`, `predict` and `latency` subcommands. */
const PY_SCRIPT = String.raw`
import json, os, sys, time
import numpy as np
import pandas as pd
import lightgbm as lgb

def load_x(path, rows, cols):
    return np.fromfile(path, dtype="<f8").reshape(rows, cols)

def frame(x):
    return pd.DataFrame(x, columns=["f%d" % j for j in range(x.shape[1])])

cmd = sys.argv[1]
if cmd == "train":
    xfile, rows, cols, model_dir, trees, leaves = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6]), int(sys.argv[7])
    x = load_x(xfile, rows, cols)
    n = min(rows, 10000)
    rng = np.random.default_rng(1)
    z = np.nan_to_num(x[:n]) @ rng.normal(size=cols) + np.sin(3 * np.nan_to_num(x[:n, 0])) + rng.normal(size=n)
    params = {"objective": "binary", "num_leaves": leaves, "min_data_in_leaf": 5, "verbose": -1, "seed": 0}
    booster = lgb.train(params, lgb.Dataset(frame(x[:n]), (z > 0).astype(int)), trees)
    os.makedirs(model_dir)
    booster.save_model(os.path.join(model_dir, "model.lgb"))
    with open(os.path.join(model_dir, "MLmodel"), "w") as f:
        f.write("flavors:\n  python_function:\n    data: model.lgb\n    loader_module: mlflow.lightgbm\n"
                "  lightgbm:\n    code: null\n    data: model.lgb\n    lgb_version: %s\n    model_class: lightgbm.basic.Booster\n" % lgb.__version__)
    info = booster.dump_model()["tree_info"]
    def depth(node):
        return 0 if "leaf_index" in node else 1 + max(depth(node["left_child"]), depth(node["right_child"]))
    print(json.dumps({"version": lgb.__version__, "leaves_per_tree": sum(t["num_leaves"] for t in info) / len(info), "max_depth": max(depth(t["tree_structure"]) for t in info)}))
elif cmd == "predict":
    model_file, xfile, rows, cols, reps, out = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
    x = load_x(xfile, rows, cols)
    df = frame(x)
    booster = lgb.Booster(model_file=model_file)
    # MLflow's pyfunc for a Booster: booster.predict(df) on the request's DataFrame.
    pred = booster.predict(df, num_threads=1)
    seconds, cpu_seconds, array = [], [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        pred = booster.predict(df, num_threads=1)
        seconds.append(time.perf_counter() - t0)
        cpu_seconds.append(time.process_time() - c0)
    # A numpy array skips pandas' conversion: a second, stricter baseline.
    for _ in range(reps):
        t0 = time.perf_counter()
        booster.predict(x, num_threads=1)
        array.append(time.perf_counter() - t0)
    pred.astype("<f8").tofile(out)
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "array": array}))
else:
    model_file, xfile, rows, cols, count = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    x = load_x(xfile, rows, cols)
    booster = lgb.Booster(model_file=model_file)
    ones = [frame(x[i % rows : i % rows + 1]) for i in range(count)]
    booster.predict(ones[0], num_threads=1)
    times = []
    for df in ones:
        t0 = time.perf_counter()
        booster.predict(df, num_threads=1)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"p50": sorted(times)[len(times) // 2] * 1e3, "first": float(booster.predict(ones[0], num_threads=1)[0])}))
`;

interface Settings {
  readonly rounds: number;
  readonly rows: number;
  readonly trees: number;
  readonly leaves: number;
  readonly features: number;
  readonly reps: number;
  readonly latencySeconds: number;
  readonly codegen: boolean;
  readonly python?: string;
}

type Variant = 'lightgbm' | 'mlserve' | 'codegen';

function parseSettings(argv: string[]): Settings | undefined {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      rows: { type: 'string' },
      trees: { type: 'string' },
      leaves: { type: 'string' },
      features: { type: 'string' },
      reps: { type: 'string' },
      latency: { type: 'string' },
      codegen: { type: 'boolean', default: false },
      python: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (v.help) return undefined;
  const latency = v.latency === '0' ? 0 : positive('latency', v.latency, 5);
  return {
    rounds: v.smoke ? 1 : positiveInt('rounds', v.rounds, 5),
    rows: v.smoke ? 2000 : positiveInt('rows', v.rows, 100_000),
    trees: v.smoke ? 50 : positiveInt('trees', v.trees, 500),
    leaves: positiveInt('leaves', v.leaves, 63),
    features: positiveInt('features', v.features, 50),
    reps: v.smoke ? 1 : positiveInt('reps', v.reps, 3),
    latencySeconds: v.smoke ? Math.min(latency, 1) : latency,
    codegen: v.codegen,
    python: v.python,
  };
}

/** The Python to use: the flag, else the first candidate that imports lightgbm, numpy and pandas. */
function findPython(settings: Settings): string | undefined {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const candidates = settings.python ? [settings.python] : [process.env.LIGHTGBM_PYTHON, join(root, '../.mlflow-venv/bin/python'), 'python3'];
  return candidates.find((p) => p && (p === 'python3' || existsSync(p)) && spawnSync(p, ['-c', 'import lightgbm, numpy, pandas'], { stdio: 'ignore' }).status === 0);
}

interface Measurement {
  readonly rowsPerSec: number;
  readonly rowsPerCpuSec: number;
  /** lightgbm only: rows/s of predict on the numpy array. */
  readonly arrayRowsPerSec?: number;
  readonly predictions: Float64Array;
}

/** One fresh process for `variant`: its rows/s (median over its reps) and its predictions. */
function measure(variant: Variant, dir: string, python: string, settings: Settings): Measurement {
  const out = join(dir, `${variant}.f64`);
  const model = join(dir, 'model');
  const common = [join(dir, 'x.f64'), String(settings.rows), String(settings.features), String(settings.reps), out];
  const stdout =
    variant === 'lightgbm'
      ? runChild(python, [join(dir, 'bench.py'), 'predict', join(model, 'model.lgb'), ...common])
      : runChild(process.execPath, [fileURLToPath(new URL('./_lightgbm-child.js', import.meta.url)), variant === 'codegen' ? 'codegen' : 'table', model, ...common]);
  const { seconds, cpuSeconds, array } = JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number[]; cpuSeconds: number[]; array?: number[] };
  const bytes = readFileSync(out);
  return {
    rowsPerSec: settings.rows / median(seconds),
    rowsPerCpuSec: settings.rows / median(cpuSeconds),
    arrayRowsPerSec: array ? settings.rows / median(array) : undefined,
    predictions: new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)),
  };
}

const rate = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`);

function largestRelative(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, a[i] === b[i] ? 0 : Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return worst;
}

/** p50/p99 of single-row requests, one connection, against a fresh `mlserve models serve` of `modelDir`. */
async function serveLatency(label: string, modelDir: string, body: string, settings: Settings, pinning: Pinning, check?: (text: string) => void) {
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const child = await startServerChild(label, [cli, 'models', 'serve', '-m', modelDir, '-p', '0'], pinning, 60_000);
  try {
    const res = await fetch(`${child.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${label} answered ${res.status} ${text}`);
    check?.(text);
    const target = { url: child.url, path: '/invocations', method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(body), expectStatus: 200, expectBody: text };
    await probe(target);
    return await runLoad(target, { connections: 1, warmupMs: 1000, durationMs: settings.latencySeconds * 1000, serverCpuMs: child.cpuMs });
  } finally {
    await child.stop();
  }
}

/**
 * Single-row requests through `mlserve models serve`, one connection; baselines measured in the same
 * run: the same request path with a model that only echoes (what serving costs without the trees),
 * and LightGBM's own in-process `Booster.predict` on a 1-row DataFrame (what MLflow's pyfunc runs).
 */
async function latency(dir: string, python: string, settings: Settings): Promise<void> {
  const x = makeFeatures(1, settings.features);
  // NaN, not null: a column holding only null is object dtype in pandas, which LightGBM refuses.
  const cells = Array.from(x, (v) => (Number.isNaN(v) ? 'NaN' : String(v)));
  const body = `{"dataframe_split": {"columns": [${cells.map((_, j) => `"f${j}"`).join(', ')}], "data": [[${cells.join(', ')}]]}}`;
  const py = JSON.parse(runChild(python, [join(dir, 'bench.py'), 'latency', join(dir, 'model', 'model.lgb'), join(dir, 'x.f64'), String(settings.rows), String(settings.features), '2000']).trim()) as { p50: number; first: number };
  const pinning = pinLoadGenerator(true);
  const model = await serveLatency('mlserve', join(dir, 'model'), body, settings, pinning, (text) => {
    const got = (JSON.parse(text) as { predictions: number[] }).predictions[0];
    if (Math.abs(got - py.first) > 1e-12 * Math.abs(py.first)) throw new Error(`single-row answer ${got} differs from LightGBM's ${py.first}`);
  });
  const echo = await serveLatency('echo', fileURLToPath(new URL('../../test/conformance/models/echo_optional', import.meta.url)), '{"dataframe_split": {"columns": ["x"], "data": [[1.0]]}}', settings, pinning);
  console.log('');
  console.log(`single-row latency through HTTP, one connection (${pinning.description}):`);
  console.log(`  mlserve, this model: p50 ${ms(model.p50Ms)} ms, p99 ${ms(model.p99Ms)} ms (${model.requests} requests, ${model.errors} bad)`);
  console.log(`  mlserve, a model that echoes its input (serving alone): p50 ${ms(echo.p50Ms)} ms, p99 ${ms(echo.p99Ms)} ms → the trees add ${ms(model.p50Ms - echo.p50Ms)} ms`);
  console.log(`  LightGBM's Booster.predict on a 1-row DataFrame, in-process (no HTTP, no JSON): p50 ${ms(py.p50)} ms`);
}

async function main(): Promise<number> {
  const settings = parseSettings(process.argv.slice(2));
  if (!settings) {
    console.log(USAGE);
    return 0;
  }
  const python = findPython(settings);
  if (!python) {
    console.log('lightgbm bench skipped: no Python that imports lightgbm, numpy and pandas (see --help for making one from the local wheels)');
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-bench-lightgbm-'));
  try {
    writeFileSync(join(dir, 'bench.py'), PY_SCRIPT);
    writeFileSync(join(dir, 'x.f64'), makeFeatures(settings.rows, settings.features));
    const s = settings;
    const trained = JSON.parse(runChild(python, [join(dir, 'bench.py'), 'train', join(dir, 'x.f64'), String(s.rows), String(s.features), join(dir, 'model'), String(s.trees), String(s.leaves)], true).trim()) as {
      version: string;
      leaves_per_tree: number;
      max_depth: number;
    };
    console.log(`lightgbm: mlserve's native evaluator vs LightGBM ${trained.version} Booster.predict(df, num_threads=1) (${python}), both single-threaded`);
    console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; binary, ${s.trees} trees, ${trained.leaves_per_tree.toFixed(1)} leaves per tree (max depth ${trained.max_depth}), ${s.features} features, 2% missing`);
    console.log(`${s.rounds} round(s), fresh process per variant, alternating order; each process: warm-up, then median of ${s.reps} timed predictions of ${s.rows} rows`);
    const variants: Variant[] = s.codegen ? ['lightgbm', 'mlserve', 'codegen'] : ['lightgbm', 'mlserve'];
    const rates: Record<Variant, number[]> = { lightgbm: [], mlserve: [], codegen: [] };
    const cpuRates: Record<Variant, number[]> = { lightgbm: [], mlserve: [], codegen: [] };
    const arrayRates: number[] = [];
    let worst = 0;
    for (let round = 0; round < s.rounds; round++) {
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      const results = {} as Record<Variant, Measurement>;
      for (const v of order) results[v] = measure(v, dir, python, s);
      for (const v of order) {
        rates[v].push(results[v].rowsPerSec);
        cpuRates[v].push(results[v].rowsPerCpuSec);
        if (v !== 'lightgbm') worst = Math.max(worst, largestRelative(results[v].predictions, results.lightgbm.predictions));
      }
      arrayRates.push(results.lightgbm.arrayRowsPerSec ?? NaN);
      console.log(`  round ${round + 1}: ${order.map((v) => `${v} ${rate(results[v].rowsPerSec)} rows/s`).join(', ')} (LightGBM on the numpy array ${rate(results.lightgbm.arrayRowsPerSec ?? NaN)} rows/s)`);
    }
    const [ml, lg] = [median(rates.mlserve), median(rates.lightgbm)];
    console.log('');
    console.log(`lightgbm ${s.trees} trees x ${s.leaves} leaves, ${s.rows} rows x ${s.features} features: mlserve ${rate(ml)} rows/s vs LightGBM ${rate(lg)} rows/s → ${(ml / lg).toFixed(2)}x (median of ${s.rounds})`);
    const [mc, lc] = [median(cpuRates.mlserve), median(cpuRates.lightgbm)];
    console.log(`  per CPU second: mlserve ${rate(mc)} rows vs LightGBM ${rate(lc)} rows → ${(mc / lc).toFixed(2)}x (the figure to read on a busy machine)`);
    const la = median(arrayRates);
    console.log(`  vs LightGBM on the numpy array (no pandas conversion): ${rate(la)} rows/s → ${(ml / la).toFixed(2)}x`);
    if (s.codegen) {
      const [cg, cgc] = [median(rates.codegen), median(cpuRates.codegen)];
      console.log(`  trees compiled to JavaScript (codegen): ${rate(cg)} rows/s, ${rate(cgc)} per CPU second → table walk / codegen = ${(ml / cg).toFixed(2)}x (${(mc / cgc).toFixed(2)}x per CPU second)`);
    }
    console.log(`predictions agree: largest relative difference from LightGBM ${worst.toExponential(2)}`);
    if (s.latencySeconds > 0) await latency(dir, python, s);
    return worst <= 1e-12 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
