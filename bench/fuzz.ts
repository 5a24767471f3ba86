// Answers one question: does anything a hostile client sends make mlserve fault? A seeded generator
// of bad requests (MLflow JSON, CSV, V2 REST, gRPC, content types, encodings, random bytes) runs
// against five models, each served by a fresh child process; prints crashes, 5xx by cause, answers
// over 5 s and peak RSS. Bounded in count and time; only 127.0.0.1 is contacted.

import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerChild, pinLoadGenerator, type ServerChild } from './_child.js';
import { readRssMb } from './_rss.js';
import { count, ms } from './_stats.js';
import type { FuzzCase } from '../test/helpers/fuzz-gen.js';
import { runFuzz, type FuzzOutcome } from '../test/helpers/fuzz-run.js';

const USAGE = `Usage: node dist/bench/fuzz.js [--requests N] [--max-minutes M] [--concurrency C] [--seed S] [--smoke]

  --requests N      requests in all, shared by the five models (default 100000)
  --max-minutes M   stop after M minutes whatever the count (default 30)
  --concurrency C   requests in flight per model (default 8)
  --seed S          first seed; model i uses S + i (default 1)
  --small           bodies of tens of kilobytes (as npm test's fuzz), not megabytes: many more requests per minute
  --smoke           2,000 requests: checks the script runs`;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODELS = ['echo_cols', 'echo_tensor', 'echo_chat', 'echo_params', 'iris_onnx'];
const SLOW_MS = 5000;

