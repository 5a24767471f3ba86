// Answers one question: serving a scikit-learn pipeline through Python, how does mlserve's Python engine compare with `mlflow models serve`, with the same number of Python processes? Prints req/s and latency ratios per request shape, then what the worker protocol costs per request.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, pinLoadGenerator, startServerChild, type Pinning } from './_child.js';
import { readTreeCpuMs } from './_cpu.js';
import { rawProbe, runRawLoad, type RawLoadResult } from './_load-raw.js';
import type { LoadTarget } from './_load.js';
import { count, formatLevel, median, ms, ratio } from './_stats.js';
import { positive } from './_settings.js';
import { decodeRequest } from '../src/pipeline/mlflow.js';
import { readMLmodel } from '../src/model/load.js';
import { Payload, encodeFrame } from '../src/runtime/python/frames.js';
import { encodeValue } from '../src/runtime/python/values.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL = join(ROOT, 'test/fixtures/python/models/sklearn_pipeline');
const TEST_VENV_PYTHON = join(ROOT, 'node_modules/.cache/mlserve-mlflow-venv/bin/python');

const USAGE = `Usage: node dist/bench/python.js [--python PATH] [--rounds N] [--duration S] [--warmup S] [--workers N] [--no-pin] [--smoke]

  --python PATH   a python with MLflow, scikit-learn and pyarrow (default: env MLSERVE_PYTHON, else the test venv
                  node_modules/.cache/mlserve-mlflow-venv, which \`npm test\` installs from ../shared/vendor/mlflow)
  --rounds N      rounds, median taken over them (default 3)
  --duration S    measured seconds per level (default 5)
  --warmup S      unmeasured seconds before each level (default 2)
  --workers N     Python processes on both sides: mlflow -w N, mlserve -w N (default 1)
  --no-pin        don't pin the servers (and their Python processes) to CPU 0 and the load generator to CPU 1
  --smoke         1 round, 0.5 s per level: checks the script runs, not for figures`;

/** One load level: a request shape and a connection count. */
interface Level {
  readonly name: string;
  readonly rows: number;
  readonly connections: number;
}

const LEVELS: readonly Level[] = [
  { name: '1 row, 1 connection', rows: 1, connections: 1 },
  { name: '1 row, 64 connections', rows: 1, connections: 64 },
  { name: '1,000 rows, 1 connection', rows: 1000, connections: 1 },
  { name: '1,000 rows, 16 connections', rows: 1000, connections: 16 },
];

/** The goals, printed as PASS/MISS (the script does not fail on them). */
const TARGET_RATIO_64 = 3;

const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'site'];

/** A deterministic iris-like request of `rows` rows (dataframe_split). */
function requestBody(rows: number): string {
  const data = Array.from({ length: rows }, (_, i) => [
    +(4.5 + (i % 30) / 10).toFixed(1),
    +(2.2 + (i % 20) / 10).toFixed(1),
    +(1.0 + (i % 55) / 10).toFixed(1),
    +(0.1 + (i % 24) / 10).toFixed(1),
    i % 2 ? 'north' : 'south',
  ]);
  return JSON.stringify({ dataframe_split: { columns: COLUMNS, data } });
}

interface Settings {
  readonly python: string;
  readonly rounds: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly workers: number;
  readonly pin: boolean;
}

function parseSettings(argv: string[]): Settings | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      python: { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      workers: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const python = values.python ?? process.env.MLSERVE_PYTHON ?? (existsSync(TEST_VENV_PYTHON) ? TEST_VENV_PYTHON : undefined);
  if (!python) throw new Error(`No python with MLflow: pass --python PATH (or run npm test once, which installs ${TEST_VENV_PYTHON}).`);
  return {
    python,
    rounds: values.smoke ? 1 : Math.round(positive('rounds', values.rounds, 3)),
    durationMs: (values.smoke ? 0.5 : positive('duration', values.duration, 5)) * 1000,
    warmupMs: (values.smoke ? 0.3 : positive('warmup', values.warmup, 2)) * 1000,
    workers: Math.round(positive('workers', values.workers, 1)),
    pin: !values['no-pin'],
  };
}

