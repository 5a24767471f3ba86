// Owns one measured mlserve round of bench/sklearn.ts: for each model, the in-process predict of the
// batch (timed, checked against scikit-learn's labels) and the latency of one-row requests through
// HTTP to a `mlserve models serve` child. Prints one JSON object.
// Usage: node dist/bench/_sklearn-child.js JOB.json   (see bench/sklearn.ts for the job's fields)

import { request, Agent } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../src/data/tensor.js';
import { loadModel } from '../src/model/load.js';
import { decodeRequest } from '../src/pipeline/mlflow.js';
import { enforceInput } from '../src/schema/enforce.js';
import { startServerChild, type Pinning } from './_child.js';
import { median, percentile } from './_stats.js';

/** What bench/sklearn.ts asks of one round. */
export interface SklearnJob {
  readonly models: { name: string; dir: string; rows: string; one: string; expected: string }[];
  /** Timed batch predictions per model. */
  readonly reps: number;
  /** Timed one-row HTTP requests per model. */
  readonly calls: number;
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
  /** One-row request through HTTP: median and p90 (ms). */
  readonly httpOneMs?: number;
  readonly httpOneP90Ms?: number;
  /** CPU the server process spent per one-row request (ms), all its threads. */
  readonly httpOneCpuMs?: number;
}

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');

async function decode(file: string, model: Awaited<ReturnType<typeof loadModel>>): Promise<unknown> {
  const ctx = { signature: model.signature, signatureFromTypeHint: model.signatureFromTypeHint, schemaDetails: true };
  const decoded = decodeRequest('application/json', readFileSync(file), ctx);
  return decoded.enforced ? decoded.input : enforceInput(decoded.input, model.signature?.inputs, { schemaDetails: true });
}

/** One POST of `body`; resolves with the status and the answer. */
function post(url: URL, agent: Agent, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function httpLatency(dir: string, oneFile: string, want: unknown, calls: number, pinning: Pinning): Promise<{ ms: number[]; cpuMs?: number }> {
  const server = await startServerChild('mlserve', [BIN, 'models', 'serve', '-m', dir, '-p', '0', '-w', '1'], pinning, 60_000);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const url = new URL('/invocations', server.url);
    const body = readFileSync(oneFile);
    const expected = JSON.stringify({ predictions: [want] });
    for (let i = 0; i < Math.min(50, calls); i++) {
      const a = await post(url, agent, body);
      if (a.status !== 200 || JSON.stringify(JSON.parse(a.text)) !== expected) throw new Error(`one-row answer ${a.status} ${a.text.slice(0, 200)}, expected ${expected}`);
    }
    const ms: number[] = [];
    const cpu0 = server.cpuMs();
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      const a = await post(url, agent, body);
      ms.push(performance.now() - t0);
      if (a.status !== 200) throw new Error(`one-row answer ${a.status}`);
    }
    const cpu1 = server.cpuMs();
    return { ms, cpuMs: cpu0 === undefined || cpu1 === undefined ? undefined : (cpu1 - cpu0) / calls };
  } finally {
    agent.destroy();
    await server.stop();
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
  for (let i = 0; i < 200 + job.calls; i++) {
    const t0 = performance.now();
    await model.predict(one, null);
    if (i >= 200) single.push(performance.now() - t0);
  }
  await model.close();
  const http = await httpLatency(m.dir, m.one, expected[0], job.calls, job.pinning);
  return {
    name: m.name,
    rows: expected.length,
    batchSeconds,
    batchCpuSeconds,
    mismatches,
    inProcessOneMs: median(single),
    httpOneMs: median(http.ms),
    httpOneP90Ms: percentile(http.ms, 0.9),
    httpOneCpuMs: http.cpuMs,
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
