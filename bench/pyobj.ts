// Answers one question: how fast does mlserve read a pickled 100-tree RandomForestClassifier (and
// the skops file of it, when skops is importable), against Python's own pickle.loads (skops.io.loads)
// of the same bytes? Cold reads, a fresh process per variant and round, alternating order.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, ms, ratio } from './_stats.js';

const USAGE = `Usage: node dist/bench/pyobj.js [--rounds N] [--trees N] [--rows N] [--python PATH] [--smoke]

  --rounds N   rounds (fresh process per variant, alternating order), median taken (default 5)
  --trees N    n_estimators of the forest (default 100)
  --rows N     training rows; fully grown trees, so this sets the file size (default 20000)
  --python P   Python with scikit-learn (default: python3); skops is used when importable
               (e.g. PYTHONPATH=<skops source>)
  --smoke      1 round, 5 trees, 2000 rows: checks the script runs, not for figures`;

const PY_SCRIPT = String.raw`
import json, pickle, sys, time
cmd, path = sys.argv[1], sys.argv[2]
if cmd == "train":
    import numpy as np
    from sklearn.ensemble import RandomForestClassifier
    trees, rows = int(sys.argv[3]), int(sys.argv[4])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, 20))
    y = (x[:, 0] + np.sin(3 * x[:, 1]) + rng.normal(size=rows) > 0).astype(int)
    model = RandomForestClassifier(n_estimators=trees, random_state=0, n_jobs=1).fit(x, y)
    with open(path + ".pkl", "wb") as f:
        pickle.dump(model, f, protocol=5)
    try:
        import skops.io as sio
        sio.dump(model, path + ".skops")
        skops = True
    except ImportError:
        skops = False
    import sklearn
    print(json.dumps({"sklearn": sklearn.__version__, "nodes": int(sum(t.tree_.node_count for t in model.estimators_)), "skops": skops}))
else:
    # Import what the file needs first: the figure is reading, not importing scikit-learn.
    import numpy, sklearn.ensemble
    data = open(path, "rb").read()
    if path.endswith(".skops"):
        import skops.io as sio
        trusted = sio.get_untrusted_types(data=data)
    t0 = time.perf_counter()
    if path.endswith(".skops"):
        sio.loads(data, trusted=trusted)
    else:
        pickle.loads(data)
    print(json.dumps({"ms": (time.perf_counter() - t0) * 1000}))
`;

const CHILD = fileURLToPath(new URL('./_pyobj-child.js', import.meta.url));

interface Settings {
  rounds: number;
  trees: number;
  rows: number;
  python: string;
}

function parseSettings(argv: string[]): Settings | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      trees: { type: 'string' },
      rows: { type: 'string' },
      python: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const int = (name: string, v: string | undefined, fallback: number): number => {
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  return {
    rounds: values.smoke ? 1 : int('rounds', values.rounds, 5),
    trees: values.smoke ? 5 : int('trees', values.trees, 100),
    rows: values.smoke ? 2000 : int('rows', values.rows, 20_000),
    python: values.python ?? 'python3',
  };
}

function runJson(cmd: string, args: string[]): Record<string, number | string | boolean> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: process.env, maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function main(): void {
  const settings = parseSettings(process.argv.slice(2));
  if (!settings) {
    console.log(USAGE);
    return;
  }
  const probe = spawnSync(settings.python, ['-c', 'import sklearn'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log(`pyobj bench skipped: ${settings.python} cannot import scikit-learn (pass --python)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-pyobj-bench-'));
  try {
    const base = join(dir, 'forest');
    const info = runJson(settings.python, ['-c', PY_SCRIPT, 'train', base, String(settings.trees), String(settings.rows)]);
    const files = [`${base}.pkl`, ...(info.skops ? [`${base}.skops`] : [])];
    console.log(`RandomForestClassifier: ${settings.trees} trees, ${info.nodes} nodes, scikit-learn ${info.sklearn}; cold reads, median of ${settings.rounds} rounds`);
    for (const file of files) {
      const ours: number[] = [];
      const decode: number[] = [];
      const python: number[] = [];
      for (let round = 0; round < settings.rounds; round++) {
        const variants = [
          () => {
            const r = runJson(process.execPath, [CHILD, file]);
            ours.push(r.readMs as number);
            decode.push(r.decodeMs as number);
          },
          () => python.push(runJson(settings.python, ['-c', PY_SCRIPT, 'load', file]).ms as number),
        ];
        if (round % 2 === 1) variants.reverse();
        for (const v of variants) v();
      }
      const mb = (statSync(file).size / 1e6).toFixed(1);
      const kind = file.endsWith('.skops') ? 'skops file' : 'pickle (protocol 5)';
      console.log(`  ${kind}, ${mb} MB: mlserve ${ms(median(ours))} ms (+ ${ms(median(decode))} ms to decode every tree's node fields), Python ${ms(median(python))} ms`);
      console.log(`    mlserve read: ${ratio(median(python) / median(ours))} faster than Python's ${file.endsWith('.skops') ? 'skops.io.loads' : 'pickle.loads'}; read + decode: ${ratio(median(python) / (median(ours) + median(decode)))}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
