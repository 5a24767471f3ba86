// Answers one question: when cheap scikit-learn calls run on the HTTP thread (src/runtime/inline.ts),
// does the server stay responsive under full load? For each scenario, 64 keep-alive connections
// post requests while GET /ping is probed on its own connection every 5 ms; prints req/s, latency,
// the /ping p99 against the 20 ms goal, and where the server chose to run the calls (its log line).
// Scenarios: a cheap model (LogisticRegression) one row per request, inline; a brute-force
// KNeighborsClassifier (2,000 training rows × 20 features, so its cost grows fast with the rows)
// at one row (inline), at 200 rows (worker thread), and mixed: half the connections one row, half
// sizes that straddle the inline limit (8 rows), so that the policy and its budget decide per call.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, pinLoadGenerator, startServerChild, type Pinning } from './_child.js';
import type { LoadTarget } from './_load.js';
import { runRawLoad, type RawLoadResult, type SideProbe } from './_load-raw.js';
import { positive } from './_settings.js';
import { findPython, runPython } from './_sklearn-models.js';
import { count, median, ms, ratio } from './_stats.js';

const USAGE = `Usage: node dist/bench/inline.js [--rounds N] [--duration S] [--baseline CLI] [--only TEXT] [--python PATH] [--dir DIR] [--no-pin] [--smoke]

  --rounds N     rounds (a fresh server per scenario and round), median taken (default 3)
  --duration S   measured seconds per scenario, after 1 s of warm-up (default 3)
  --baseline CLI another build's dist/src/cli/main.js (e.g. a checkout without inline calls): every scenario
                 runs on both, order alternating, and the ratios are printed
  --only TEXT    only the scenarios whose name contains TEXT
  --python P     a Python with scikit-learn (default: $MLSERVE_BENCH_PYTHON, ../.mlflow-venv/bin/python, python3)
  --dir DIR      cache of the generated models (default: bench/sklearn-models.py's)
  --no-pin       do not pin the server child to CPU 0 and this process to CPU 1
  --smoke        1 round, 0.5 s: checks the script runs, not for figures`;

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');
const CONNECTIONS = 64;
const PING: SideProbe = { path: '/ping', intervalMs: 5, expectStatus: 200, expectBody: '\n' };
const PING_GOAL_MS = 20;

/** One group of connections: a model's request of `rows` rows. */
interface Part {
  readonly rows: number;
  readonly connections: number;
}

interface Scenario {
  readonly name: string;
  readonly model: string;
  readonly parts: readonly Part[];
}

const ALL_SCENARIOS: readonly Scenario[] = [
  { name: 'logistic_regression, 1 row', model: 'logistic_regression', parts: [{ rows: 1, connections: CONNECTIONS }] },
  { name: 'kneighbors, 1 row', model: 'kneighbors', parts: [{ rows: 1, connections: CONNECTIONS }] },
  { name: 'kneighbors, 200 rows', model: 'kneighbors', parts: [{ rows: 200, connections: CONNECTIONS }] },
  { name: 'kneighbors, 1 row and 8 rows', model: 'kneighbors', parts: [{ rows: 1, connections: CONNECTIONS / 2 }, { rows: 8, connections: CONNECTIONS / 2 }] },
];

interface Figures {
  reqPerSec: number[];
  /** Server CPU µs per request (all its threads): steadier than req/s on a busy machine. */
  cpuUs: number[];
  p99Ms: number[];
  pingP99Ms: number[];
  pingMaxMs: number[];
  modes: Set<string>;
}

/** A dataframe_split body with the first `rows` rows of the model's rows.json. */
function bodyOf(rowsFile: string, rows: number): Buffer {
  const all = JSON.parse(readFileSync(rowsFile, 'utf8')) as { dataframe_split: { columns: string[]; data: unknown[][] } };
  return Buffer.from(JSON.stringify({ dataframe_split: { columns: all.dataframe_split.columns, data: all.dataframe_split.data.slice(0, rows) } }));
}