/** A running server under test. */
interface Server {
  readonly url: string;
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/** `mlflow models serve -w N --env-manager local`, pinned like the mlserve child; ready once /ping answers. */
async function startMlflow(s: Settings, pinning: Pinning, scratch: string): Promise<Server> {
  const port = await freePort();
  const mlflow = join(dirname(s.python), 'mlflow');
  const args = ['models', 'serve', '-m', MODEL, '-p', String(port), '-h', '127.0.0.1', '-w', String(s.workers), '--env-manager', 'local'];
  const [command, argv] = pinning.serverCpu === undefined ? [mlflow, args] : ['taskset', ['-c', String(pinning.serverCpu), mlflow, ...args]];
  const child: ChildProcess = spawn(command, argv, { cwd: scratch, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MLFLOW_TRACKING_URI: `file://${scratch}/mlruns` } });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-8000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  while (!(await fetch(`${url}/ping`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`mlflow models serve did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    cpuMs: () => readTreeCpuMs(child.pid!),
    async stop() {
      process.kill(-child.pid!, 'SIGTERM');
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `mlserve models serve --engine python -w N`; its Python workers are its children (taskset is inherited). */
async function startMlserve(s: Settings, pinning: Pinning, scratch: string): Promise<Server> {
  process.env.MLFLOW_TRACKING_URI = `file://${scratch}/mlruns`;
  const cwd = process.cwd();
  process.chdir(scratch);
  try {
    const child = await startServerChild(
      'mlserve',
      [join(ROOT, 'dist/src/cli/main.js'), 'models', 'serve', '-m', MODEL, '-p', '0', '--engine', 'python', '--python', s.python, '-w', String(s.workers)],
      pinning,
      180_000,
    );
    return { url: child.url, cpuMs: () => readTreeCpuMs(child.pid), stop: () => child.stop(10_000) };
  } finally {
    process.chdir(cwd);
  }
}

const VARIANTS = [
  { name: 'mlflow', start: startMlflow },
  { name: 'mlserve', start: startMlserve },
] as const;

type Results = Record<string, Record<string, RawLoadResult[]>>;

/** What `mlflow models serve` answers for a body: the expected answer of every request under load, on both servers. */
async function expectedAnswers(s: Settings, pinning: Pinning, scratch: string, bodies: Map<number, string>): Promise<Map<number, string>> {
  const server = await startMlflow(s, pinning, scratch);
  try {
    const out = new Map<number, string>();
    for (const [rows, body] of bodies) {
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      out.set(rows, await res.text());
    }
    return out;
  } finally {
    await server.stop();
  }
}

async function runRound(s: Settings, pinning: Pinning, scratch: string, round: number, bodies: Map<number, string>, answers: Map<number, string>, results: Results): Promise<void> {
  const order = round % 2 ? [...VARIANTS].reverse() : VARIANTS;
  for (const variant of order) {
    const server = await variant.start(s, pinning, scratch);
    try {
      for (const level of LEVELS) {
        const target: LoadTarget = {
          url: server.url,
          path: '/invocations',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(bodies.get(level.rows)!),
          expectStatus: 200,
          expectBody: answers.get(level.rows)!,
        };
        await rawProbe(target, 60_000);
        const r = await runRawLoad(target, { connections: level.connections, warmupMs: s.warmupMs, durationMs: s.durationMs, serverCpuMs: server.cpuMs });
        ((results[level.name] ??= {})[variant.name] ??= []).push(r);
        console.log(formatLevel(variant.name, level.connections, r, `  [${level.rows} row${level.rows === 1 ? '' : 's'}]`));
        for (const e of r.errorSamples) console.log(`      bad answer: ${e}`);
      }
    } finally {
      await server.stop();
    }
  }
}

function summarize(results: Results, rounds: number): boolean {
  let bad = false;
  console.log(`\nSummary (medians of ${rounds} round${rounds === 1 ? '' : 's'}; server CPU counts every process of each server, Python workers included):`);
  for (const level of LEVELS) {
    const m = (variant: string, pick: (r: RawLoadResult) => number | undefined): number => median((results[level.name]?.[variant] ?? []).map((r) => pick(r) ?? NaN));
    const fig = (v: string): string => `${count(m(v, (r) => r.reqPerSec))} req/s (p50 ${ms(m(v, (r) => r.p50Ms))} ms, p99 ${ms(m(v, (r) => r.p99Ms))} ms, ${count(m(v, (r) => r.serverCpuUsPerReq))} µs CPU/req)`;
    const speed = m('mlserve', (r) => r.reqPerSec) / m('mlflow', (r) => r.reqPerSec);
    const p99 = m('mlserve', (r) => r.p99Ms) / m('mlflow', (r) => r.p99Ms);
    console.log(`${level.name}: mlserve ${fig('mlserve')} vs mlflow ${fig('mlflow')} → ${ratio(speed)} req/s, p99 ${ratio(p99)} of MLflow's`);
    if (level.rows === 1 && level.connections === 64) console.log(`    goal ≥ ${TARGET_RATIO_64}x req/s at 64 connections: ${speed >= TARGET_RATIO_64 ? 'PASS' : 'MISS'}`);
    if (level.rows === 1 && level.connections === 1) console.log(`    goal p99 no worse than MLflow's at 1 connection: ${p99 <= 1 ? 'PASS' : 'MISS'}`);
    for (const v of ['mlflow', 'mlserve']) if ((results[level.name]?.[v] ?? []).some((r) => r.errors > 0)) bad = true;
  }
  return !bad;
}

/** Per-request cost of the worker protocol: encoding in mlserve, decoding in the worker (ours, Arrow IPC for comparison, MLflow's JSON parse). */
async function measureWire(s: Settings, bodies: Map<number, string>, scratch: string, iterations: number): Promise<void> {
  console.log('\nWorker protocol, per request (this process encodes; the worker decodes: bench/_wire.py):');
  const { signature } = await readMLmodel(MODEL);
  const files: string[] = [];
  for (const [rows, body] of bodies) {
    const decoded = decodeRequest('application/json', Buffer.from(body), { signature });
    const encode = (): Buffer[] => {
      const payload = new Payload();
      const v = payload.add(Buffer.from(`{"in":${encodeValue(decoded.input, payload)},"pa":${encodeValue(decoded.params, payload)}}`));
      return encodeFrame({ k: 'predict', id: 1, units: [{ v }] }, payload);
    };
    for (let i = 0; i < 100; i++) encode();
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) encode();
    const us = ((performance.now() - t0) * 1000) / iterations;
    const frame = Buffer.concat(encode());
    const file = join(scratch, `frame-${rows}.bin`);
    writeFileSync(file, frame);
    writeFileSync(`${file}.json`, body);
    files.push(file);
    console.log(`  ${rows} row${rows === 1 ? '' : 's'}: frame ${count(frame.length)} bytes (request JSON ${count(body.length)}), encoded in ${us.toFixed(1)} µs`);
  }
  const r = spawnSync(s.python, [join(ROOT, 'bench/_wire.py'), String(iterations), ...files], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(ROOT, 'python') } });
  process.stdout.write(r.stdout);
  if (r.status !== 0) console.log(`  (the Python side failed: ${r.stderr.trim().split('\n').pop()})`);
}

