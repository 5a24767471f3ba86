// Benchmark: (1) ONNX inference through mlserve vs onnxruntime-node called in-process on the same model, and
// (2) /ping latency while a long inference runs (sessions run off the HTTP thread).
//
// Usage: node dist/bench/onnx.js [--rounds N] [--duration S] [--smoke]

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pinLoadGenerator, startServerChild, type Pinning } from './_child.js';
import { probe, runLoad } from './_load.js';
import { count, median, ms, percentile, ratio } from './_stats.js';

const run = promisify(execFile);
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const CLI = here('../src/cli/main.js');
const IRIS = here('../../examples/iris');
const LONG = here('../../bench/models/long-matmul');

interface Settings {
  rounds: number;
  durationS: number;
}

function parseSettings(argv: string[]): Settings {
  const get = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  if (argv.includes('--smoke')) return { rounds: 1, durationS: 0.5 };
  return { rounds: get('--rounds', 3), durationS: get('--duration', 3) };
}

/** A model and the shape of the one input it is fed. */
interface Case {
  readonly label: string;
  readonly dir: string;
  readonly rows: number;
  readonly cols: number;
}

const CASES: readonly Case[] = [
  { label: 'iris, 1 row', dir: IRIS, rows: 1, cols: 4 },
  { label: 'iris, 256 rows', dir: IRIS, rows: 256, cols: 4 },
  { label: 'long-matmul (8 x 1024^3 MatMul)', dir: LONG, rows: 1, cols: 1 },
];

function body(c: Case): string {
  return JSON.stringify({ inputs: Array.from({ length: c.rows }, () => [5.1, 3.5, 1.4, 0.2].slice(0, c.cols)) });
}

/** onnxruntime-node in a fresh pinned process: sequential calls per second. */
async function inProcess(c: Case, settings: Settings, pinning: Pinning): Promise<{ perSec: number; p50: number; p99: number }> {
  const args = [here('./_onnx-inproc.js'), `${c.dir}/model.onnx`, `${c.rows}x${c.cols}`, String(settings.durationS)];
  const [cmd, cmdArgs] = pinning.serverCpu === undefined ? [process.execPath, args] : ['taskset', ['-c', String(pinning.serverCpu), process.execPath, ...args]];
  const { stdout } = await run(cmd, cmdArgs, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim());
}

/** The same model through a fresh mlserve process, one connection, sequential requests. */
async function throughServer(c: Case, settings: Settings, pinning: Pinning): Promise<{ perSec: number; p50: number; p99: number }> {
  const child = await startServerChild('mlserve', [CLI, 'models', 'serve', '-m', c.dir, '-p', '0', '--no-batching', '--no-warmup'], pinning);
  try {
    const payload = Buffer.from(body(c));
    const expected = await (await fetch(`${child.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload })).text();
    const target = { url: child.url, path: '/invocations', method: 'POST', headers: { 'content-type': 'application/json' }, body: payload, expectStatus: 200, expectBody: expected };
    await probe(target);
    const r = await runLoad(target, { connections: 1, warmupMs: 500, durationMs: settings.durationS * 1000 });
    if (r.errors) throw new Error(`mlserve answered ${r.errors} bad responses: ${r.errorSamples.join('; ')}`);
    return { perSec: r.reqPerSec, p50: r.p50Ms, p99: r.p99Ms };
  } finally {
    await child.stop();
  }
}

/** /ping latencies (ms) sent every 5 ms for `seconds`, optionally while a client keeps a long inference running. */
async function pingWhile(url: string, seconds: number, busy: boolean): Promise<{ pings: number[]; inferences: number }> {
  let stop = false;
  let inferences = 0;
  const longLoop = (async () => {
    while (busy && !stop) {
      const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [[2.0]]}' });
      if (res.status !== 200) throw new Error(`long inference answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      inferences++;
    }
  })();
  const pings: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    const res = await fetch(`${url}/ping`);
    await res.arrayBuffer();
    pings.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 5));
  }
  stop = true;
  await longLoop;
  return { pings, inferences };
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  const pinning = pinLoadGenerator(!process.argv.includes('--no-pin'));
  console.log(`onnx: mlserve vs onnxruntime-node in-process (examples/iris), and /ping during a long inference`);
  console.log(`${settings.rounds} round(s), ${settings.durationS} s per measurement; ${pinning.description}\n`);

  for (const c of CASES) {
    const inproc: number[] = [];
    const served: number[] = [];
    const p50s: [number[], number[]] = [[], []];
    for (let round = 0; round < settings.rounds; round++) {
      // Alternate the order each round so drift on the shared machine hits both variants.
      const order = round % 2 === 0 ? (['inproc', 'served'] as const) : (['served', 'inproc'] as const);
      for (const v of order) {
        const r = v === 'inproc' ? await inProcess(c, settings, pinning) : await throughServer(c, settings, pinning);
        (v === 'inproc' ? inproc : served).push(r.perSec);
        p50s[v === 'inproc' ? 0 : 1].push(r.p50);
      }
    }
    const [a, b] = [median(inproc), median(served)];
    const overhead = median(p50s[1]) - median(p50s[0]);
    console.log(
      `${c.label}: mlserve ${count(b)} req/s (p50 ${ms(median(p50s[1]))} ms) vs onnxruntime in-process ${count(a)} calls/s (p50 ${ms(median(p50s[0]))} ms) → ${ratio(b / a)}; serving adds ${ms(overhead)} ms per call (median of ${settings.rounds}, 1 connection)`,
    );
  }

  const child = await startServerChild('mlserve', [CLI, 'models', 'serve', '-m', LONG, '-p', '0', '--no-warmup'], pinning);
  try {
    const idle = await pingWhile(child.url, settings.durationS, false);
    const busy = await pingWhile(child.url, Math.max(settings.durationS, 2), true);
    console.log(
      `\n/ping while idle: p50 ${ms(percentile(idle.pings, 0.5))} ms, p99 ${ms(percentile(idle.pings, 0.99))} ms (${idle.pings.length} pings)`,
    );
    console.log(
      `/ping while ~90 ms inferences run back to back: p50 ${ms(percentile(busy.pings, 0.5))} ms, p99 ${ms(percentile(busy.pings, 0.99))} ms, max ${ms(Math.max(...busy.pings))} ms (${busy.pings.length} pings, ${busy.inferences} inferences)`,
    );
  } finally {
    await child.stop();
  }
}

await main();