async function runScenario(cli: string, s: Scenario, dir: string, rowsFile: string, pinning: Pinning, warmupMs: number, durationMs: number): Promise<{ results: RawLoadResult[]; mode: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The log (an access line per request) goes to a file: the line saying where calls run is read from it after the load.
  const logDir = mkdtempSync(join(tmpdir(), 'mlserve-bench-inline-'));
  const logFile = join(logDir, 'server.log');
  const server = await startServerChild('mlserve', [cli, 'models', 'serve', '-m', dir, '-p', String(port), '-w', '1'], pinning, 60_000, url, logFile);
  try {
    const targets: LoadTarget[] = [];
    for (const part of s.parts) {
      const body = bodyOf(rowsFile, part.rows);
      const first = await fetch(new URL('/invocations', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array(body) });
      const text = await first.text();
      if (first.status !== 200) throw new Error(`${s.name}: ${first.status} ${text.slice(0, 200)}`);
      targets.push({ url: url, path: '/invocations', method: 'POST', headers: { 'content-type': 'application/json' }, body, expectStatus: 200, expectBody: text });
    }
    const results = await Promise.all(
      s.parts.map((part, i) => runRawLoad(targets[i]!, { connections: part.connections, warmupMs, durationMs, ...(i === 0 ? { probe: PING, serverCpuMs: () => server.cpuMs() } : {}) })),
    );
    for (const r of results) if (r.errors > 0) throw new Error(`${s.name}: ${r.errors} failed answers (${r.errorSamples.join('; ')})`);
    const log = readFileSync(logFile, 'utf8');
    const line = /calls of up to (\d+) input elements run on the HTTP thread[^\n]*/.exec(log);
    const off = /inline execution turned off[^\n]*/.exec(log);
    const mode = off ? 'inline turned off by its budget' : line ? `inline up to ${line[1]} input elements` : 'worker thread only';
    return { results, mode };
  } finally {
    await server.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      python: { type: 'string' },
      dir: { type: 'string' },
      baseline: { type: 'string' },
      only: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const smoke = values.smoke === true;
  const rounds = smoke ? 1 : Math.round(positive('rounds', values.rounds, 3));
  const durationMs = smoke ? 500 : positive('duration', values.duration, 3) * 1000;
  const warmupMs = smoke ? 300 : 1000;
  const python = findPython(values.python);
  if (!python) return void process.stdout.write('inline bench skipped: no Python with scikit-learn, numpy and pandas (give one with --python)\n');
  const prepared = runPython(python, ['prepare', ...(values.dir ? ['--dir', values.dir] : [])]);
  const pinning = pinLoadGenerator(!values['no-pin']);
  process.stdout.write(`${CONNECTIONS} connections, /ping every ${PING.intervalMs} ms on its own connection, ${rounds} rounds of ${durationMs / 1000} s; ${pinning.description}\n`);
  const SCENARIOS = ALL_SCENARIOS.filter((s) => values.only === undefined || s.name.includes(values.only));
  const variants = values.baseline ? [{ label: 'this build', cli: BIN }, { label: 'baseline', cli: values.baseline }] : [{ label: 'this build', cli: BIN }];
  const key = (s: Scenario, v: string): string => `${s.name} [${v}]`;
  const figures = new Map<string, Figures>();
  for (const s of SCENARIOS) for (const v of variants) figures.set(key(s, v.label), { reqPerSec: [], cpuUs: [], p99Ms: [], pingP99Ms: [], pingMaxMs: [], modes: new Set() });
  for (let round = 0; round < rounds; round++) {
    // Alternating order, so that no scenario or build always runs first on a machine that warms up.
    const order = round % 2 === 0 ? SCENARIOS : [...SCENARIOS].reverse();
    for (const s of order) {
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
        const m = prepared.manifest.models[s.model]!;
        const { results, mode } = await runScenario(v.cli, s, m.dir, m.rows, pinning, warmupMs, durationMs);
        const f = figures.get(key(s, v.label))!;
        const ping = results[0]!.probe!;
        f.reqPerSec.push(results.reduce((n, r) => n + r.reqPerSec, 0));
        const requests = results.reduce((n, r) => n + r.requests, 0);
        const cpuUs = results[0]!.serverCpu === undefined ? NaN : (results[0]!.serverCpu * durationMs * 1000) / requests;
        f.cpuUs.push(cpuUs);
        f.p99Ms.push(Math.max(...results.map((r) => r.p99Ms)));
        f.pingP99Ms.push(ping.p99Ms);
        f.pingMaxMs.push(ping.maxMs);
        f.modes.add(mode);
        process.stdout.write(
          `  round ${round + 1} ${key(s, v.label)}: ${results.map((r, i) => `${count(r.reqPerSec)} req/s of ${s.parts[i]!.rows} row${s.parts[i]!.rows === 1 ? '' : 's'} (p50 ${ms(r.p50Ms)} ms, p99 ${ms(r.p99Ms)} ms)`).join(' + ')}; ` +
            `server CPU ${count(cpuUs)} µs/request; /ping p99 ${ms(ping.p99Ms)} ms (max ${ms(ping.maxMs)}); ${mode}\n`,
        );
      }
    }
  }
  process.stdout.write('\n');
  for (const s of SCENARIOS) {
    for (const v of variants) {
      const f = figures.get(key(s, v.label))!;
      const p99 = median(f.pingP99Ms);
      process.stdout.write(
        `${key(s, v.label)}: ${count(median(f.reqPerSec))} req/s (request p99 ${ms(median(f.p99Ms))} ms, server CPU ${count(median(f.cpuUs))} µs/request); /ping p99 ${ms(p99)} ms, max ${ms(median(f.pingMaxMs))} ms ` +
          `(median of ${f.pingP99Ms.length}; goal ≤ ${PING_GOAL_MS} ms: ${p99 <= PING_GOAL_MS ? 'PASS' : 'MISS'}); ${[...f.modes].join(' / ')}\n`,
      );
    }
    if (values.baseline) {
      const a = figures.get(key(s, 'this build'))!;
      const b = figures.get(key(s, 'baseline'))!;
      process.stdout.write(
        `  this build vs baseline: ${ratio(median(a.reqPerSec) / median(b.reqPerSec))} req/s, ${ratio(median(b.cpuUs) / median(a.cpuUs))} less server CPU per request, /ping p99 ${ms(median(a.pingP99Ms))} vs ${ms(median(b.pingP99Ms))} ms\n`,
      );
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