async function main(): Promise<void> {
  const s = parseSettings(process.argv.slice(2));
  if (!s) return void console.log(USAGE);
  const pinning = pinLoadGenerator(s.pin);
  console.log(`bench/python.ts: ${MODEL}, ${s.workers} Python process${s.workers === 1 ? '' : 'es'} per server, ${s.python}`);
  console.log(`${pinning.description}${pinning.serverCpu === undefined ? '' : ' (each server with all its processes, Python workers included)'}`);
  console.log(`load generator: bench/_load-raw.ts (raw sockets, every answer checked byte for byte against MLflow's); ${s.rounds} rounds, ${s.warmupMs / 1000} s warm-up + ${s.durationMs / 1000} s per level`);
  const scratch = mkdtempSync(join(tmpdir(), 'mlserve-bench-python-'));
  try {
    const bodies = new Map([1, 1000].map((rows) => [rows, requestBody(rows)]));
    const answers = await expectedAnswers(s, pinning, scratch, bodies);
    const results: Results = {};
    for (let round = 0; round < s.rounds; round++) {
      console.log(`\nround ${round + 1}/${s.rounds}`);
      await runRound(s, pinning, scratch, round, bodies, answers, results);
    }
    const ok = summarize(results, s.rounds);
    await measureWire(s, bodies, scratch, s.rounds === 1 && s.durationMs < 1000 ? 200 : 2000);
    if (!ok) {
      console.log('\nSome answers were wrong (see "bad answer" lines).');
      process.exitCode = 1;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
