// Answers one question: when a model crashes, hangs or loops under load, what does it cost the
// other requests? Good requests run on 16 keep-alive connections while faulty ones are injected;
// prints requests lost besides the faulty ones (goal 0), how long the worker took to come back,
// and what readiness said meanwhile, for 1 and 2 workers. Bounded; only 127.0.0.1.

import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'node:http';
import { startServerChild, type ServerChild } from './_child.js';
import { count, ms, median } from './_stats.js';

const USAGE = `Usage: node dist/bench/chaos.js [--faults N] [--connections C] [--smoke]

  --faults N        faults of each kind per worker count (default 5)
  --connections C   connections sending good requests meanwhile (default 16)
  --smoke           1 fault of each kind: checks the script runs`;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FAULTY = join(ROOT, 'test/fixtures/js/faulty');
const KINDS = ['crash', 'throw-later', 'hang', 'loop'] as const;
/** What each fault's own request should get: a crash fails it (503), a hang or loop times out (504). */
const EXPECTED: Record<(typeof KINDS)[number], number> = { crash: 503, 'throw-later': 503, hang: 504, loop: 504 };

const { values } = parseArgs({ options: { faults: { type: 'string' }, connections: { type: 'string' }, smoke: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const faults = values.smoke ? 1 : Number(values.faults ?? 5);
const connections = Number(values.connections ?? 16);
const TIMEOUT_S = 2;

function post(port: number, agent: Agent | undefined, params: Record<string, unknown>): Promise<{ status: number; ms: number } | { error: string; ms: number }> {
  const started = performance.now();
  const body = JSON.stringify({ inputs: [1], params });
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/invocations', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - started }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message, ms: performance.now() - started }));
    req.end(body);
  });
}

const restartsOf = async (url: string): Promise<number> => Number(/mlserve_worker_restarts_total (\d+)/.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0);
const sleep = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));

interface KindResult {
  faultAnswers: number[];
  recoveryMs: number[];
  notReadyMs: number[];
  /** Good requests lost while this kind of fault was being injected and recovered from. */
  lost: number;
}

async function scenario(workers: number): Promise<void> {
  const options = { modelUri: FAULTY, workers, warmup: false, timeoutSeconds: TIMEOUT_S };
  const child: ServerChild = await startServerChild(`faulty w${workers}`, [join(ROOT, 'dist/bench/_serve-child.js'), JSON.stringify(options)], { description: '' });
  const port = Number(new URL(child.url).port);
  let stop = false;
  let good = 0;
  let lost = 0;
  const lostWhy = new Map<string, number>();
  const latencies: number[] = [];
  const lane = async (): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (!stop) {
      const r = await post(port, agent, { tag: 'good' });
      if ('status' in r && r.status === 200) {
        good++;
        latencies.push(r.ms);
      } else {
        lost++;
        const why = 'status' in r ? String(r.status) : r.error;
        lostWhy.set(why, (lostWhy.get(why) ?? 0) + 1);
      }
    }
    agent.destroy();
  };
  // Readiness sampled every 10 ms: how long /ping said 503 during each fault.
  let notReadySince: number | undefined;
  let notReadyTotal = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const ok = (await fetch(`${child.url}/ping`).catch(() => undefined))?.status === 200;
      const now = performance.now();
      if (!ok && notReadySince === undefined) notReadySince = now;
      if (ok && notReadySince !== undefined) {
        notReadyTotal += now - notReadySince;
        notReadySince = undefined;
      }
      await sleep(10);
    }
  })();
  const lanes = Array.from({ length: connections }, lane);
  await sleep(1000);
  const results = new Map<string, KindResult>();
  for (const kind of KINDS) {
    const res: KindResult = { faultAnswers: [], recoveryMs: [], notReadyMs: [], lost: 0 };
    const lostBefore = lost;
    results.set(kind, res);
    for (let i = 0; i < faults; i++) {
      const before = await restartsOf(child.url);
      notReadyTotal = 0;
      const injected = performance.now();
      const answer = await post(port, undefined, { mode: kind });
      res.faultAnswers.push('status' in answer ? answer.status : -1);
      // Back when the restart is counted (a hang restarts nothing: the worker answers probes) and /ping says 200.
      let recovered = false;
      for (const end = performance.now() + 20_000; performance.now() < end; ) {
        if ((kind === 'hang' || (await restartsOf(child.url)) > before) && (await fetch(`${child.url}/ping`)).status === 200) {
          recovered = true;
          break;
        }
        await sleep(10);
      }
      res.recoveryMs.push(recovered ? performance.now() - injected : NaN);
      res.notReadyMs.push(notReadyTotal + (notReadySince !== undefined ? performance.now() - notReadySince : 0));
      await sleep(300);
    }
    res.lost = lost - lostBefore;
  }
  stop = true;
  await Promise.all(lanes);
  sampling = false;
  await sampler;
  await child.stop();
  console.log(`\n${workers} worker(s), ${connections} connections of good requests, request time-out ${TIMEOUT_S} s:`);
  for (const [kind, r] of results) {
    const expected = EXPECTED[kind as (typeof KINDS)[number]];
    const wrong = r.faultAnswers.filter((s) => s !== expected).length;
    console.log(
      `  ${kind.padEnd(11)} x${r.faultAnswers.length}: faulty request answered ${expected} ${r.faultAnswers.length - wrong}/${r.faultAnswers.length}` +
        `${wrong ? ` (others: ${r.faultAnswers.filter((s) => s !== expected).join(', ')})` : ''}; worker back after median ${ms(median(r.recoveryMs))} ms` +
        ` (max ${ms(Math.max(...r.recoveryMs))}); readiness 503 for median ${ms(median(r.notReadyMs))} ms; good requests lost: ${r.lost}`,
    );
  }
  const loopLost = results.get('loop')?.lost ?? 0;
  if (workers === 1 && loopLost > 0) {
    console.log(`  (loop, 1 worker: the only worker is held until the looping call's time-out (${TIMEOUT_S} s), so requests that waited longer than their own time-out meanwhile could not be served anywhere)`);
  }
  const p = (q: number): number => [...latencies].sort((a, b) => a - b)[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  console.log(`  good requests: ${count(good)} answered 200 (p50 ${ms(p(0.5))} ms, p99 ${ms(p(0.99))} ms, max ${ms(p(1))} ms); lost besides the faulty ones: ${lost}${lost ? ` (${[...lostWhy].map(([w, n]) => `${w} x${n}`).join(', ')})` : ''} (goal 0)`);
}

console.log(`chaos: ${faults} fault(s) of each kind (${KINDS.join(', ')}) under load`);
for (const workers of [1, 2]) await scenario(workers);