const { values } = parseArgs({ options: { requests: { type: 'string' }, 'max-minutes': { type: 'string' }, concurrency: { type: 'string' }, seed: { type: 'string' }, smoke: { type: 'boolean' }, small: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const total = values.smoke ? 2000 : Number(values.requests ?? 100_000);
const maxMs = Number(values['max-minutes'] ?? 30) * 60_000;
const concurrency = Number(values.concurrency ?? 8);
const seed = Number(values.seed ?? 1);

console.log(`fuzz: ${count(total)} requests over ${MODELS.length} models, ${concurrency} in flight, seed ${seed}, at most ${maxMs / 60_000} min, ${values.small ? 'bodies of tens of kilobytes' : 'bodies up to megabytes'}`);
console.log(pinLoadGenerator(false).description);

/**
 * The cases of `model` from a generator thread (`_fuzz-cases.ts`), in order, a batch ahead: the
 * sending thread only sends and times.
 */
function casesFromThread(seed: number, model: string): { next: () => Promise<FuzzCase>; close: () => Promise<number> } {
  const worker = new Worker(new URL('./_fuzz-cases.js', import.meta.url), { workerData: { seed, model, large: !values.small } });
  const ready: FuzzCase[] = [];
  const waiting: ((c: FuzzCase) => void)[] = [];
  let asked = false;
  const BATCH = 4;
  const ask = (): void => {
    if (asked) return;
    asked = true;
    worker.postMessage(BATCH);
  };
  worker.on('message', (batch: FuzzCase[]) => {
    asked = false;
    for (const c of batch) {
      // Buffers arrive as Uint8Arrays.
      const fixed: FuzzCase = c.kind === 'http' ? { ...c, body: Buffer.from(c.body.buffer, c.body.byteOffset, c.body.byteLength) } : c;
      const w = waiting.shift();
      if (w) w(fixed);
      else ready.push(fixed);
    }
    if (ready.length < BATCH) ask();
  });
  ask();
  return {
    next: () => {
      const c = ready.shift();
      if (ready.length < BATCH) ask();
      return c ? Promise.resolve(c) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => worker.terminate(),
  };
}

/** A thread that GETs `<url>/ping` every second and posts the time each answer took. */
function pingSampler(url: string): Worker {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    setInterval(() => {
      const t = performance.now();
      fetch(workerData + '/ping', { signal: AbortSignal.timeout(5000) }).then(
        (res) => res.arrayBuffer().then(() => parentPort.postMessage({ ms: performance.now() - t, status: res.status })),
        () => parentPort.postMessage({ failed: true }),
      );
    }, 1000);`;
  return new Worker(code, { eval: true, workerData: url });
}

const loopLag = monitorEventLoopDelay({ resolution: 20 });
loopLag.enable();
const started = Date.now();
const deadline = started + maxMs;
const causes = new Map<string, number>();
const answers = new Map<string, number>();
let sent = 0;
let slow = 0;
let slowest = 0;
let worstPing = 0;
const slowFamilies = new Map<string, number>();
const slowCases: { ms: number; what: string }[] = [];
let crashes = 0;
let peakRss = 0;

for (let i = 0; i < MODELS.length; i++) {
  const model = MODELS[i]!;
  const share = Math.ceil(total / MODELS.length);
  const options = { modelUri: join(ROOT, 'test/conformance/models', model), workers: 1, warmup: false, grpcPort: 0, timeoutSeconds: 30 };
  let child: ServerChild = await startServerChild(model, [join(ROOT, 'dist/bench/_serve-child.js'), JSON.stringify(options)], { description: '' });
  const port = Number(new URL(child.url).port);
  const grpcPort = Number(/grpc-port (\d+)/.exec(child.stderr())?.[1]);
  let alive = true;
  // /ping is timed from a thread of its own: the generator building megabyte bodies on this thread
  // must not count as the server's slowness.
  const sampler = pingSampler(child.url);
  sampler.on('message', (m: { ms?: number; status?: number; failed?: boolean }) => {
    const r = readRssMb(child.pid);
    if (r) peakRss = Math.max(peakRss, r.peak);
    if (m.ms !== undefined) worstPing = Math.max(worstPing, m.ms);
    if (m.status !== undefined && m.status !== 200) causes.set(`/ping answered ${m.status}`, (causes.get(`/ping answered ${m.status}`) ?? 0) + 1);
    if (m.failed && child.exited()) alive = false;
  });
  const modelStarted = Date.now();
  const cases = casesFromThread(seed + i, model);
  const n = await runFuzz({ port, grpcPort }, cases.next, {
    count: share,
    concurrency,
    timeoutMs: 30_000,
    // Each model gets its share of the time left, so a slow model does not starve the later ones.
    deadline: Date.now() + (deadline - Date.now()) / (MODELS.length - i),
    stop: () => !alive,
    onOutcome: (o: FuzzOutcome, c) => {
      answers.set(o.answer, (answers.get(o.answer) ?? 0) + 1);
      if (o.fault) causes.set(o.cause!, (causes.get(o.cause!) ?? 0) + 1);
      if (o.ms > SLOW_MS) {
        slow++;
        slowFamilies.set(o.family, (slowFamilies.get(o.family) ?? 0) + 1);
        const what = c.kind === 'http' ? `${c.method} ${c.path} ${c.headers['content-type'] ?? ''} ${c.body.length} bytes: ${c.body.subarray(0, 80).toString('latin1')}` : `gRPC ${JSON.stringify(c.request).slice(0, 120)}`;
        slowCases.push({ ms: o.ms, what: `${o.answer} ${what}` });
      }
      slowest = Math.max(slowest, o.ms);
    },
  });
  await sampler.terminate();
  await cases.close();
  sent += n;
  const r = readRssMb(child.pid);
  if (r) peakRss = Math.max(peakRss, r.peak);
  if (!alive) crashes++;
  console.log(`  ${model.padEnd(12)} ${count(n).padStart(7)} requests in ${((Date.now() - modelStarted) / 1000).toFixed(0)} s, ${alive ? 'server alive' : 'SERVER STOPPED ANSWERING'}, peak RSS ${r ? r.peak.toFixed(0) : '-'} MB`);
  await child.stop();
  child = undefined as never;
}

const faults = [...causes.values()].reduce((a, b) => a + b, 0);
console.log(`\nfuzz: ${count(sent)} requests in ${((Date.now() - started) / 60_000).toFixed(1)} min (seed ${seed})`);
console.log(`  crashes (server stopped answering /ping): ${crashes}`);
console.log(`  5xx and other server faults: ${faults}`);
for (const [cause, n] of [...causes].sort((a, b) => b[1] - a[1])) console.log(`    ${String(n).padStart(6)}  ${cause}`);
console.log(`  answers over ${SLOW_MS / 1000} s: ${slow} (slowest ${ms(slowest)} ms)${slow ? `; by family: ${[...slowFamilies].map(([f, n]) => `${f} ${n}`).join(', ')}` : ''}`);
for (const s of slowCases.sort((a, b) => b.ms - a.ms).slice(0, 5)) console.log(`    ${ms(s.ms)} ms  ${s.what.replace(/\s+/g, ' ').slice(0, 200)}`);
console.log(`  slowest /ping during the run (sampled every second): ${ms(worstPing)} ms`);
console.log(`  the load generator's own event-loop delay (generating bodies, other work on the machine): p99 ${ms(loopLag.percentile(99) / 1e6)} ms, max ${ms(loopLag.max / 1e6)} ms; answer times include it`);
console.log(`  peak RSS of a server: ${peakRss.toFixed(0)} MB`);
console.log(`  answers: ${[...answers].sort((a, b) => b[1] - a[1]).map(([a, n]) => `${a} ${count(n)}`).join(', ')}`);
console.log(`goal: 0 crashes, 0 faults, 0 slow: ${crashes === 0 && faults === 0 && slow === 0 ? 'MET' : 'MISSED'}`);
process.exit(crashes === 0 && faults === 0 ? 0 : 1);
