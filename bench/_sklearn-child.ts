// Owns one measured mlserve round of bench/sklearn.ts: for each model, the in-process predict of the
// batch (timed, checked against scikit-learn's labels) and the latency of one-row requests through
// HTTP to a `mlserve models serve` child (and, when given, to MLflow's own scoring server), timed
// with a lean client (_load-raw.ts: one keep-alive socket writing the same request bytes, answers
// checked in place) so that the figure is the server's, not node:http's client. Prints one JSON object.
// Usage: node dist/bench/_sklearn-child.js JOB.json   (see bench/sklearn.ts for the job's fields)

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../src/data/tensor.js';
import { loadModel } from '../src/model/load.js';
import { decodeRequest } from '../src/pipeline/mlflow.js';
import { enforceInput } from '../src/schema/enforce.js';
import { freePort, startServerChild, type Pinning } from './_child.js';
import { readTreeCpuMs } from './_cpu.js';
import { runRawLoad } from './_load-raw.js';
import { median } from './_stats.js';

/** What bench/sklearn.ts asks of one round. */
export interface SklearnJob {
  readonly models: { name: string; dir: string; rows: string; one: string; expected: string }[];
  /** Timed batch predictions per model. */
  readonly reps: number;
  /** Milliseconds of one-row HTTP requests timed per server and model (after 500 ms of warm-up). */
  readonly latencyMs: number;
  /** MLflow's `mlflow` executable: its scoring server is timed the same way; absent, it is not. */
  readonly mlflow?: string;
  readonly pinning: Pinning;
}

/** What one round measured for one model. */
export interface SklearnRound {
  readonly name: string;
  /** Why mlserve could not load it natively (then nothing else is set). */
  readonly unsupported?: string;
  readonly rows?: number;
  readonly batchSeconds?: number[];
  readonly batchCpuSeconds?: number[];
  /** Rows whose label differs from scikit-learn's. */
  readonly mismatches?: number;
  /** One-row predict called in-process (ms, median). */
  readonly inProcessOneMs?: number;
  /** One-row request through HTTP: median and p99 (ms). */
  readonly httpOneMs?: number;
  readonly httpOneP99Ms?: number;
  /** CPU the server process spent per one-row request (ms), all its threads. */
  readonly httpOneCpuMs?: number;
  /** MLflow's scoring server, one-row requests the same way: median and p99 (ms), or why it was not timed. */
  readonly mlflowOneMs?: number;
  readonly mlflowOneP99Ms?: number;
  readonly mlflowSkipped?: string;
}

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');

async function decode(file: string, model: Awaited<ReturnType<typeof loadModel>>): Promise<unknown> {
  const ctx = { signature: model.signature, signatureFromTypeHint: model.signatureFromTypeHint, schemaDetails: true };
  const decoded = decodeRequest('application/json', readFileSync(file), ctx);
  return decoded.enforced ? decoded.input : enforceInput(decoded.input, model.signature?.inputs, { schemaDetails: true });
}

interface Latency {
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Server CPU per request (ms), where it can be read. */
  readonly cpuMs?: number;
}

/**
 * One-row requests on one keep-alive connection for 500 ms (not counted: a server warms up), then
 * `latencyMs` timed. The first answer is checked with `check`; every later one must be the same bytes.
 */
async function oneRowLatency(url: string, body: Buffer, check: (status: number, text: string) => void, latencyMs: number, serverCpuMs: () => number | undefined): Promise<Latency> {
  const first = await fetch(new URL('/invocations', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array(body) });
  const text = await first.text();
  check(first.status, text);
  const target = { url, path: '/invocations', method: 'POST', headers: { 'content-type': 'application/json' }, body, expectStatus: 200, expectBody: text };
  const r = await runRawLoad(target, { connections: 1, warmupMs: 500, durationMs: latencyMs, serverCpuMs });
  if (r.errors > 0) throw new Error(`${r.errors} one-row answers differed from the first (${r.errorSamples.join('; ')})`);
  return { p50Ms: r.p50Ms, p99Ms: r.p99Ms, cpuMs: r.serverCpuUsPerReq === undefined ? undefined : r.serverCpuUsPerReq / 1000 };
}

/** The answer MLflow's scoring protocol gives for one row whose prediction is `want`. */
function checker(want: unknown): (status: number, text: string) => void {
  const expected = JSON.stringify({ predictions: [want] });
  return (status, text) => {
    if (status !== 200 || JSON.stringify(JSON.parse(text)) !== expected) throw new Error(`one-row answer ${status} ${text.slice(0, 200)}, expected ${expected}`);
  };
}

async function httpLatency(dir: string, oneFile: string, want: unknown, job: SklearnJob): Promise<Latency> {
  const server = await startServerChild('mlserve', [BIN, 'models', 'serve', '-m', dir, '-p', '0', '-w', '1'], job.pinning, 60_000);
  try {
    return await oneRowLatency(server.url, readFileSync(oneFile), checker(want), job.latencyMs, () => server.cpuMs());
  } finally {
    await server.stop();
  }
}

/** `mlflow models serve -m dir --env-manager local` (pinned like mlserve's child), timed as mlserve is. */
async function mlflowLatency(mlflow: string, dir: string, oneFile: string, want: unknown, job: SklearnJob): Promise<Latency> {
  const port = await freePort();
  const args = ['models', 'serve', '-m', dir, '--env-manager', 'local', '-h', '127.0.0.1', '-p', String(port), '-w', '1'];
  const [command, argv] = job.pinning.serverCpu === undefined ? [mlflow, args] : ['taskset', ['-c', String(job.pinning.serverCpu), mlflow, ...args]];
  // Its own process group (the server runs in child processes of the `mlflow` command), and its own
  // working folder: MLflow creates a tracking database (mlflow.db) in the current folder.
  const cwd = mkdtempSync(join(tmpdir(), 'mlserve-bench-mlflow-'));
  const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, cwd });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    for (const until = Date.now() + 120_000; ; ) {
      if (child.exitCode !== null) throw new Error(`mlflow models serve exited: ${stderr}`);
      if (Date.now() > until) throw new Error(`mlflow models serve not ready in 120 s: ${stderr}`);
      const ok = await fetch(`${url}/ping`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // All of the server's processes count (the `mlflow` command, uvicorn and its workers).
    return await oneRowLatency(url, readFileSync(oneFile), checker(want), job.latencyMs, () => readTreeCpuMs(child.pid!));
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    const killer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(killer);
    rmSync(cwd, { recursive: true, force: true });
  }
}

async function measure(m: SklearnJob['models'][number], job: SklearnJob): Promise<SklearnRound> {
  let model;
  try {
    model = await loadModel(m.dir);
  } catch (err) {
    return { name: m.name, unsupported: `${(err as Error).name}: ${(err as Error).message}` };
  }
  const batch = await decode(m.rows, model);
  const one = await decode(m.one, model);
  const expected = JSON.parse(readFileSync(m.expected, 'utf8')) as unknown[];
  // Warm-up, not measured: V8 optimizes the evaluator's loops only after some calls, and a server
  // scores in that steady state. Up to 1 s or 200 batch calls, whichever comes first.
  let out = (await model.predict(batch, null)) as Tensor;
  for (let i = 1, until = performance.now() + 1000; i < 200 && performance.now() < until; i++) out = (await model.predict(batch, null)) as Tensor;
  const batchSeconds: number[] = [];
  const batchCpuSeconds: number[] = [];
  for (let i = 0; i < job.reps; i++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    out = (await model.predict(batch, null)) as Tensor;
    const c = process.cpuUsage(c0);
    batchSeconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
    batchCpuSeconds.push((c.user + c.system) / 1e6);
  }
  let mismatches = 0;
  for (let i = 0; i < expected.length; i++) if (out.at(i) !== expected[i]) mismatches++;
  const single: number[] = [];
  for (let i = 0; i < 200 + 300; i++) {
    const t0 = performance.now();
    await model.predict(one, null);
    if (i >= 200) single.push(performance.now() - t0);
  }
  await model.close();
  const http = await httpLatency(m.dir, m.one, expected[0], job);
  let mlflow: Latency | undefined;
  let mlflowSkipped: string | undefined;
  if (job.mlflow) {
    try {
      mlflow = await mlflowLatency(job.mlflow, m.dir, m.one, expected[0], job);
    } catch (err) {
      mlflowSkipped = (err as Error).message.split('\n')[0].slice(0, 300);
    }
  }
  return {
    name: m.name,
    rows: expected.length,
    batchSeconds,
    batchCpuSeconds,
    mismatches,
    inProcessOneMs: median(single),
    httpOneMs: http.p50Ms,
    httpOneP99Ms: http.p99Ms,
    httpOneCpuMs: http.cpuMs,
    ...(mlflow ? { mlflowOneMs: mlflow.p50Ms, mlflowOneP99Ms: mlflow.p99Ms } : {}),
    ...(mlflowSkipped ? { mlflowSkipped } : {}),
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as SklearnJob;
  const results: SklearnRound[] = [];
  for (const m of job.models) results.push(await measure(m, job));
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
